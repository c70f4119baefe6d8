"""The States-party register of the Optional Protocol, as plain data (domain/OP-ICESCR.md §5).

The shipped register is two CSV files copied unchanged from the shared domain folder (sources in
caseapp/data/SOURCES.md): ``op_icescr_states.csv`` (parties) and ``op_icescr_signatories.csv``
(signatories that have not ratified). ``un_member_states.csv`` lists the 193 UN member States and the
two non-member observer States, with the names the UN uses, for the form's select.

The register is incomplete and dated, so nothing here concludes "not a party" with more certainty
than it has: a State missing from it is "not listed as a party as of" the register's date, and the
user is sent to the UN Treaty Collection. Unverified facts (a year-only instrument, an entry-into-force
day not confirmed) are carried as such and shown as unconfirmed, never guessed.

The app keeps the register in its database, seeded from these files and corrected by admins
(``caseapp/services/register.py``); ``check_entry``, ``check_source`` and ``check_register_check`` below
are the rules their changes must meet. ``StatesRegister.shipped()`` remains for ``flask screen``.
"""

import csv
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from caseapp.domain.deadlines import PROTOCOL_ENTRY_INTO_FORCE, entry_into_force_after_deposit

# OP-ICESCR.md §5: UNTC, "a copy no older than April 2023, consistent with a February 2024 count".
# The latest instrument in the register is Germany's accession of 20 April 2023; the register's
# count (29 parties reported by UNTC) matches February 2024, so it is dated 1 February 2024.
REGISTER_AS_OF = date(2024, 2, 1)
REGISTER_SOURCE = "UN Treaty Collection"
# OP-ICESCR.md §5: UNTC reports 29 parties; the shipped register identifies only 27 of them.
UNTC_REPORTED_PARTIES = 29

PARTIES_FILE = "op_icescr_states.csv"
SIGNATORIES_FILE = "op_icescr_signatories.csv"
UN_STATES_FILE = "un_member_states.csv"

PARTY = "party"
SIGNATORY = "signatory"
NOT_LISTED = "not_listed"

VERIFIED_VALUES = ("yes", "partly", "no")
TRI_STATE = ("yes", "no", "unknown")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


@dataclass(frozen=True)
class StateRecord:
    iso2: str
    name: str
    signature: date | None
    # The deposit date of the instrument of ratification or accession when the day is known; when
    # only the year is known (Niger, Portugal, San Marino) this is None and instrument_year holds it.
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


# --- parsing ----------------------------------------------------------------------------------


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
    verified EIF: Portugal's deposit day is unknown, but its instrument was among the first ten, so
    its EIF is 5 May 2013 under art. 18(1) whatever the day (OP-ICESCR.md §5).
    """
    return entry_into_force is not None and verified != "no" and "UNVERIFIED" not in eif_basis.upper()


def parse_parties(text: str) -> list[StateRecord]:
    """Records from the text of ``op_icescr_states.csv``."""
    records = []
    for row in csv.DictReader(io.StringIO(text)):
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
        records.append(StateRecord(
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
        ))
    return records


def parse_signatories(text: str) -> list[StateRecord]:
    """Records from the text of ``op_icescr_signatories.csv`` (no instrument, no entry into force)."""
    records = []
    for row in csv.DictReader(io.StringIO(text)):
        iso2 = _check_code(row["iso2"].strip())
        records.append(StateRecord(
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
        ))
    return records


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


@cache
def _shipped_records() -> tuple[tuple[StateRecord, ...], tuple[StateRecord, ...]]:
    return tuple(parse_parties(_data_text(PARTIES_FILE))), tuple(parse_signatories(_data_text(SIGNATORIES_FILE)))


@cache
def _un_states() -> tuple[tuple[str, str, str], ...]:
    return tuple(parse_un_states(_data_text(UN_STATES_FILE)))


@cache
def _un_names() -> dict[str, str]:
    return {iso2: name for iso2, name, _status in _un_states()}


# --- the register -----------------------------------------------------------------------------


def _normalise_code(iso2: str | None) -> str:
    return (iso2 or "").strip().upper()


class StatesRegister:
    """Parties and signatories of the Optional Protocol, as of a date and from a source."""

    def __init__(self, parties: list[StateRecord], signatories: list[StateRecord], as_of: date, *,
                 source: str = REGISTER_SOURCE, reported_parties: int | None = None):
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

    @classmethod
    def shipped(cls) -> "StatesRegister":
        """The register shipped in caseapp/data."""
        parties, signatories = _shipped_records()
        return cls(list(parties), list(signatories), REGISTER_AS_OF, reported_parties=UNTC_REPORTED_PARTIES)

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

    def party(self, iso2: str | None) -> StateRecord | None:
        return self._parties.get(_normalise_code(iso2))

    def signatory(self, iso2: str | None) -> StateRecord | None:
        return self._signatories.get(_normalise_code(iso2))

    def status(self, iso2: str | None) -> str:
        """ "party", "signatory" or "not_listed" — never "not a party": the register may be behind."""
        if self.party(iso2) is not None:
            return PARTY
        if self.signatory(iso2) is not None:
            return SIGNATORY
        return NOT_LISTED


# --- names ------------------------------------------------------------------------------------


def _sort_key(name: str) -> str:
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
    return tuple(sorted(rows, key=lambda row: _sort_key(row[1])))


def state_name(iso2: str | None) -> str | None:
    """The UN's name for a member or observer State; None for an unknown code."""
    return _un_names().get(_normalise_code(iso2))


