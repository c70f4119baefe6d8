"""The States register in the database (domain/OP-ICESCR.md §5): the Protocol's parties and signatories,
and every UN member State's status under the Covenant.

Seeded from the shipped files (``flask states seed``): the February 2024 register first, then each later
shipped status (3 February 2026) as a change of it, so the history shows what changed and on whose
authority. Admins then add and correct States on the register's pages, ``flask states import`` brings in
a newer list of parties, and each change carries its source. Every change is a row of
``state_party_changes``; the register's "as of" date is that of the latest check of the whole list, so
correcting one State does not make the rest of the register look newer than it is.

``load_register`` builds the pure ``StatesRegister`` the intake warnings and the engine use. It never
falls back on the shipped files: an empty table means the register was never seeded, and that is an
error to fix (``flask states seed``), not something to paper over.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session

from caseapp.domain import register as rules
from caseapp.domain.i18n import N_
from caseapp.domain.register import (
    COVENANT_AS_OF,
    COVENANT_SOURCE,
    ENTRY_FIELDS,
    PARTIES_FILE,
    PARTY,
    SIGNATORIES_FILE,
    SIGNATORY,
    SNAPSHOTS,
    CovenantRecord,
    CovenantRegister,
    EntryChange,
    RegisterEntry,
    Snapshot,
    StateDataError,
    StatesRegister,
    check_entry,
    check_register_check,
    check_source,
    diff_entries,
    make_record,
    shipped_covenant,
    snapshot_records,
)
from caseapp.models import CovenantStatus, StateParty, StatePartyChange, User
from caseapp.models.base import utcnow
from caseapp.models.register import (
    ADDED,
    CORRECTED,
    COVENANT,
    IMPORTED,
    PROTOCOL,
    REGISTER_CHECKED,
    REMOVED,
    SEEDED,
    UPDATED,
)
from caseapp.services import ServiceError, audit

SEED_COMMAND = "flask states seed"
COVENANT_FIELDS = ("name", "status", "signature", "instrument_date", "instrument_type", "verified", "source_note")
# The changes a command made from the shipped files: a State still as shipped, which a later shipped status
# may update. Any other change (an admin's, an import's) means someone vouched for the entry since.
_SHIPPED_ACTIONS = (SEEDED, UPDATED)
log = logging.getLogger("caseapp.register")


class RegisterNotSeededError(RuntimeError):
    """The register table is empty: the app must not guess from the shipped files."""

    def __init__(self):
        super().__init__(f"The States register is empty: run `{SEED_COMMAND}`.")


class RegisterChangeError(ServiceError):
    """The entry or check breaks the register's rules; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(N_("Please correct the fields marked below."))
        self.errors = errors


@dataclass
class SeedResult:
    parties: list[str] = field(default_factory=list)  # codes first seeded as parties
    signatories: list[str] = field(default_factory=list)
    check_added: bool = False  # the first check of the register
    # Later shipped statuses applied, with the changes each made and the States it left as admins made them.
    updates: list[tuple[Snapshot, list[EntryChange]]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # Later shipped statuses not applied because the register is already dated on or after them.
    skipped: list[Snapshot] = field(default_factory=list)
    covenant: list[str] = field(default_factory=list)  # codes seeded in the Covenant list
    covenant_check_added: bool = False

    @property
    def added(self) -> int:
        return len(self.parties) + len(self.signatories)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.check_added or self.updates or self.covenant or self.covenant_check_added)


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


def _stored_entry(row: StateParty) -> RegisterEntry:
    return RegisterEntry(row.listing, make_record(_stored_values(row)))


def _write(row: StateParty, entry: RegisterEntry) -> None:
    for name, value in entry.values().items():
        setattr(row, name, value)


def _covenant_values(record: CovenantRecord) -> dict[str, object]:
    return {"iso2": record.iso2, **{name: getattr(record, name) for name in COVENANT_FIELDS}}


def _covenant_record(row: CovenantStatus) -> CovenantRecord:
    return CovenantRecord(iso2=row.iso2, name=row.name, status=row.status, signature=row.signature,
                          instrument_date=row.instrument_date, instrument_type=row.instrument_type,
                          verified=row.verified, source_note=row.source_note)


