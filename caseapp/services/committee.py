"""A case before the Committee: its communication record, stage moves with their requirements,
interim measures, follow-up, publicity and publication. Every change writes the case's timeline."""

from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from caseapp.core.database import count_up_to
from caseapp.domain import committee, covenant, permissions, stages
from caseapp.domain.committee import RECORD_FIELDS, RECORD_LABELS
from caseapp.domain.i18n import N_, Labels
from caseapp.models import (
    Case,
    CaseEvent,
    Communication,
    FollowUpAssessment,
    FollowUpSubmission,
    InterimMeasure,
    MediaCoverage,
    PublicityAction,
    User,
)
from caseapp.models.base import utcnow
from caseapp.models.case import NEXT_DUE_INDEX
from caseapp.services import ServiceError, cases
from caseapp.services.cases import IdsPage
from caseapp.services.timeline import move_case, record_event
from caseapp.services.vault import CaseVault

# Stages in which a case is tracked before the Committee (after screening accepted it).
TRACKED_STAGES = (stages.CANDIDATE, stages.PREPARING, stages.SUBMITTED_TO_COMMITTEE, stages.REGISTERED,
                  stages.OBSERVATIONS, stages.COMMENTS, stages.DECIDED, stages.FOLLOW_UP, stages.CLOSED,
                  stages.WITHDRAWN, stages.DISCONTINUED, stages.FRIENDLY_SETTLEMENT)
MAX_TEXT = 10_000
# The tracked stages in which the case is over: the list shows them after every open case.
ENDED_STAGES = (stages.CLOSED, stages.WITHDRAWN, stages.DISCONTINUED, stages.FRIENDLY_SETTLEMENT)


