"""The States-party register of the Optional Protocol, as plain data (domain/OP-ICESCR.md §5).

The shipped register is two CSV files copied unchanged from the shared domain folder (sources in
caseapp/data/SOURCES.md): ``op_icescr_states.csv`` (parties) and ``op_icescr_signatories.csv``
(signatories that have not ratified). ``un_member_states.csv`` lists the 193 UN member States and the
two non-member observer States, with the names the UN uses, for the form's select.

The register is incomplete and dated, so nothing here concludes "not a party" with more certainty
than it has: a State missing from it is "not listed as a party as of" the register's date, and the
user is sent to the UN Treaty Collection. Unverified facts (a year-only instrument, an entry-into-force
day not confirmed) are carried as such and shown as unconfirmed, never guessed.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

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
    rows = [(iso2, name) for iso2, name, status in _un_states() if include_observers or status == "member"]
    return sorted(rows, key=lambda row: _sort_key(row[1]))


def state_name(iso2: str | None) -> str | None:
    """The UN's name for a member or observer State; None for an unknown code."""
    return _un_names().get(_normalise_code(iso2))


def format_date(day: date) -> str:
    """5 May 2013 — the same in every locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


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
                f"the {register.source} reported, so a State can be a party without being listed."
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