# --- checks of a whole list ------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterCheck:
    """The latest check of a whole list: the date it is "as of", its source and count, and whether it
    lists every party (or, for the Covenant, every UN member State) as of that date."""

    as_of: date
    reported_parties: int | None
    source: str
    complete: bool
    change: StatePartyChange


def _checks(treaty: str) -> Select:
    return (select(StatePartyChange)
            .where(StatePartyChange.action == REGISTER_CHECKED, StatePartyChange.treaty == treaty)
            .order_by(StatePartyChange.id.desc()))


def _latest_check(session: Session, treaty: str = PROTOCOL) -> StatePartyChange | None:
    return session.execute(_checks(treaty).limit(1)).scalar_one_or_none()


def _as_check(change: StatePartyChange) -> RegisterCheck:
    # Checks written before completeness was recorded (the 2024 register) say nothing of it: not complete.
    return RegisterCheck(date.fromisoformat(change.after["as_of"]), change.after.get("reported_parties"),
                         change.source, bool(change.after.get("complete")), change)


def latest_check(session: Session, treaty: str = PROTOCOL) -> RegisterCheck:
    change = _latest_check(session, treaty)
    if change is None:
        raise RegisterNotSeededError()
    return _as_check(change)


def is_stale(as_of: date, max_age_months: int, *, today: date | None = None) -> bool:
    """Whether a register dated ``as_of`` is older than ``max_age_months`` months today."""
    return rules.is_stale(as_of, today=_today(today), max_age_months=max_age_months)


# Every page an admin or lawyer opens asks for the register's date: the one column it needs, not the row, in a
# statement built once (0.3 ms as a row built each time, 0.05 ms so; issue 20).
_PROTOCOL_AS_OF = _checks(PROTOCOL).with_only_columns(StatePartyChange.after).limit(1)


def register_as_of(session: Session) -> date | None:
    """The Protocol register's "as of" date, in one small query (for the notice every page may show);
    None when the register was never seeded."""
    after = session.execute(_PROTOCOL_AS_OF).scalar_one_or_none()
    return date.fromisoformat(after["as_of"]) if after is not None else None


def _check_values(snapshot: Snapshot) -> dict[str, object]:
    return {"as_of": snapshot.as_of.isoformat(), "reported_parties": snapshot.reported_parties,
            "complete": snapshot.complete, "shipped": True}


def _is_shipped_check(change: StatePartyChange, snapshot: Snapshot) -> bool:
    """Whether ``change`` recorded ``snapshot`` from the shipped files. The first seeding, before the
    2026 status was shipped, did not mark its check: it is the one a command wrote with nothing before it."""
    return (change.changed_by_id is None and change.after.get("as_of") == snapshot.as_of.isoformat()
            and (change.after.get("shipped") is True or change.before is None))


def _previous(change: StatePartyChange | None) -> dict | None:
    return dict(change.after, source=change.source) if change is not None else None


# --- seeding ---------------------------------------------------------------------------------------


def _last_changes(session: Session, treaty: str) -> dict[str, StatePartyChange]:
    """Each State's latest change in one list."""
    query = (select(StatePartyChange)
             .where(StatePartyChange.treaty == treaty, StatePartyChange.iso2.is_not(None))
             .order_by(StatePartyChange.id))
    return {change.iso2: change for change in session.execute(query).scalars()}


def _as_shipped(change: StatePartyChange | None) -> bool:
    return change is None or (change.changed_by_id is None and change.action in _SHIPPED_ACTIONS)


def _snapshot_entries(snapshot: Snapshot) -> list[tuple[RegisterEntry, str]]:
    parties, signatories = snapshot_records(snapshot)
    folder = f"caseapp/data/{snapshot.folder}/" if snapshot.folder else "caseapp/data/"
    return ([(RegisterEntry(PARTY, record), folder + PARTIES_FILE) for record in parties]
            + [(RegisterEntry(SIGNATORY, record), folder + SIGNATORIES_FILE) for record in signatories])