class RecordError(ServiceError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(N_("Please correct the fields marked below."))
        self.errors = errors


def communication_of(session: Session, case: Case) -> Communication | None:
    return session.execute(select(Communication).where(Communication.case_id == case.id)).scalar_one_or_none()


def _communication(session: Session, case: Case) -> Communication:
    found = communication_of(session, case)
    if found is None:
        found = Communication(uuid=uuid4(), case_id=case.id, articles_violated=[], public_links=[])
        session.add(found)
        session.flush()
    return found


def record_values(communication: Communication | None) -> dict:
    if communication is None:
        return {}
    return {name: getattr(communication, name) for name, _label in RECORD_FIELDS}


def deadline_record(case: Case, communication: Communication | None) -> committee.Record:
    values = record_values(communication)
    return committee.Record(
        stage=case.stage, one_year_basis=case.one_year_basis_date, one_year_last_day=case.one_year_last_day,
        **{name: values.get(name) for name in (
            "transmitted_on", "state_observations_received_on", "author_comments_letter_on", "author_comments_due",
            "author_comments_sent_on", "admissibility_transmitted_on", "merits_observations_received_on",
            "decision_type", "decision_transmitted_on", "follow_up_response_received_on")},
    )


def _clean(text: str | None) -> str | None:
    text = (text or "").replace("\x00", "").strip()
    if len(text) > MAX_TEXT:
        raise ServiceError(N_("Keep notes under %(max)d characters.", max=MAX_TEXT))
    return text or None


def update_record(session: Session, vault: CaseVault, actor: User, values: dict, *, today: date,
                  recommendations: str | None = None, notes: str | None = None) -> list[str]:
    """Write the communication record; returns the labels of what changed (recorded on the timeline).
    Raises ``RecordError`` with every problem, writing nothing."""
    case = vault.case
    if case.stage not in TRACKED_STAGES:
        raise ServiceError(N_("Only cases accepted as strategic candidates are tracked before the Committee."))
    values = {name: values.get(name) for name, _label in RECORD_FIELDS}
    values["articles_violated"] = list(dict.fromkeys(values.get("articles_violated") or []))
    errors = committee.check_record(values, today=today, covenant_codes=frozenset(covenant.BY_CODE))
    if errors:
        raise RecordError(errors)
    communication = _communication(session, case)
    before = record_values(communication)
    for name, value in values.items():
        setattr(communication, name, value if value not in ("",) else None)
    communication.articles_violated = values["articles_violated"]
    changed = committee.changed_fields(before, values)
    old_text = (vault.get(communication, "recommendations"), vault.get(communication, "notes"))
    new_text = (_clean(recommendations), _clean(notes))
    if new_text != old_text:
        vault.set(communication, "recommendations", new_text[0])
        vault.set(communication, "notes", new_text[1])
        if new_text[0] != old_text[0]:
            changed.append(N_("Recommendations"))
        if new_text[1] != old_text[1]:
            changed.append(N_("Notes"))
    if changed:
        record_event(session, vault, actor, N_("Recorded: %(labels)s.", labels=Labels(changed)))
    session.flush()
    return changed


def move(session: Session, vault: CaseVault, actor: User, target: str, note: str | None) -> None:
    """Move the case if the stage table allows it and what the target stage needs is recorded."""
    case = vault.case
    if not stages.can_move(case.stage, target, actor.role):
        raise ServiceError(N_("This case cannot be moved to that stage now."))
    missing = stages.missing_for(target, record_values(communication_of(session, case)))
    if missing:
        labels = Labels((RECORD_LABELS.get(name, name) for name in missing), lower=True)
        raise ServiceError(N_("Record first: %(labels)s.", labels=labels))
    move_case(session, vault, actor, target, _clean(note))


# --- interim measures, follow-up, publicity ------------------------------------------------------------


def _check_day(day: date | None, today: date, label: str) -> None:
    if day is None:
        raise ServiceError(N_("Give the date: %(label)s.", label=Labels([label])))
    if day > today:
        raise ServiceError(N_("%(label)s: this date is in the future.", label=Labels([label])))


def add_interim_measure(session: Session, vault: CaseVault, actor: User, *, requested_on: date, today: date,
                        note: str | None = None) -> InterimMeasure:
    _check_day(requested_on, today, N_("requested on"))
    measure = InterimMeasure(uuid=uuid4(), case_id=vault.case.id, requested_on=requested_on, outcome="pending",
                             compliance="unknown")
    vault.set(measure, "note", _clean(note))
    session.add(measure)
    record_event(session, vault, actor, N_("Interim measures requested on %(day)s.", day=requested_on))
    session.flush()
    return measure


def update_interim_measure(session: Session, vault: CaseVault, actor: User, measure: InterimMeasure, *,
                           outcome: str, outcome_on: date | None, lifted_on: date | None, compliance: str,
                           today: date) -> None:
    if outcome not in dict(committee.INTERIM_OUTCOMES) or compliance not in dict(committee.COMPLIANCE):
        raise ServiceError(N_("Choose an outcome and a compliance from the lists."))
    if outcome != "pending":
        _check_day(outcome_on, today, N_("decided on"))
        if outcome_on < measure.requested_on:
            raise ServiceError(N_("The decision on interim measures cannot precede the request."))
    if lifted_on is not None:
        _check_day(lifted_on, today, N_("lifted on"))
        if outcome != "granted":
            raise ServiceError(N_("Only granted interim measures can be lifted."))
    if compliance != "unknown" and outcome != "granted":
        raise ServiceError(N_("The State's compliance is recorded for granted interim measures."))
    labels = dict(committee.INTERIM_OUTCOMES) | dict(committee.COMPLIANCE)
    measure.outcome, measure.outcome_on = outcome, outcome_on
    measure.lifted_on, measure.compliance = lifted_on, compliance
    # The optional parts are phrases of their own (each translated), glued into the sentence.
    lifted = N_(", lifted on %(day)s", day=lifted_on) if lifted_on else ""
    complied = (N_("; State: %(compliance)s", compliance=Labels([labels[compliance]], lower=True))
                if compliance != "unknown" else "")
    record_event(session, vault, actor, N_("Interim measures of %(day)s: %(outcome)s%(lifted)s%(compliance)s.",
                                           day=measure.requested_on, outcome=Labels([labels[outcome]], lower=True),
                                           lifted=lifted, compliance=complied))
    session.flush()


def add_follow_up_assessment(session: Session, vault: CaseVault, actor: User, *, assessed_on: date, grade: str,
                             procedure: str, note: str | None, today: date) -> FollowUpAssessment:
    _check_day(assessed_on, today, N_("assessed on"))
    if grade not in dict(committee.FOLLOW_UP_GRADES) or procedure not in dict(committee.FOLLOW_UP_PROCEDURE):
        raise ServiceError(N_("Choose a grade and whether the procedure continues."))
    assessment = FollowUpAssessment(uuid=uuid4(), case_id=vault.case.id, assessed_on=assessed_on, grade=grade,
                                    procedure=procedure)
    vault.set(assessment, "note", _clean(note))
    session.add(assessment)
    record_event(session, vault, actor, N_(
        "Committee's follow-up assessment (%(day)s): %(grade)s, %(procedure)s.", day=assessed_on,
        grade=Labels([dict(committee.FOLLOW_UP_GRADES)[grade]], lower=True),
        procedure=Labels([dict(committee.FOLLOW_UP_PROCEDURE)[procedure]], lower=True)))
    session.flush()
    return assessment


def add_follow_up_submission(session: Session, vault: CaseVault, actor: User, *, submitted_on: date,
                             note: str | None, today: date) -> FollowUpSubmission:
    _check_day(submitted_on, today, N_("submitted on"))
    submission = FollowUpSubmission(uuid=uuid4(), case_id=vault.case.id, submitted_on=submitted_on)
    vault.set(submission, "note", _clean(note))
    session.add(submission)
    record_event(session, vault, actor, N_("Follow-up submission sent to the Committee on %(day)s.", day=submitted_on))
    session.flush()
    return submission


def _require_decision(session: Session, case: Case) -> Communication:
    communication = communication_of(session, case)
    if communication is None or not communication.decision_type:
        raise ServiceError(N_("Record the Committee's decision first."))
    return communication


def record_publicity(session: Session, vault: CaseVault, actor: User, *, kind: str, done_on: date,
                     language: str | None, note: str | None, today: date) -> PublicityAction:
    _require_decision(session, vault.case)
    if kind not in dict(committee.PUBLICITY_KINDS):
        raise ServiceError(N_("Choose an item of the checklist."))
    _check_day(done_on, today, N_("done on"))
    action = PublicityAction(uuid=uuid4(), case_id=vault.case.id, kind=kind, done_on=done_on,
                             language=(language or "").strip()[:40] or None)
    vault.set(action, "note", _clean(note))
    session.add(action)
    record_event(session, vault, actor, N_("Publicity: %(action)s (%(day)s).", day=done_on,
                                           action=Labels([dict(committee.PUBLICITY_KINDS)[kind]], lower=True)))
    session.flush()
    return action


def add_media(session: Session, vault: CaseVault, actor: User, *, outlet: str, published_on: date,
              language: str | None, link: str | None, reach: int | None, today: date) -> MediaCoverage:
    _require_decision(session, vault.case)
    outlet = (outlet or "").strip()
    if not outlet:
        raise ServiceError(N_("Name the outlet."))
    _check_day(published_on, today, N_("published on"))
    link = (link or "").strip() or None
    if link and not link.startswith(("https://", "http://")):
        raise ServiceError(N_("A link starts with https:// or http://."))
    if reach is not None and not 0 <= reach <= committee.MAX_MEDIA_REACH:
        raise ServiceError(N_("Reach is a number of people, from 0 to %(max)d.", max=committee.MAX_MEDIA_REACH))
    item = MediaCoverage(uuid=uuid4(), case_id=vault.case.id, outlet=outlet[:200], published_on=published_on,
                         language=(language or "").strip()[:40] or None, link=link, reach=reach)
    session.add(item)
    record_event(session, vault, actor, N_("Media coverage: %(outlet)s (%(day)s).", outlet=outlet[:200],
                                           day=published_on))
    session.flush()
    return item


def delete_media(session: Session, vault: CaseVault, actor: User, item: MediaCoverage) -> None:
    session.delete(item)
    record_event(session, vault, actor, N_("Media coverage removed: %(outlet)s.", outlet=item.outlet))
    session.flush()


@dataclass
class Publicity:
    done: dict[str, PublicityAction]  # the latest action of each kind done
    media: list[MediaCoverage]
    publicised: bool
    reminder: bool


def publicity_of(session: Session, case: Case, communication: Communication | None, *, today: date) -> Publicity:
    actions = session.execute(select(PublicityAction).where(PublicityAction.case_id == case.id)
                              .order_by(PublicityAction.done_on)).scalars().all()
    media = session.execute(select(MediaCoverage).where(MediaCoverage.case_id == case.id)
                            .order_by(MediaCoverage.published_on.desc())).scalars().all()
    done = {action.kind: action for action in actions}
    # The same inputs as the dashboard's reminders (services/dashboard.publicity_reminders): checklist
    # actions only, counted from the decision's transmittal; none once the checklist is complete or the
    # case is closed.
    open_work = (communication is not None and communication.decision_type is not None
                 and case.stage != stages.CLOSED and len(done) < len(committee.PUBLICITY_KINDS))
    return Publicity(done=done, media=media,
                     publicised=committee.publicised_in_country(set(done), len(media)),
                     reminder=open_work and committee.needs_publicity_reminder(
                         communication.decision_transmitted_on, actions[-1].done_on if actions else None, today))


# --- publication -------------------------------------------------------------------------------------


def publish(session: Session, vault: CaseVault, actor: User, *, summary: str, links: list[str]) -> None:
    """Publish the decision's summary on the public page. The summary is written for publication and
    stored in clear. Victims' names go with it only as the case's lawyer confirmed them
    (``confirm_name_consent``): publishing leaves them as they are."""
    communication = _require_decision(session, vault.case)
    summary = (summary or "").replace("\x00", "").strip()
    if not summary:
        raise ServiceError(N_("Write the summary for publication."), "summary")
    if len(summary) > MAX_TEXT:
        raise ServiceError(N_("Keep the summary under %(max)d characters.", max=MAX_TEXT), "summary")
    links = [link.strip() for link in links if link.strip()]
    if bad := [link for link in links if not link.startswith(("https://", "http://"))]:
        raise ServiceError(N_("Links start with https:// or http://: %(links)s", links=", ".join(bad)), "links")
    communication.public_summary = summary
    communication.public_links = links
    first = communication.published_at is None
    communication.published_at = communication.published_at or utcnow()
    record_event(session, vault, actor, N_("Decision published on the public page.") if first
                 else N_("Published summary updated."))
    session.flush()


# The timeline entry (``CaseEvent.action``) of the lawyer's confirmation: who confirmed, and when.
NAME_CONSENT = "names_consent"


@dataclass
class VictimConsent:
    """A victim as the case's lawyer reads them before confirming: who, and their own consent (from the report)."""

    name: str | None
    kind: str
    consent: str  # to the communication: yes, no, unknown
    consent_record: str | None  # how the consent was given
    keep_identity_confidential: bool


def victims_consent(vault: CaseVault) -> list[VictimConsent]:
    """The case's victims, decrypted: only for a page a lawyer of the case's team reads (AC-06, AC-08)."""
    return [VictimConsent(vault.get(victim, "name"), victim.kind, victim.consent, vault.get(victim, "consent_record"),
                          victim.keep_identity_confidential) for victim in vault.case.victims]


def confirm_name_consent(session: Session, vault: CaseVault, actor: User, *, on_team: bool, consented: bool,
                         victim_names: str | None) -> None:
    """The case's lawyer confirms (or withdraws) the victims' consent to the publication of their names, and
    gives the names. A published decision shows them at once; a withdrawn publication drops them."""
    if not permissions.can_confirm_name_consent(actor, on_team=on_team):
        raise ServiceError(N_("Only a lawyer of the case's team confirms the victims' consent to publish their names."))
    communication = _require_decision(session, vault.case)
    names = (victim_names or "").replace("\x00", "").strip() or None
    if names and not consented:
        raise ServiceError(N_("Names are published only with the victims' consent to publication: tick it, "
                           "or leave the names empty."), "victim_names")
    if consented and not names:
        raise ServiceError(N_("Write the names to publish, or untick the consent."), "victim_names")
    before = (communication.publish_victim_identity, communication.public_victim_names)
    communication.publish_victim_identity = consented
    communication.public_victim_names = names if consented else None
    if before == (communication.publish_victim_identity, communication.public_victim_names):
        return
    # The note names no victim: the timeline is read by the whole team, the names stay in their column.
    record_event(session, vault, actor, N_("The victims' consent to publish their names was confirmed.") if consented
                 else N_("No victim's name is to be published."), action=NAME_CONSENT)
    session.flush()


def name_consent_confirmation(session: Session, case: Case) -> CaseEvent | None:
    """The latest confirmation (or withdrawal) of the victims' consent to publish their names: who, when."""
    return session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == NAME_CONSENT)
                           .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc()).limit(1)).scalar_one_or_none()


