"""Each role's to-do list (issue 16, point 6): the counts on the home page and the filters behind them.

Every count is a named *preset* — a fixed vocabulary, never free text — and the same preset filters the
list its count links to (``?show=<preset>``): ``clause(preset, user, now=...)`` is the one condition both
use, so a click on "3 requests waiting for your answer" opens exactly those three. Counts are SQL counts
over clear columns (stage, dates, the timeline's stages, team membership): nothing is decrypted and no
case is read in Python, so the home page stays fast with 100,000 cases (DESIGN.md §7).

- partner: requests for information waiting for an answer, drafts, and the decisions on their reports
  in the last ``DECISION_DAYS`` days (accepted, declined, decided by the Committee: the stage a partner
  sees on the report's page) — always within their organisation's reports (``cases.visible_cases``);
- lawyer: new reports (submitted, no screening yet), answers received (back in screening by the
  partner's answer, with no screening saved or lawyer's message since), and one-year limits within
  ``ONE_YEAR_DAYS`` days on cases whose team includes them;
- coordinator: deadlines due within ``DEADLINE_DAYS`` days or overdue (``deadlines.count_items``), decisions
  with no publicity action recorded, follow-up responses overdue (art. 9(2));
- admin: no case counts (admins never see cases): accounts waiting for approval, undeliverable mail
  (``notifications.undeliverable_count``);
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from caseapp.domain import committee, roles, stages
from caseapp.domain.deadlines import follow_up_response_due
from caseapp.models import Case, CaseEvent, Communication, Message, PublicityAction, ScreeningVersion, User
from caseapp.services import case_teams, deadlines, notifications
from caseapp.services.cases import visible_cases
from caseapp.services.dashboard import PUBLICITY_OPEN_STAGES

DECISION_DAYS = 30
ONE_YEAR_DAYS = 30
DEADLINE_DAYS = 30

# partner
WAITING = "waiting"
DRAFTS = "drafts"
DECISIONS = "decisions"
# lawyer
NEW = "new"
ANSWERED = "answered"
ONE_YEAR = "one_year"
# coordinator
DEADLINES_DUE = "due"
NO_PUBLICITY = "no_publicity"
FOLLOW_UP_OVERDUE = "follow_up_overdue"
# admin
UNDELIVERABLE = "undeliverable"
AWAITING_APPROVAL = "awaiting_approval"

# How many days the counts that have a window look at, by preset (for their labels).
DAYS = {DECISIONS: DECISION_DAYS, ONE_YEAR: ONE_YEAR_DAYS, DEADLINES_DUE: DEADLINE_DAYS}

# Which presets each role's home counts, in the order shown, and which list each one opens.
PRESETS: dict[str, tuple[str, ...]] = {
    roles.PARTNER: (WAITING, DRAFTS, DECISIONS),
    roles.LAWYER: (NEW, ANSWERED, ONE_YEAR),
    roles.COORDINATOR: (DEADLINES_DUE, NO_PUBLICITY, FOLLOW_UP_OVERDUE),
    roles.ADMIN: (AWAITING_APPROVAL, UNDELIVERABLE),
}
# The presets each list accepts in ``?show=``.
INTAKE_PRESETS = PRESETS[roles.PARTNER]
SCREENING_PRESETS = PRESETS[roles.LAWYER]
COMMITTEE_PRESETS = (NO_PUBLICITY, FOLLOW_UP_OVERDUE)
DEADLINE_PRESETS = (DEADLINES_DUE,)

# The stages a partner reads as a decision on their report: accepted, declined, decided by the Committee.
DECISION_STAGES = (stages.CANDIDATE, stages.DECLINED, stages.DECIDED)
# The stages in which the one-year limit still runs (the domain's rule, ``deadlines.KIND_STAGES``).
ONE_YEAR_STAGES = deadlines.KIND_STAGES[committee.ONE_YEAR_LIMIT]


@dataclass(frozen=True)
class Todo:
    """A role's counts, by preset, in the order the home page shows them."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing waits: every count is zero (or the role has none)."""
        return not any(self.counts.values())


# --- the conditions ---------------------------------------------------------------------------------


def _answered_since_last_move():
    """The case's latest stage move is the partner's answer (info_requested → screening), and no lawyer
    has saved a screening or written in the thread since.

    Asked from the answers' side — the few partners' answers (``ix_case_events_by_stages``), each checked
    for a later move, screening or lawyer's message — as one list of cases, not per case in screening
    (10,000 of them at 100,000 cases: 47 ms a home page)."""
    answer, later = aliased(CaseEvent), aliased(CaseEvent)
    moved_since = exists().where(later.case_id == answer.case_id, later.action == "move",
                                 or_(later.occurred_at > answer.occurred_at,
                                     and_(later.occurred_at == answer.occurred_at, later.id > answer.id)))
    screened_since = exists().where(ScreeningVersion.case_id == answer.case_id,
                                    ScreeningVersion.created_at > answer.occurred_at)
    replied_since = exists().where(Message.case_id == answer.case_id, Message.author_role == roles.LAWYER,
                                   Message.created_at > answer.occurred_at)
    unread_answers = select(answer.case_id).where(
        answer.action == "move", answer.from_stage == stages.INFO_REQUESTED, answer.to_stage == stages.SCREENING,
        answer.actor_role == roles.PARTNER, ~moved_since, ~screened_since, ~replied_since)
    return Case.id.in_(unread_answers)


