"""The deadline digest (issue 16, point 4): one e-mail a day or a week per person with the deadlines on the cases
they follow and the notifications they chose to receive "in the digest".

``write_digests`` (``flask notify digest``, run by cron as often as one likes) writes one ``DEADLINE_DIGEST``
outbox row per person whose digest is due; ``flask notify send`` mails it. Its params hold codes, references
and ISO dates only (DATA-06): ``digest_view`` turns them into words and dates in the person's language when
the e-mail is composed.

Whose deadlines:
- partners: the one-year limits of their organisation's reports (the only deadline their pages show);
- lawyers and coordinators: the cases whose team includes them, and the cases whose team has nobody of their
  role — the same rule as the case notifications' audience, so a case nobody of a role has taken yet is
  watched by every person of that role rather than by nobody;
- admins: none (they see no case).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import uuid4

from flask_babel import format_date, gettext
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from caseapp.domain import committee, roles
from caseapp.domain import notifications as kinds
from caseapp.models import Case, CaseTeamMember, Notification, User
from caseapp.models.base import utcnow
from caseapp.models.notification import PENDING
from caseapp.models.user import reachable_accounts
from caseapp.services.deadlines import KIND_LABELS, deadline_items

DAILY, WEEKLY, NEVER = "daily", "weekly", "never"
FREQUENCIES = (DAILY, WEEKLY, NEVER)
PERIODS = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
# A digest is due a little before its period has fully passed, so an hourly cron does not push each day's
# digest an hour later than the last; two runs on the same day still write it once.
SLACK = timedelta(hours=1)
WITHIN_DAYS_MIN, WITHIN_DAYS_MAX = 1, 90

# Where the digest's link leads: the deadlines dashboard for caseworkers, the reports list for partners.
PARTNER_LINK = "/intake"


@dataclass
class DigestReport:
    written: int = 0
    nothing_to_say: int = 0


def due_user_ids(session: Session, *, frequency: str = "all", now: datetime | None = None) -> list[int]:
    """The active people (not admins) whose digest of ``frequency`` (daily, weekly or all) is due."""
    now = now or utcnow()
    wanted = tuple(PERIODS) if frequency == "all" else (frequency,)
    due = [(User.digest_frequency == name) & or_(User.digest_last_sent_at.is_(None),
                                                 User.digest_last_sent_at <= now - period + SLACK)
           for name, period in PERIODS.items() if name in wanted]
    if not due:
        return []
    return list(session.execute(select(User.id).where(*reachable_accounts(), User.role != roles.ADMIN,
                                                      or_(*due)).order_by(User.id)).scalars())


def followed_case_ids(user: User):
    """A SELECT of the ids of the cases whose deadlines this caseworker follows (see the module's docstring)."""
    on_team = select(CaseTeamMember.case_id).where(CaseTeamMember.user_id == user.id)
    someone_of_role = exists().where(CaseTeamMember.case_id == Case.id, CaseTeamMember.user_id == User.id,
                                     User.role == user.role)
    return select(Case.id).where(or_(Case.id.in_(on_team), ~someone_of_role))


def deadlines_for(session: Session, user: User, *, today: date) -> list:
    within = user.digest_within_days
    if user.role == roles.PARTNER:
        if user.organisation_id is None:
            return []
        items = deadline_items(session, today=today, within=within,
                               case_ids=select(Case.id).where(Case.organisation_id == user.organisation_id))
        return [item for item in items if item.kind == committee.ONE_YEAR_LIMIT]
    if user.role in (roles.LAWYER, roles.COORDINATOR):
        return deadline_items(session, today=today, within=within, case_ids=followed_case_ids(user))
    return []


def write_digest(session: Session, user: User, *, now: datetime) -> Notification | None:
    """The person's digest, in the caller's transaction, or None when there is nothing to say. The
    notifications it gathers are marked ``digested_at``, so each appears in one digest only."""
    items = deadlines_for(session, user, today=now.date())
    news = list(session.execute(
        select(Notification).where(Notification.user_id == user.id, Notification.delivery == kinds.DIGEST,
                                   Notification.digested_at.is_(None), Notification.kind != kinds.DEADLINE_DIGEST)
        .order_by(Notification.created_at, Notification.id)).scalars())
    if not items and not news:
        return None
    params = {
        "days": user.digest_within_days,
        "overdue": [_deadline(item) for item in items if item.overdue],
        "upcoming": [_deadline(item) for item in items if not item.overdue],
        "news": [{"reference": row.reference, "kind": row.kind, "at": row.created_at.date().isoformat()}
                 for row in news],
    }
    for row in news:
        row.digested_at = now
    digest = Notification(
        uuid=uuid4(), user_id=user.id, kind=kinds.DEADLINE_DIGEST, case_id=None, reference=None,
        link=PARTNER_LINK if user.role == roles.PARTNER else None, params=params, address=None, created_at=now,
        delivery=kinds.IMMEDIATE, mail_status=PENDING, attempts=0, next_attempt_at=None,
    )
    session.add(digest)
    session.flush()
    return digest


def _deadline(item) -> dict:
    return {"reference": item.case.reference, "kind": item.kind, "due": item.due_date.isoformat()}


def _claim(session: Session, user: User, now: datetime) -> bool:
    """Take this person's digest for this run: a conditional UPDATE that only one concurrent run wins."""
    last = User.digest_last_sent_at
    condition = last.is_(None) if user.digest_last_sent_at is None else last == user.digest_last_sent_at
    return session.execute(update(User).where(User.id == user.id, condition)
                           .values(digest_last_sent_at=now)).rowcount == 1


def write_digests(session: Session, *, frequency: str = "all", now: datetime | None = None,
                  progress: Callable[[], None] | None = None) -> DigestReport:
    """Write the digests that are due, one transaction per person. A person with nothing to say gets none
    and keeps their last date."""
    now = now or utcnow()
    report = DigestReport()
    ids = due_user_ids(session, frequency=frequency, now=now)
    session.commit()
    for user_id in ids:
        user = session.get(User, user_id)
        if user is None or not _claim(session, user, now):
            session.rollback()
        elif write_digest(session, user, now=now) is None:
            # Nothing to say: no empty digest, and the claim is undone, so their next news goes at the next run.
            session.rollback()
            report.nothing_to_say += 1
        else:
            session.commit()
            report.written += 1
        if progress is not None:
            progress()
    return report


def digest_view(params: dict) -> dict:
    """The ``digest`` the e-mail's template shows, from a digest row's params, in the current locale (call it
    under ``force_locale``): the kinds' labels translated, the dates formatted for the language."""

    def deadline(entry: dict) -> dict:
        return {"reference": entry.get("reference") or "",
                "label": gettext(KIND_LABELS.get(entry.get("kind"), entry.get("kind") or "")),
                "due": format_date(date.fromisoformat(entry["due"]), format="medium")}

    def news(entry: dict) -> dict:
        spec = kinds.KINDS.get(entry.get("kind"))
        return {"reference": entry.get("reference") or "", "label": gettext(spec.label) if spec else ""}

    return {"days": params.get("days"),
            "overdue": [deadline(entry) for entry in params.get("overdue", [])],
            "upcoming": [deadline(entry) for entry in params.get("upcoming", [])],
            "news": [news(entry) for entry in params.get("news", [])]}