def withdraw_publication(session: Session, vault: CaseVault, actor: User) -> None:
    communication = communication_of(session, vault.case)
    if communication is None or communication.published_at is None:
        raise ServiceError(N_("This decision is not published."))
    communication.published_at = None
    # The victims' consent was to that publication: their names leave the row with it (secure_delete
    # overwrites the freed bytes), and a new publication asks for consent and names again.
    communication.public_victim_names = None
    communication.publish_victim_identity = False
    record_event(session, vault, actor, N_("Decision withdrawn from the public page."))
    session.flush()


def tracked_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Case).where(Case.stage.in_(TRACKED_STAGES))).scalar_one()


# --- the list of tracked cases -----------------------------------------------------------------------

# The list's sortable columns (``?sort=``) and the direction a first click gives; "deadline" is the
# order that needs action and the default (``by_next_deadline``). Titles are encrypted: not sortable.
LIST_SORTS = {"deadline": "asc", "reference": "asc", "state": "asc", "stage": "asc"}
DEFAULT_SORT = "deadline"
# The stages in the order of the procedure, for sorting a list by stage (every list uses this one).
STAGE_ORDER = when({stage: index for index, stage in enumerate(stages.STAGES)}, value=Case.stage,
                   else_=len(stages.STAGES))
_COLUMNS = {"reference": (Case.reference,), "state": (Case.state_code,), "stage": (STAGE_ORDER,)}


