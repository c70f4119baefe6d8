"""Personal iCalendar feeds of the deadlines (issue 6, item 3).

A lawyer or coordinator may hold one feed: a secret URL their calendar application polls. The secret is
``secrets.token_urlsafe(32)`` (256 random bits, CRY-09), shown once when the feed is made; the database
keeps only its SHA-256, as for API tokens (``caseapp.services.tokens``), so a copy of the database yields
no usable URL. Making a feed again replaces the old one (its URL stops working); revoking deletes it. A
feed stops answering when its owner is disabled or stops being a lawyer or coordinator, and a change of role or a
disabled account deletes it for good (``revoke_all``).

The URL may leak (a shared calendar, a synced phone), so the feed says as little as it can: each event
is a case's reference and the kind of deadline, on its due date — never a title, a victim or anything
decrypted.
"""

import logging
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from caseapp.domain import permissions
from caseapp.domain.i18n import N_
from caseapp.models import CalendarFeed, User
from caseapp.models.base import utcnow
from caseapp.services import ServiceError
from caseapp.services.deadlines import Item
from caseapp.services.tokens import digest

log = logging.getLogger("caseapp.calendar_feeds")

SECRET_BYTES = 32
# Longer than any secret we issue (43 characters): anything longer is refused before it is hashed.
MAX_SECRET_LENGTH = 64
TOUCH_INTERVAL = timedelta(hours=1)  # "last used" is written at most this often
PRODUCT_ID = "-//ESCR Case Desk//Deadlines//EN"
UID_DOMAIN = "deadlines.escr-case-desk"


@dataclass
class NewFeed:
    feed: CalendarFeed
    secret: str  # shown once, never stored


def find_own(session: Session, user: User) -> CalendarFeed | None:
    return session.execute(select(CalendarFeed).where(CalendarFeed.user_id == user.id)).scalar_one_or_none()


def create(session: Session, user: User) -> NewFeed:
    """A new feed for ``user``, replacing any they had; the caller shows ``secret`` once and forgets it."""
    if not permissions.can_hold_calendar_feed(user) or not user.is_active:
        raise ServiceError(N_("Only lawyers and coordinators can have a calendar feed of the deadlines."))
    replaced = session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id)).rowcount or 0
    secret = secrets.token_urlsafe(SECRET_BYTES)
    feed = CalendarFeed(user_id=user.id, token_hash=digest(secret), created_at=utcnow())
    session.add(feed)
    session.flush()
    log.info("calendar_feed.created", extra={"user_id": user.id, "replaced": bool(replaced)})
    return NewFeed(feed, secret)


def revoke(session: Session, user: User) -> bool:
    """Delete the user's feed; False when they had none."""
    removed = session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id)).rowcount or 0
    if removed:
        log.info("calendar_feed.revoked", extra={"user_id": user.id})
    return bool(removed)


def revoke_all(session: Session, user: User) -> None:
    """The owner's access changed or the account was disabled: the feed goes for good."""
    revoke(session, user)


def authenticate(session: Session, secret: str | None) -> tuple[CalendarFeed, User] | None:
    """The feed and its owner for a presented secret, or None (unknown, revoked, owner disabled or no
    longer a lawyer or coordinator). The lookup is by hash, so its timing says nothing about the secret."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    feed = session.execute(select(CalendarFeed).where(CalendarFeed.token_hash == digest(secret))).scalar_one_or_none()
    if feed is None:
        return None
    user = session.get(User, feed.user_id)
    if user is None or not user.is_active or not permissions.can_hold_calendar_feed(user):
        return None
    return feed, user


def needs_touch(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= TOUCH_INTERVAL


def record_use(session: Session, feed_id: int, now: datetime) -> None:
    session.execute(update(CalendarFeed).where(CalendarFeed.id == feed_id).values(last_used_at=now))


def event_uid(item: Item) -> str:
    """Stable per case and kind of deadline, so a calendar updates the event when its date moves."""
    return f"{item.case.uuid}-{item.kind}@{UID_DOMAIN}"


def calendar(items: Iterable[Item], *, now: datetime, name: str, summaries: Mapping[str, str],
             describe: Callable[[Item], str]) -> bytes:
    """The feed as iCalendar (RFC 5545): one all-day event per deadline on its due date.

    The summary is the case's reference and ``summaries[kind]``, the kind's short phrase ("State's
    observations due"); ``describe`` writes the description from the item's clear data (the kind's label
    with its article, the date it is counted from). Nothing else about the case is written.
    """
    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for item in items:
        event = Event()
        event.add("uid", event_uid(item))
        event.add("dtstamp", now)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + timedelta(days=1))
        event.add("summary", f"{item.case.reference} — {summaries[item.kind]}")
        event.add("description", describe(item))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
