"""The States register, as plain data: who is a party to the Optional Protocol and to the Covenant, on
what date, and from what source (domain/OP-ICESCR.md §5).

The shipped register is the UN Treaty Collection's status "as at 3 February 2026", in files copied
unchanged from the shared domain folder (sources in caseapp/data/SOURCES.md):
``op_icescr_states.csv`` (the 31 parties to the Protocol), ``op_icescr_signatories.csv`` (the 24
signatories that have not ratified) and ``icescr_status.csv`` (every UN member's status under the
Covenant, with dates). The earlier register, dated 1 February 2024, is kept as a snapshot in
``caseapp/data/snapshots/2024-02-01/``: the database's history starts from it, so the change to the
2026 status is an entry of that history. ``un_member_states.csv`` lists the 193 UN member States and
the two non-member observer States, with the names the UN uses, for the form's select.

Certainty where the law gives it, and nowhere else:

* The 2026 Protocol list is **complete** as of its date (UNTC's participant table, 31 parties), so a
  State it does not list was not a party on that date. The 2024 list was not (27 of the 29 parties
  UNTC reported): a State absent from it was only "not listed". ``StatesRegister.is_complete`` says
  which; after the register's date a later accession is always possible, and ``ProtocolStanding``
  says so.
* Only a party to the Covenant may become a party to the Protocol (arts 17–18): a State that was not
  a party to the Covenant on a day was not a party to the Protocol on that day, whatever the Protocol
  list says (``covenant_party_on``).
* The Protocol enters into force for a State three months after the deposit of its instrument
  (art. 18(2)); for the first ten instruments, on 5 May 2013 (art. 18(1)). ``protocol_entry_into_force``
  computes it from the deposit date; the date is uncertain only where the rule or the sources leave it
  open (a deposit day the target month does not have, a deposit date not verified or known only by its
  year), and then the bounds say how far.

The app keeps the register in its database, seeded from these files and corrected by admins
(``caseapp/services/register.py``); ``check_entry``, ``check_source``, ``check_register_check`` and
``read_party_file`` below are the rules their changes must meet. ``StatesRegister.shipped()`` remains
for ``flask screen``.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from caseapp.domain.deadlines import PROTOCOL_ENTRY_INTO_FORCE, add_months, entry_into_force_after_deposit
from caseapp.domain.fields import TRI_STATE
from caseapp.domain.i18n import MONTHS, N_, StateName, Text, english_date

PARTIES_FILE = "op_icescr_states.csv"
SIGNATORIES_FILE = "op_icescr_signatories.csv"
COVENANT_FILE = "icescr_status.csv"
UN_STATES_FILE = "un_member_states.csv"

PARTY = "party"
SIGNATORY = "signatory"
NOT_LISTED = "not_listed"
NONE = "none"  # the Covenant list's third status: neither signed nor a party
NOT_PARTY = "not_party"
UNKNOWN = "unknown"

VERIFIED_VALUES = ("yes", "partly", "no")

# The kinds of instrument, marked so that a warning names them in the reader's language.
INSTRUMENT_WORDS = {"ratification": N_("ratification"), "accession": N_("accession"), "succession": N_("succession")}


@dataclass(frozen=True)
class Snapshot:
    """A dated status of the Protocol shipped in caseapp/data: its folder, its source, the number of
    parties that source reported and whether the files list every one of them."""

    as_of: date
    folder: str  # under caseapp/data; "" for the current files
    source: str
    reported_parties: int | None
    complete: bool


# OP-ICESCR.md §5 (earlier version, kept with the files): UNTC, "a copy no older than April 2023,
# consistent with a February 2024 count"; the files identify 27 of the 29 parties UNTC then reported.
SNAPSHOT_2024 = Snapshot(date(2024, 2, 1), "snapshots/2024-02-01", "UN Treaty Collection", 29, False)
# OP-ICESCR.md §5: the saved UNTC page "STATUS AS AT: 03-02-2026", whose participant table the files copy
# in full — 31 parties, 24 signatories that are not parties.
SNAPSHOT_2026 = Snapshot(date(2026, 2, 3), "", "UN Treaty Collection, MTDSG IV-3-a (status as at 3 February 2026)",
                         31, True)
# Oldest first: seeding applies them in this order, so each later one is a change in the history.
SNAPSHOTS = (SNAPSHOT_2024, SNAPSHOT_2026)

REGISTER_AS_OF = SNAPSHOT_2026.as_of
REGISTER_SOURCE = SNAPSHOT_2026.source
UNTC_REPORTED_PARTIES = SNAPSHOT_2026.reported_parties

# icescr_status.md: the same UNTC copy, chapter IV-3, "STATUS AS AT : 03-02-2026"; all 193 UN members.
COVENANT_AS_OF = date(2026, 2, 3)
COVENANT_SOURCE = "UN Treaty Collection, MTDSG IV-3 (status as at 3 February 2026)"

# OP-ICESCR.md §5: "the tenth was Uruguay's, deposited 5 Feb 2013" — every instrument deposited by then
# is one of the first ten, for which the Protocol entered into force on 5 May 2013 (art. 18(1)).
TENTH_INSTRUMENT_DEPOSITED = date(2013, 2, 5)
ART18_1 = "art. 18(1)"
ART18_2 = "art. 18(2)"


@dataclass(frozen=True)
class StateRecord:
    iso2: str
    name: str
    signature: date | None
    # The deposit date of the instrument of ratification or accession when the day is known; when
    # only the year is known (Niger, Portugal and San Marino in the 2024 register) this is None and
    # instrument_year holds it.
    instrument_date: date | None
    # The year of the instrument, whenever it is known (also for full dates: instrument_date.year).
    instrument_year: int | None
    instrument_type: str | None  # "ratification" | "accession"; None for a signatory
    entry_into_force: date | None
    # True only when the entry-into-force date is known and nothing about it is marked unverified.
    eif_verified: bool
    verified: str  # the row's own mark: "yes" | "partly" | "no"
    source_note: str
    # Beyond the API the intake form uses: the CSV's basis for the EIF date and the declarations
    # under arts 10 and 11 ("yes", "unknown" or "" for none recorded).
    eif_basis: str = ""
    art10_declaration: str = ""
    art11_declaration: str = ""

    @property
    def instrument_year_only(self) -> bool:
        """Only the year of the instrument is known, not the day."""
        return self.instrument_date is None and self.instrument_year is not None

    @property
    def deposit_verified(self) -> bool:
        """Whether the deposit date is known to the day and confirmed. A row marked "partly" keeps a
        verified deposit: what is partly verified there is another field (Finland: the day of entry into
        force; Mali: its status after 2022); a row marked "no" confirms nothing, its dates included."""
        return self.instrument_date is not None and self.verified != "no"


@dataclass(frozen=True)
class CovenantRecord:
    """A UN member State's status under the Covenant as of the list's date (icescr_status.csv)."""

    iso2: str
    name: str
    status: str  # "party" | "signatory" | "none"
    signature: date | None
    # The deposit date; for a succession, the date of the notification, not the date from which the
    # successor is bound (icescr_status.md).
    instrument_date: date | None
    instrument_type: str | None  # "ratification" | "accession" | "succession"; None unless a party
    verified: str
    source_note: str


# --- parsing ----------------------------------------------------------------------------------


class RegisterFileError(ValueError):
    """A register file that cannot be read: ``problems`` names each bad line and what is wrong with it."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _parse_date(value: str, field: str, iso2: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{iso2}: {field} {value!r} is not a date (YYYY-MM-DD)") from None


