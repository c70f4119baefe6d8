"""Article 1: the State is a party to the Protocol, in force for it on the date of reference (choices 1-3
of the package docstring; OP-ICESCR.md §5). Only a party to the Covenant can become a party to the
Protocol (art. 17(2)-(3)); the Protocol enters into force for it as art. 18 says."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.result import (
    MET,
    NOT_MET,
    UNKNOWN,
    WARNING_REGISTER_UNVERIFIED,
    Criterion,
    conclude,
)
from caseapp.domain.admissibility.standing import eif_doubt, eif_phrase, register_phrase
from caseapp.domain.admissibility.wording import iso
from caseapp.domain.register import (
    NONE,
    SIGNATORY,
    STANDING_NOT_COVENANT_PARTY,
    STANDING_NOT_LISTED_COMPLETE,
    state_name,
)

_NO_COMPETENCE = "and the Committee cannot receive a communication concerning a State that is not a party (art. 1(2))."


def check(c: Context) -> Criterion:
    facts, register = c.facts, c.register
    if not facts.state:
        return conclude("art1", UNKNOWN, "The State concerned is not recorded.", ("state",))
    if c.record is not None:
        return _listed_party(c)
    if c.standing.status == SIGNATORY:
        return _signatory(c)
    name = state_name(facts.state) or facts.state
    if c.standing.reason == STANDING_NOT_COVENANT_PARTY:
        covenant = register.covenant
        return conclude("art1", NOT_MET, (
            f"{name} was not a party to the International Covenant on Economic, Social and Cultural Rights on "
            f"{iso(c.reference)} (the Covenant's status as of {iso(covenant.as_of)}, source: {covenant.source}). "
            "Only a State that has ratified or acceded to the Covenant can become a party to the Optional Protocol "
            f"(art. 17(2)-(3)), so {name} was not a party to the Protocol, {_NO_COMPETENCE}"
        ))
    if c.standing.reason == STANDING_NOT_LISTED_COMPLETE:
        return _not_a_party_as_of_register(c, name)
    sentence = (
        f"{name} is not listed as a party to the Optional Protocol in {register_phrase(register)}, which does not "
        "list every party, so this does not show that it is not a party."
    )
    if register.missing_parties:
        sentence += (f" The register identifies {len(register.parties)} of the {register.reported_parties} parties "
                     "the source reported.")
    return conclude("art1", UNKNOWN, sentence + " Check the UN Treaty Collection.",
                    (f"register:{facts.state}.party_status",))


def _signatory(c: Context) -> Criterion:
    record = c.register.signatory(c.facts.state)
    signed = f" on {iso(record.signature)}" if record.signature else ""
    return conclude("art1", NOT_MET, (
        f"{record.name} signed the Optional Protocol{signed} but is not a party to it in "
        f"{register_phrase(c.register)}: signature alone does not give the Committee competence, "
        f"{_NO_COMPETENCE} Check the UN Treaty Collection in case it has ratified since."
    ))


def _not_a_party_as_of_register(c: Context, name: str) -> Criterion:
    """A State absent from a register that lists every party as of its date: not a party on that date.
    After that date a ratification or accession is possible, which only the UN Treaty Collection shows."""
    register = c.register
    as_of = iso(register.as_of)
    reason = (
        f"{name} was not a party to the Optional Protocol as of {as_of}: {register_phrase(register)} lists every "
        f"party as of that date ({len(register.parties)}), {_NO_COMPETENCE}"
    )
    covenant_status = register.covenant_status(c.facts.state)
    if covenant_status in (NONE, SIGNATORY):
        what = "had only signed the Covenant" if covenant_status == SIGNATORY else "was not a party to the Covenant"
        reason += (
            f" As of {iso(register.covenant.as_of)} it also {what} (source: {register.covenant.source}), which it must "
            "ratify or accede to before it can join the Protocol (art. 17(2)-(3))."
        )
    if c.reference > register.as_of:
        reason += (
            f" The communication, {c.reference_phrase()}, is later than {as_of}: check the UN Treaty Collection for "
            f"a ratification or accession since; the Protocol would enter into force for {name} three months after "
            "its deposit (art. 18(2))."
        )
    return conclude("art1", NOT_MET, reason)


def _listed_party(c: Context) -> Criterion:
    """A listed party: the Committee is competent from the Protocol's entry into force for it (arts 1, 18)."""
    record, eif = c.record, c.eif
    code = record.iso2
    where = register_phrase(c.register)
    if eif.day is None and eif.earliest is None:
        return conclude("art1", UNKNOWN, (
            f"{record.name} is listed as a party in {where}, but the register has no date for its instrument, so "
            "the day on which the Protocol entered into force for it (art. 18) is unknown; check the UN Treaty "
            "Collection."
        ), (f"register:{code}.entry_into_force",))
    in_force = eif.in_force_on(c.reference)
    when = eif_phrase(record, eif)
    doubt = eif_doubt(record, eif)
    if in_force is None:
        return conclude("art1", UNKNOWN, (
            f"{record.name} is a party to the Optional Protocol, which entered into force for it {when}, according to "
            f"{where}. "
            f"{doubt} Whether it was in force for {record.name} when the communication was "
            f"{'submitted' if c.submitted else 'assessed'} ({iso(c.reference)}) depends on the exact day; check the "
            "UN Treaty Collection."
        ), (f"register:{code}.entry_into_force",))
    if in_force is False:
        first_day = eif.earliest or eif.day
        moment = f"submitted on {iso(c.reference)}" if c.submitted else f"not yet submitted (today is {iso(c.today)})"
        return conclude("art1", NOT_MET, (
            f"The Optional Protocol entered into force for {record.name} {eif_phrase(record, eif, c.register)}; the "
            f"communication, {moment}, comes "
            "before that date, when the Committee is not yet competent to receive it (art. 1). It can be submitted "
            f"from {iso(eif.latest or first_day)}. {doubt}".rstrip()
        ))
    if record.verified == "no":  # the row itself confirms nothing, not even that the State is a party
        c.warn(WARNING_REGISTER_UNVERIFIED, (
            f"The register's entry for {record.name} is not verified (source: {record.source_note or 'none'}): "
            "confirm in the UN Treaty Collection that it is a party and when the Protocol entered into force for it."
        ))
    return conclude("art1", MET, (
        f"{record.name} is a party to the Optional Protocol, which entered into force for it {when}, according to "
        f"{where}. "
        f"{doubt}".rstrip()
    ))
