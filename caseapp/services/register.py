"""The OP-ICESCR States register in the database (domain/OP-ICESCR.md §5).

Seeded once from the shipped CSV files (``flask states seed``); admins then add and correct States,
each change with its source, and record checks of the whole register against its source. Every change
is a row of ``state_party_changes``; the register's "as of" date is that of the latest check, so
correcting one State does not make the rest of the register look newer than it is.

``load_register`` builds the pure ``StatesRegister`` the intake warnings and the engine use. It never
falls back on the shipped files: an empty table means the register was never seeded, and that is an
error to fix (``flask states seed``), not something to paper over.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from caseapp.domain.states import (
    ENTRY_FIELDS,
    PARTIES_FILE,
    PARTY,
    REGISTER_AS_OF,
    REGISTER_SOURCE,
    SIGNATORIES_FILE,
    SIGNATORY,
    UNTC_REPORTED_PARTIES,
    RegisterEntry,
    StateDataError,
    StatesRegister,
    check_entry,
    check_register_check,
    check_source,
    make_record,
)
from caseapp.models import StateParty, StatePartyChange, User
from caseapp.models.base import utcnow
from caseapp.models.register import ADDED, CORRECTED, REGISTER_CHECKED, SEEDED
from caseapp.services import ServiceError, audit

SEED_COMMAND = "flask states seed"
log = logging.getLogger("caseapp.register")


class RegisterNotSeededError(RuntimeError):
    """The register table is empty: the app must not guess from the shipped files."""

    def __init__(self):
        super().__init__(f"The States register is empty: run `{SEED_COMMAND}`.")


class StateRejected(ServiceError):
    """The entry or check breaks the register's rules; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("Please correct the fields marked below.")
        self.errors = errors


@dataclass
class SeedResult:
    parties: list[str] = field(default_factory=list)  # codes added as parties
    signatories: list[str] = field(default_factory=list)
    check_added: bool = False

    @property
    def added(self) -> int:
        return len(self.parties) + len(self.signatories)


# --- values ----------------------------------------------------------------------------------------


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


def _as_json(values: dict[str, object]) -> dict[str, object]:
    return {name: _json(value) for name, value in values.items()}


def _stored_values(row: StateParty) -> dict[str, object]:
    values: dict[str, object] = {"iso2": row.iso2}
    for name in ENTRY_FIELDS:
        values[name] = getattr(row, name)
    values["instrument_type"] = values["instrument_type"] or None
    return values


def _write(row: StateParty, entry: RegisterEntry) -> None:
    for name, value in entry.values().items():
        setattr(row, name, value)


# --- seeding ---------------------------------------------------------------------------------------


def seed_shipped(session: Session, *, register: StatesRegister | None = None) -> SeedResult:
    """Insert every shipped State not yet in the table, each with a "seeded" history row, and the
    register's first check (as of 1 February 2024, UN Treaty Collection, 29 parties reported) when
    there is none. Idempotent: a State already in the table — seeded, added or corrected by an admin —
    is left exactly as it is."""
    register = register or StatesRegister.shipped()
    present = set(session.execute(select(StateParty.iso2)).scalars())
    result = SeedResult()
    now = utcnow()
    rows, changes = [], []
    for listing, records, file_name in ((PARTY, register.parties, PARTIES_FILE),
                                        (SIGNATORY, register.signatories, SIGNATORIES_FILE)):
        for record in records:
            if record.iso2 in present:
                continue
            values = RegisterEntry(listing, record).values()
            rows.append({**values, "updated_at": now, "updated_by_id": None})
            changes.append({"iso2": record.iso2, "changed_at": now, "changed_by_id": None, "action": SEEDED,
                            "source": record.source_note or f"caseapp/data/{file_name}", "before": None,
                            "after": _as_json(values)})
            (result.parties if listing == PARTY else result.signatories).append(record.iso2)
    if rows:  # one multi-row INSERT each: the test suite seeds every fresh database
        session.execute(insert(StateParty), rows)
        session.execute(insert(StatePartyChange), changes)
    if _latest_check(session) is None:
        session.add(StatePartyChange(
            iso2=None, changed_at=now, action=REGISTER_CHECKED, source=REGISTER_SOURCE, before=None,
            after={"as_of": REGISTER_AS_OF.isoformat(), "reported_parties": UNTC_REPORTED_PARTIES},
        ))
        result.check_added = True
    session.flush()
    if result.added or result.check_added:
        log.info("register.seeded", extra={"parties": len(result.parties), "signatories": len(result.signatories)})
    return result


def is_seeded(session: Session) -> bool:
    return _latest_check(session) is not None and session.execute(select(StateParty.id).limit(1)).first() is not None


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterCheck:
    """The latest check of the whole register: the date it is "as of", its source and count."""

    as_of: date
    reported_parties: int | None
    source: str
    change: StatePartyChange


def _latest_check(session: Session) -> StatePartyChange | None:
    query = (select(StatePartyChange).where(StatePartyChange.action == REGISTER_CHECKED)
             .order_by(StatePartyChange.id.desc()).limit(1))
    return session.execute(query).scalar_one_or_none()


def latest_check(session: Session) -> RegisterCheck:
    change = _latest_check(session)
    if change is None:
        raise RegisterNotSeededError()
    return RegisterCheck(date.fromisoformat(change.after["as_of"]), change.after.get("reported_parties"),
                         change.source, change)


def entries(session: Session) -> list[StateParty]:
    """Every State of the register, by name."""
    return list(session.execute(select(StateParty).order_by(StateParty.name)).scalars())


def find_state(session: Session, iso2: str) -> StateParty | None:
    return session.execute(select(StateParty).where(StateParty.iso2 == iso2)).scalar_one_or_none()


