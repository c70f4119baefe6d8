"""Telling people when they must act: the outbox (DATA-06), its delivery, and each person's list.

``notify_case`` and ``notify_user`` write ``Notification`` rows in the caller's transaction: the event and the
message about it commit together or not at all. ``deliver_pending`` (``flask notify send``) sends the rows
that wait for an e-mail, each one once: a sender first claims a row for a while (a conditional UPDATE that
only one sender can win), sends it, then marks it sent; a row whose sender died is claimed again once its
claim has lapsed. A mail server that cannot be reached leaves every message waiting, untouched, for the next
run; a message the server refuses is retried with a growing delay and, refused for good or too often, is
given up and shown to admins. With background jobs on several hosts (``caseapp.jobs``), a worker sends each new
message with ``deliver_one`` once its transaction has committed, and a periodic sweep (``deliver_stale``)
sends those no job did; both claim as above, so each message still goes out once.

Nothing here reads case content: a message is made of the case reference, the kind of event and a link.
"""

import logging
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from uuid import UUID, uuid4

from flask import render_template
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Row, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from caseapp.core.mail import MailError, MailTransport
from caseapp.domain import notifications as kinds
from caseapp.domain import roles
from caseapp.models import Case, CaseTeamMember, Notification, NotificationPreference, User
from caseapp.models.base import utcnow
from caseapp.models.notification import FAILED, NO_MAIL, PENDING, SENT
from caseapp.models.user import reachable_accounts
from caseapp.services import accounts, digests

log = logging.getLogger("caseapp.notifications")

# How long a sender holds a message it took before another may take it: longer than one SMTP exchange.
CLAIM_SECONDS = 300


# --- writing notifications ----------------------------------------------------------------------------


