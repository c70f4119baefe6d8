"""A case before the Committee: its communication record, interim measures, follow-up and publicity.

Dates, numbers, symbols and codes are clear columns (the deadlines and the dashboard are computed from
them, and none identifies a victim); free text written about the case is encrypted under the case's
key. The publication summary is the exception: it is written for the public decisions page."""

from datetime import date, datetime
from uuid import UUID, uuid4

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.case import Case


class Communication(Base):
    __tablename__ = "communications"
    __table_args__ = (
        CheckConstraint("decision_type IN ('inadmissible', 'views_violation', 'views_no_violation', 'discontinued')",
                        name="decision_type_valid"),
        # The coordinators' to-do counts (services/todo.py) read the decisions and the follow-up responses
        # overdue from this index alone, without the rows (each with its encrypted notes).
        Index("ix_communications_decisions", "decision_type", "decision_transmitted_on",
              "follow_up_response_received_on", "case_id"),
    )
    ENCRYPTED = ("recommendations", "notes")

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    submitted_on: Mapped[date | None] = mapped_column(Date())
    registered_on: Mapped[date | None] = mapped_column(Date())
    # n/yyyy; indexed: the Committee list looks for a number recorded on two cases (``shared_numbers``).
    communication_number: Mapped[str | None] = mapped_column(String(16), index=True)
    un_symbol: Mapped[str | None] = mapped_column(String(40))  # E/C.12/<session>/D/n/yyyy
    transmitted_on: Mapped[date | None] = mapped_column(Date())
    state_observations_received_on: Mapped[date | None] = mapped_column(Date())
    author_comments_letter_on: Mapped[date | None] = mapped_column(Date())
    author_comments_due: Mapped[date | None] = mapped_column(Date())
    author_comments_sent_on: Mapped[date | None] = mapped_column(Date())
    admissibility_decided_on: Mapped[date | None] = mapped_column(Date())
    admissibility_transmitted_on: Mapped[date | None] = mapped_column(Date())
    merits_observations_received_on: Mapped[date | None] = mapped_column(Date())
    decision_type: Mapped[str | None] = mapped_column(String(24), index=True)
    decision_adopted_on: Mapped[date | None] = mapped_column(Date(), index=True)
    decision_transmitted_on: Mapped[date | None] = mapped_column(Date())
    articles_violated: Mapped[list[str]] = mapped_column(JSON(), default=list)
    follow_up_response_received_on: Mapped[date | None] = mapped_column(Date())
    discontinued_on: Mapped[date | None] = mapped_column(Date())
    settlement_on: Mapped[date | None] = mapped_column(Date())
    recommendations_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    notes_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())
    # The public decisions page (issue 6, item 7): nothing is public until a coordinator publishes it.
    public_summary: Mapped[str | None] = mapped_column(Text())
    public_links: Mapped[list[str]] = mapped_column(JSON(), default=list)
    publish_victim_identity: Mapped[bool] = mapped_column(Boolean(), default=False)
    public_victim_names: Mapped[str | None] = mapped_column(String(500))  # only with recorded consent
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()


class InterimMeasure(Base):
    """A request for interim measures (art. 5) and what became of it, including the State's compliance."""

    __tablename__ = "interim_measures"
    __table_args__ = (
        CheckConstraint("outcome IN ('pending', 'granted', 'refused')", name="outcome_valid"),
        CheckConstraint("compliance IN ('unknown', 'complied', 'partly_complied', 'not_complied')",
                        name="compliance_valid"),
    )
    ENCRYPTED = ("note",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    requested_on: Mapped[date] = mapped_column(Date())
    outcome: Mapped[str] = mapped_column(String(12), default="pending")
    outcome_on: Mapped[date | None] = mapped_column(Date())
    lifted_on: Mapped[date | None] = mapped_column(Date())
    compliance: Mapped[str] = mapped_column(String(16), default="unknown")
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())


class FollowUpAssessment(Base):
    """The Committee's follow-up assessment of the State's action on its Views (graded)."""

    __tablename__ = "follow_up_assessments"
    __table_args__ = (
        CheckConstraint("grade IN ('satisfactory', 'partly_satisfactory', 'not_satisfactory', 'no_response')",
                        name="grade_valid"),
        CheckConstraint("procedure IN ('continued', 'closed')", name="procedure_valid"),
    )
    ENCRYPTED = ("note",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date())
    grade: Mapped[str] = mapped_column(String(24))
    procedure: Mapped[str] = mapped_column(String(12))
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())


class FollowUpSubmission(Base):
    """The NGO's own follow-up submission to the Committee."""

    __tablename__ = "follow_up_submissions"
    ENCRYPTED = ("note",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    submitted_on: Mapped[date] = mapped_column(Date())
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())


class PublicityAction(Base):
    """One item of a decision's publicity checklist, done on a date."""

    __tablename__ = "publicity_actions"
    __table_args__ = (
        CheckConstraint("kind IN ('translation', 'press_release', 'authorities', 'courts', 'partner_network', "
                        "'ohchr_database', 'escr_net_database')", name="kind_valid"),
    )
    ENCRYPTED = ("note",)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    done_on: Mapped[date] = mapped_column(Date())
    language: Mapped[str | None] = mapped_column(String(40))
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary())


class MediaCoverage(Base):
    """A published piece about the decision (public information: outlet, date, language, link, reach)."""

    __tablename__ = "media_coverage"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str] = mapped_column(String(200))
    published_on: Mapped[date] = mapped_column(Date())
    language: Mapped[str | None] = mapped_column(String(40))
    link: Mapped[str | None] = mapped_column(String(500))
    reach: Mapped[int | None] = mapped_column(Integer())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseDeadline(Base):
    """An open deadline of a case (the one-year limit, the State's observations, the author's comments,
    the follow-up response…) as the domain's rules (``caseapp.domain.committee.open_deadlines``) find it
    from the case's and its communication's clear dates. Derived data, written whenever those dates or the
    stage change (``caseapp.services.deadlines``), so that the deadline lists, counts and orders are cut
    and counted by the database instead of computed for every case on every view (issue 20)."""

    __tablename__ = "case_deadlines"
    __table_args__ = (Index("ix_case_deadlines_due", "due_date", "case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    basis_date: Mapped[date | None] = mapped_column(Date())
    due_date: Mapped[date] = mapped_column(Date())


class CalendarFeed(Base):
    """A user's personal iCalendar feed of deadlines: a secret URL, stored only as a SHA-256 hash;
    revoking deletes the row, and a new feed gets a new secret."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