def ordered(query, key: str, *, descending: bool):
    """``query`` in the order of a column of the list other than "deadline" (ties by reference)."""
    columns = [column.desc() if descending else column.asc() for column in _COLUMNS[key]]
    tie = Case.reference.desc() if descending else Case.reference.asc()
    return query.order_by(*columns, tie, Case.id)


def page_by_next_deadline(session: Session, query, *, page: int, per_page: int, descending: bool = False) -> IdsPage:
    """One page of the ids of the cases ``query`` selects in the order that needs action (issue 17, point
    6), and how many there are (counted as far as ``cases.counted_up_to``): open cases by their next open
    deadline (soonest first, even overdue; latest first with ``descending``), then open cases with no
    deadline open (latest submission first), then the cases that are over (closed, withdrawn,
    discontinued, settled; latest change first) — never a closed case on top. Ties by id.

    The next deadline is the one the domain's rules found when the case's dates last changed
    (``cases.next_due_on``, kept by ``services.deadlines``). Each of the three groups is counted so far and
    cut by the database, so a page reads its 50 ids, not every case's (issue 20). A long first group is
    walked in the order of ``NEXT_DUE_INDEX`` (``cases.in_order_of``), which SQLite would
    otherwise sort whole: 15,000 open deadlines in the benchmark's data."""
    ended = Case.stage.in_(ENDED_STAGES)
    due = Case.next_due_on.desc() if descending else Case.next_due_on.asc()
    groups = [
        query.where(~ended, Case.next_due_on.is_not(None)).order_by(due, Case.id),
        query.where(~ended, Case.next_due_on.is_(None)).order_by(Case.submitted_at.desc().nulls_last(), Case.id),
        query.where(ended).order_by(Case.updated_at.desc(), Case.id),
    ]
    cap = cases.counted_up_to(page, per_page)
    # Each group counted no further than the bound: one past the bound is enough to know that the page
    # falls within it (the page ends before the bound).
    sizes = [count_up_to(session, group.with_only_columns(Case.id), cap) for group in groups]
    if sizes[0] > cap and not descending:  # the index holds the soonest first
        groups[0] = cases.in_order_of(groups[0], NEXT_DUE_INDEX)
    skip, ids = (page - 1) * per_page, []
    for group, size in zip(groups, sizes, strict=True):
        # Every group is asked, with LIMIT 0 when the page does not reach it: a fixed number of statements.
        start = min(skip, size)
        skip -= start
        wanted = 0 if start == size else per_page - len(ids)
        ids += session.execute(group.with_only_columns(Case.id).offset(start if wanted else 0).limit(wanted)).scalars()
    counted = sum(sizes)
    return IdsPage(ids=ids, total=min(counted, cap), more=counted > cap)


def shared_numbers(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    """For each of these cases whose communication number is also recorded on another case, the other
    cases' references (issue 17, point 6): the Committee gives each communication its own number, so a
    number on two cases is a typing mistake or a duplicate case. One query for a page of cases."""
    if not case_ids:
        return {}
    other = aliased(Communication)
    rows = session.execute(
        select(Communication.case_id, Case.reference)
        .join(other, (other.communication_number == Communication.communication_number)
              & (other.case_id != Communication.case_id))
        .join(Case, Case.id == other.case_id)
        .where(Communication.case_id.in_(case_ids), Communication.communication_number.is_not(None))
        .order_by(Case.reference)
    ).all()
    found: dict[int, list[str]] = {}
    for case_id, reference in rows:
        found.setdefault(case_id, []).append(reference)
    return found
