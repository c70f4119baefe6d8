"""Moving a case between stages, and its timeline: every move is checked against
``caseapp.domain.stages`` and written as a ``CaseEvent`` with actor, time and an encrypted note."""

from dataclasses import dataclass
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.domain import notifications as kinds
from caseapp.domain import stages
from caseapp.domain.i18n import N_, sentence_from_store, stored_sentence
from caseapp.models import CaseEvent, User
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, audit, notifications
from caseapp.services.vault import CaseVault

# The kinds of timeline entry whose note a person wrote (a move's) or that names a person (a team change's); every
# other entry's note is the app's own sentence (``record_event``).
MOVE = "move"
ADDED = "team_added"
REMOVED = "team_removed"
PERSONS_NOTES = frozenset({MOVE, ADDED, REMOVED})


def move_case(session: Session, vault: CaseVault, actor: User, target: str, note: str | None = None) -> CaseEvent:
    """Move the vault's case to ``target`` if the stage table allows ``actor`` to; ServiceError otherwise."""
    case = vault.case
    if not stages.can_move(case.stage, target, actor.role):
        raise ServiceError(N_("This case cannot be moved to that stage now."))
    event = CaseEvent(uuid=uuid4(), case_id=case.id, occurred_at=utcnow(), actor_id=actor.id, actor_role=actor.role,
                      from_stage=case.stage, to_stage=target, action=MOVE)
    vault.set(event, "note", (note or "").strip() or None)
    source, case.stage = case.stage, target
    session.add(event)
    session.flush()
    audit.record(session, action="stage_changed", actor=actor, case=case)
    notifications.notify_move(session, case, source, target, actor)
    return event


def record_event(session: Session, vault: CaseVault, actor: User, note: str, *, action: str = "record") -> CaseEvent:
    """A timeline entry for something recorded without a stage move (both stages are the current one);
    ``action`` names a kind of entry a page looks for again (the victims' consent to publish their names).
    ``note`` is the app's own sentence (a ``Text``): it is stored with its message id and parameters, so that
    each reader's page says it in their language."""
    case = vault.case
    event = CaseEvent(uuid=uuid4(), case_id=case.id, occurred_at=utcnow(), actor_id=actor.id, actor_role=actor.role,
                      from_stage=case.stage, to_stage=case.stage, action=action)
    vault.set(event, "note", stored_sentence(note))
    session.add(event)
    session.flush()
    audit.record(session, action="case_updated", actor=actor, case=case)
    notifications.notify_case(session, case, kinds.CASE_MOVED, actor=actor)
    return event


@dataclass
class TimelineEntry:
    event: CaseEvent
    note: str | None


def timeline(session: Session, vault: CaseVault) -> list[TimelineEntry]:
    """The case's moves, newest first, notes decrypted (the app's own sentences as ``Text`` again)."""
    events = session.execute(
        select(CaseEvent).where(CaseEvent.case_id == vault.case.id).order_by(CaseEvent.occurred_at.desc(),
                                                                             CaseEvent.id.desc())
    ).scalars()
    return [TimelineEntry(event, _note(event, vault.get(event, "note"))) for event in events]


def _note(event: CaseEvent, note: str | None) -> str | None:
    # A person's words are never read as the app's stored sentence, whatever they look like.
    return note if event.action in PERSONS_NOTES else sentence_from_store(note)
