"""The notification outbox (DATA-06) and each person's choices.

A ``Notification`` is written in the same transaction as the event that causes it, so an event that is
rolled back tells nobody and one that is committed is never forgotten. It is at once the person's entry in
the app's notification list (``read_at``) and, unless they chose otherwise, an e-mail waiting for
``flask notify send`` (``mail_status``). It holds no case content: the case reference, the kind of event,
a link path and parameters that are codes, never text from the case.
"""

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.domain.notifications import DELIVERIES
from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.user import User

PENDING = "pending"  # an e-mail waits to be sent
SENT = "sent"
FAILED = "failed"  # given up after retries or refused for good: shown to admins
NO_MAIL = "none"  # in the app only (the person chose "never"), or gathered into a digest
MAIL_STATUSES = (PENDING, SENT, FAILED, NO_MAIL)

_DELIVERY_LIST = ", ".join(f"'{value}'" for value in DELIVERIES)
_STATUS_LIST = ", ".join(f"'{value}'" for value in MAIL_STATUSES)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"delivery IN ({_DELIVERY_LIST})", name="delivery_valid"),
        CheckConstraint(f"mail_status IN ({_STATUS_LIST})", name="mail_status_valid"),
        # The sender's scan: pending messages in the order they are due.
        Index("ix_notifications_due", "mail_status", "next_attempt_at"),
        # A person's list, newest first, and their unread count.
        Index("ix_notifications_user_list", "user_id", "created_at"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str | None] = mapped_column(String(40))
    link: Mapped[str | None] = mapped_column(String(300))  # a path in the app, joined to BASE_URL in the e-mail
    params: Mapped[dict] = mapped_column(JSON(), default=dict)  # codes and dates only, never case text
    address: Mapped[str | None] = mapped_column(String(254))  # instead of the user's: the old one after a change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery: Mapped[str] = mapped_column(String(16))
    mail_status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer(), default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A sender that took the message holds it until then; another sender leaves it alone meanwhile.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))  # the error's class and SMTP code, no content
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # gathered into a digest

    user: Mapped[User] = relationship()


class NotificationPreference(Base):
    """A person's choice for one kind: at once, in the digest, or never (a missing row: the kind's default)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),
        CheckConstraint(f"delivery IN ({_DELIVERY_LIST})", name="delivery_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    delivery: Mapped[str] = mapped_column(String(16))
