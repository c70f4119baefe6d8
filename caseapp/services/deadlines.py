"""The open deadlines of every case, derived from the recorded dates (issue 6, item 3; DESIGN.md §4,
domain/OP-ICESCR.md §6).

``caseapp.domain.committee.open_deadlines`` decides which deadlines are open and when they fall due, from
clear date columns of the case and of its communication. Its answer is stored in ``case_deadlines`` (and
the soonest in ``cases.next_due_on``) whenever those columns or the stage change: a flush that touches
them marks the case, and the transaction refreshes the marked cases' rows before it commits
(``refresh``; issue 20). So every list, count and order of deadlines is one indexed query — the
dashboard, the deadlines page, the home pages' counts, the Committee list's order — whatever the number
of cases. Nothing is decrypted: the dashboard, the ``flask deadlines`` command and the calendar feeds
show a case's reference, never its title or a victim. The dashboard page adds the titles of the cases on
the page it shows, and only those its reader may read (``case_titles.readable_titles``).

Rows written without the ORM (the benchmark's seeder) and a change to the rules themselves need
``refresh_all`` (`flask deadlines --refresh`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import and_, bindparam, delete, event, func, insert, inspect, or_, select, update
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from caseapp.domain import committee, deadlines, stages
from caseapp.models import Case, CaseDeadline, CaseTeamMember, Communication

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


# ``refresh``'s statements, built once with the cases as a parameter: every submission refreshes its case
# under the write lock, and building the query (one condition per kind of deadline) took longer than running
# it (issue 20, fifth pass).
_COMPUTED = deadline_query(case_ids=bindparam("case_ids", expanding=True)).add_columns(Case.id)
_FORGET = delete(CaseDeadline).where(CaseDeadline.case_id.in_(bindparam("case_ids", expanding=True)))


def computed_deadlines(session: Session, case_ids: list[int]) -> dict[int, list[committee.Deadline]]:
    """The open deadlines of these cases as the domain's rules find them now from the recorded dates, by
    case id (cases with none are absent). What ``refresh`` stores."""
    found: dict[int, list[committee.Deadline]] = {}
    for row in session.execute(_COMPUTED, {"case_ids": list(case_ids)}):
        record = committee.Record(
            stage=row.stage, one_year_basis=row.one_year_basis_date, one_year_last_day=row.one_year_last_day,
            **{column.key: getattr(row, column.key) for column in _RECORD_COLUMNS},
        )
        found[row.id] = committee.open_deadlines(record)
    return found


def refresh(session: Session, case_ids: list[int]) -> None:
    """Store the open deadlines of these cases afresh (``case_deadlines`` and ``cases.next_due_on``)."""
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start:start + 500]
        found = computed_deadlines(session, chunk)
        session.execute(_FORGET, {"case_ids": chunk})
        rows = [{"case_id": case_id, "kind": deadline.kind, "basis_date": deadline.basis_date,
                 "due_date": deadline.due_date} for case_id, due in found.items() for deadline in due]
        if rows:
            session.execute(insert(CaseDeadline), rows)
        # One UPDATE per distinct next due date (None for the cases with none open), so a single case's
        # refresh — every submission's — is one statement. ``updated_at`` set to itself: derived data is
        # not a change of the case (its onupdate would say so).
        by_date: dict[date | None, list[int]] = {}
        for case_id in chunk:
            due = found.get(case_id)
            by_date.setdefault(min(d.due_date for d in due) if due else None, []).append(case_id)
        for next_due, ids in by_date.items():
            session.execute(update(Case).where(Case.id.in_(ids))
                            .values(next_due_on=next_due, updated_at=Case.updated_at)
                            .execution_options(synchronize_session=False))


def cases_with_reference(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Case).where(Case.reference.is_not(None))).scalar_one()


def refresh_all(session: Session, *, commit=None, progress=lambda done: None) -> int:
    """``refresh`` every case with a reference, 500 at a time (``commit`` after each batch when given);
    returns how many cases were refreshed."""
    ids = list(session.execute(select(Case.id).where(Case.reference.is_not(None)).order_by(Case.id)).scalars())
    for start in range(0, len(ids), 500):
        refresh(session, ids[start:start + 500])
        if commit is not None:
            commit()
        progress(len(ids[start:start + 500]))
    return len(ids)


# --- keeping the stored deadlines current -------------------------------------------------------------

# The columns ``open_deadlines`` reads: a change to one of them (or a new or deleted communication) makes
# the case's stored deadlines stale.
_CASE_INPUTS = ("stage", "reference", "one_year_basis_date", "one_year_last_day")
_STALE_KEY = "caseapp.deadlines.stale"


@event.listens_for(Session, "after_flush")
def _mark_stale(session: Session, _flush_context) -> None:
    stale = session.info.setdefault(_STALE_KEY, set())
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, Communication):
            stale.add(obj.case_id)
        elif isinstance(obj, Case) and obj not in session.deleted and (
                obj in session.new or any(inspect(obj).attrs[name].history.has_changes() for name in _CASE_INPUTS)):
            stale.add(obj.id)
    if not stale:
        session.info.pop(_STALE_KEY, None)


@event.listens_for(Session, "before_commit")
def _refresh_stale(session: Session) -> None:
    session.flush()  # the last changes are marked too
    stale = session.info.pop(_STALE_KEY, None)
    if stale:
        refresh(session, sorted(case_id for case_id in stale if case_id is not None))


@event.listens_for(Session, "after_rollback")
def _forget_stale(session: Session) -> None:
    session.info.pop(_STALE_KEY, None)


# --- reading them ---------------------------------------------------------------------------------------


def _conditions(*, start: date | None, end: date | None, team_member_id: int | None, case_ids) -> list:
    """Which stored deadlines a list shows: on the deadlines' own columns only, so a count reads the index
    of due dates alone."""
    conditions = []
    if start is not None:
        conditions.append(CaseDeadline.due_date >= start)
    if end is not None:
        conditions.append(CaseDeadline.due_date <= end)
    if team_member_id is not None:
        conditions.append(CaseDeadline.case_id.in_(select(CaseTeamMember.case_id)
                                                   .where(CaseTeamMember.user_id == team_member_id)))
    if case_ids is not None:
        conditions.append(CaseDeadline.case_id.in_(case_ids))
    return conditions


def _items_query(conditions: list):
    return (select(Case.uuid, Case.reference, Case.state_code, Case.stage, CaseDeadline.kind,
                   CaseDeadline.basis_date, CaseDeadline.due_date)
            .join(Case, Case.id == CaseDeadline.case_id).where(*conditions))


def _count(session: Session, conditions: list) -> int:
    return session.execute(select(func.count()).select_from(CaseDeadline).where(*conditions)).scalar_one()


def _items(session: Session, query, today: date) -> list[Item]:
    return [Item(CaseRef(row.uuid, row.reference, row.state_code, row.stage), row.kind, row.basis_date,
                 row.due_date, deadlines.days_left(row.due_date, today))
            for row in session.execute(query)]


_KIND_ORDER = {kind: number for number, kind in enumerate(KINDS)}


def _soonest_first(query):
    return query.order_by(CaseDeadline.due_date, Case.reference, when(_KIND_ORDER, value=CaseDeadline.kind))


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
    conditions = _conditions(start=start, end=end, team_member_id=team_member_id, case_ids=case_ids)
    return _items(session, _soonest_first(_items_query(conditions)), today)


def items_page(session: Session, *, today: date, overdue: bool, within: int | None, page: int, per_page: int,
               team_member_id: int | None = None) -> tuple[list[Item], int, int]:
    """One page of the overdue deadlines (``overdue``) or of those due from today (to ``within`` days when
    given), soonest first, cut and counted by the database: (items, how many in all, the page shown — a
    page past the last shows the last)."""
    if overdue:
        conditions = _conditions(start=None, end=today - timedelta(days=1), team_member_id=team_member_id,
                                 case_ids=None)
    else:
        end = today + timedelta(days=within) if within is not None else None
        conditions = _conditions(start=today, end=end, team_member_id=team_member_id, case_ids=None)
    total = _count(session, conditions)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = _items(session, _soonest_first(_items_query(conditions)).offset((page - 1) * per_page).limit(per_page),
                  today)
    return rows, total, page


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
def count_items(session: Session, *, today: date, within: int, team_member_id: int | None = None) -> int:
    """How many items ``deadline_items(today=today, within=within)`` lists (those due in the next ``within``
    days and those overdue), counted in the database in one statement: a home page counts them at every
    visit, with 100,000 cases (DESIGN.md §7)."""
    if within < 0:
        raise ValueError("within must be a number of days, 0 or more")
    return _count(session, _conditions(start=None, end=today + timedelta(days=within), team_member_id=team_member_id,
                                       case_ids=None))