def _decided_since(since: datetime):
    """A move into a decision stage on or after ``since``: the recent moves into those stages
    (``ix_case_events_into_stage``) as one list of cases, not a look at every visible case's timeline."""
    return Case.id.in_(select(CaseEvent.case_id).where(
        CaseEvent.action == "move", CaseEvent.to_stage.in_(DECISION_STAGES), CaseEvent.from_stage != CaseEvent.to_stage,
        CaseEvent.occurred_at >= since))


def _without_publicity():
    """Decisions still open for publicity (decided, follow-up) with no publicity action recorded. The
    decisions and the publicity actions are each read once, as lists of cases, rather than looked up for
    every decided case (7,700 at 100,000 cases)."""
    decided = select(Communication.case_id).where(Communication.decision_type.is_not(None))
    acted = select(PublicityAction.case_id)
    return and_(Case.stage.in_(PUBLICITY_OPEN_STAGES), Case.id.in_(decided), Case.id.not_in(acted))


def _follow_up_overdue(today):
    """Views finding a violation whose six months for the State's response (art. 9(2)) are over with no
    response recorded: the ``follow_up_response`` deadline, overdue (as ``dashboard.overdue_follow_ups``),
    exact in SQL through the inverse of the due-date rule."""
    last_transmitted = deadlines.latest_basis(follow_up_response_due, today - timedelta(days=1))
    return Case.id.in_(select(Communication.case_id).where(
        Communication.decision_type == committee.VIEWS_VIOLATION,
        Communication.follow_up_response_received_on.is_(None), Communication.decision_transmitted_on.is_not(None),
        Communication.decision_transmitted_on <= last_transmitted,
    )) & Case.stage.in_(deadlines.KIND_STAGES[committee.FOLLOW_UP_RESPONSE])


def clause(preset: str, user: User, *, now: datetime):
    """The condition on ``Case`` (and its correlated rows) of ``preset`` for ``user``; the list that
    ``preset`` opens adds it to its own visible cases. An unknown preset matches nothing."""
    today = now.date()
    if preset == WAITING:
        return Case.stage == stages.INFO_REQUESTED
    if preset == DRAFTS:
        return Case.stage == stages.DRAFT
    if preset == DECISIONS:
        return _decided_since(now - timedelta(days=DECISION_DAYS))
    if preset == NEW:
        return Case.stage == stages.SUBMITTED
    if preset == ANSWERED:
        return and_(Case.stage == stages.SCREENING, _answered_since_last_move())
    if preset == ONE_YEAR:
        # ``stage || ''`` keeps SQLite from walking every case in those stages by the stage index (10 ms at
        # 100,000 cases): it starts from the user's team, a few rows, instead.
        return and_((Case.stage + "").in_(ONE_YEAR_STAGES), Case.one_year_last_day >= today,
                    Case.one_year_last_day <= today + timedelta(days=ONE_YEAR_DAYS),
                    Case.id.in_(case_teams.team_case_ids(user)))
    if preset == NO_PUBLICITY:
        return _without_publicity()
    if preset == FOLLOW_UP_OVERDUE:
        return _follow_up_overdue(today)
    return false()


# --- the counts -------------------------------------------------------------------------------------


def count_statement(user: User, preset: str, *, now: datetime):
    """How many of ``user``'s visible cases ``preset`` matches, as one statement."""
    base = visible_cases(user).with_only_columns(Case.id)
    return select(func.count()).select_from(base.where(clause(preset, user, now=now)).subquery())


def _case_counts(session: Session, user: User, presets: tuple[str, ...], *, now: datetime) -> dict[str, int]:
    """One statement: a scalar subquery per preset over the user's visible cases."""
    if not presets:
        return {}
    subqueries = [count_statement(user, preset, now=now).scalar_subquery() for preset in presets]
    row = session.execute(select(*subqueries)).one()
    return {preset: int(count) for preset, count in zip(presets, row, strict=True)}


def for_user(session: Session, user: User, *, now: datetime) -> Todo:
    """The home page's counts for ``user``'s role."""
    presets = PRESETS.get(user.role, ())
    case_presets = tuple(preset for preset in presets
                         if preset not in (DEADLINES_DUE, UNDELIVERABLE, AWAITING_APPROVAL))
    counts = _case_counts(session, user, case_presets, now=now)
    if DEADLINES_DUE in presets:
        counts[DEADLINES_DUE] = deadlines.count_items(session, today=now.date(), within=DEADLINE_DAYS)
    if UNDELIVERABLE in presets:  # messages the outbox gave up on (``/admin/mail`` lists them)
        counts[UNDELIVERABLE] = notifications.undeliverable_count(session)
    if AWAITING_APPROVAL in presets:  # four-eyes (AUTH-12): accounts a second admin must approve
        counts[AWAITING_APPROVAL] = session.execute(
            select(func.count()).select_from(User)
            .where(User.approval_requested_at.is_not(None), User.approved_at.is_(None), User.disabled_at.is_(None))
        ).scalar_one()
    return Todo({preset: counts[preset] for preset in presets})