def _parse_instrument(value: str, iso2: str) -> tuple[date | None, int | None]:
    """ "2011-10-24" → (date, 2011); "2014" (year only) → (None, 2014); "" → (None, None)."""
    value = value.strip()
    if not value:
        return None, None
    if len(value) == 4 and value.isdigit():
        return None, int(value)
    day = _parse_date(value, "instrument_date", iso2)
    return day, day.year if day else None


def _check_code(iso2: str) -> str:
    if len(iso2) != 2 or not iso2.isascii() or not iso2.isalpha() or not iso2.isupper():
        raise ValueError(f"{iso2!r} is not an ISO 3166-1 alpha-2 code")
    return iso2


def _check_verified(value: str, iso2: str) -> str:
    if value not in VERIFIED_VALUES:
        raise ValueError(f"{iso2}: verified must be one of {VERIFIED_VALUES}, not {value!r}")
    return value


def _eif_verified(entry_into_force: date | None, verified: str, eif_basis: str) -> bool:
    """Whether the EIF date may be shown as settled.

    Not when it is missing, when the whole row is unverified, or when the CSV's EIF basis marks it
    UNVERIFIED (Finland: "exact day UNVERIFIED"). A row marked "partly" for another reason keeps a
    verified EIF: Portugal's deposit day was unknown in 2024, but its instrument was among the first
    ten, so its EIF is 5 May 2013 under art. 18(1) whatever the day (OP-ICESCR.md §5).
    """
    return entry_into_force is not None and verified != "no" and "UNVERIFIED" not in eif_basis.upper()


