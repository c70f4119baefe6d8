"""What the States register says of the State concerned, in the words arts 1 and 3(2)(b) share: its
standing under the Protocol (arts 1, 17-18), when the Protocol entered into force for it (art. 18) and how
sure that date is. Every sentence names the register's date and source, since the conclusion rests on them."""

from caseapp.domain.admissibility.messages import Message, Month, msg
from caseapp.domain.register import (
    ART18_1,
    EIF_DEPOSIT_UNVERIFIED,
    EIF_NO_SUCH_DAY,
    EIF_REGISTER_DISAGREES,
    EIF_YEAR_ONLY,
    INSTRUMENT_TYPES,
    EntryIntoForce,
    StateRecord,
    StatesRegister,
)


def register_phrase(register: StatesRegister) -> Message:
    return msg("register.phrase", as_of=register.as_of, source=register.source)


def entry_source(record: StateRecord) -> str | Message:
    return record.source_note or msg("register.no_source")


def eif_rule(record: StateRecord, eif: EntryIntoForce) -> Message:
    """The article that fixes the date and the deposit it counts from."""
    if eif.basis == ART18_1:
        return msg("eif.rule_18_1")
    # The instrument by its type (message ``instrument.<type>``); a party's row without one says ratification.
    kind = record.instrument_type if record.instrument_type in INSTRUMENT_TYPES else "ratification"
    instrument = msg(f"instrument.{kind}")
    if eif.deposit is not None:
        return msg("eif.rule_18_2_deposit", instrument=instrument, deposit=eif.deposit)
    return msg("eif.rule_18_2", instrument=instrument)


def eif_phrase(record: StateRecord, eif: EntryIntoForce, register: StatesRegister | None = None) -> Message:
    """ "on 2013-05-05 (art. 18(1): …; register as of …)" when certain; the bounds the rule and the sources
    leave otherwise. Without ``register`` the caller names the register itself."""
    rule = eif_rule(record, eif)
    why = msg("eif.why_dated", rule=rule, as_of=register.as_of) if register is not None else msg("eif.why", rule=rule)
    if eif.certain:
        return msg("eif.on", day=eif.day, why=why)
    if eif.earliest is not None and eif.latest is not None:
        return msg("eif.between", earliest=eif.earliest, latest=eif.latest, why=why)
    return msg("eif.on_if_right", day=eif.day, why=why)


def eif_doubt(record: StateRecord, eif: EntryIntoForce) -> Message | None:
    """Why the day is not certain, from the rule or the sources; None when it is."""
    if eif.certain:
        return None
    source = entry_source(record)
    if eif.reason == EIF_NO_SUCH_DAY:
        return msg("eif.doubt_no_such_day", deposit=eif.deposit, month=Month(eif.earliest), earliest=eif.earliest,
                   latest=eif.latest, source=source)
    if eif.reason == EIF_YEAR_ONLY:
        return msg("eif.doubt_year_only", year=record.instrument_year, source=source)
    if eif.reason == EIF_DEPOSIT_UNVERIFIED:
        return msg("eif.doubt_deposit_unverified", deposit=eif.deposit, source=source)
    if eif.reason == EIF_REGISTER_DISAGREES:
        return msg("eif.doubt_register_disagrees", recorded=eif.recorded, source=source)
    return msg("eif.doubt_source", source=source)
