"""The lawyers' screening of a case (versioned) and the case's timeline of stage moves."""

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.case import Case
from caseapp.models.user import User


class ScreeningVersion(Base):
    """One saved screening: the engine's assessment then, the lawyer's determinations with reasons, the
    strategic scores with notes (all in ``content``, encrypted JSON). Never updated: a change is a new
    version. The overall readings stay in clear so the queue can filter on them."""

    __tablename__ = "screening_versions"
    __table_args__ = (UniqueConstraint("case_id", "version", name="case_version"),)
    ENCRYPTED = ("content",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    engine_overall: Mapped[str] = mapped_column(String(16))
    overall: Mapped[str] = mapped_column(String(16))
    content_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())

    case: Mapped[Case] = relationship()
    author: Mapped[User | None] = relationship()


class CaseEvent(Base):
    """One entry of a case's timeline, by whom, when, with a note: a move from one stage to another
    (``action`` "move"), or something recorded without a move ("record": interim measures granted, the
    State's observations received…; "team_added", "team_removed": a change of the case's team, the note
    naming the member), where both stages are the case's stage at the time."""

    __tablename__ = "case_events"
    __table_args__ = (
        # The home pages' to-do counts (services/todo.py) start from the moves themselves: the partners'
        # answers (info_requested → screening), and the recent moves into a decision stage.
        Index("ix_case_events_by_stages", "from_stage", "to_stage", "case_id"),
        Index("ix_case_events_into_stage", "to_stage", "occurred_at"),
    )
    ENCRYPTED = ("note",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(16))
    from_stage: Mapped[str] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16), default="move", server_default="move")
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())

    case: Mapped[Case] = relationship()
    actor: Mapped[User | None] = relationship()
