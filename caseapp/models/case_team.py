"""A case's team: the lawyers and coordinators assigned to it (DESIGN.md §2, AC-06).

Coordinators see a case's victim identity, narrative and files only when they are on its team; the
rule itself is ``caseapp.domain.permissions.can_read_case_content``. A row is deleted when its case or
its member's account goes; who added someone is kept only while that account exists.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.case import Case
from caseapp.models.user import User


class CaseTeamMember(Base):
    __tablename__ = "case_team_members"
    __table_args__ = (UniqueConstraint("case_id", "user_id", name="uq_case_team_members_case_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    # Indexed for "my cases": the cases whose team includes the signed-in user.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
