"""A case (a violation report as it moves from intake to the Committee) and its sensitive parts.

Columns ending in ``_encrypted`` hold AES-GCM ciphertext under the case's data key, bound to
``table|column|row-uuid|v1`` (CRY-02); they are read and written only through
``caseapp.services.vault.CaseVault``. ``ENCRYPTED`` on each model names them.
"""

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.organisation import Organisation


class Case(Base):
    __tablename__ = "cases"
    ENCRYPTED = ("title", "summary", "narrative")

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    reference: Mapped[str] = mapped_column(String(16), unique=True)  # ESCR-YYYY-NNNN
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    state_code: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    title_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    summary_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    narrative_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())

    organisation: Mapped[Organisation] = relationship()
    victims: Mapped[list["Victim"]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                   passive_deletes=True, order_by="Victim.id")
    documents: Mapped[list["Document"]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                       passive_deletes=True, order_by="Document.id")

    @property
    def key_scope(self) -> str:
        return f"case:{self.uuid}"


class Victim(Base):
    __tablename__ = "victims"
    __table_args__ = (
        CheckConstraint("kind IN ('individual', 'group')", name="kind_valid"),
        CheckConstraint("consent IN ('yes', 'no', 'unknown')", name="consent_valid"),
    )
    ENCRYPTED = ("name", "contact", "identity_number")

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="individual")
    consent: Mapped[str] = mapped_column(String(8), default="unknown")
    keep_identity_confidential: Mapped[bool] = mapped_column(Boolean(), default=True)
    name_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    identity_number_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    # Blind indexes (CRY-07): HMAC of the normalised value, for duplicate detection across cases.
    name_index: Mapped[bytes | None] = mapped_column(LargeBinary(16), index=True)
    identity_number_index: Mapped[bytes | None] = mapped_column(LargeBinary(16), index=True)

    case: Mapped[Case] = relationship(back_populates="victims")


class Document(Base):
    """An evidence file: its bytes live in the file store, encrypted under its own file key."""

    __tablename__ = "documents"
    ENCRYPTED = ("original_name", "sha256")

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)  # also the stored file's name
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(BigInteger())
    wrapped_file_key: Mapped[bytes] = mapped_column(LargeBinary())
    original_name_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    sha256_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="documents")


class KekCanary(Base):
    """A known value encrypted under each key-encryption key, to tell a wrong key from a tampered record."""

    __tablename__ = "kek_canaries"

    kek_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReferenceCounter(Base):
    """The last reference number used in each year (ESCR-YYYY-NNNN)."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer(), default=0)
