"""What the States register says of the State concerned, in the words arts 1 and 3(2)(b) share: its
standing under the Protocol (arts 1, 17-18), when the Protocol entered into force for it (art. 18) and how
sure that date is. Every sentence names the register's date and source, since the conclusion rests on them."""

from caseapp.domain.admissibility.wording import iso
from caseapp.domain.register import (
    ART18_1,
    EIF_DEPOSIT_UNVERIFIED,
    EIF_NO_SUCH_DAY,
    EIF_REGISTER_DISAGREES,
    EIF_YEAR_ONLY,
    EntryIntoForce,
    StateRecord,
    StatesRegister,
)


def register_phrase(register: StatesRegister) -> str:
    return f"the States register as of {iso(register.as_of)}, from {register.source}"


def entry_source(record: StateRecord) -> str:
    return record.source_note or "no source recorded"


def eif_rule(record: StateRecord, eif: EntryIntoForce) -> str:
    """The article that fixes the date and the deposit it counts from."""
    instrument = record.instrument_type or "ratification"
    if eif.basis == ART18_1:
        return "art. 18(1): its instrument was among the first ten"
    if eif.deposit is not None:
        return f"art. 18(2): three months after the deposit of its instrument of {instrument} on {iso(eif.deposit)}"
    return f"art. 18(2): three months after the deposit of its instrument of {instrument}"


def eif_phrase(record: StateRecord, eif: EntryIntoForce, register: StatesRegister | None = None) -> str:
    """ "on 2013-05-05 (art. 18(1): …; register as of …)" when certain; the bounds the rule and the sources
    leave otherwise. Without ``register`` the caller names the register itself."""
    dated = f"; register as of {iso(register.as_of)}" if register is not None else ""
    why = f"({eif_rule(record, eif)}{dated})"
    if eif.certain:
        return f"on {iso(eif.day)} {why}"
    if eif.earliest is not None and eif.latest is not None:
        return f"between {iso(eif.earliest)} and {iso(eif.latest)} {why}"
    return f"on {iso(eif.day)} if the register's deposit date is right {why}"


def eif_doubt(record: StateRecord, eif: EntryIntoForce) -> str:
    """Why the day is not certain, from the rule or the sources; "" when it is."""
    if eif.certain:
        return ""
    source = entry_source(record)
    if eif.reason == EIF_NO_SUCH_DAY:
        month = eif.earliest.strftime("%B")
        return (f"Three months after {iso(eif.deposit)} falls on a day {month} does not have, so the rule gives "
                f"{iso(eif.earliest)} or {iso(eif.latest)}, and the register's date is not verified "
                f"(source: {source}).")
    if eif.reason == EIF_YEAR_ONLY:
        return (f"The register knows only the year of the instrument ({record.instrument_year}), not the day "
                f"(source: {source}).")
    if eif.reason == EIF_DEPOSIT_UNVERIFIED:
        return f"The register's deposit date {iso(eif.deposit)} is not verified (source: {source})."
    if eif.reason == EIF_REGISTER_DISAGREES:
        return (f"The register gives {iso(eif.recorded)}, which is not what art. 18 gives from the deposit "
                f"(source: {source}).")
    return f"Source: {source}."
