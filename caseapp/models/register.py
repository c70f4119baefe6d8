"""The OP-ICESCR States register (domain/OP-ICESCR.md §5): public reference data, not case content, so
nothing here is encrypted. Seeded from caseapp/data; every change is kept in ``state_party_changes``."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.user import User

SEEDED = "seeded"
ADDED = "added"
CORRECTED = "corrected"
REGISTER_CHECKED = "register_checked"
CHANGE_ACTIONS = (SEEDED, ADDED, CORRECTED, REGISTER_CHECKED)


class StateParty(Base):
    """A State listed as a party to the Optional Protocol or as a signatory that has not ratified."""

    __tablename__ = "state_parties"
    __table_args__ = (
        CheckConstraint("listing IN ('party', 'signatory')", name="listing_valid"),
        CheckConstraint("instrument_type IN ('ratification', 'accession')", name="instrument_type_valid"),
        CheckConstraint("verified IN ('yes', 'partly', 'no')", name="verified_valid"),
        CheckConstraint("art10_declaration IN ('', 'yes', 'unknown')", name="art10_declaration_valid"),
        CheckConstraint("art11_declaration IN ('', 'yes', 'unknown')", name="art11_declaration_valid"),
        # A party has at least the year and the type of its instrument; a signatory has no instrument.
        CheckConstraint(
            "listing <> 'party' OR (instrument_year IS NOT NULL AND instrument_type IS NOT NULL)",
            name="party_has_instrument",
        ),
        CheckConstraint(
            "listing <> 'signatory' OR (instrument_date IS NULL AND instrument_year IS NULL "
            "AND instrument_type IS NULL AND entry_into_force IS NULL)",
            name="signatory_has_no_instrument",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    listing: Mapped[str] = mapped_column(String(16))
    signature: Mapped[date | None] = mapped_column(Date())
    # The deposit date when the day is known; instrument_year always holds the year when it is known.
    instrument_date: Mapped[date | None] = mapped_column(Date())
    instrument_year: Mapped[int | None] = mapped_column(Integer())
    instrument_type: Mapped[str | None] = mapped_column(String(16))
    entry_into_force: Mapped[date | None] = mapped_column(Date())
    eif_basis: Mapped[str] = mapped_column(String(200), default="")
    art10_declaration: Mapped[str] = mapped_column(String(8), default="")
    art11_declaration: Mapped[str] = mapped_column(String(8), default="")
    verified: Mapped[str] = mapped_column(String(8))
    source_note: Mapped[str] = mapped_column(Text(), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class StatePartyChange(Base):
    """One change to the register, append-only: a State seeded, added or corrected (with the values
    before and after), or a check of the whole register against its source (``iso2`` NULL; ``after``
    holds ``as_of`` and ``reported_parties``). ``changed_by_id`` is NULL when ``flask states seed`` made it."""

    __tablename__ = "state_party_changes"
    __table_args__ = (
        CheckConstraint("action IN ('seeded', 'added', 'corrected', 'register_checked')", name="action_valid"),
        # A register-wide check names no State; every other change names one.
        CheckConstraint(
            "(action = 'register_checked' AND iso2 IS NULL) OR (action <> 'register_checked' AND iso2 IS NOT NULL)",
            name="iso2_matches_action",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    iso2: Mapped[str | None] = mapped_column(String(2), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(Text())
    before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict] = mapped_column(JSON())

    changed_by: Mapped[User | None] = relationship()
