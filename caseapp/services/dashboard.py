"""The coordinators' dashboard (issue 6, items 5 and 6): counts and lists over every submitted case.

Everything here reads clear columns only — stage, State, rights invoked, the communication's dates
and decision type, the publicity checklist — so nothing is decrypted, and each figure is one SQL
query that aggregates in the database (GROUP BY), never a walk over the cases in Python: the page
stays fast with 100,000 cases (DESIGN.md §7). One query per function below.

Only cases with a reference count: drafts belong to their organisation until submitted. Functions
that depend on the date take ``today`` so that tests can fix it; the route passes today's UTC date.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from sqlalchemy import exists, extract, func, or_, select
from sqlalchemy.orm import Session

from caseapp.domain import committee, register, stages
from caseapp.models import Case, CaseDeadline, CaseRight, Communication, MediaCoverage, PublicityAction, StateParty

TOP_STATES = 15
PUBLICITY_ROWS = 50  # the publicity table shows the latest decisions; the reminders cover them all

# The stages the dashboard counts (every stage from submission on, in the order of the procedure).
COUNTED_STAGES = tuple(stage for stage in stages.STAGES if stage != stages.DRAFT)
CANDIDATE_STAGES = (stages.CANDIDATE, stages.PREPARING)
BEFORE_COMMITTEE_STAGES = (stages.SUBMITTED_TO_COMMITTEE, stages.REGISTERED, stages.OBSERVATIONS, stages.COMMENTS)
# A decision has been adopted (closed cases come only from decided or follow-up, stages.MOVES).
DECIDED_STAGES = (stages.DECIDED, stages.FOLLOW_UP, stages.CLOSED)
# The headline numbers' groups (``headline``), by the code a list's filter names them with (``?group=``).
STAGE_GROUPS = {"screening": stages.SCREENING_STAGES, "candidates": CANDIDATE_STAGES,
                "before_committee": BEFORE_COMMITTEE_STAGES, "decided": DECIDED_STAGES}
# Decisions whose publicity is still being worked on: a closed case gets no more reminders.
PUBLICITY_OPEN_STAGES = (stages.DECIDED, stages.FOLLOW_UP)

_submitted = Case.reference.is_not(None)


# --- cases --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    screening: int
    candidates: int
    before_committee: int
    decided: int


def cases_by_stage(session: Session) -> list[tuple[str, int]]:
    """(stage, number of cases) for every stage from ``submitted`` on, zeros included, in stage order."""
    counts = dict(session.execute(
        select(Case.stage, func.count()).where(_submitted).group_by(Case.stage)
    ).all())
    return [(stage, int(counts.get(stage, 0))) for stage in COUNTED_STAGES]


def headline(by_stage: list[tuple[str, int]]) -> Headline:
    """The four headline numbers, from ``cases_by_stage`` (no query of their own)."""
    counts = dict(by_stage)

    def total(group: tuple[str, ...]) -> int:
        return sum(counts.get(stage, 0) for stage in group)

    return Headline(screening=total(stages.SCREENING_STAGES), candidates=total(CANDIDATE_STAGES),
                    before_committee=total(BEFORE_COMMITTEE_STAGES), decided=total(DECIDED_STAGES))


@dataclass(frozen=True)
class StateCounts:
    top: list[tuple[str | None, int]]  # (ISO code or None when not recorded, cases), most cases first
    others: int  # cases of the States after the top ones
    other_states: int  # how many States those are
    every: dict[str | None, int] = field(default_factory=dict)  # every State's cases (the map and its table)


def cases_by_state(session: Session, *, top: int = TOP_STATES) -> StateCounts:
    """Cases per State, the ``top`` States with most cases and the rest summed as "others".

    At most one row per State comes back from the database (under 200), so the cut is made here."""
    rows = session.execute(
        select(Case.state_code, func.count().label("cases")).where(_submitted).group_by(Case.state_code)
    ).all()
    ranked = sorted(((code, int(count)) for code, count in rows),
                    key=lambda row: (-row[1], row[0] is None, row[0] or ""))
    rest = ranked[top:]
    return StateCounts(top=ranked[:top], others=sum(count for _code, count in rest), other_states=len(rest),
                       every=dict(ranked))


def states_parties(session: Session) -> list[tuple[str, str]]:
    """(ISO code, name) of every State party in the States register, by name — the tiles of the map. The
    register an admin keeps (seeded from caseapp/data/op_icescr_states.csv); the shipped list when the
    register was never seeded."""
    rows = session.execute(select(StateParty.iso2, StateParty.name).where(StateParty.listing == register.PARTY)
                           .order_by(StateParty.name)).all()
    if rows:
        return [(code, name) for code, name in rows]
    parties, _signatories = register.snapshot_records(register.SNAPSHOTS[-1])
    return sorted(((record.iso2, record.name) for record in parties), key=lambda pair: pair[1])


def cases_by_right(session: Session) -> list[tuple[str, int]]:
    """(article code, cases invoking it), most invoked first, then by code: counted over the cases'
    rights as rows (``case_rights``, written with ``Case.rights_invoked``), each code once per case."""
    # Drafts left out by their ids (a few) rather than by joining every row to its case: the count is then
    # one scan of the rights' covering index (issue 20: 116 → 31 ms with 100,000 cases).
    drafts = select(Case.id).where(Case.reference.is_(None))
    rows = session.execute(
        select(CaseRight.code, func.count().label("cases")).where(CaseRight.case_id.not_in(drafts))
        .group_by(CaseRight.code)
    ).all()
    return sorted(((str(right), int(count)) for right, count in rows), key=lambda row: (-row[1], row[0]))


# --- decisions and follow-up ----------------------------------------------------------------------


def decisions_by_year(session: Session) -> list[tuple[int, dict[str, int]]]:
    """(year adopted, {decision type: decisions}), newest year first."""
    year = extract("year", Communication.decision_adopted_on)
    rows = session.execute(
        select(year.label("year"), Communication.decision_type, func.count())
        .join(Case, Case.id == Communication.case_id)
        .where(_submitted, Communication.decision_type.is_not(None), Communication.decision_adopted_on.is_not(None))
        .group_by(year, Communication.decision_type)
    ).all()
    years: dict[int, dict[str, int]] = defaultdict(dict)
    for adopted_in, decision_type, count in rows:
        years[int(adopted_in)][decision_type] = int(count)
    return sorted(years.items(), reverse=True)


@dataclass(frozen=True)
class OverdueFollowUp:
    case_uuid: UUID
    reference: str
    state_code: str | None
    transmitted_on: date
    due: date
    days_overdue: int


def _overdue_follow_up_query(today: date):
    """Views finding a violation whose six months for the State's response (art. 9(2)) have passed with no
    response recorded: the ``follow_up_response`` deadline of ``domain.committee``, overdue — read from
    the stored deadlines (``services.deadlines``), so the database cuts and counts the list."""
    return (select(Case.uuid, Case.reference, Case.state_code, CaseDeadline.basis_date, CaseDeadline.due_date)
            .join(Case, Case.id == CaseDeadline.case_id)
            .where(_submitted, CaseDeadline.kind == committee.FOLLOW_UP_RESPONSE, CaseDeadline.due_date < today))


def overdue_follow_ups(session: Session, *, today: date, limit: int | None = None) -> list[OverdueFollowUp]:
    """The overdue follow-up responses, most overdue first (then by reference); the first ``limit``."""
    query = _overdue_follow_up_query(today).order_by(CaseDeadline.due_date, Case.reference).limit(limit)
    return [OverdueFollowUp(case_uuid, reference, state_code, transmitted, due, (today - due).days)
            for case_uuid, reference, state_code, transmitted, due in session.execute(query)]


def count_overdue_follow_ups(session: Session, *, today: date) -> int:
    return session.execute(select(func.count()).select_from(_overdue_follow_up_query(today).subquery())).scalar_one()


# --- publicity -----------------------------------------------------------------------------------

PUBLICITY_KIND_CODES = tuple(kind for kind, _label in committee.PUBLICITY_KINDS)


@dataclass(frozen=True)
class PublicityRow:
    case_uuid: UUID
    reference: str
    stage: str
    decision_type: str
    adopted_on: date | None
    transmitted_on: date | None
    done_kinds: frozenset[str]
    media_items: int
    last_action_on: date | None

    @property
    def done(self) -> int:
        return len(self.done_kinds)

    @property
    def total(self) -> int:
        return len(PUBLICITY_KIND_CODES)

    @property
    def missing_kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind in PUBLICITY_KIND_CODES if kind not in self.done_kinds)

    @property
    def publicised_in_country(self) -> bool:
        return committee.publicised_in_country(set(self.done_kinds), self.media_items)


@dataclass(frozen=True)
class PublicityPage:
    rows: list[PublicityRow]
    total: int  # decided cases in all, of which ``rows`` are the latest


def _publicity_query():
    """Each decided case with its checklist (one yes/no column per kind done), its last action and its media
    items, each looked up for the case by the publicity tables' ``case_id`` index. Looked up per case rather
    than grouped over both tables and joined: a page of the latest decisions then reads only its own cases'
    actions (issue 20: 73 → 18 ms with 100,000 cases). Returns the query and the last action's date."""
    last_action_on = (select(func.max(PublicityAction.done_on)).where(PublicityAction.case_id == Case.id)
                      .scalar_subquery())
    done = [exists().where(PublicityAction.case_id == Case.id, PublicityAction.kind == kind).label(f"done_{kind}")
            for kind in PUBLICITY_KIND_CODES]
    media_items = select(func.count()).where(MediaCoverage.case_id == Case.id).scalar_subquery()
    query = (
        select(Case.uuid, Case.reference, Case.stage, Communication.decision_type, Communication.decision_adopted_on,
               Communication.decision_transmitted_on, last_action_on.label("last_action_on"),
               media_items.label("media_items"), *done)
        .join(Communication, Communication.case_id == Case.id)
        .where(_submitted, Communication.decision_type.is_not(None))
    )
    return query, last_action_on


