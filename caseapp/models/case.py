"""A case (a violation report as it moves from intake to the Committee) and its sensitive parts.

Columns ending in ``_encrypted`` hold AES-GCM ciphertext under the case's data key, bound to
``table|column|row-uuid|v1`` (CRY-02); they are read and written only through
``caseapp.services.vault.CaseVault``. ``ENCRYPTED`` on each model names them.
"""

from contextlib import nullcontext
from datetime import date, datetime
from uuid import UUID, uuid4

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Uuid,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from caseapp.domain.fields import TRI_STATE
from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.organisation import Organisation

# The SQL list of the tri-state answers, "('yes', 'no', 'unknown')", from the one definition in the domain.
TRI_STATE_SQL = "(" + ", ".join(f"'{answer}'" for answer in TRI_STATE) + ")"
# The partner's answers to the CaseFacts questions the engine also asks (DESIGN.md §5).
PARTNER_VIEW_COLUMNS = ("victims_under_jurisdiction", "substantiated", "abuse", "clear_disadvantage",
                        "general_importance")


class Case(Base):
    """A report and, once accepted, the case. Field names follow DESIGN.md §5 (the engine's CaseFacts)."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"continuing IN {TRI_STATE_SQL}", name="continuing_valid"),
        CheckConstraint(f"author_is_victim IN {TRI_STATE_SQL}", name="author_is_victim_valid"),
        CheckConstraint(f"acting_on_behalf IN {TRI_STATE_SQL}", name="acting_on_behalf_valid"),
        CheckConstraint(f"urgent_risk IN {TRI_STATE_SQL}", name="urgent_risk_valid"),
        CheckConstraint(f"only_mass_media_reports IN {TRI_STATE_SQL}", name="only_mass_media_reports_valid"),
        *(CheckConstraint(f"{name} IN {TRI_STATE_SQL}", name=f"{name}_valid") for name in PARTNER_VIEW_COLUMNS),
        # The lists filter and sort on these clear columns only. Each index holds every column its list
        # filters or sorts on, so a page's ids are found in the index alone and only the rows shown are
        # read (on SQLite a row is read whole, encrypted narrative included): the lawyers' queue and the
        # cases before the Committee (by stage), the same by State, a partner's reports (bench/README.md).
        Index("ix_cases_queue", "stage", "state_code", "urgent_risk", "one_year_last_day", "submitted_at", "reference"),
        Index("ix_cases_by_state", "state_code", "stage", "urgent_risk", "one_year_last_day", "submitted_at",
              "reference"),
        Index("ix_cases_by_organisation", "organisation_id", "stage", "updated_at"),
        # The cases before the Committee in the order that needs action (``committee.page_by_next_deadline``):
        # the open ones by their next deadline, then by submission, the ended ones by last change — counted
        # and ordered from the index alone, with no statistics needed to choose it (SQLite has none
        # without ANALYZE, which made other lists' plans worse when tried).
        Index("ix_cases_committee", "stage", "next_due_on", "state_code", "reference", "submitted_at", "updated_at"),
    )
    # ``other_instruments`` is the partner's free-text list of other treaties invoked, kept as a JSON list
    # inside its ciphertext.
    ENCRYPTED = ("title", "summary", "narrative", "consent_justification", "remedies_exception_explanation",
                 "one_year_exception", "urgent_explanation", "decline_reason", "other_instruments", "remedies_sought")

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    # ESCR-YYYY-NNNN, given at submission; drafts have none.
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(32), default="draft")
    state_code: Mapped[str | None] = mapped_column(String(2))
    rights_invoked: Mapped[list[str]] = mapped_column(JSON(), default=list)
    facts_start: Mapped[date | None] = mapped_column(Date())
    facts_end: Mapped[date | None] = mapped_column(Date())
    continuing: Mapped[str] = mapped_column(String(8), default="unknown")
    author_is_victim: Mapped[str] = mapped_column(String(8), default="unknown")
    acting_on_behalf: Mapped[str] = mapped_column(String(8), default="unknown")
    remedies_exception_reason: Mapped[str | None] = mapped_column(String(32))
    only_mass_media_reports: Mapped[str] = mapped_column(String(8), default="unknown")
    victims_under_jurisdiction: Mapped[str] = mapped_column(String(8), default="unknown")
    substantiated: Mapped[str] = mapped_column(String(8), default="unknown")
    abuse: Mapped[str] = mapped_column(String(8), default="unknown")
    clear_disadvantage: Mapped[str] = mapped_column(String(8), default="unknown")
    general_importance: Mapped[str] = mapped_column(String(8), default="unknown")
    urgent_risk: Mapped[str] = mapped_column(String(8), default="unknown")
    urgent_date: Mapped[date | None] = mapped_column(Date())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The last day under art. 3(2)(a), from the recorded facts (written with them, so the queue can
    # filter and sort on days left without decrypting anything); None while it cannot be counted.
    one_year_last_day: Mapped[date | None] = mapped_column(Date(), index=True)
    one_year_basis_date: Mapped[date | None] = mapped_column(Date())  # the notification (or decision) counted from
    title_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    summary_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    narrative_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    consent_justification_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    remedies_exception_explanation_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    one_year_exception_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    urgent_explanation_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    decline_reason_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())  # shown to the partner
    other_instruments_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    # Drafting (issue 19): the language the communication is written in, and what the authors ask the
    # Committee to recommend, which the report itself does not say.
    working_language: Mapped[str | None] = mapped_column(String(2))
    remedies_sought_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    # True once the case's duplicates (``case_duplicates``) were found and stored, when it was submitted
    # or its victims last changed. Reports submitted before that table existed stay False until
    # `flask duplicates record` has checked them; the pages check those on the fly.
    duplicates_checked: Mapped[bool] = mapped_column(Boolean(), default=False, server_default=false())
    # The soonest of the case's open deadlines (``case_deadlines``), kept with them: the cases before the
    # Committee are listed by it without reading every case's deadlines.
    next_due_on: Mapped[date | None] = mapped_column(Date())

    organisation: Mapped[Organisation] = relationship()
    victims: Mapped[list["Victim"]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                   passive_deletes=True, order_by="Victim.id")
    documents: Mapped[list["Document"]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                       passive_deletes=True, order_by="Document.id")
    remedies: Mapped[list["DomesticRemedy"]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                            passive_deletes=True, order_by="DomesticRemedy.id")
    unused_remedies: Mapped[list["UnusedRemedy"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                                 order_by="UnusedRemedy.id")
    other_procedures: Mapped[list["OtherProcedure"]] = relationship(cascade="all, delete-orphan",
                                                                    passive_deletes=True, order_by="OtherProcedure.id")
    right_rows: Mapped[list["CaseRight"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    def set_rights_invoked(self, codes) -> None:
        """The partner's list of rights (in their order, each once) and the same rights as rows, which the
        queue's filter and the dashboard's count read through their index: always written together."""
        self.rights_invoked = list(dict.fromkeys(codes))
        wanted = set(self.rights_invoked)
        session = object_session(self)
        with session.no_autoflush if session is not None else nullcontext():  # the flush to come writes both
            kept = [row for row in self.right_rows if row.code in wanted]
        self.right_rows = kept + [CaseRight(code=code) for code in sorted(wanted - {row.code for row in kept})]

    @property
    def key_scope(self) -> str:
        return f"case:{self.uuid}"


# The lawyers' queue in its default order (the one-year limit soonest first, "not counted" last, then newest
# submitted), with the columns its filters test: walked in order and cut at the first page, a long list is
# not sorted whole (``cases.page_of_ids``; 16 ms → about 1 ms for a right that 19,000 reports invoke).
QUEUE_ORDER_INDEX = Index(
    "ix_cases_by_one_year_limit", Case.one_year_last_day.is_(None), Case.one_year_last_day,
    Case.submitted_at.desc(), Case.id.desc(), Case.stage, Case.state_code, Case.urgent_risk, Case.reference)

# The cases before the Committee by their next deadline, soonest first (``committee.page_by_next_deadline``):
# walked in order to a page of a long list instead of sorting every open deadline.
NEXT_DUE_INDEX = Index("ix_cases_by_next_due", Case.next_due_on, Case.id, Case.stage, Case.state_code,
                       Case.reference)


class CaseRight(Base):
    """One right of ``Case.rights_invoked`` (which stays the case's list, in the partner's order), as a row:
    the lawyers' queue filters by right through this table's index instead of reading every case's JSON.
    The intake service writes both together."""

    __tablename__ = "case_rights"
    __table_args__ = (Index("ix_case_rights_code", "code", "case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)


class CaseDuplicate(Base):
    """Two submitted reports that name the same victim (same name or identity number), confirmed on the
    decrypted values (CRY-07) when either was submitted or its victims changed, and stored both ways (A→B
    and B→A) so that a list reads a page's flags with one indexed query. Only ids and what matched: no
    content. Rows go with either case (ON DELETE CASCADE)."""

    __tablename__ = "case_duplicates"
    __table_args__ = (
        CheckConstraint("matched_on IN ('name', 'identity number')", name="matched_on_valid"),
        Index("ix_case_duplicates_other", "other_case_id"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    matched_on: Mapped[str] = mapped_column(String(16))


class Victim(Base):
    __tablename__ = "victims"
    __table_args__ = (
        CheckConstraint("kind IN ('individual', 'group')", name="kind_valid"),
        CheckConstraint(f"consent IN {TRI_STATE_SQL}", name="consent_valid"),
    )
    ENCRYPTED = ("name", "contact", "identity_number", "consent_record")

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="individual")
    consent: Mapped[str] = mapped_column(String(8), default="unknown")
    keep_identity_confidential: Mapped[bool] = mapped_column(Boolean(), default=True)
    name_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    identity_number_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    consent_record_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())  # how consent was given
    # Blind indexes (CRY-07): HMAC of the normalised value, for duplicate detection across cases.
    name_index: Mapped[bytes | None] = mapped_column(LargeBinary(16), index=True)
    identity_number_index: Mapped[bytes | None] = mapped_column(LargeBinary(16), index=True)

    case: Mapped[Case] = relationship(back_populates="victims")


class DomesticRemedy(Base):
    """A domestic remedy tried (art. 3(1)); the dates drive the one-year limit (art. 3(2)(a))."""

    __tablename__ = "domestic_remedies"
    __table_args__ = (
        CheckConstraint("kind IN ('judicial', 'appeal', 'cassation', 'constitutional', 'administrative', 'other')",
                        name="kind_valid"),
        CheckConstraint("outcome IN ('rejected', 'granted', 'partly_granted', 'pending', 'withdrawn')",
                        name="outcome_valid"),
        CheckConstraint(f"final IN {TRI_STATE_SQL}", name="final_valid"),
        CheckConstraint(f"addressed_substance IN {TRI_STATE_SQL}", name="addressed_substance_valid"),
    )
    ENCRYPTED = ("body",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="judicial")
    filed: Mapped[date | None] = mapped_column(Date())
    decided: Mapped[date | None] = mapped_column(Date())
    notified: Mapped[date | None] = mapped_column(Date())
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    final: Mapped[str] = mapped_column(String(8), default="unknown")
    addressed_substance: Mapped[str] = mapped_column(String(8), default="unknown")
    body_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())

    case: Mapped[Case] = relationship(back_populates="remedies")


class UnusedRemedy(Base):
    """A remedy not used, and why (art. 3(1), second sentence)."""

    __tablename__ = "unused_remedies"
    __table_args__ = (
        CheckConstraint("reason IN ('unavailable', 'ineffective', 'unreasonably_prolonged', 'none')",
                        name="reason_valid"),
    )
    ENCRYPTED = ("name", "explanation")

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(24), default="none")
    name_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    explanation_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())


class OtherProcedure(Base):
    """Another international procedure seized of the matter (art. 3(2)(c))."""

    __tablename__ = "other_procedures"
    __table_args__ = (
        CheckConstraint(f"same_matter IN {TRI_STATE_SQL}", name="same_matter_valid"),
        CheckConstraint("status IN ('pending', 'examined', 'declared_inadmissible_reasoned', "
                        "'declared_inadmissible_unreasoned', 'withdrawn')", name="status_valid"),
    )
    ENCRYPTED = ("body",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    same_matter: Mapped[str] = mapped_column(String(8), default="unknown")
    status: Mapped[str] = mapped_column(String(40), default="pending")
    on_date: Mapped[date | None] = mapped_column("date", Date())  # the procedure's decision or filing date
    body_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())


class Document(Base):
    """An evidence file: its bytes live in the file store, encrypted under its own file key."""

    __tablename__ = "documents"
    ENCRYPTED = ("original_name", "sha256")

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)  # also the stored file's name
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The message it came with, when a partner answered a request for information.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"),
                                                   index=True)
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
