"""Article 1: the State is a party to the Protocol, in force for it on the date of reference (choices 1-3
of the package docstring; OP-ICESCR.md §5)."""

from datetime import date

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.result import MET, NOT_MET, UNKNOWN, Criterion, conclude
from caseapp.domain.admissibility.wording import iso
from caseapp.domain.states import EIF_UNCERTAINTY_DAYS, NOT_LISTED, SIGNATORY, state_name


def check(c: Context) -> Criterion:
    facts, register = c.facts, c.register
    as_of = iso(register.as_of)
    if not facts.state:
        return conclude("art1", UNKNOWN, "The State concerned is not recorded.", ("state",))
    if c.state_status == SIGNATORY:
        record = register.signatory(facts.state)
        signed = f" on {iso(record.signature)}" if record.signature else ""
        return conclude("art1", NOT_MET, (
            f"{record.name} signed the Optional Protocol{signed} but is not a party to it in the register as of "
            f"{as_of} (source: {register.source}): signature alone does not give the Committee competence, and no "
            "communication concerning a State that is not a party can be received (art. 1(2)). Check the UN Treaty "
            "Collection in case it has ratified since."
        ))
    if c.state_status == NOT_LISTED:
        name = state_name(facts.state) or facts.state
        sentence = (
            f"{name} is not listed as a party to the Optional Protocol in the register as of {as_of} "
            f"(source: {register.source}); this does not show that it is not a party."
        )
        if register.missing_parties:
            sentence += (
                f" The register identifies {len(register.parties)} of the {register.reported_parties} parties the "
                "source reported."
            )
        return conclude("art1", UNKNOWN, sentence + " Check the UN Treaty Collection.",
                          (f"register:{facts.state}.party_status",))
    record = c.record
    eif = record.entry_into_force
    code = record.iso2
    if eif is None:
        if record.instrument_year is None:
            return conclude("art1", UNKNOWN, (
                f"{record.name} is listed as a party (register as of {as_of}), but the register has no date for its "
                "instrument or for the Protocol's entry into force for it; check the UN Treaty Collection."
            ), (f"register:{code}.entry_into_force",))
        year = record.instrument_year
        latest = date(year + 1, 12, 31)
        known = (
            f"{record.name} is listed as a party (register as of {as_of}; source: {record.source_note or 'none'}; "
            f"not verified), but only the year of its instrument ({year}) is known, so the date on which the "
            "Protocol entered into force for it (three months after the deposit, art. 18(2)) is unknown."
        )
        if c.reference > latest:
            c.warnings.append(
                f"The register's entry for {record.name} is not verified and has no entry-into-force date: confirm "
                "in the UN Treaty Collection that it is a party and when the Protocol entered into force for it."
            )
            return conclude("art1", MET, (
                f"{known} The communication, {c.reference_phrase()}, is later than {iso(latest)}, the end of the year "
                f"after {year}, so the Protocol was in force for it in any case; confirm in the UN Treaty Collection."
            ))
        return conclude("art1", UNKNOWN, (
            f"{known} Whether it was in force for {record.name} when the communication was "
            f"{'submitted' if c.submitted else 'assessed'} ({iso(c.reference)}) cannot be said before "
            f"{iso(latest)}; check the UN Treaty Collection."
        ), (f"register:{code}.entry_into_force",))
    doubt = ""
    if not record.eif_verified:
        doubt = (
            f" The exact day of entry into force is not verified (register: {iso(eif)}; source: "
            f"{record.source_note or 'none'}); check the UN Treaty Collection."
        )
        if abs((c.reference - eif).days) <= EIF_UNCERTAINTY_DAYS:
            return conclude("art1", UNKNOWN, (
                f"{record.name} is a party to the Optional Protocol, but the communication, {c.reference_phrase()}, is "
                f"within {EIF_UNCERTAINTY_DAYS} days of the date of entry into force the register gives ({iso(eif)}), "
                f"which is not verified.{doubt}"
            ), (f"register:{code}.entry_into_force",))
    if c.reference < eif:
        when = f"submitted on {iso(c.reference)}" if c.submitted else f"not yet submitted (today is {iso(c.today)})"
        return conclude("art1", NOT_MET, (
            f"The Optional Protocol entered into force for {record.name} on {iso(eif)} (art. 18); the communication, "
            f"{when}, comes before that date, when the Committee is not yet competent to receive it (art. 1). It can be "
            f"submitted from {iso(eif)}.{doubt}"
        ))
    return conclude("art1", MET, (
        f"{record.name} is a party to the Optional Protocol, which entered into force for it on {iso(eif)} "
        f"(register as of {as_of}, source: {register.source}).{doubt}"
    ))