def _publicity_row(row) -> PublicityRow:
    mapping = row._mapping
    done = frozenset(kind for kind in PUBLICITY_KIND_CODES if mapping[f"done_{kind}"])
    return PublicityRow(case_uuid=mapping["uuid"], reference=mapping["reference"], stage=mapping["stage"],
                        decision_type=mapping["decision_type"], adopted_on=mapping["decision_adopted_on"],
                        transmitted_on=mapping["decision_transmitted_on"], done_kinds=done,
                        media_items=int(mapping["media_items"]), last_action_on=mapping["last_action_on"])


def publicity_coverage(session: Session, *, limit: int = PUBLICITY_ROWS) -> PublicityPage:
    """The publicity checklist of each decided case — items done out of ``len(PUBLICITY_KINDS)``, media
    items, publicised in the country or not — for the ``limit`` latest decisions, with the total."""
    query, _last_action_on = _publicity_query()
    rows = session.execute(
        query.where(Case.stage.in_(DECIDED_STAGES))
        .order_by(Communication.decision_adopted_on.desc(), Case.reference.desc())
        .limit(limit)
    ).all()
    total = session.execute(
        select(func.count()).select_from(Case).join(Communication, Communication.case_id == Case.id)
        .where(_submitted, Communication.decision_type.is_not(None), Case.stage.in_(DECIDED_STAGES))
    ).scalar_one()
    return PublicityPage([_publicity_row(row) for row in rows], total)


