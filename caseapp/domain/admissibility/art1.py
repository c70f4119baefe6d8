"""Article 1: the State is a party to the Protocol, in force for it on the date of reference (choices 1-3
of the package docstring; OP-ICESCR.md §5). Only a party to the Covenant can become a party to the
Protocol (art. 17(2)-(3)); the Protocol enters into force for it as art. 18 says."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.messages import State, msg
from caseapp.domain.admissibility.result import (
    MET,
    NOT_MET,
    UNKNOWN,
    WARNING_REGISTER_UNVERIFIED,
    Criterion,
    conclude,
)
from caseapp.domain.admissibility.standing import eif_doubt, eif_phrase, register_phrase
from caseapp.domain.register import (
    NONE,
    SIGNATORY,
    STANDING_NOT_COVENANT_PARTY,
    STANDING_NOT_LISTED_COMPLETE,
    state_name,
)


def check(c: Context) -> Criterion:
    facts, register = c.facts, c.register
    if not facts.state:
        return conclude("art1", UNKNOWN, msg("art1.no_state"), ("state",))
    if c.record is not None:
        return _listed_party(c)
    if c.standing.status == SIGNATORY:
        return _signatory(c)
    # Named as the register names it, or by the code the facts give when the register does not know it.
    name = State(facts.state, state_name(facts.state)) if state_name(facts.state) else facts.state
    if c.standing.reason == STANDING_NOT_COVENANT_PARTY:
        covenant = register.covenant
        return conclude("art1", NOT_MET, msg(
            "art1.not_covenant_party", state=name, reference=c.reference, as_of=covenant.as_of,
            source=covenant.source, no_competence=msg("art1.no_competence")))
    if c.standing.reason == STANDING_NOT_LISTED_COMPLETE:
        return _not_a_party_as_of_register(c, name)
    identifies = (msg("art1.register_identifies", listed=len(register.parties), reported=register.reported_parties)
                  if register.missing_parties else None)
    return conclude("art1", UNKNOWN, (
        msg("art1.not_listed", state=name, register=register_phrase(register)), identifies, msg("phrase.check_untc"),
    ), (f"register:{facts.state}.party_status",))


def _signatory(c: Context) -> Criterion:
    record = c.register.signatory(c.facts.state)
    state = State(record.iso2, record.name)
    where, no_competence = register_phrase(c.register), msg("art1.no_competence")
    if record.signature:
        return conclude("art1", NOT_MET, msg("art1.signatory_on", state=state, signed=record.signature,
                                             register=where, no_competence=no_competence))
    return conclude("art1", NOT_MET, msg("art1.signatory", state=state, register=where,
                                         no_competence=no_competence))


def _not_a_party_as_of_register(c: Context, name: State | str) -> Criterion:
    """A State absent from a register that lists every party as of its date: not a party on that date.
    After that date a ratification or accession is possible, which only the UN Treaty Collection shows."""
    register = c.register
    sentences = [msg("art1.not_party_as_of", state=name, as_of=register.as_of, register=register_phrase(register),
                     parties=len(register.parties), no_competence=msg("art1.no_competence"))]
    covenant_status = register.covenant_status(c.facts.state)
    if covenant_status in (NONE, SIGNATORY):
        code = "art1.covenant_signatory_only" if covenant_status == SIGNATORY else "art1.covenant_not_party"
        sentences.append(msg(code, as_of=register.covenant.as_of, source=register.covenant.source))
    if c.reference > register.as_of:
        sentences.append(msg("art1.later_than_register", reference=c.reference_phrase(), as_of=register.as_of,
                             state=name))
    return conclude("art1", NOT_MET, tuple(sentences))


def _listed_party(c: Context) -> Criterion:
    """A listed party: the Committee is competent from the Protocol's entry into force for it (arts 1, 18)."""
    record, eif = c.record, c.eif
    code = record.iso2
    state = State(code, record.name)
    where = register_phrase(c.register)
    if eif.day is None and eif.earliest is None:
        return conclude("art1", UNKNOWN, msg("art1.no_instrument_date", state=state, register=where),
                        (f"register:{code}.entry_into_force",))
    in_force = eif.in_force_on(c.reference)
    party = msg("art1.party", state=state, when=eif_phrase(record, eif), register=where)
    doubt = eif_doubt(record, eif)
    if in_force is None:
        whether = "art1.in_force_open_submitted" if c.submitted else "art1.in_force_open_assessed"
        return conclude("art1", UNKNOWN, (party, doubt, msg(whether, state=state, reference=c.reference)),
                        (f"register:{code}.entry_into_force",))
    if in_force is False:
        first_day = eif.earliest or eif.day
        moment = (msg("art1.moment_submitted", reference=c.reference) if c.submitted else
                  msg("art1.moment_not_submitted", today=c.today))
        return conclude("art1", NOT_MET, (
            msg("art1.before_eif", state=state, when=eif_phrase(record, eif, c.register), moment=moment,
                first_day=eif.latest or first_day),
            doubt,
        ))
    if record.verified == "no":  # the row itself confirms nothing, not even that the State is a party
        c.warn(WARNING_REGISTER_UNVERIFIED, msg(
            "warning.register_unverified", state=state,
            source=record.source_note or msg("warning.register_no_source")))
    return conclude("art1", MET, (party, doubt))