def history(session: Session, iso2: str) -> list[StatePartyChange]:
    """The changes to one State, newest first."""
    query = select(StatePartyChange).where(StatePartyChange.iso2 == iso2).order_by(StatePartyChange.id.desc())
    return list(session.execute(query).scalars())


def check_history(session: Session) -> list[StatePartyChange]:
    """The checks of the whole register, newest first."""
    query = (select(StatePartyChange).where(StatePartyChange.action == REGISTER_CHECKED)
             .order_by(StatePartyChange.id.desc()))
    return list(session.execute(query).scalars())


def load_register(session: Session) -> StatesRegister:
    """The register as the domain uses it, from the database: its parties and signatories, dated and
    sourced by the latest register-wide check. Raises ``RegisterNotSeededError`` when never seeded."""
    rows = entries(session)
    if not rows:
        raise RegisterNotSeededError()
    check = latest_check(session)
    parties = [make_record(_stored_values(row)) for row in rows if row.listing == PARTY]
    signatories = [make_record(_stored_values(row)) for row in rows if row.listing == SIGNATORY]
    return StatesRegister(parties, signatories, check.as_of, source=check.source,
                          reported_parties=check.reported_parties)


# --- changing --------------------------------------------------------------------------------------


def _checked(data: dict, source: str, *, today: date) -> tuple[RegisterEntry, str]:
    """The entry and the source, or ``StateRejected`` with every field's problem at once."""
    errors: dict[str, str] = {}
    entry = None
    try:
        entry = check_entry(data, today=today)
    except StateDataError as exc:
        errors.update(exc.errors)
    try:
        source = check_source(source)
    except StateDataError as exc:
        errors.update(exc.errors)
    if errors:
        raise StateRejected(errors)
    return entry, source


def _today(today: date | None) -> date:
    return today or utcnow().date()


def _already_listed(row: StateParty) -> str:
    return f"{row.name} is already in the register: correct it instead."


def add_state(session: Session, actor: User, data: dict, source: str, *, today: date | None = None) -> StateParty:
    """Add a State the register does not list yet. An empty source note takes the change's source."""
    code = str(data.get("iso2") or "").strip().upper()
    existing = find_state(session, code) if code else None
    try:
        entry, source = _checked(data, source, today=_today(today))
    except StateRejected as exc:
        if existing is not None:  # say first that it is already there, whatever else is wrong
            exc.errors["iso2"] = _already_listed(existing)
        raise
    if existing is not None:
        raise StateRejected({"iso2": _already_listed(existing)})
    values = entry.values()
    if not values["source_note"]:
        values["source_note"] = source
    now = utcnow()
    row = StateParty(updated_at=now, updated_by_id=actor.id, **values)
    session.add(row)
    session.add(StatePartyChange(iso2=row.iso2, changed_at=now, changed_by_id=actor.id, action=ADDED, source=source,
                                 before=None, after=_as_json(values)))
    session.flush()
    audit.record(session, action="state_added", actor=actor, target_type="state", target_id=row.iso2)
    log.info("register.state_added", extra={"iso2": row.iso2, "actor_id": actor.id})
    return row


def correct_state(session: Session, actor: User, iso2: str, data: dict, source: str, *,
                  today: date | None = None) -> StatePartyChange:
    """Correct a State of the register; the history keeps the changed fields' values before and after.
    The code is the State's identity and is not taken from ``data``. Refuses a correction that changes
    nothing."""
    row = find_state(session, iso2)
    if row is None:
        raise ServiceError("This State is not in the register.")
    entry, source = _checked({**data, "iso2": row.iso2}, source, today=_today(today))
    before_values, after_values = _stored_values(row), entry.values()
    changed = [name for name in ENTRY_FIELDS if before_values[name] != after_values[name]]
    if not changed:
        raise ServiceError("Nothing to correct: every field is as the register already has it.")
    now = utcnow()
    _write(row, entry)
    row.updated_at, row.updated_by_id = now, actor.id
    change = StatePartyChange(
        iso2=row.iso2, changed_at=now, changed_by_id=actor.id, action=CORRECTED, source=source,
        before=_as_json({name: before_values[name] for name in changed}),
        after=_as_json({name: after_values[name] for name in changed}),
    )
    session.add(change)
    session.flush()
    audit.record(session, action="state_corrected", actor=actor, target_type="state", target_id=row.iso2)
    log.info("register.state_corrected", extra={"iso2": row.iso2, "actor_id": actor.id, "fields": changed})
    return change


def record_check(session: Session, actor: User, as_of: date | None, reported_parties: int | None, source: str, *,
                 today: date | None = None) -> StatePartyChange:
    """Record that the whole register was checked against its source on ``as_of``: from now on the
    register is "as of" that date, and ``reported_parties`` (None when the source gives no count) is
    how many parties the source reported."""
    errors: dict[str, str] = {}
    listed = session.execute(
        select(func.count()).select_from(StateParty).where(StateParty.listing == PARTY)).scalar_one()
    try:
        check_register_check(as_of, reported_parties, today=_today(today), listed_parties=listed)
    except StateDataError as exc:
        errors.update(exc.errors)
    try:
        source = check_source(source)
    except StateDataError as exc:
        errors.update(exc.errors)
    if errors:
        raise StateRejected(errors)
    previous = _latest_check(session)
    change = StatePartyChange(
        iso2=None, changed_by_id=actor.id, action=REGISTER_CHECKED, source=source,
        before=dict(previous.after, source=previous.source) if previous else None,
        after={"as_of": as_of.isoformat(), "reported_parties": reported_parties},
    )
    session.add(change)
    session.flush()
    audit.record(session, action="register_checked", actor=actor, target_type="register", target_id=change.id)
    log.info("register.checked", extra={"as_of": as_of.isoformat(), "actor_id": actor.id})
    return change