@dataclass(frozen=True)
class PublicityReminder:
    case_uuid: UUID
    reference: str
    since: date  # the last publicity action, or the decision's transmittal when nothing was done yet
    days: int
    nothing_done: bool


def _publicity_reminder_query(today: date):
    """The decided cases owed a reminder (``committee.needs_publicity_reminder``, in SQL with the same cutoff): open
    (decided or in follow-up), checklist not complete, and no publicity action for
    ``PUBLICITY_REMINDER_DAYS`` days or more, counted from the last action or, before any, from the
    decision's transmittal. Returns the query and the date the silence started."""
    query, last_action_on = _publicity_query()
    since = func.coalesce(last_action_on, Communication.decision_transmitted_on)
    something_missing = or_(*(~exists().where(PublicityAction.case_id == Case.id, PublicityAction.kind == kind)
                              for kind in PUBLICITY_KIND_CODES))
    query = query.add_columns(since.label("since")).where(
        Case.stage.in_(PUBLICITY_OPEN_STAGES), something_missing,
        since <= committee.publicity_silent_since_cutoff(today))
    return query, since


def publicity_reminders(session: Session, *, today: date, limit: int | None = None) -> list[PublicityReminder]:
    """The decided cases owed a publicity reminder, longest silence first (then by reference), at most
    ``limit``. Cases whose checklist is complete, and closed cases, get none."""
    query, since = _publicity_reminder_query(today)
    rows = session.execute(query.order_by(since, Case.reference).limit(limit)).all()
    return [PublicityReminder(row.uuid, row.reference, row.since, (today - row.since).days, row.last_action_on is None)
            for row in rows]


def count_publicity_reminders(session: Session, *, today: date) -> int:
    query, _since = _publicity_reminder_query(today)
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