def _seed_first(session: Session, snapshot: Snapshot, result: SeedResult, present: set[str],
                history: dict[str, StatePartyChange]) -> None:
    """Insert every State of ``snapshot`` that the table lacks and that nobody removed, each with a "seeded"
    history row naming the row's own source."""
    now = utcnow()
    rows, changes = [], []
    for entry, file_name in _snapshot_entries(snapshot):
        iso2 = entry.record.iso2
        if iso2 in present or (iso2 in history and history[iso2].action == REMOVED):
            continue
        values = entry.values()
        rows.append({**values, "updated_at": now, "updated_by_id": None})
        changes.append({"iso2": iso2, "treaty": PROTOCOL, "changed_at": now, "changed_by_id": None, "action": SEEDED,
                        "source": entry.record.source_note or file_name, "before": None, "after": _as_json(values)})
        (result.parties if entry.listing == PARTY else result.signatories).append(iso2)
    if rows:  # one multi-row INSERT each: the test suite seeds every fresh database
        session.execute(insert(StateParty), rows)
        session.execute(insert(StatePartyChange), changes)


def _apply_snapshot(session: Session, snapshot: Snapshot, result: SeedResult,
                    history: dict[str, StatePartyChange]) -> None:
    """Bring the register to a later shipped status: each State still as shipped takes its new values
    (or is removed), each with an "updated" (or "removed") history row; a State an admin or an import
    changed since is left as it is and named in ``result.kept``."""
    rows = {row.iso2: row for row in session.execute(select(StateParty)).scalars()}
    current = [_stored_entry(row) for row in rows.values()]
    incoming = [entry for entry, _file in _snapshot_entries(snapshot)]
    files = {entry.record.iso2: file_name for entry, file_name in _snapshot_entries(snapshot)}
    now = utcnow()
    applied = []
    for change in diff_entries(current, incoming, listings=(PARTY, SIGNATORY)):
        if not _as_shipped(history.get(change.iso2)):
            result.kept.append(change.iso2)
            continue
        source = (change.entry.record.source_note or files[change.iso2]) if change.entry else snapshot.source
        if change.kind == rules.ADDED:
            values = change.entry.values()
            session.add(StateParty(**values, updated_at=now, updated_by_id=None))
            before, after, action = None, _as_json(values), UPDATED
        elif change.kind == rules.CHANGED:
            _write(rows[change.iso2], change.entry)
            rows[change.iso2].updated_at, rows[change.iso2].updated_by_id = now, None
            before, after, action = _as_json(change.before), _as_json(change.after), UPDATED
        else:
            session.delete(rows[change.iso2])
            before, after, action = _as_json(change.before), {}, REMOVED
        session.add(StatePartyChange(iso2=change.iso2, treaty=PROTOCOL, changed_at=now, changed_by_id=None,
                                     action=action, source=source, before=before, after=after))
        applied.append(change)
    result.updates.append((snapshot, applied))


def _seed_covenant(session: Session, result: SeedResult) -> None:
    """Insert every shipped Covenant status the table lacks (all of them the first time), each with a
    "seeded" history row, and the Covenant list's first check. A row already there is left as it is."""
    present = set(session.execute(select(CovenantStatus.iso2)).scalars())
    now = utcnow()
    rows, changes = [], []
    for record in shipped_covenant():
        if record.iso2 in present:
            continue
        values = _covenant_values(record)
        rows.append({**values, "updated_at": now, "updated_by_id": None})
        changes.append({"iso2": record.iso2, "treaty": COVENANT, "changed_at": now, "changed_by_id": None,
                        "action": SEEDED, "source": record.source_note or "caseapp/data/icescr_status.csv",
                        "before": None, "after": _as_json(values)})
        result.covenant.append(record.iso2)
    if rows:
        session.execute(insert(CovenantStatus), rows)
        session.execute(insert(StatePartyChange), changes)
    if _latest_check(session, COVENANT) is None:
        session.add(StatePartyChange(
            iso2=None, treaty=COVENANT, changed_at=now, action=REGISTER_CHECKED, source=COVENANT_SOURCE, before=None,
            after={"as_of": COVENANT_AS_OF.isoformat(), "reported_parties": None, "complete": True, "shipped": True},
        ))
        result.covenant_check_added = True


