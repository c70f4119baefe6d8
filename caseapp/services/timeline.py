"""Moving a case between stages, and its timeline: every move is checked against
``caseapp.domain.stages`` and written as a ``CaseEvent`` with actor, time and an encrypted note."""

from dataclasses import dataclass
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.domain import notifications as kinds
from caseapp.domain import stages
from caseapp.domain.i18n import N_
from caseapp.models import CaseEvent, User
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, audit, notifications
from caseapp.services.vault import CaseVault


def move_case(session: Session, vault: CaseVault, actor: User, target: str, note: str | None = None) -> CaseEvent:
    """Move the vault's case to ``target`` if the stage table allows ``actor`` to; ServiceError otherwise."""
    case = vault.case
    if not stages.can_move(case.stage, target, actor.role):
        raise ServiceError(N_("This case cannot be moved to that stage now."))
    event = CaseEvent(uuid=uuid4(), case_id=case.id, occurred_at=utcnow(), actor_id=actor.id, actor_role=actor.role,
                      from_stage=case.stage, to_stage=target, action="move")
    vault.set(event, "note", (note or "").strip() or None)
    source, case.stage = case.stage, target
    session.add(event)
    session.flush()
    audit.record(session, action="stage_changed", actor=actor, case=case)
    notifications.notify_move(session, case, source, target, actor)
    return event


def record_event(session: Session, vault: CaseVault, actor: User, note: str, *, action: str = "record") -> CaseEvent:
    """A timeline entry for something recorded without a stage move (both stages are the current one);
    ``action`` names a kind of entry a page looks for again (the victims' consent to publish their names)."""
    case = vault.case
    event = CaseEvent(uuid=uuid4(), case_id=case.id, occurred_at=utcnow(), actor_id=actor.id, actor_role=actor.role,
                      from_stage=case.stage, to_stage=case.stage, action=action)
    vault.set(event, "note", note)
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
    """The case's moves, newest first, notes decrypted."""
    events = session.execute(
        select(CaseEvent).where(CaseEvent.case_id == vault.case.id).order_by(CaseEvent.occurred_at.desc(),
                                                                             CaseEvent.id.desc())
    ).scalars()
    return [TimelineEntry(event, vault.get(event, "note")) for event in events]
