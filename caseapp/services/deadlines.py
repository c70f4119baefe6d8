"""The open deadlines of every case, derived from the recorded dates (issue 6, item 3; DESIGN.md §4,
domain/OP-ICESCR.md §6).

One query reads the clear date columns of the cases and of their communication (LEFT JOIN: a case
before the Committee has none); ``caseapp.domain.committee.open_deadlines`` decides which deadlines are
open and when they fall due. Nothing is decrypted: the dashboard, the ``flask deadlines`` command and the
calendar feeds show a case's reference, never its title or a victim. The dashboard page adds the titles
of the cases on the page it shows, and only those its reader may read (``case_titles.readable_titles``).

The query filters in SQL what is cheap to filter: the stages in which a deadline can be open, cases with a
reference, and — for a window of days — a date range per kind of deadline on its basis date, found by
inverting the domain's own due-date functions (they never decrease). The SQL filter only narrows the rows;
the domain rules decide, so a case the filter lets through with no deadline in the window adds no item.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from caseapp.domain import committee, deadlines, stages
from caseapp.models import Case, CaseTeamMember, Communication

KIND_LABELS = dict(committee.DEADLINE_KINDS)
KINDS = tuple(KIND_LABELS)

# The stages in which ``open_deadlines`` can find anything, found by asking it about a record with every
# date set: the rules stay in one place (screening stages, candidate, preparing, before the Committee,
# decided and follow-up).
_EVERY_DATE = date(2000, 1, 1)
OPEN_STAGES: tuple[str, ...] = tuple(
    stage for stage in stages.STAGES
    if committee.open_deadlines(committee.Record(
        stage=stage, one_year_last_day=_EVERY_DATE, transmitted_on=_EVERY_DATE,
        admissibility_transmitted_on=_EVERY_DATE, author_comments_due=_EVERY_DATE,
        decision_type=committee.VIEWS_VIOLATION, decision_transmitted_on=_EVERY_DATE,
    ))
)


def _same_day(day: date) -> date:
    return day


# kind → (the column its due date derives from, how, the column whose date closes it).
_SOURCES: dict[str, tuple[object, Callable[[date], date], object | None]] = {
    committee.ONE_YEAR_LIMIT: (Case.one_year_last_day, _same_day, None),
    committee.STATE_OBSERVATIONS: (Communication.transmitted_on, deadlines.state_observations_due,
                                   Communication.state_observations_received_on),
    committee.MERITS_OBSERVATIONS: (Communication.admissibility_transmitted_on, deadlines.merits_observations_due,
                                    Communication.merits_observations_received_on),
    committee.AUTHOR_COMMENTS: (Communication.author_comments_due, _same_day, Communication.author_comments_sent_on),
    committee.FOLLOW_UP_RESPONSE: (Communication.decision_transmitted_on, deadlines.follow_up_response_due,
                                   Communication.follow_up_response_received_on),
}
# Longer than any period the Protocol counts (one year), so the inverse search below brackets it.
_SEARCH_SPAN = timedelta(days=800)


def earliest_basis(due: Callable[[date], date], on_or_after: date) -> date:
    """The first basis date whose due date is on or after ``on_or_after`` (``due`` never decreases)."""
    low, high = on_or_after - _SEARCH_SPAN, on_or_after
    while low < high:
        middle = low + (high - low) // 2
        if due(middle) >= on_or_after:
            high = middle
        else:
            low = middle + timedelta(days=1)
    return low


def latest_basis(due: Callable[[date], date], on_or_before: date) -> date:
    """The last basis date whose due date is on or before ``on_or_before`` (``due`` never decreases)."""
    low, high = on_or_before - _SEARCH_SPAN, on_or_before
    while low < high:
        middle = low + (high - low + timedelta(days=1)) // 2
        if due(middle) <= on_or_before:
            low = middle
        else:
            high = middle - timedelta(days=1)
    return low


@dataclass(frozen=True)
class CaseRef:
    """What a deadline shows of its case: clear columns only."""

    uuid: UUID
    reference: str
    state_code: str | None
    stage: str


@dataclass(frozen=True)
class Item:
    case: CaseRef
    kind: str
    basis_date: date | None
    due_date: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def warning_level(self) -> str | None:
        return deadlines.warning_level(self.days_left)

    def to_json(self) -> dict:
        """The contract of ``flask deadlines --json`` (README "Command line")."""
        return {"case": self.case.reference, "kind": self.kind,
                "basis_date": self.basis_date.isoformat() if self.basis_date else None,
                "due_date": self.due_date.isoformat(), "days_left": self.days_left}


_RECORD_COLUMNS = (
    Communication.transmitted_on, Communication.state_observations_received_on,
    Communication.author_comments_letter_on, Communication.author_comments_due, Communication.author_comments_sent_on,
    Communication.admissibility_transmitted_on, Communication.merits_observations_received_on,
    Communication.decision_type, Communication.decision_transmitted_on, Communication.follow_up_response_received_on,
)


def _window(start: date | None, end: date | None):
    """A row may have a deadline due between ``start`` and ``end`` (either open-ended)."""
    conditions = []
    for source, due, closing in _SOURCES.values():
        condition = [source.is_not(None)]
        if closing is not None:
            condition.append(closing.is_(None))
        if start is not None:
            condition.append(source >= earliest_basis(due, start))
        if end is not None:
            condition.append(source <= latest_basis(due, end))
        conditions.append(and_(*condition))
    return or_(*conditions)


def deadline_query(*, start: date | None = None, end: date | None = None, team_member_id: int | None = None,
                   case_ids=None):
    """The one query behind ``deadline_items``: clear columns of each case in an open stage and of its
    communication, if any; with ``team_member_id``, only the cases whose team includes that user; with
    ``case_ids`` (a SELECT of case ids), only those cases."""
    query = (
        select(Case.uuid, Case.reference, Case.state_code, Case.stage, Case.one_year_basis_date,
               Case.one_year_last_day, *_RECORD_COLUMNS)
        .outerjoin(Communication, Communication.case_id == Case.id)
        .where(Case.reference.is_not(None), Case.stage.in_(OPEN_STAGES), _window(start, end))
    )
    if team_member_id is not None:
        query = query.where(Case.id.in_(select(CaseTeamMember.case_id)
                                        .where(CaseTeamMember.user_id == team_member_id)))
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    return query


def deadline_items(session: Session, *, today: date, within: int | None = None, overdue: bool = True,
                   team_member_id: int | None = None, case_ids=None) -> list[Item]:
    """The open deadlines of every case with a reference (or only of those whose team includes the user
    ``team_member_id``: "my cases"; or only of the cases ``case_ids`` selects), soonest first (then by
    reference).

    ``within``: only those due from today to ``within`` days from today, and — unless ``overdue`` is
    False — those already past. Without ``within``, every open deadline (or, with ``overdue=False``,
    every one not yet past).
    """
    if within is not None and within < 0:
        raise ValueError("within must be a number of days, 0 or more")
    end = today + timedelta(days=within) if within is not None else None
    start = None if overdue else today
    items = []
    for row in session.execute(deadline_query(start=start, end=end, team_member_id=team_member_id,
                                                  case_ids=case_ids)):
        record = committee.Record(
            stage=row.stage, one_year_basis=row.one_year_basis_date, one_year_last_day=row.one_year_last_day,
            **{column.key: getattr(row, column.key) for column in _RECORD_COLUMNS},
        )
        case = CaseRef(row.uuid, row.reference, row.state_code, row.stage)
        for deadline in committee.open_deadlines(record):
            left = deadline.days_left(today)
            if (start is not None and deadline.due_date < start) or (end is not None and deadline.due_date > end):
                continue
            items.append(Item(case, deadline.kind, deadline.basis_date, deadline.due_date, left))
    items.sort(key=lambda item: (item.due_date, item.case.reference, KINDS.index(item.kind)))
    return items


# --- counting in SQL --------------------------------------------------------------------------------

# The domain's rules read once more, kind by kind: the stages in which each kind of deadline can be open
# (asking ``open_deadlines`` about a record with every basis date set), and the kinds that are open only
# after Views finding a violation (they vanish when the same record has another decision).
_PROBE = {"one_year_last_day": _EVERY_DATE, "transmitted_on": _EVERY_DATE, "admissibility_transmitted_on": _EVERY_DATE,
          "author_comments_due": _EVERY_DATE, "decision_transmitted_on": _EVERY_DATE}


def _kinds_open(stage: str, decision_type: str | None) -> set[str]:
    record = committee.Record(stage=stage, decision_type=decision_type, **_PROBE)
    return {deadline.kind for deadline in committee.open_deadlines(record)}


KIND_STAGES: dict[str, tuple[str, ...]] = {
    kind: tuple(stage for stage in OPEN_STAGES if kind in _kinds_open(stage, committee.VIEWS_VIOLATION))
    for kind in KINDS
}
_AFTER_VIEWS_ONLY = frozenset(
    kind for kind in KINDS
    if any(kind not in _kinds_open(stage, committee.VIEWS_NO_VIOLATION) for stage in KIND_STAGES[kind])
)


def _open_until(kind: str, end: date):
    """A row has a deadline of ``kind`` open and due on or before ``end`` (exactly: the inverse of the
    due-date rule, ``latest_basis``, turns the due date into a bound on the basis column)."""
    source, due, closing = _SOURCES[kind]
    condition = [Case.stage.in_(KIND_STAGES[kind]), source.is_not(None), source <= latest_basis(due, end)]
    if closing is not None:
        condition.append(closing.is_(None))
    if kind in _AFTER_VIEWS_ONLY:
        condition.append(Communication.decision_type == committee.VIEWS_VIOLATION)
    return and_(*condition)


def count_items(session: Session, *, today: date, within: int, team_member_id: int | None = None) -> int:
    """How many items ``deadline_items(today=today, within=within)`` lists (those due in the next ``within``
    days and those overdue), counted in the database in one statement: a home page counts them at every
    visit, with 100,000 cases (DESIGN.md §7)."""
    if within < 0:
        raise ValueError("within must be a number of days, 0 or more")
    end = today + timedelta(days=within)
    per_kind = [func.coalesce(func.sum(when((_open_until(kind, end), 1), else_=0)), 0) for kind in KINDS]
    query = (select(*per_kind).select_from(Case).outerjoin(Communication, Communication.case_id == Case.id)
             .where(Case.reference.is_not(None), Case.stage.in_(OPEN_STAGES)))
    if team_member_id is not None:
        query = query.where(Case.id.in_(select(CaseTeamMember.case_id).where(CaseTeamMember.user_id == team_member_id)))
    return sum(int(count) for count in session.execute(query).one())