def seed_shipped(session: Session) -> SeedResult:
    """Load the shipped register into the database. Idempotent, and never overwrites an admin's work.

    The first time, the oldest shipped status (1 February 2024) is inserted with its check. Each later
    shipped status (3 February 2026) not yet applied is then applied as a change: States still as shipped
    take the new values, States an admin or an import changed are kept and reported, and a check records
    the new date, source and completeness — unless the register is already dated on or after it, when
    it is skipped. States of the latest shipped status that the table lacks (and nobody removed) are
    added. Finally the Covenant statuses the table lacks are inserted, with their list's first check.
    """
    result = SeedResult()
    checks = list(session.execute(_checks(PROTOCOL)).scalars())
    history = _last_changes(session, PROTOCOL)
    present = set(session.execute(select(StateParty.iso2)).scalars())
    first, *later = SNAPSHOTS
    if not checks:
        _seed_first(session, first, result, present, history)
        session.add(StatePartyChange(iso2=None, treaty=PROTOCOL, changed_at=utcnow(), action=REGISTER_CHECKED,
                                     source=first.source, before=None, after=_check_values(first)))
        session.flush()
        checks = list(session.execute(_checks(PROTOCOL)).scalars())
        history = _last_changes(session, PROTOCOL)
        result.check_added = True
    latest_applied = True
    for snapshot in later:
        if any(_is_shipped_check(check, snapshot) for check in checks):
            continue
        if date.fromisoformat(checks[0].after["as_of"]) >= snapshot.as_of:
            result.skipped.append(snapshot)
            latest_applied = snapshot is not later[-1]
            continue
        _apply_snapshot(session, snapshot, result, history)
        session.add(StatePartyChange(iso2=None, treaty=PROTOCOL, changed_at=utcnow(), action=REGISTER_CHECKED,
                                     source=snapshot.source, before=_previous(checks[0]),
                                     after=_check_values(snapshot)))
        session.flush()
        checks = list(session.execute(_checks(PROTOCOL)).scalars())
        history = _last_changes(session, PROTOCOL)
    if latest_applied:  # States deleted without a trace come back; a register dated later is left alone
        present = set(session.execute(select(StateParty.iso2)).scalars())
        _seed_first(session, SNAPSHOTS[-1], result, present, history)
    _seed_covenant(session, result)
    session.flush()
    if result.changed:
        log.info("register.seeded", extra={"parties": len(result.parties), "signatories": len(result.signatories),
                                           "updates": sum(len(changes) for _s, changes in result.updates),
                                           "covenant": len(result.covenant)})
    return result


def not_seeded(session: Session) -> str | None:
    """What `flask states seed` still has to load — "empty" (nothing), "the Covenant statuses" (an instance
    seeded before they were shipped) — or None when the register is seeded."""
    if _latest_check(session) is None or session.execute(select(StateParty.id).limit(1)).first() is None:
        return "empty"
    if _latest_check(session, COVENANT) is None:
        return "the Covenant statuses"
    return None


def is_seeded(session: Session) -> bool:
    return not_seeded(session) is None


# --- reading ---------------------------------------------------------------------------------------


def entries(session: Session) -> list[StateParty]:
    """Every State of the Protocol register, by name."""
    return list(session.execute(select(StateParty).order_by(StateParty.name)).scalars())


def covenant_entries(session: Session) -> list[CovenantStatus]:
    """Every UN member State's status under the Covenant, by name."""
    return list(session.execute(select(CovenantStatus).order_by(CovenantStatus.name)).scalars())


def find_state(session: Session, iso2: str) -> StateParty | None:
    return session.execute(select(StateParty).where(StateParty.iso2 == iso2)).scalar_one_or_none()


def history(session: Session, iso2: str) -> list[StatePartyChange]:
    """The changes to one State in the Protocol register, newest first."""
    query = (select(StatePartyChange)
             .where(StatePartyChange.iso2 == iso2, StatePartyChange.treaty == PROTOCOL)
             .order_by(StatePartyChange.id.desc()))
    return list(session.execute(query).scalars())


def check_history(session: Session) -> list[StatePartyChange]:
    """The checks of the whole Protocol register, newest first."""
    return list(session.execute(_checks(PROTOCOL)).scalars())


def register_history(treaty: str | None = None) -> Select:
    """Every change to the register (or to one of its lists), newest first, for a paginated page."""
    query = select(StatePartyChange).order_by(StatePartyChange.id.desc())
    return query if treaty is None else query.where(StatePartyChange.treaty == treaty)


def _covenant_register(session: Session) -> CovenantRegister | None:
    change = _latest_check(session, COVENANT)
    if change is None:
        return None
    check = _as_check(change)
    records = [_covenant_record(row) for row in session.execute(select(CovenantStatus)).scalars()]
    return CovenantRegister(records, check.as_of, source=check.source, complete=check.complete)


