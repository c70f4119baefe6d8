"""The States register (domain/OP-ICESCR.md §5): the parties and signatories of the Optional Protocol,
and every UN member State's status under the Covenant. Public reference data, not case content, so
nothing here is encrypted. Seeded from caseapp/data; every change to either list is kept in
``state_party_changes``, whose ``treaty`` column says which list it changed."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, UTCDateTime, utcnow
from caseapp.models.user import User

SEEDED = "seeded"  # first loaded from the shipped files by `flask states seed`
UPDATED = "updated"  # changed by a later shipped status (`flask states seed`: 2024 → 2026)
ADDED = "added"  # by an admin, on the register's pages
CORRECTED = "corrected"  # by an admin, on the register's pages
IMPORTED = "imported"  # added or changed by `flask states import --apply`, with its source
REMOVED = "removed"  # no longer a party: dropped by an import or a later shipped status
REGISTER_CHECKED = "register_checked"
CHANGE_ACTIONS = (SEEDED, UPDATED, ADDED, CORRECTED, IMPORTED, REMOVED, REGISTER_CHECKED)

PROTOCOL = "protocol"
COVENANT = "covenant"
TREATIES = (PROTOCOL, COVENANT)


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


class CovenantStatus(Base):
    """A UN member State's status under the Covenant: party (with the date and type of its instrument),
    signatory (with the date of its signature) or neither, as of the Covenant list's latest check."""

    __tablename__ = "covenant_statuses"
    __table_args__ = (
        CheckConstraint("status IN ('party', 'signatory', 'none')", name="status_valid"),
        CheckConstraint("instrument_type IN ('ratification', 'accession', 'succession')", name="instrument_type_valid"),
        CheckConstraint("verified IN ('yes', 'partly', 'no')", name="verified_valid"),
        # A party has the date and type of its instrument; nobody else has either.
        CheckConstraint(
            "(status = 'party' AND instrument_date IS NOT NULL AND instrument_type IS NOT NULL) OR "
            "(status <> 'party' AND instrument_date IS NULL AND instrument_type IS NULL)",
            name="instrument_matches_status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    signature: Mapped[date | None] = mapped_column(Date())
    # For a succession, the date of the notification, not the date from which the successor is bound.
    instrument_date: Mapped[date | None] = mapped_column(Date())
    instrument_type: Mapped[str | None] = mapped_column(String(16))
    verified: Mapped[str] = mapped_column(String(8))
    source_note: Mapped[str] = mapped_column(Text(), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class StatePartyChange(Base):
    """One change to the register, append-only: a State seeded, updated, added, corrected, imported or
    removed (with the values before and after), or a check of a whole list against its source (``iso2``
    NULL; ``after`` holds ``as_of``, ``reported_parties`` and ``complete``). ``treaty`` says which list:
    the Protocol's parties and signatories, or the Covenant statuses. ``changed_by_id`` is NULL when a
    command (`flask states seed`, `flask states import`) made it."""

    __tablename__ = "state_party_changes"
    __table_args__ = (
        CheckConstraint(
            "action IN ('seeded', 'updated', 'added', 'corrected', 'imported', 'removed', 'register_checked')",
            name="action_valid",
        ),
        CheckConstraint("treaty IN ('protocol', 'covenant')", name="treaty_valid"),
        # A register-wide check names no State; every other change names one.
        CheckConstraint(
            "(action = 'register_checked' AND iso2 IS NULL) OR (action <> 'register_checked' AND iso2 IS NOT NULL)",
            name="iso2_matches_action",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    iso2: Mapped[str | None] = mapped_column(String(2), index=True)
    # The rows written before the Covenant list existed were all about the Protocol.
    treaty: Mapped[str] = mapped_column(String(16), default=PROTOCOL, server_default=PROTOCOL)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(Text())
    before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict] = mapped_column(JSON())

    changed_by: Mapped[User | None] = relationship()
