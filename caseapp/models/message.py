from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.case import Case
from caseapp.models.user import User


class Message(Base):
    """One message in a report's thread between its organisation and the lawyers; the text is encrypted."""

    __tablename__ = "messages"
    __table_args__ = (CheckConstraint("kind IN ('message', 'information_request')", name="kind_valid"),)
    ENCRYPTED = ("body",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_role: Mapped[str] = mapped_column(String(16))  # kept if the account is later deleted
    kind: Mapped[str] = mapped_column(String(24), default="message")
    body_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    case: Mapped[Case] = relationship()
    author: Mapped[User | None] = relationship()