# The register as last loaded, with the version it was loaded at (``_version``): a process keeps it until
# the register changes. Every change to the register is written with a row of its history
# (``StatePartyChange``), so the history's size and newest row, with the size of both lists, name the
# version. The screening workspace loaded about 250 rows into the domain's objects on every view: 2.5 ms of
# a 15 ms page (issue 20); now one query of five counts.
_loaded: tuple[tuple, StatesRegister] | None = None


def _version(session: Session) -> tuple:
    newest = select(StatePartyChange.id, StatePartyChange.changed_at).order_by(StatePartyChange.id.desc()).limit(1)
    row = session.execute(select(
        select(func.count()).select_from(StatePartyChange).scalar_subquery(),
        newest.with_only_columns(StatePartyChange.id).scalar_subquery(),
        newest.with_only_columns(StatePartyChange.changed_at).scalar_subquery(),
        select(func.count()).select_from(StateParty).scalar_subquery(),
        select(func.count()).select_from(CovenantStatus).scalar_subquery(),
    )).one()
    return (str(session.get_bind().url), *row)


def load_register(session: Session) -> StatesRegister:
    """The register as the domain uses it, from the database: its parties and signatories, dated and
    sourced by the latest check of the whole list, with the Covenant statuses. Raises
    ``RegisterNotSeededError`` when never seeded. Kept until the register changes (``_loaded``); the
    domain treats it as read-only."""
    global _loaded
    version = _version(session)
    if _loaded is not None and _loaded[0] == version:
        return _loaded[1]
    register = _read_register(session)
    _loaded = (version, register)
    return register


def _read_register(session: Session) -> StatesRegister:
    rows = entries(session)
    if not rows:
        raise RegisterNotSeededError()
    check = latest_check(session)
    parties = [make_record(_stored_values(row)) for row in rows if row.listing == PARTY]
    signatories = [make_record(_stored_values(row)) for row in rows if row.listing == SIGNATORY]
    return StatesRegister(parties, signatories, check.as_of, source=check.source,
                          reported_parties=check.reported_parties, complete=check.complete,
                          covenant=_covenant_register(session))


# --- changing --------------------------------------------------------------------------------------


def _checked(data: dict, source: str, *, today: date) -> tuple[RegisterEntry, str]:
    """The entry and the source, or ``RegisterChangeError`` with every field's problem at once."""
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
        raise RegisterChangeError(errors)
    return entry, source


def _today(today: date | None) -> date:
    return today or utcnow().date()


def _already_listed(row: StateParty) -> str:
    return N_("%(name)s is already in the register: correct it instead.", name=row.name)


def add_state(session: Session, actor: User, data: dict, source: str, *, today: date | None = None) -> StateParty:
    """Add a State the register does not list yet. An empty source note takes the change's source."""
    code = str(data.get("iso2") or "").strip().upper()
    existing = find_state(session, code) if code else None
    try:
        entry, source = _checked(data, source, today=_today(today))
    except RegisterChangeError as exc:
        if existing is not None:  # say first that it is already there, whatever else is wrong
            exc.errors["iso2"] = _already_listed(existing)
        raise
    if existing is not None:
        raise RegisterChangeError({"iso2": _already_listed(existing)})
    values = entry.values()
    if not values["source_note"]:
        values["source_note"] = source
    now = utcnow()
    row = StateParty(updated_at=now, updated_by_id=actor.id, **values)
    session.add(row)
    session.add(StatePartyChange(iso2=row.iso2, treaty=PROTOCOL, changed_at=now, changed_by_id=actor.id, action=ADDED,
                                 source=source, before=None, after=_as_json(values)))
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
        raise ServiceError(N_("This State is not in the register."))
    entry, source = _checked({**data, "iso2": row.iso2}, source, today=_today(today))
    before_values, after_values = _stored_values(row), entry.values()
    changed = [name for name in ENTRY_FIELDS if before_values[name] != after_values[name]]
    if not changed:
        raise ServiceError(N_("Nothing to correct: every field is as the register already has it."))
    now = utcnow()
    _write(row, entry)
    row.updated_at, row.updated_by_id = now, actor.id
    change = StatePartyChange(
        iso2=row.iso2, treaty=PROTOCOL, changed_at=now, changed_by_id=actor.id, action=CORRECTED, source=source,
        before=_as_json({name: before_values[name] for name in changed}),
        after=_as_json({name: after_values[name] for name in changed}),
    )
    session.add(change)
    session.flush()
    audit.record(session, action="state_corrected", actor=actor, target_type="state", target_id=row.iso2)
    log.info("register.state_corrected", extra={"iso2": row.iso2, "actor_id": actor.id, "fields": changed})
    return change