def _rows(text: str, columns: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV text whose header must hold exactly ``columns`` (in any order)."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [name for name in columns if name not in header]
    extra = [name for name in header if name not in columns]
    if missing or extra or len(header) != len(set(header)):
        problem = "line 1 (the header): expected the columns " + ", ".join(columns)
        if missing:
            problem += f"; missing {', '.join(missing)}"
        if extra:
            problem += f"; unexpected {', '.join(extra)}"
        raise RegisterFileError([problem])
    for row in reader:
        yield reader.line_num, row


PARTY_COLUMNS = ("iso2", "name", "signature", "instrument_date", "instrument_type", "entry_into_force", "eif_basis",
                 "art10_declaration", "art11_declaration", "verified", "source_note")
SIGNATORY_COLUMNS = ("iso2", "name", "signature", "verified", "source_note")
COVENANT_COLUMNS = ("iso2", "name", "status", "signature", "instrument_date", "instrument_type", "verified",
                    "source_note")


def _party_record(row: dict[str, str]) -> StateRecord:
    iso2 = _check_code(row["iso2"].strip())
    instrument_date, instrument_year = _parse_instrument(row["instrument_date"], iso2)
    if instrument_year is None:
        raise ValueError(f"{iso2}: a party needs at least the year of its instrument")
    instrument_type = row["instrument_type"].strip()
    if instrument_type not in ("ratification", "accession"):
        raise ValueError(f"{iso2}: instrument_type {instrument_type!r}")
    entry_into_force = _parse_date(row["entry_into_force"], "entry_into_force", iso2)
    verified = _check_verified(row["verified"].strip(), iso2)
    eif_basis = row["eif_basis"].strip()
    return StateRecord(
        iso2=iso2,
        name=row["name"].strip(),
        signature=_parse_date(row["signature"], "signature", iso2),
        instrument_date=instrument_date,
        instrument_year=instrument_year,
        instrument_type=instrument_type,
        entry_into_force=entry_into_force,
        eif_verified=_eif_verified(entry_into_force, verified, eif_basis),
        verified=verified,
        source_note=row["source_note"].strip(),
        eif_basis=eif_basis,
        art10_declaration=row["art10_declaration"].strip(),
        art11_declaration=row["art11_declaration"].strip(),
    )


def _each_row(text: str, columns: tuple[str, ...], parse) -> list:
    """Every row parsed, or ``RegisterFileError`` naming every bad line at once (and each State twice listed)."""
    records, problems, seen = [], [], {}
    for line, row in _rows(text, columns):
        if None in row or None in row.values():  # too many values, or too few
            problems.append(f"line {line}: expected {len(columns)} comma-separated values")
            continue
        try:
            record = parse(row)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if record.iso2 in seen:
            problems.append(f"line {line}: {record.iso2} is already on line {seen[record.iso2]}")
            continue
        seen[record.iso2] = line
        records.append(record)
    if problems:
        raise RegisterFileError(problems)
    return records


def parse_parties(text: str) -> list[StateRecord]:
    """Records from the text of ``op_icescr_states.csv``."""
    return _each_row(text, PARTY_COLUMNS, _party_record)


def _signatory_record(row: dict[str, str]) -> StateRecord:
    iso2 = _check_code(row["iso2"].strip())
    return StateRecord(
        iso2=iso2,
        name=row["name"].strip(),
        signature=_parse_date(row["signature"], "signature", iso2),
        instrument_date=None,
        instrument_year=None,
        instrument_type=None,
        entry_into_force=None,
        eif_verified=False,
        verified=_check_verified(row["verified"].strip(), iso2),
        source_note=row["source_note"].strip(),
    )


def parse_signatories(text: str) -> list[StateRecord]:
    """Records from the text of ``op_icescr_signatories.csv`` (no instrument, no entry into force)."""
    return _each_row(text, SIGNATORY_COLUMNS, _signatory_record)


COVENANT_STATUSES = (PARTY, SIGNATORY, NONE)
COVENANT_INSTRUMENTS = ("ratification", "accession", "succession")


def _covenant_record(row: dict[str, str]) -> CovenantRecord:
    iso2 = _check_code(row["iso2"].strip())
    status = row["status"].strip()
    if status not in COVENANT_STATUSES:
        raise ValueError(f"{iso2}: status must be one of {COVENANT_STATUSES}, not {status!r}")
    signature = _parse_date(row["signature"], "signature", iso2)
    instrument_date = _parse_date(row["instrument_date"], "instrument_date", iso2)
    instrument_type = row["instrument_type"].strip() or None
    if instrument_type is not None and instrument_type not in COVENANT_INSTRUMENTS:
        raise ValueError(f"{iso2}: instrument_type {instrument_type!r}")
    # The status must be what the dates say on the list's date (icescr_status.md): a party has its
    # instrument, a signatory a signature and no instrument, "none" neither.
    if status == PARTY and (instrument_date is None or instrument_type is None):
        raise ValueError(f"{iso2}: a party needs the date and type of its instrument")
    if status != PARTY and (instrument_date is not None or instrument_type is not None):
        raise ValueError(f"{iso2}: only a party has an instrument")
    if (status == SIGNATORY) != (signature is not None) and status != PARTY:
        raise ValueError(f"{iso2}: a signatory, and only a signatory or a party, has a signature date")
    if signature and instrument_date and instrument_date < signature:
        raise ValueError(f"{iso2}: the instrument is dated before the signature")
    return CovenantRecord(iso2=iso2, name=row["name"].strip(), status=status, signature=signature,
                          instrument_date=instrument_date, instrument_type=instrument_type,
                          verified=_check_verified(row["verified"].strip(), iso2),
                          source_note=row["source_note"].strip())


def parse_covenant(text: str) -> list[CovenantRecord]:
    """Records from the text of ``icescr_status.csv``."""
    return _each_row(text, COVENANT_COLUMNS, _covenant_record)


def parse_un_states(text: str) -> list[tuple[str, str, str]]:
    """(iso2, name, status) rows from the text of ``un_member_states.csv``."""
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        status = row["status"].strip()
        if status not in ("member", "observer"):
            raise ValueError(f"{row['iso2']}: status {status!r}")
        rows.append((_check_code(row["iso2"].strip()), row["name"].strip(), status))
    return rows


def _data_text(name: str) -> str:
    return resources.files("caseapp.data").joinpath(name).read_text(encoding="utf-8")


def _snapshot_path(snapshot: Snapshot, name: str) -> str:
    return f"{snapshot.folder}/{name}" if snapshot.folder else name


@cache
def snapshot_records(snapshot: Snapshot) -> tuple[tuple[StateRecord, ...], tuple[StateRecord, ...]]:
    """The parties and signatories of a shipped snapshot (parsed once per process)."""
    return (tuple(parse_parties(_data_text(_snapshot_path(snapshot, PARTIES_FILE)))),
            tuple(parse_signatories(_data_text(_snapshot_path(snapshot, SIGNATORIES_FILE)))))


@cache
def shipped_covenant() -> tuple[CovenantRecord, ...]:
    return tuple(parse_covenant(_data_text(COVENANT_FILE)))


@cache
def _un_states() -> tuple[tuple[str, str, str], ...]:
    return tuple(parse_un_states(_data_text(UN_STATES_FILE)))


@cache
def _un_names() -> dict[str, str]:
    return {iso2: name for iso2, name, _status in _un_states()}


def _normalise_code(iso2: str | None) -> str:
    return (iso2 or "").strip().upper()


# --- entry into force (art. 18) ---------------------------------------------------------------

# Why a date of entry into force is what it is, or why it is not certain (message codes for the caller).
EIF_FIRST_TEN = "first_ten"  # art. 18(1): among the first ten instruments, 5 May 2013
EIF_THREE_MONTHS = "three_months"  # art. 18(2): three months after the deposit
EIF_NO_SUCH_DAY = "no_such_day"  # three months after the 31st falls on a day the month lacks
EIF_SETTLED_BY_SOURCE = "settled_by_source"  # the rule left two days open; a verified source gives one
EIF_YEAR_ONLY = "year_only"  # only the year of the deposit is known
EIF_DEPOSIT_UNVERIFIED = "deposit_unverified"  # the deposit date is given but nothing confirms it
EIF_REGISTER_DISAGREES = "register_disagrees"  # the register's own date is not what art. 18 gives
EIF_NO_INSTRUMENT = "no_instrument"  # a signatory, or a party without even the year of its instrument


@dataclass(frozen=True)
class EntryIntoForce:
    """When the Protocol entered into force for a State, by art. 18, from the deposit of its instrument.

    ``day`` is the date the rule gives (None when it cannot be computed); ``earliest`` and ``latest``
    bound what the rule and the sources leave open — equal to ``day`` when it is certain, None when
    nothing bounds it (a deposit date that nothing confirms). ``recorded`` is the register's own date.
    """

    day: date | None
    earliest: date | None
    latest: date | None
    basis: str  # ART18_1 | ART18_2 | ""
    reason: str  # one of the EIF_* codes
    recorded: date | None
    deposit: date | None

    @property
    def certain(self) -> bool:
        return self.day is not None and self.earliest == self.latest == self.day

    def in_force_on(self, day: date) -> bool | None:
        """True when the Protocol was certainly in force for the State on ``day``, False when it certainly
        was not yet, None when the rule and the sources leave it open."""
        if self.latest is not None and day >= self.latest:
            return True
        if self.earliest is not None and day < self.earliest:
            return False
        return None


def _three_months_after(deposit: date) -> tuple[date, date]:
    """The two readings of "three months after" a deposit (art. 18(2)): the same day three months later,
    or, when that month has no such day (31 January → 31 April), its last day (the calendar-month rule of
    OP-ICESCR.md §6, and what the register holds for Finland) or the first day of the next month."""
    target = entry_into_force_after_deposit(deposit)
    if target.day == deposit.day:
        return target, target
    return target, target + timedelta(days=1)


def protocol_entry_into_force(record: StateRecord) -> EntryIntoForce:
    """The Protocol's entry into force for a party, computed from the deposit of its instrument:
    5 May 2013 for the first ten instruments (art. 18(1); the tenth was deposited on 5 February 2013),
    three months after the deposit for every later one (art. 18(2)).

    Uncertain only where the rule or the sources leave it open: a deposit on a day the third month
    lacks (Finland, 31 January 2014: 30 April or 1 May 2014), unless the register's date is one of the two
    and verified (then the source settles what the rule left open); a deposit known only by its year (from the
    first day the rule allows for that year to three months after its last day); a deposit date that
    nothing confirms (no bounds); or a register date that differs from the rule's (both bound it).
    """
    recorded = record.entry_into_force
    if record.instrument_year is None:
        return EntryIntoForce(None, None, None, "", EIF_NO_INSTRUMENT, recorded, None)
    deposit = record.instrument_date
    if deposit is None:
        year = record.instrument_year
        if recorded == PROTOCOL_ENTRY_INTO_FORCE and record.eif_basis.startswith("art18(1)"):
            # The source itself places the instrument among the first ten (Portugal in the 2024 register:
            # "ninth instrument"), so the day of the deposit does not matter.
            return EntryIntoForce(recorded, recorded, recorded, ART18_1, EIF_FIRST_TEN, recorded, None)
        earliest = max(PROTOCOL_ENTRY_INTO_FORCE, add_months(date(year, 1, 1), 3))
        latest = max(PROTOCOL_ENTRY_INTO_FORCE, add_months(date(year, 12, 31), 3))
        return EntryIntoForce(None, earliest, latest, "", EIF_YEAR_ONLY, recorded, None)
    if deposit <= TENTH_INSTRUMENT_DEPOSITED:
        day, earliest, latest, basis, reason = (PROTOCOL_ENTRY_INTO_FORCE, PROTOCOL_ENTRY_INTO_FORCE,
                                                PROTOCOL_ENTRY_INTO_FORCE, ART18_1, EIF_FIRST_TEN)
    else:
        earliest, latest = _three_months_after(deposit)
        day, basis = earliest, ART18_2
        reason = EIF_THREE_MONTHS if earliest == latest else EIF_NO_SUCH_DAY
    if not record.deposit_verified:
        return EntryIntoForce(day, None, None, basis, EIF_DEPOSIT_UNVERIFIED, recorded, deposit)
    if recorded is not None and not earliest <= recorded <= latest:
        return EntryIntoForce(day, min(earliest, recorded), max(latest, recorded), basis, EIF_REGISTER_DISAGREES,
                              recorded, deposit)
    if reason == EIF_NO_SUCH_DAY and recorded is not None and record.eif_verified:
        return EntryIntoForce(recorded, recorded, recorded, basis, EIF_SETTLED_BY_SOURCE, recorded, deposit)
    return EntryIntoForce(day, earliest, latest, basis, reason, recorded, deposit)


# --- the Covenant -----------------------------------------------------------------------------


class CovenantRegister:
    """Every UN member State's status under the Covenant as of a date, with the dates that let it answer
    for any earlier day (icescr_status.md): a party from its instrument, a signatory from its signature."""

    def __init__(self, records: Iterable[CovenantRecord], as_of: date, *, source: str = COVENANT_SOURCE,
                 complete: bool = True):
        self._records = {record.iso2: record for record in records}
        self.as_of = as_of
        self.source = source
        # Whether the list covers every UN member State (icescr_status.csv: all 193).
        self.complete = complete

    @classmethod
    def shipped(cls) -> "CovenantRegister":
        return cls(shipped_covenant(), COVENANT_AS_OF)

    @property
    def records(self) -> tuple[CovenantRecord, ...]:
        return tuple(self._records.values())

    def record(self, iso2: str | None) -> CovenantRecord | None:
        return self._records.get(_normalise_code(iso2))

    def counts(self) -> dict[str, int]:
        """How many States the list holds in each status, as of its date."""
        counts = dict.fromkeys(COVENANT_STATUSES, 0)
        for record in self._records.values():
            counts[record.status] += 1
        return counts

    def status_on(self, iso2: str | None, day: date | None = None) -> str:
        """ "party", "signatory", "none" or "unknown" on ``day`` (the list's date when None).

        Unknown for a State the list does not cover (the observer States), for a day after the list's
        date unless the State was already a party by then (the Covenant has no denunciation clause, and
        the list records none), and for a day before a succession's notification, since a successor may
        be bound from before it notifies (icescr_status.md).
        """
        record = self.record(iso2)
        if record is None:
            return UNKNOWN
        day = day or self.as_of
        if record.instrument_date is not None:
            if day >= record.instrument_date:
                return PARTY
            if record.instrument_type == "succession":
                return UNKNOWN
        if day > self.as_of:
            return UNKNOWN
        if record.signature is not None and day >= record.signature:
            return SIGNATORY
        return NONE

    def party_on(self, iso2: str | None, day: date) -> bool | None:
        status = self.status_on(iso2, day)
        return None if status == UNKNOWN else status == PARTY


# --- the register -----------------------------------------------------------------------------

# Why a State's standing under the Protocol on a day is what it is (message codes for the caller).
STANDING_LISTED = "listed"  # the register lists it as a party, deposited by that day
STANDING_BEFORE_DEPOSIT = "before_deposit"  # listed as a party, but the day is before its deposit
STANDING_DEPOSIT_DAY_UNKNOWN = "deposit_day_unknown"  # listed, deposit known only by its year, same year
STANDING_SIGNATORY = "signatory"  # listed as a signatory that has not ratified
STANDING_NOT_COVENANT_PARTY = "not_covenant_party"  # not a party to the Covenant that day (arts 17–18)
STANDING_NOT_LISTED_COMPLETE = "not_listed_complete"  # absent from a register complete as of its date
STANDING_NOT_LISTED = "not_listed"  # absent from a register that misses some parties


@dataclass(frozen=True)
class ProtocolStanding:
    """A State's standing under the Protocol on a day: ``status`` is "party", "signatory", "not_party" or
    "unknown"; ``reason`` one of the STANDING_* codes; ``as_of`` the date of the register it rests on;
    ``after_register`` True when the day is later than that date, so that a later ratification or
    accession is possible and the UN Treaty Collection should be checked."""

    status: str
    reason: str
    as_of: date
    after_register: bool
    record: StateRecord | None = None


class StatesRegister:
    """Parties and signatories of the Optional Protocol, as of a date and from a source, with the
    Covenant statuses when known."""

    def __init__(self, parties: list[StateRecord], signatories: list[StateRecord], as_of: date, *,
                 source: str = REGISTER_SOURCE, reported_parties: int | None = None, complete: bool = False,
                 covenant: CovenantRegister | None = None):
        self._parties = {record.iso2: record for record in parties}
        self._signatories = {record.iso2: record for record in signatories}
        if len(self._parties) != len(parties) or len(self._signatories) != len(signatories):
            raise ValueError("a State appears twice in the same list")
        if both := sorted(self._parties.keys() & self._signatories.keys()):
            raise ValueError(f"listed both as party and as signatory: {', '.join(both)}")
        self.as_of = as_of
        self.source = source
        # How many parties the source reported, when the register knows it misses some.
        self.reported_parties = reported_parties
        # Whether the source's list of parties was copied in full on ``as_of``.
        self.complete = complete
        self.covenant = covenant
        self._entry_into_force: dict[str, tuple[StateRecord, EntryIntoForce]] = {}

    @classmethod
    def snapshot(cls, snapshot: Snapshot, *, covenant: CovenantRegister | None = None) -> "StatesRegister":
        """A register shipped in caseapp/data, as of its date. The Covenant list is the 2026 one; only the
        current register comes with it unless one is passed."""
        parties, signatories = snapshot_records(snapshot)
        return cls(list(parties), list(signatories), snapshot.as_of, source=snapshot.source,
                   reported_parties=snapshot.reported_parties, complete=snapshot.complete, covenant=covenant)

    @classmethod
    def shipped(cls) -> "StatesRegister":
        """The current register shipped in caseapp/data (3 February 2026), with the Covenant statuses."""
        return cls.snapshot(SNAPSHOTS[-1], covenant=CovenantRegister.shipped())

    @property
    def parties(self) -> tuple[StateRecord, ...]:
        return tuple(self._parties.values())

    @property
    def signatories(self) -> tuple[StateRecord, ...]:
        return tuple(self._signatories.values())

    @property
    def missing_parties(self) -> int:
        """Parties the source reported that the register does not identify (0 when unknown)."""
        if self.reported_parties is None:
            return 0
        return max(self.reported_parties - len(self._parties), 0)

    @property
    def is_complete(self) -> bool:
        """Whether the register lists every party as of its date. A list recorded as complete stops being
        so if parties were removed from it since (fewer listed than the source reported)."""
        return self.complete and self.missing_parties == 0

    def party(self, iso2: str | None) -> StateRecord | None:
        return self._parties.get(_normalise_code(iso2))

    def signatory(self, iso2: str | None) -> StateRecord | None:
        return self._signatories.get(_normalise_code(iso2))

    def status(self, iso2: str | None) -> str:
        """ "party", "signatory" or "not_listed" — the listing alone; ``protocol_standing`` says what
        follows from it, from the Covenant and from the register's completeness."""
        if self.party(iso2) is not None:
            return PARTY
        if self.signatory(iso2) is not None:
            return SIGNATORY
        return NOT_LISTED

    # The Covenant (arts 17–18 of the Protocol) ------------------------------------------------

    def covenant_status(self, iso2: str | None, on: date | None = None) -> str:
        """The State's status under the Covenant on ``on`` (the Covenant list's date when None): "party",
        "signatory", "none" or "unknown" (no Covenant list, or see ``CovenantRegister.status_on``)."""
        if self.covenant is None:
            return UNKNOWN
        return self.covenant.status_on(iso2, on)

    def covenant_party_on(self, iso2: str | None, day: date) -> bool | None:
        """Whether the State was a party to the Covenant on ``day``; None when that is not known."""
        if self.covenant is None:
            return None
        return self.covenant.party_on(iso2, day)

    # The Protocol ------------------------------------------------------------------------------

    def protocol_entry_into_force(self, record: StateRecord) -> EntryIntoForce:
        """``protocol_entry_into_force`` of a record of this register, worked out once (the engine asks on every
        assessment; a register's records never change)."""
        known = self._entry_into_force.get(record.iso2)
        if known is None or known[0] is not record:
            known = self._entry_into_force[record.iso2] = (record, protocol_entry_into_force(record))
        return known[1]

    def protocol_standing(self, iso2: str | None, on: date | None = None) -> ProtocolStanding:
        """The State's standing under the Protocol on ``on`` (the register's date when None).

        A listed party is a party from the deposit of its instrument; before it, it was not. A signatory
        is not a party (art. 1). A State that was not a party to the Covenant that day was not a party to
        the Protocol (arts 17–18). A State the register does not list was not a party as of the register's
        date when the register is complete, and is unknown when it is not. ``after_register`` flags a day
        later than the register's date: a later ratification or accession is then possible.
        """
        day = on or self.as_of
        after = day > self.as_of
        record = self.party(iso2)
        if record is not None:
            if record.deposit_verified:
                reached = day >= record.instrument_date
            elif record.instrument_year is not None and day.year != record.instrument_year:
                reached = day.year > record.instrument_year
            else:  # the deposit's day is not known, and the day falls in its year
                return ProtocolStanding(UNKNOWN, STANDING_DEPOSIT_DAY_UNKNOWN, self.as_of, after, record)
            if reached:
                return ProtocolStanding(PARTY, STANDING_LISTED, self.as_of, after, record)
            return ProtocolStanding(NOT_PARTY, STANDING_BEFORE_DEPOSIT, self.as_of, after, record)
        signatory = self.signatory(iso2)
        if signatory is not None:
            return ProtocolStanding(SIGNATORY, STANDING_SIGNATORY, self.as_of, after, signatory)
        if self.covenant_party_on(iso2, day) is False:
            return ProtocolStanding(NOT_PARTY, STANDING_NOT_COVENANT_PARTY, self.as_of, after)
        if self.is_complete:
            return ProtocolStanding(NOT_PARTY, STANDING_NOT_LISTED_COMPLETE, self.as_of, after)
        return ProtocolStanding(UNKNOWN, STANDING_NOT_LISTED, self.as_of, after)


def is_stale(as_of: date, *, today: date, max_age_months: int) -> bool:
    """Whether a register dated ``as_of`` is older than ``max_age_months`` calendar months on ``today``
    (the admin's and the lawyers' reminder to compare it with the UN Treaty Collection)."""
    return add_months(as_of, max_age_months) < today


# --- names ------------------------------------------------------------------------------------


def sort_key(name: str) -> str:
    """Alphabetical as the UN lists them: accents ignored, so Côte d'Ivoire follows Costa Rica."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def un_member_states(*, include_observers: bool = False) -> list[tuple[str, str]]:
    """(iso2, name) of the 193 UN member States, sorted by name, for the form's select.

    ``include_observers`` adds the two non-member observer States (Holy See, State of Palestine).
    """
    return list(_sorted_states(include_observers))


@cache
def _sorted_states(include_observers: bool) -> tuple[tuple[str, str], ...]:
    # Sorted once per process: the list is fixed, and forms and the intake checks ask for it each request.
    rows = [(iso2, name) for iso2, name, status in _un_states() if include_observers or status == "member"]
    return tuple(sorted(rows, key=lambda row: sort_key(row[1])))


def state_name(iso2: str | None) -> str | None:
    """The UN's name for a member or observer State; None for an unknown code."""
    return _un_names().get(_normalise_code(iso2))


format_date = english_date  # 5 May 2013: the register's English; pages write dates in the reader's language


# --- editing the register ---------------------------------------------------------------------

LISTINGS = (PARTY, SIGNATORY)
INSTRUMENT_TYPES = ("ratification", "accession")
DECLARATION_VALUES = ("", "yes", "unknown")  # none recorded, confirmed, recorded but articles unverified
# OP-ICESCR.md §1: the Protocol was opened for signature on 24 September 2009; no date of the register
# (signature, instrument, check) can be earlier.
OPENED_FOR_SIGNATURE = date(2009, 9, 24)
MAX_NAME = 200
MAX_EIF_BASIS = 200
MAX_SOURCE = 2_000  # a record's source note, and the source of a change

# What an admin may set on an entry, in the order pages and history show them (iso2 is its identity).
ENTRY_FIELDS = (
    "name", "listing", "signature", "instrument_type", "instrument_date", "instrument_year", "entry_into_force",
    "eif_basis", "art10_declaration", "art11_declaration", "verified", "source_note",
)
_DATE_FIELDS = ("signature", "instrument_date", "entry_into_force")
_INSTRUMENT_FIELDS = ("instrument_date", "instrument_year", "instrument_type", "entry_into_force",
                      "art10_declaration", "art11_declaration")

FUTURE = N_("This date is in the future.")
# The day is written out in the message (OPENED_FOR_SIGNATURE), so that each language writes it its own way.
TOO_EARLY = N_("The Protocol was opened for signature on 24 September 2009; this date is earlier.")


class StateDataError(ValueError):
    """An entry or a check breaks the register's rules; ``errors`` maps field names to plain messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RegisterEntry:
    """One State of the register as stored: its list (party or signatory) and its record."""

    listing: str
    record: StateRecord

    def values(self) -> dict[str, object]:
        """Field → value, for storage and history: ``iso2`` and every one of ``ENTRY_FIELDS``."""
        record = self.record
        values: dict[str, object] = {"iso2": record.iso2}
        for name in ENTRY_FIELDS:
            values[name] = self.listing if name == "listing" else getattr(record, name)
        return values


def make_record(values: Mapping[str, object]) -> StateRecord:
    """A record from stored values (already checked); ``eif_verified`` is derived, never stored."""
    verified = str(values["verified"])
    eif_basis = str(values.get("eif_basis") or "")
    entry_into_force = values.get("entry_into_force")
    return StateRecord(
        iso2=str(values["iso2"]), name=str(values["name"]), signature=values.get("signature"),
        instrument_date=values.get("instrument_date"), instrument_year=values.get("instrument_year"),
        instrument_type=values.get("instrument_type") or None, entry_into_force=entry_into_force,
        eif_verified=_eif_verified(entry_into_force, verified, eif_basis), verified=verified,
        source_note=str(values.get("source_note") or ""), eif_basis=eif_basis,
        art10_declaration=str(values.get("art10_declaration") or ""),
        art11_declaration=str(values.get("art11_declaration") or ""),
    )


def _text(data: Mapping[str, object], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def check_entry(data: Mapping[str, object], *, today: date) -> RegisterEntry:
    """An admin's entry for the register, checked against what the register may hold.

    ``data`` holds ``iso2`` and the ``ENTRY_FIELDS``: dates as ``date`` or None, ``instrument_year`` as
    an int or None (for an instrument whose day is unknown), the rest as text; a missing key is empty.
    An empty name becomes the UN's name for the State. Raises ``StateDataError`` naming each field
    that is wrong: the code must be a UN member or observer State; a party needs the date (or year) and
    type of its instrument; a signatory has no instrument, entry into force or declaration; no date is
    in the future (an entry into force may be, up to three months after a recent deposit, art. 18(2)),
    and the entry into force is neither before the instrument nor before the Protocol's own (5 May 2013).
    """
    errors: dict[str, str] = {}
    iso2 = _text(data, "iso2").upper()
    if state_name(iso2) is None:
        errors["iso2"] = N_("Choose a UN member or observer State.")
    name = _text(data, "name") or (state_name(iso2) or "")
    if len(name) > MAX_NAME:
        errors["name"] = N_("At most %(max)d characters.", max=MAX_NAME)
    listing = _text(data, "listing")
    if listing not in LISTINGS:
        errors["listing"] = N_("Choose party or signatory.")
    verified = _text(data, "verified")
    if verified not in VERIFIED_VALUES:
        errors["verified"] = N_("Say how far this entry is verified.")
    eif_basis = _text(data, "eif_basis")
    if len(eif_basis) > MAX_EIF_BASIS:
        errors["eif_basis"] = N_("At most %(max)d characters.", max=MAX_EIF_BASIS)
    source_note = _text(data, "source_note")
    if len(source_note) > MAX_SOURCE:
        errors["source_note"] = N_("At most %(max)d characters.", max=MAX_SOURCE)
    declarations = {}
    for field in ("art10_declaration", "art11_declaration"):
        declarations[field] = _text(data, field)
        if declarations[field] not in DECLARATION_VALUES:
            errors[field] = N_("Choose a value from the list.")
    instrument_type = _text(data, "instrument_type") or None
    if instrument_type is not None and instrument_type not in INSTRUMENT_TYPES:
        errors["instrument_type"] = N_("Choose ratification or accession.")

    dates: dict[str, date | None] = {field: data.get(field) or None for field in _DATE_FIELDS}
    for field in ("signature", "instrument_date"):
        day = dates[field]
        if day is not None and day > today:
            errors[field] = FUTURE
        elif day is not None and day < OPENED_FOR_SIGNATURE:
            errors[field] = TOO_EARLY
    signature, instrument_date, eif = dates["signature"], dates["instrument_date"], dates["entry_into_force"]
    year = data.get("instrument_year")
    if year is not None and not isinstance(year, int):
        errors["instrument_year"] = N_("Give a year, e.g. 2014.")
        year = None
    if year is not None:
        if year > today.year:
            errors["instrument_year"] = N_("This year is in the future.")
        elif year < OPENED_FOR_SIGNATURE.year:
            errors["instrument_year"] = TOO_EARLY
        elif instrument_date is not None and year != instrument_date.year:
            errors["instrument_year"] = N_("Give the year only when the day is unknown; it does not match the date.")
    if instrument_date is not None:
        year = instrument_date.year
    if signature and instrument_date and not {"signature", "instrument_date"} & errors.keys() \
            and instrument_date < signature:
        errors["instrument_date"] = N_("The instrument cannot be deposited before the State signed.")

    if listing == PARTY:
        if instrument_date is None and year is None and "instrument_year" not in errors:
            errors["instrument_date"] = N_(
                "A party needs the date of its instrument of ratification or accession, or at least its year.")
        if instrument_type is None and "instrument_type" not in errors:
            errors["instrument_type"] = N_("Say whether the State ratified or acceded.")
        if eif is not None:
            if eif < PROTOCOL_ENTRY_INTO_FORCE:
                errors["entry_into_force"] = N_(  # the day of PROTOCOL_ENTRY_INTO_FORCE, written out
                    "The Protocol entered into force on 5 May 2013; no State's entry into force is earlier.")
            elif (instrument_date is not None and eif < instrument_date) or (year is not None and eif.year < year):
                errors["entry_into_force"] = N_("The entry into force cannot be before the instrument was deposited.")
            elif eif > today and (instrument_date is None or eif > entry_into_force_after_deposit(instrument_date)):
                errors["entry_into_force"] = N_(
                    "This date is in the future: only a recent deposit's entry into force, three months later "
                    "(art. 18(2)), can be.")
    elif listing == SIGNATORY:
        given = {"instrument_date": instrument_date, "instrument_year": data.get("instrument_year"),
                 "instrument_type": instrument_type, "entry_into_force": eif, **declarations}
        for field in _INSTRUMENT_FIELDS:
            if given[field] not in (None, "") and field not in errors:
                errors[field] = N_(
                    "A signatory has no instrument, entry into force or declaration: choose “party” if the State "
                    "has ratified or acceded.")
    if errors:
        raise StateDataError(errors)
    party = listing == PARTY
    record = StateRecord(
        iso2=iso2, name=name, signature=signature,
        instrument_date=instrument_date if party else None, instrument_year=year if party else None,
        instrument_type=instrument_type if party else None, entry_into_force=eif if party else None,
        eif_verified=party and _eif_verified(eif, verified, eif_basis), verified=verified, source_note=source_note,
        eif_basis=eif_basis, art10_declaration=declarations["art10_declaration"],
        art11_declaration=declarations["art11_declaration"],
    )
    return RegisterEntry(listing, record)


def check_source(source: str | None) -> str:
    """The source of a change, stripped; raises ``StateDataError`` when it is missing or too long."""
    text = (source or "").strip()
    if not text:
        raise StateDataError({"source": N_(
            "Say where this comes from: the document or page (e.g. UNTC MTDSG IV-3-a) and when you consulted it.")})
    if len(text) > MAX_SOURCE:
        raise StateDataError({"source": N_("At most %(max)d characters.", max=MAX_SOURCE)})
    return text


def check_register_check(as_of: date | None, reported_parties: int | None, *, today: date,
                         listed_parties: int, complete: bool = False) -> None:
    """A check of the whole register: the date it was checked against its source, how many parties the
    source reported (None when it gives no count) and whether the register now lists every one of them.
    Raises ``StateDataError``."""
    errors: dict[str, str] = {}
    if as_of is None:
        errors["as_of"] = N_("Give the date on which the register was checked.")
    elif as_of > today:
        errors["as_of"] = FUTURE
    elif as_of < OPENED_FOR_SIGNATURE:
        errors["as_of"] = TOO_EARLY
    if reported_parties is not None:
        if reported_parties < 0:
            errors["reported_parties"] = N_("A number of parties cannot be negative.")
        elif reported_parties < listed_parties:
            errors["reported_parties"] = N_(
                "The register lists %(listed)d parties, more than this: correct the States that are no longer "
                "parties first, or check the number.", listed=listed_parties)
        elif complete and reported_parties != listed_parties:
            # A complete list is what lets the engine say "not a party" of a State it does not list.
            errors["complete"] = N_(
                "The register lists %(listed)d parties and the source reports %(reported)d: it is complete only "
                "when it lists every party the source does.", listed=listed_parties, reported=reported_parties)
    if errors:
        raise StateDataError(errors)


# --- importing a list of parties --------------------------------------------------------------

ADDED = "added"
CHANGED = "changed"
REMOVED = "removed"


def read_party_file(text: str, *, today: date) -> list[RegisterEntry]:
    """The parties of a file in the format of ``op_icescr_states.csv``, each checked by the rules of an
    admin's entry (``check_entry``). Raises ``RegisterFileError`` naming every bad line and what is wrong
    with it; a file without a single party is refused, since importing it would remove every party."""
    problems: list[str] = []
    entries: list[RegisterEntry] = []
    seen: dict[str, int] = {}
    for line, row in _rows(text, PARTY_COLUMNS):
        if None in row or None in row.values():
            problems.append(f"line {line}: expected {len(PARTY_COLUMNS)} comma-separated values")
            continue
        try:
            record = _party_record(row)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        try:
            entry = check_entry(RegisterEntry(PARTY, record).values(), today=today)
        except StateDataError as exc:
            problems.extend(f"line {line}: {record.iso2}: {field}: {message}" for field, message in exc.errors.items())
            continue
        if record.iso2 in seen:
            problems.append(f"line {line}: {record.iso2} is already on line {seen[record.iso2]}")
            continue
        seen[record.iso2] = line
        entries.append(entry)
    if not entries and not problems:
        problems.append("the file lists no party")
    if problems:
        raise RegisterFileError(problems)
    return entries


@dataclass(frozen=True)
class EntryChange:
    """One State's change between two lists: ``before`` and ``after`` hold the changed fields' values
    (every field of an added State in ``after``, of a removed one in ``before``)."""

    kind: str  # ADDED | CHANGED | REMOVED
    iso2: str
    name: str
    before: dict[str, object]
    after: dict[str, object]
    entry: RegisterEntry | None  # the entry to write; None for a removal


_KIND_ORDER = {ADDED: 0, CHANGED: 1, REMOVED: 2}


def diff_entries(current: Iterable[RegisterEntry], incoming: Iterable[RegisterEntry], *,
                 listings: tuple[str, ...] = (PARTY,)) -> list[EntryChange]:
    """What replacing ``current`` by ``incoming`` changes, added first, then changed, then removed, each by
    name. ``incoming`` is the full list of ``listings`` (a file of parties names every party): a current
    entry of those listings that it does not name is removed; entries of other listings are left alone
    unless ``incoming`` names them (a signatory that has ratified changes listing)."""
    now = {entry.record.iso2: entry for entry in current}
    new = {entry.record.iso2: entry for entry in incoming}
    changes = []
    for iso2, entry in new.items():
        after = entry.values()
        del after["iso2"]
        old = now.get(iso2)
        if old is None:
            changes.append(EntryChange(ADDED, iso2, entry.record.name, {}, after, entry))
            continue
        before = old.values()
        fields = [name for name in ENTRY_FIELDS if before[name] != after[name]]
        if fields:
            changes.append(EntryChange(CHANGED, iso2, entry.record.name, {name: before[name] for name in fields},
                                       {name: after[name] for name in fields}, entry))
    for iso2, old in now.items():
        if iso2 not in new and old.listing in listings:
            before = old.values()
            del before["iso2"]
            changes.append(EntryChange(REMOVED, iso2, old.record.name, before, {}, None))
    return sorted(changes, key=lambda change: (_KIND_ORDER[change.kind], sort_key(change.name)))


# --- warnings for the intake form -------------------------------------------------------------


def _source_of(record: StateRecord) -> str:
    return record.source_note or N_("no source recorded")


def _state(record: StateRecord) -> StateName:
    return StateName(record.iso2, record.name)


def _instrument(record: StateRecord) -> str:
    kind = record.instrument_type or "ratification"
    return Text(INSTRUMENT_WORDS[kind]) if kind in INSTRUMENT_WORDS else kind


# The warnings are ``Text``: English sentences (the tests', a command's) that a page says in the reader's
# language, with the dates and the State's name in that language too. A register's sources stay as written.


def protocol_warnings(register: StatesRegister, iso2: str | None, facts_start: date | None, facts_end: date | None,
                      continuing: str) -> list[str]:
    """Plain-language warnings about the State and the Protocol's entry into force for it.

    ``continuing`` is the tri-state "yes" | "no" | "unknown" (anything else is read as "unknown").
    Returns [] when there is nothing to warn about. This is a first reading for the intake form; the
    admissibility engine makes the assessment (art. 1 and art. 3(2)(b)).
    """
    code = _normalise_code(iso2)
    if not code:
        return []
    continuing = continuing if continuing in TRI_STATE else "unknown"

    record = register.party(code)
    if record is None:
        signatory = register.signatory(code)
        if signatory is not None:
            return [_signatory_warning(register, signatory)]
        return [_not_listed_warning(register, code)]

    eif = protocol_entry_into_force(record)
    if eif.day is None:
        return [_unknown_eif_warning(record, eif, facts_start)]

    relevant = facts_end or facts_start  # the facts that continued latest
    in_force = eif.in_force_on(relevant) if relevant is not None else True
    doubt = "" if eif.certain else _then(_eif_doubt(record, eif))
    if in_force is False and continuing == "yes":
        return [N_("The facts began before the Protocol entered into force for %(state)s on %(day)s. You say they "
                   "continued after that date: explain how, because effects that merely last on are not continuing "
                   "facts (art. 3(2)(b)).%(doubt)s", state=_state(record), day=eif.day, doubt=doubt)]
    if in_force is False:
        return [N_("The facts began before the Protocol entered into force for %(state)s on %(day)s; the Committee "
                   "can examine them only if they continued after that date (art. 3(2)(b)).%(doubt)s",
                   state=_state(record), day=eif.day, doubt=doubt)]
    if in_force is None:
        return [N_("We cannot tell whether the facts came before or after the Protocol entered into force for "
                   "%(state)s (art. 3(2)(b)).%(doubt)s", state=_state(record), doubt=doubt)]
    return []


def _then(sentence: str) -> str:
    """A sentence that follows another, with the space between them (a ``Text`` so that a page says it)."""
    return Text(" %(sentence)s", sentence=sentence)


def _eif_doubt(record: StateRecord, eif: EntryIntoForce) -> str:
    """Why the day on which the Protocol entered into force for a party is not certain, and how far."""
    if eif.reason == EIF_NO_SUCH_DAY:
        common = {"state": _state(record), "deposit": eif.deposit, "month": Text(MONTHS[eif.earliest.month - 1]),
                  "earliest": eif.earliest, "latest": eif.latest, "source": _source_of(record)}
        if eif.recorded:
            return N_("%(state)s deposited its instrument on %(deposit)s, and three months later (art. 18(2)) falls "
                      "on a day %(month)s does not have, so the Protocol entered into force for it on %(earliest)s or "
                      "on %(latest)s (our register gives %(recorded)s; source: %(source)s). Check the UN Treaty "
                      "Collection.", recorded=eif.recorded, **common)
        return N_("%(state)s deposited its instrument on %(deposit)s, and three months later (art. 18(2)) falls on a "
                  "day %(month)s does not have, so the Protocol entered into force for it on %(earliest)s or on "
                  "%(latest)s (source: %(source)s). Check the UN Treaty Collection.", **common)
    if eif.reason == EIF_REGISTER_DISAGREES:
        return N_("Our register gives %(recorded)s as the day on which the Protocol entered into force for %(state)s, "
                  "but %(basis)s gives %(day)s from its deposit on %(deposit)s (source: %(source)s). Check the UN "
                  "Treaty Collection.", recorded=eif.recorded, state=_state(record), basis=eif.basis, day=eif.day,
                  deposit=eif.deposit, source=_source_of(record))
    # EIF_DEPOSIT_UNVERIFIED
    return N_("The date of %(state)s's instrument in our register, %(deposit)s, is not verified (source: %(source)s), "
              "so neither is the day on which the Protocol entered into force for it (%(basis)s). Check the UN "
              "Treaty Collection.", state=_state(record), deposit=eif.deposit, source=_source_of(record),
              basis=eif.basis)


def _not_listed_warning(register: StatesRegister, code: str) -> str:
    """A State the register does not list: not a party when the Covenant or a complete register says so,
    "not listed" otherwise; in every case the UN Treaty Collection may know of a later accession."""
    state = StateName(code, state_name(code) or code)
    standing = register.protocol_standing(code)
    if standing.reason == STANDING_NOT_COVENANT_PARTY:
        covenant = register.covenant
        if covenant.status_on(code) == SIGNATORY:
            return N_("%(state)s has signed but is not a party to the Covenant (source: %(source)s), and only a party "
                      "to the Covenant can become a party to the Optional Protocol (arts 17–18): it was not a party "
                      "to the Protocol as of %(as_of)s, and the Committee cannot receive communications against it "
                      "(art. 1(2)). Check the UN Treaty Collection in case it has joined both since.",
                      state=state, source=covenant.source, as_of=register.as_of)
        return N_("%(state)s is not a party to the Covenant (source: %(source)s), and only a party to the Covenant "
                  "can become a party to the Optional Protocol (arts 17–18): it was not a party to the Protocol as "
                  "of %(as_of)s, and the Committee cannot receive communications against it (art. 1(2)). Check the "
                  "UN Treaty Collection in case it has joined both since.",
                  state=state, source=covenant.source, as_of=register.as_of)
    if standing.reason == STANDING_NOT_LISTED_COMPLETE:
        return N_("%(state)s was not a party to the Optional Protocol as of %(as_of)s: our register lists every party "
                  "as of that date (source: %(source)s), and the Committee cannot receive communications against a "
                  "State that is not a party (art. 1(2)). Check the UN Treaty Collection in case it has ratified or "
                  "acceded since.", state=state, as_of=register.as_of, source=register.source)
    if register.missing_parties:
        return N_("%(state)s is not listed as a party to the Optional Protocol in our register as of %(as_of)s "
                  "(source: %(source)s). Check the UN Treaty Collection before going further. Our register "
                  "identifies %(listed)d of the %(reported)d parties its source reported, so a State can be a party "
                  "without being listed.", state=state, as_of=register.as_of, source=register.source,
                  listed=len(register.parties), reported=register.reported_parties)
    return N_("%(state)s is not listed as a party to the Optional Protocol in our register as of %(as_of)s "
              "(source: %(source)s). Check the UN Treaty Collection before going further.",
              state=state, as_of=register.as_of, source=register.source)


def _signatory_warning(register: StatesRegister, record: StateRecord) -> str:
    if record.verified == "yes":
        return N_("%(state)s has signed but not ratified the Optional Protocol: the Committee cannot receive "
                  "communications against it (art. 1). This is our register as of %(as_of)s (source: %(source)s): "
                  "check the UN Treaty Collection in case it has ratified since.",
                  state=_state(record), as_of=register.as_of, source=_source_of(record))
    return N_("%(state)s has signed but not ratified the Optional Protocol: the Committee cannot receive "
              "communications against it (art. 1). Our information on its status is not fully verified (source: "
              "%(source)s): check the UN Treaty Collection in case it has ratified since.",
              state=_state(record), source=_source_of(record))


def _unknown_eif_warning(record: StateRecord, eif: EntryIntoForce, facts_start: date | None) -> str:
    """A party whose deposit is known by its year only (Niger and San Marino in the 2024 register), or not
    at all: say so and how far art. 18 bounds the date; never guess the day."""
    state = _state(record)
    if eif.reason == EIF_NO_INSTRUMENT:
        return N_("We do not know when the Optional Protocol entered into force for %(state)s: our register has no "
                  "date for its instrument of %(instrument)s (source: %(source)s). Check the UN Treaty Collection "
                  "before relying on the dates of the facts (art. 3(2)(b)).",
                  state=state, instrument=_instrument(record), source=_source_of(record))
    why = N_("our register knows only the year of its instrument of %(instrument)s (%(year)s), not the day, and this "
             "is not verified (source: %(source)s). The Protocol enters into force for a State three months after "
             "it deposits its instrument (art. 18(2)), so for %(state)s it did so between %(earliest)s and "
             "%(latest)s.", instrument=_instrument(record), year=str(record.instrument_year),
             source=_source_of(record), state=state, earliest=eif.earliest, latest=eif.latest)
    if facts_start is not None and eif.in_force_on(facts_start):
        return N_("We do not know the exact date on which the Optional Protocol entered into force for %(state)s: "
                  "%(why)s The facts began on %(facts_start)s, so they are later than that date in any case; still, "
                  "confirm in the UN Treaty Collection that %(state)s is a party.",
                  state=state, why=why, facts_start=facts_start)
    return N_("We do not know the date on which the Optional Protocol entered into force for %(state)s: %(why)s "
              "Whether the Committee can examine the facts in time (art. 3(2)(b)) stays open until you confirm the "
              "date in the UN Treaty Collection.", state=state, why=why)