def preferences(session: Session, user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """The recorded choice for ``kind`` of each of these people (absent: the kind's default)."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = session.execute(select(NotificationPreference.user_id, NotificationPreference.delivery)
                           .where(NotificationPreference.kind == kind, NotificationPreference.user_id.in_(ids)))
    return dict(rows.all())


def _row(user: User | Row, kind: str, delivery: str, *, case: Case | None, link: str | None, params: dict | None,
         address: str | None) -> Notification:
    return Notification(
        uuid=uuid4(), user_id=user.id, kind=kind, case_id=case.id if case is not None else None,
        reference=case.reference if case is not None else None, link=link, params=dict(params or {}),
        address=address, created_at=utcnow(), delivery=delivery,
        mail_status=PENDING if delivery == kinds.IMMEDIATE else NO_MAIL, attempts=0, next_attempt_at=None,
    )


def notify_user(session: Session, user: User, kind: str, *, link: str | None = None, case: Case | None = None,
                params: dict | None = None, address: str | None = None) -> Notification:
    """One notification for one person, in the caller's transaction (the caller commits)."""
    spec = kinds.KINDS[kind]
    chosen = preferences(session, [user.id], kind).get(user.id) if spec.choosable else None
    row = _row(user, kind, kinds.delivery_for(kind, chosen), case=case, link=link, params=params, address=address)
    session.add(row)
    session.flush()
    return row


def audience(session: Session, case: Case, kind: str) -> list[Row]:
    """The active people a case kind reaches: the report's organisation, or the case team's members of the
    kind's roles — every active person of a role when the team has none of it (a report nobody has taken yet
    still reaches the lawyers). Each as ``(id, role, chosen)``, ``chosen`` their recorded delivery for
    ``kind`` (None: the kind's default), read in the same statement: a submission tells every lawyer under
    the write lock, and whole accounts and a second query for their choices took a tenth of it (issue 20)."""
    spec = kinds.KINDS[kind]
    wanted = kinds.AUDIENCE_ROLES[spec.audience]
    people = (select(User.id, User.role, NotificationPreference.delivery.label("chosen"))
              .outerjoin(NotificationPreference, and_(NotificationPreference.user_id == User.id,
                                                      NotificationPreference.kind == kind))
              .where(*reachable_accounts()).order_by(User.id))
    if spec.audience == kinds.ORGANISATION:
        return list(session.execute(
            people.where(User.role == roles.PARTNER, User.organisation_id == case.organisation_id)))
    team = list(session.execute(
        people.join(CaseTeamMember, CaseTeamMember.user_id == User.id)
        .where(CaseTeamMember.case_id == case.id, User.role.in_(wanted))))
    missing_roles = [role for role in wanted if not any(person.role == role for person in team)]
    if missing_roles:
        team += session.execute(people.where(User.role.in_(missing_roles)))
    return team


def notify_case(session: Session, case: Case, kind: str, *, actor: User | None,
                skip: set[int] | None = None) -> list[Notification]:
    """The notifications of a case event for everyone it concerns but the person who caused it (and those in
    ``skip``, already told of the same event). Their link opens the case on the page each recipient may see
    (``open_path``)."""
    skip = skip or set()
    rows = [_row(person, kind, kinds.delivery_for(kind, person.chosen), case=case, link=None, params=None,
                 address=None)
            for person in audience(session, case, kind)
            if (actor is None or person.id != actor.id) and person.id not in skip]
    session.add_all(rows)
    session.flush()
    return rows


def notify_move(session: Session, case: Case, source: str, target: str, actor: User) -> None:
    """The notifications a stage move causes (``kinds_for_move``), each person told once."""
    told: set[int] = set()
    for kind in kinds.kinds_for_move(source, target, actor.role):
        told |= {row.user_id for row in notify_case(session, case, kind, actor=actor, skip=told)}


def open_path(notification: Notification) -> str:
    """Where the notification's link leads: its own page, which marks it read and opens what it is about."""
    return f"/notifications/{notification.uuid}"


# --- a person's list ----------------------------------------------------------------------------------


def inbox_query(user: User):
    """The person's notifications, newest first."""
    return (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


# A person's unread notifications, the person a parameter. The statements are built once: the navigation bar
# counts on every page, and building a statement took longer than running it (0.1 of 0.16 ms, issue 20).
_UNREAD = select(Notification.id).where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
_UNREAD_COUNT = select(func.count()).select_from(_UNREAD.subquery())
_UNREAD_COUNT_UP_TO = select(func.count()).select_from(_UNREAD.limit(bindparam("counted")).subquery())


def unread_count(session: Session, user: User) -> int:
    return session.execute(_UNREAD_COUNT, {"user_id": user.id}).scalar_one()


def unread_count_up_to(session: Session, user: User, cap: int) -> int:
    """How many of the person's notifications are unread, counted no further than ``cap + 1``: more than ``cap``
    when it says so (as ``core.database.count_up_to``)."""
    return session.execute(_UNREAD_COUNT_UP_TO, {"user_id": user.id, "counted": cap + 1}).scalar_one()


def find_own(session: Session, user: User, notification_uuid: UUID) -> Notification | None:
    """One of the person's own notifications; someone else's looks like none (AC-04)."""
    return session.execute(select(Notification).where(Notification.uuid == notification_uuid,
                                                      Notification.user_id == user.id)).scalar_one_or_none()


def mark_read(session: Session, user: User, notification_uuid: UUID | None = None) -> int:
    """Mark one of the person's notifications read, or all of them (None); returns how many changed."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_uuid is not None:
        query = query.where(Notification.uuid == notification_uuid)
    return session.execute(query.values(read_at=utcnow())).rowcount or 0


def set_preference(session: Session, user: User, kind: str, delivery: str) -> None:
    if kind not in kinds.CHOOSABLE_KINDS or delivery not in kinds.DELIVERIES:
        raise ValueError("not a kind a person chooses, or not a delivery")
    row = session.execute(select(NotificationPreference).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == kind)).scalar_one_or_none()
    if row is None:
        session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
    else:
        row.delivery = delivery
    session.flush()


def chosen_deliveries(session: Session, user: User) -> dict[str, str]:
    """Every choosable kind with the person's delivery for it (their choice or the default)."""
    chosen = dict(session.execute(select(NotificationPreference.kind, NotificationPreference.delivery)
                                  .where(NotificationPreference.user_id == user.id)).all())
    return {kind: kinds.delivery_for(kind, chosen.get(kind)) for kind in kinds.CHOOSABLE_KINDS}


# --- the e-mail -------------------------------------------------------------------------------------------


@dataclass
class MailSettings:
    sender: str
    base_url: str
    setup_link_lifetime: timedelta
    unsubscribe_url: Callable[[Notification], str | None] = lambda _row: None
    preferences_url: str = "/account/notifications"


def settings_from_config(config) -> MailSettings:
    """The e-mails' settings from the app's configuration (a mapping: the command line and the web pass theirs)."""
    base_url = config["BASE_URL"].rstrip("/")

    def unsubscribe_url(row: Notification) -> str:
        return f"{base_url}/notifications/unsubscribe/{unsubscribe_token(config['SECRET_KEY'], row.user, row.kind)}"

    return MailSettings(sender=config["MAIL_DEFAULT_SENDER"], base_url=base_url,
                        setup_link_lifetime=config["SETUP_TOKEN_LIFETIME"], unsubscribe_url=unsubscribe_url)


def compose(session: Session, row: Notification, settings: MailSettings, *, digest: dict | None = None) -> EmailMessage:
    """The e-mail for one notification, in its recipient's language: the case reference, the kind of event and
    a link, and never anything from the case (DATA-06). A set-up or reset message gets its one-time link
    here, so the secret exists only in this e-mail."""
    user = row.user
    spec = kinds.KINDS[row.kind]
    base = settings.base_url.rstrip("/")
    if row.kind in kinds.SETUP_LINK_KINDS:
        token = accounts.issue_setup_token(session, user, settings.setup_link_lifetime,
                                           revoke_api_tokens=row.kind == kinds.ACCOUNT_SETUP)
        link = f"{base}/setup/{token}"
    elif row.kind == kinds.DEADLINE_DIGEST:
        link = base + (row.link or "/deadlines")
    else:
        link = base + (row.link or open_path(row))
    unsubscribe = settings.unsubscribe_url(row) if spec.choosable or row.kind == kinds.DEADLINE_DIGEST else None
    values = {"reference": row.reference or "", "hours": int(settings.setup_link_lifetime.total_seconds() // 3600)}
    with force_locale(user.locale or "en"):
        if row.kind == kinds.ACCOUNT_CHANGED:
            values["change"] = gettext(kinds.ACCOUNT_CHANGES.get(row.params.get("change"), "your account changed"))
        if row.kind == kinds.DEADLINE_DIGEST and digest is None:
            digest = digests.digest_view(row.params or {})
        subject = gettext(spec.subject, **values)
        body = render_template("mail/notification.txt", sentence=gettext(spec.sentence, **values), link=link,
                               reference=row.reference, unsubscribe=unsubscribe, digest=digest,
                               preferences=base + settings.preferences_url, kind_label=gettext(spec.label))
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = row.address or user.email
    message["Date"] = email_date(utcnow())
    # One identity per outbox row: a receiving server that sees the same message twice can tell.
    message["Message-ID"] = f"<{row.uuid}@{settings.sender.rpartition('@')[2].strip('> ') or 'caseapp'}>"
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message.set_content(body)
    message["Content-Language"] = user.locale or "en"  # after set_content, which replaces the Content-* headers
    return message


# --- delivery -----------------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting: int = 0  # left for the next run because the server could not be reached
    unreachable: str | None = None
    errors: list[str] = field(default_factory=list)


def _due(now: datetime):
    return (Notification.mail_status == PENDING,
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
            or_(Notification.claimed_until.is_(None), Notification.claimed_until <= now))


def due_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    return list(session.execute(select(Notification.id).where(*_due(now))
                                .order_by(Notification.created_at, Notification.id).limit(limit)).scalars())


def _lease_end(now: datetime) -> datetime:
    """When a claim taken now lapses. Counted from the clock, not only from the run's start: a long run's
    late claims would otherwise lapse at once and let another sender take the same message."""
    return max(now, utcnow()) + timedelta(seconds=CLAIM_SECONDS)


def claim(session: Session, notification_id: int, *, now: datetime) -> bool:
    """Take one message for this sender; False when another sender has it or it is no longer due."""
    result = session.execute(update(Notification).where(Notification.id == notification_id, *_due(now))
                             .values(claimed_until=_lease_end(now)))
    return result.rowcount == 1


Take = Callable[[int], bool]


def deliver_pending(session: Session, transport: MailTransport, settings: MailSettings, *, now: datetime | None = None,
                    limit: int = 500, max_attempts: int = kinds.MAX_ATTEMPTS,
                    progress: Callable[[], None] | None = None) -> DeliveryReport:
    """Send the messages that are due, each in transactions of its own: claim (commit), compose and send, then
    mark sent (commit). Stops at the first sign that the server cannot be reached, leaving the rest as they
    were; a message the server refused waits longer each time and is given up after ``max_attempts``."""
    now = now or utcnow()
    ids = due_ids(session, now=now, limit=limit)
    session.commit()
    return _deliver(session, transport, settings, ids, take=lambda notification_id: claim(session, notification_id,
                                                                                          now=now),
                    now=now, max_attempts=max_attempts, progress=progress)


def deliver_one(session: Session, transport: MailTransport, settings: MailSettings, notification_id: int, *,
                now: datetime | None = None, max_attempts: int = kinds.MAX_ATTEMPTS) -> DeliveryReport:
    """Send one message if it is still due (a background job's unit, ``caseapp.jobs``): claimed, sent and
    marked like any other, so a second job for the same row, or a sweep that took it first, sends nothing.
    No connection is opened for a message already sent, claimed or not yet due."""
    now = now or utcnow()
    due = session.execute(select(Notification.id).where(Notification.id == notification_id, *_due(now))).scalar()
    session.commit()
    if due is None:
        return DeliveryReport()
    return _deliver(session, transport, settings, [due], take=lambda found: claim(session, found, now=now), now=now,
                    max_attempts=max_attempts)


def claim_stale(session: Session, *, now: datetime, limit: int, created_before: datetime) -> tuple[list[int], datetime]:
    """Claim, in one committed transaction, up to ``limit`` messages due and written before ``created_before``
    (the background jobs' sweep: messages whose job was never enqueued, or whose worker died holding them).
    Returns their ids and the claim's end.

    On PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED``: two sweeps at once take disjoint
    sets without waiting for each other, and a job claiming one of them meanwhile waits for this
    transaction, then finds it claimed. SQLite has no row locks (SQLAlchemy leaves the clause out there):
    the caller's BEGIN IMMEDIATE (``writing()``) holds the database's write lock from the SELECT to the
    COMMIT, which serialises the senders just as well."""
    query = (select(Notification.id).where(*_due(now), Notification.created_at <= created_before)
             .order_by(Notification.created_at, Notification.id).limit(limit).with_for_update(skip_locked=True))
    ids = list(session.execute(query).scalars())
    lease = _lease_end(now)
    if ids:
        session.execute(update(Notification).where(Notification.id.in_(ids)).values(claimed_until=lease))
    session.commit()
    return ids, lease


def deliver_stale(session: Session, transport: MailTransport, settings: MailSettings, *, older_than: timedelta,
                  now: datetime | None = None, limit: int = 100,
                  max_attempts: int = kinds.MAX_ATTEMPTS) -> DeliveryReport:
    """Claim the due messages older than ``older_than`` at once (``claim_stale``), then send them one by one.
    Before each send the claim is renewed on condition that it is still this sweep's own: one that lapsed
    while earlier messages were sent, and was taken by another sender, is left to that sender. Claims left
    unused (the server could not be reached) are released, so the messages wait untouched."""
    now = now or utcnow()
    ids, lease = claim_stale(session, now=now, limit=limit, created_before=now - older_than)
    if not ids:
        return DeliveryReport()

    def renew(notification_id: int) -> bool:
        return session.execute(update(Notification).where(
            Notification.id == notification_id, Notification.mail_status == PENDING,
            Notification.claimed_until == lease).values(claimed_until=_lease_end(now))).rowcount == 1

    try:
        return _deliver(session, transport, settings, ids, take=renew, now=now, max_attempts=max_attempts)
    finally:
        session.rollback()
        session.execute(update(Notification).where(Notification.id.in_(ids), Notification.mail_status == PENDING,
                                                   Notification.claimed_until == lease).values(claimed_until=None))
        session.commit()


def _deliver(session: Session, transport: MailTransport, settings: MailSettings, ids: list[int], *, take: Take,
             now: datetime, max_attempts: int, progress: Callable[[], None] | None = None) -> DeliveryReport:
    """Send the messages ``ids`` over one connection, each only if ``take(id)`` wins it for this sender."""
    report = DeliveryReport()
    with ExitStack() as stack:
        try:
            connection = stack.enter_context(transport.connection())
        except MailError as error:
            report.unreachable, report.waiting = error.code, len(ids)
            log.warning("mail.server_unreachable", extra={"error": error.code})
            return report
        for position, notification_id in enumerate(ids):
            if not take(notification_id):
                session.rollback()
                continue
            # The claim and a set-up link's token commit together, before the server is spoken to: no
            # transaction (on SQLite, no write lock) stays open while the message travels.
            message = compose(session, session.get(Notification, notification_id), settings)
            session.commit()
            try:
                connection.send(message)
            except MailError as error:
                row = session.get(Notification, notification_id)
                if not error.reachable:
                    row.claimed_until = None  # untouched: it waits for the server, like the rest
                    session.commit()
                    report.unreachable = error.code
                    report.waiting = len(ids) - position
                    log.warning("mail.server_unreachable", extra={"error": error.code})
                    break
                _failed_attempt(row, error, now=now, max_attempts=max_attempts)
                session.commit()
                if row.mail_status == FAILED:
                    report.failed += 1
                else:
                    report.retried += 1
                report.errors.append(error.code)
                continue
            row = session.get(Notification, notification_id)
            row.mail_status, row.sent_at, row.claimed_until = SENT, utcnow(), None
            row.attempts += 1
            row.last_error = None
            session.commit()
            report.sent += 1
            if progress is not None:
                progress()
    return report


def _failed_attempt(row: Notification, error: MailError, *, now: datetime, max_attempts: int) -> None:
    row.attempts += 1
    row.claimed_until = None
    row.last_error = error.code[:200]
    if kinds.gives_up(row.attempts, permanent=error.permanent, max_attempts=max_attempts):
        row.mail_status = FAILED
        row.next_attempt_at = None
        log.warning("mail.given_up", extra={"notification": str(row.uuid), "error": error.code})
    else:
        row.next_attempt_at = now + timedelta(seconds=kinds.retry_delay_seconds(row.attempts))


def undeliverable_query():
    """The messages given up, newest first: the admins' list."""
    return select(Notification).where(Notification.mail_status == FAILED).order_by(Notification.created_at.desc(),
                                                                                  Notification.id.desc())


def undeliverable_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Notification)
                           .where(Notification.mail_status == FAILED)).scalar_one()


def send_again(session: Session, notification_uuid: UUID) -> bool:
    """Put a given-up message back in the queue (an admin fixed the address or the server)."""
    result = session.execute(update(Notification).where(Notification.uuid == notification_uuid,
                                                        Notification.mail_status == FAILED)
                             .values(mail_status=PENDING, attempts=0, next_attempt_at=None, claimed_until=None))
    return result.rowcount == 1


# --- unsubscribing --------------------------------------------------------------------------------------------

UNSUBSCRIBE_SALT = "caseapp.unsubscribe"


def unsubscribe_token(secret_key: str, user: User, kind: str) -> str:
    """A signed token that turns one kind of e-mail off for one person; it expires (``read_unsubscribe_token``)."""
    return URLSafeTimedSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps([str(user.uuid), kind])


def read_unsubscribe_token(secret_key: str, token: str, max_age: timedelta) -> tuple[UUID, str] | None:
    """(the person's uuid, the kind) of a valid token, or None (forged, expired, malformed)."""
    try:
        user_uuid, kind = URLSafeTimedSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(
            token, max_age=int(max_age.total_seconds()))
        return UUID(user_uuid), kind
    except (BadSignature, ValueError, TypeError):
        return None