def _listed_parties(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(StateParty).where(StateParty.listing == PARTY)).scalar_one()


def record_check(session: Session, actor: User | None, as_of: date | None, reported_parties: int | None, source: str,
                 *, complete: bool = False, today: date | None = None) -> StatePartyChange:
    """Record that the whole register was checked against its source on ``as_of``: from now on the
    register is "as of" that date, ``reported_parties`` (None when the source gives no count) is how many
    parties the source reported, and ``complete`` says whether the register lists every one of them.
    ``actor`` is None when a command records it."""
    errors: dict[str, str] = {}
    try:
        check_register_check(as_of, reported_parties, today=_today(today), listed_parties=_listed_parties(session),
                             complete=complete)
    except StateDataError as exc:
        errors.update(exc.errors)
    try:
        source = check_source(source)
    except StateDataError as exc:
        errors.update(exc.errors)
    if errors:
        raise RegisterChangeError(errors)
    change = StatePartyChange(
        iso2=None, treaty=PROTOCOL, changed_by_id=actor.id if actor else None, action=REGISTER_CHECKED, source=source,
        before=_previous(_latest_check(session)),
        after={"as_of": as_of.isoformat(), "reported_parties": reported_parties, "complete": complete},
    )
    session.add(change)
    session.flush()
    audit.record(session, action="register_checked", actor=actor, target_type="register", target_id=change.id)
    log.info("register.checked", extra={"as_of": as_of.isoformat(), "actor_id": actor.id if actor else None})
    return change


# --- importing a list of parties -------------------------------------------------------------------


def plan_import(session: Session, incoming: list[RegisterEntry]) -> list[EntryChange]:
    """What importing ``incoming`` (every party, as read by ``states.read_party_file``) would change:
    parties added (signatories that ratified among them), parties changed, parties no longer listed."""
    return diff_entries([_stored_entry(row) for row in entries(session)], incoming, listings=(PARTY,))


def apply_import(session: Session, changes: list[EntryChange], source: str, *, as_of: date | None = None,
                 today: date | None = None) -> StatePartyChange | None:
    """Write an import's changes, each with ``source`` in the history ("imported", or "removed" for a
    party the list no longer names). With ``as_of``, also record that the register, now the whole list,
    is complete as of that date. Returns that check, if any. Checks everything before writing anything."""
    try:
        source = check_source(source)
    except StateDataError as exc:
        raise RegisterChangeError(exc.errors) from None
    listed_after = _listed_parties(session) + sum(
        (change.kind == rules.ADDED or (change.kind == rules.CHANGED and change.after.get("listing") == PARTY))
        - (change.kind == rules.REMOVED) for change in changes)
    if as_of is not None:
        try:
            check_register_check(as_of, listed_after, today=_today(today), listed_parties=listed_after, complete=True)
        except StateDataError as exc:
            raise RegisterChangeError(exc.errors) from None
    now = utcnow()
    for change in changes:
        if change.kind == rules.ADDED:
            values = change.entry.values()
            session.add(StateParty(**values, updated_at=now, updated_by_id=None))
            before, after, action = None, _as_json(values), IMPORTED
        elif change.kind == rules.CHANGED:
            row = find_state(session, change.iso2)
            _write(row, change.entry)
            row.updated_at, row.updated_by_id = now, None
            before, after, action = _as_json(change.before), _as_json(change.after), IMPORTED
        else:
            session.execute(delete(StateParty).where(StateParty.iso2 == change.iso2))
            before, after, action = _as_json(change.before), {}, REMOVED
        session.add(StatePartyChange(iso2=change.iso2, treaty=PROTOCOL, changed_at=now, changed_by_id=None,
                                     action=action, source=source, before=before, after=after))
    session.flush()
    check = None
    if as_of is not None:
        check = record_check(session, None, as_of, listed_after, source, complete=True, today=today)
    if changes:
        audit.record(session, action="register_imported", target_type="register")
    log.info("register.imported", extra={"changes": len(changes), "as_of": as_of.isoformat() if as_of else None})
    return check