def format_date(day: date) -> str:
    """5 May 2013 — the same in every locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


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

FUTURE = "This date is in the future."
TOO_EARLY = f"The Protocol was opened for signature on {format_date(OPENED_FOR_SIGNATURE)}; this date is earlier."


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
        errors["iso2"] = "Choose a UN member or observer State."
    name = _text(data, "name") or (state_name(iso2) or "")
    if len(name) > MAX_NAME:
        errors["name"] = f"At most {MAX_NAME} characters."
    listing = _text(data, "listing")
    if listing not in LISTINGS:
        errors["listing"] = "Choose party or signatory."
    verified = _text(data, "verified")
    if verified not in VERIFIED_VALUES:
        errors["verified"] = "Say how far this entry is verified."
    eif_basis = _text(data, "eif_basis")
    if len(eif_basis) > MAX_EIF_BASIS:
        errors["eif_basis"] = f"At most {MAX_EIF_BASIS} characters."
    source_note = _text(data, "source_note")
    if len(source_note) > MAX_SOURCE:
        errors["source_note"] = f"At most {MAX_SOURCE} characters."
    declarations = {}
    for field in ("art10_declaration", "art11_declaration"):
        declarations[field] = _text(data, field)
        if declarations[field] not in DECLARATION_VALUES:
            errors[field] = "Choose a value from the list."
    instrument_type = _text(data, "instrument_type") or None
    if instrument_type is not None and instrument_type not in INSTRUMENT_TYPES:
        errors["instrument_type"] = "Choose ratification or accession."

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
        errors["instrument_year"] = "Give a year, e.g. 2014."
        year = None
    if year is not None:
        if year > today.year:
            errors["instrument_year"] = "This year is in the future."
        elif year < OPENED_FOR_SIGNATURE.year:
            errors["instrument_year"] = TOO_EARLY
        elif instrument_date is not None and year != instrument_date.year:
            errors["instrument_year"] = "Give the year only when the day is unknown; it does not match the date."
    if instrument_date is not None:
        year = instrument_date.year
    if signature and instrument_date and not {"signature", "instrument_date"} & errors.keys() \
            and instrument_date < signature:
        errors["instrument_date"] = "The instrument cannot be deposited before the State signed."

    if listing == PARTY:
        if instrument_date is None and year is None and "instrument_year" not in errors:
            errors["instrument_date"] = (
                "A party needs the date of its instrument of ratification or accession, or at least its year.")
        if instrument_type is None and "instrument_type" not in errors:
            errors["instrument_type"] = "Say whether the State ratified or acceded."
        if eif is not None:
            if eif < PROTOCOL_ENTRY_INTO_FORCE:
                errors["entry_into_force"] = (
                    f"The Protocol entered into force on {format_date(PROTOCOL_ENTRY_INTO_FORCE)}; "
                    "no State's entry into force is earlier.")
            elif (instrument_date is not None and eif < instrument_date) or (year is not None and eif.year < year):
                errors["entry_into_force"] = "The entry into force cannot be before the instrument was deposited."
            elif eif > today and (instrument_date is None or eif > entry_into_force_after_deposit(instrument_date)):
                errors["entry_into_force"] = (
                    "This date is in the future: only a recent deposit's entry into force, three months later "
                    "(art. 18(2)), can be.")
    elif listing == SIGNATORY:
        given = {"instrument_date": instrument_date, "instrument_year": data.get("instrument_year"),
                 "instrument_type": instrument_type, "entry_into_force": eif, **declarations}
        for field in _INSTRUMENT_FIELDS:
            if given[field] not in (None, "") and field not in errors:
                errors[field] = (
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
        raise StateDataError({"source": (
            "Say where this comes from: the document or page (e.g. UNTC MTDSG IV-3-a) and when you consulted it.")})
    if len(text) > MAX_SOURCE:
        raise StateDataError({"source": f"At most {MAX_SOURCE} characters."})
    return text


def check_register_check(as_of: date | None, reported_parties: int | None, *, today: date,
                         listed_parties: int) -> None:
    """A check of the whole register: the date it was checked against its source, and how many parties
    the source reported (None when it gives no count). Raises ``StateDataError``."""
    errors: dict[str, str] = {}
    if as_of is None:
        errors["as_of"] = "Give the date on which the register was checked."
    elif as_of > today:
        errors["as_of"] = FUTURE
    elif as_of < OPENED_FOR_SIGNATURE:
        errors["as_of"] = TOO_EARLY
    if reported_parties is not None:
        if reported_parties < 0:
            errors["reported_parties"] = "A number of parties cannot be negative."
        elif reported_parties < listed_parties:
            errors["reported_parties"] = (
                f"The register lists {listed_parties} parties, more than this: correct the States that are no "
                "longer parties first, or check the number.")
    if errors:
        raise StateDataError(errors)


# --- warnings for the intake form -------------------------------------------------------------


def _source_of(record: StateRecord) -> str:
    return record.source_note or "no source recorded"


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
    as_of = format_date(register.as_of)

    record = register.party(code)
    if record is None:
        signatory = register.signatory(code)
        if signatory is not None:
            return [_signatory_warning(register, signatory)]
        name = state_name(code) or code
        message = (
            f"{name} is not listed as a party to the Optional Protocol in our register as of {as_of} "
            f"(source: {register.source}). Check the UN Treaty Collection before going further."
        )
        if register.missing_parties:
            message += (
                f" Our register identifies {len(register.parties)} of the {register.reported_parties} parties "
                "its source reported, so a State can be a party without being listed."
            )
        return [message]

    if record.entry_into_force is None:
        return [_unknown_eif_warning(record, facts_start)]

    eif = record.entry_into_force
    warnings = []
    relevant = facts_end or facts_start  # the facts that continued latest
    unverified = "" if record.eif_verified else f" {_eif_doubt(record)}"
    if relevant is not None and relevant < eif:
        if continuing == "yes":
            warnings.append(
                f"The facts began before the Protocol entered into force for {record.name} on {format_date(eif)}. "
                "You say they continued after that date: explain how, because effects that merely last on "
                "are not continuing facts (art. 3(2)(b))." + unverified
            )
        else:
            warnings.append(
                f"The facts began before the Protocol entered into force for {record.name} on {format_date(eif)}; "
                "the Committee can examine them only if they continued after that date (art. 3(2)(b))." + unverified
            )
    elif not record.eif_verified and _near(eif, facts_start, facts_end):
        warnings.append(
            f"The facts are close to the date on which the Protocol entered into force for {record.name}, "
            f"{format_date(eif)} in our register (art. 3(2)(b)). {_eif_doubt(record)}"
        )
    return warnings


# How close to an unverified EIF date the facts must be for the uncertainty to matter. The unverified
# part is the day (Finland: deposit 31 January 2014, "April 2014" per the Committee), so a month
# either side covers it. A screening heuristic, not a rule of the Protocol.
EIF_UNCERTAINTY_DAYS = 31


def _near(eif: date, *days: date | None) -> bool:
    return any(day is not None and abs((day - eif).days) <= EIF_UNCERTAINTY_DAYS for day in days)


def _eif_doubt(record: StateRecord) -> str:
    """Why a recorded EIF date is not settled (Finland: the day three months after 31 January 2014)."""
    recorded = format_date(record.entry_into_force) if record.entry_into_force else "no date"
    deposit = (
        f"{record.name} deposited its instrument on {format_date(record.instrument_date)}, and "
        if record.instrument_date else ""
    )
    return (
        f"{deposit}the exact day on which the Protocol entered into force for it is not verified "
        f"(our register gives {recorded}; source: {_source_of(record)}). "
        "Check it in the UN Treaty Collection."
    )


def _signatory_warning(register: StatesRegister, record: StateRecord) -> str:
    message = (
        f"{record.name} has signed but not ratified the Optional Protocol: the Committee cannot receive "
        "communications against it (art. 1)."
    )
    if record.verified == "yes":
        message += (
            f" This is our register as of {format_date(register.as_of)} (source: {_source_of(record)}): "
            "check the UN Treaty Collection in case it has ratified since."
        )
    else:
        message += (
            f" Our information on its status is not fully verified (source: {_source_of(record)}): "
            "check the UN Treaty Collection in case it has ratified since."
        )
    return message


def _unknown_eif_warning(record: StateRecord, facts_start: date | None) -> str:
    """A party without an EIF date (Niger, San Marino): say so and why; never guess the date."""
    if record.instrument_year is None:
        return (
            f"We do not know when the Optional Protocol entered into force for {record.name}: our register has "
            f"no date for its instrument of {record.instrument_type or 'ratification'} (source: {_source_of(record)}). "
            "Check the UN Treaty Collection before relying on the dates of the facts (art. 3(2)(b))."
        )
    year = record.instrument_year
    why = (
        f"our register knows only the year of its instrument of {record.instrument_type} ({year}), not the day, "
        f"and this is not verified (source: {_source_of(record)}). The Protocol enters into force for a State "
        "three months after it deposits its instrument (art. 18(2))."
    )
    # OP-ICESCR.md §5: the temporal question stays open "unless all relevant facts are clearly later
    # than the end of the year after the known year" — a deposit in `year` takes effect by then.
    latest_possible = date(year + 1, 12, 31)
    if facts_start is not None and facts_start > latest_possible:
        return (
            f"We do not know the exact date on which the Optional Protocol entered into force for {record.name}: "
            f"{why} The facts began after {format_date(latest_possible)}, so they are later than that date in any "
            f"case; still, confirm in the UN Treaty Collection that {record.name} is a party."
        )
    return (
        f"We do not know the date on which the Optional Protocol entered into force for {record.name}: {why} "
        "Whether the Committee can examine the facts in time (art. 3(2)(b)) stays open until you confirm the "
        "date in the UN Treaty Collection."
    )
