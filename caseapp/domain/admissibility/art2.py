"""Article 2: victim status, jurisdiction and consent (choice 4 of the package docstring)."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.messages import State, msg
from caseapp.domain.admissibility.result import WARNING_OTHERS_WITHOUT_CONSENT, Criterion, Findings
from caseapp.domain.admissibility.wording import given
from caseapp.domain.register import state_name


def check(c: Context) -> Criterion:
    facts = c.facts
    found = Findings()
    jurisdiction = facts.victims_under_jurisdiction
    known = (c.record.name if c.record else None) or state_name(facts.state)
    state = State(facts.state, known) if known else facts.state or msg("phrase.the_state")
    if jurisdiction is False:
        found.not_met.append(msg("art2.not_under_jurisdiction", state=state))
    elif jurisdiction is None:
        found.unknown.append(msg("art2.jurisdiction_unknown", state=state))
        found.need("victims_under_jurisdiction")
    else:
        found.met.append(msg("art2.under_jurisdiction", state=state))

    victim, behalf = facts.author_is_victim, facts.acting_on_behalf
    consent, justified = facts.consent, given(facts.consent_justification)
    if victim is None and behalf is None:
        found.unknown.append(msg("art2.victim_unknown"))
        found.need("author_is_victim", "acting_on_behalf")
    elif victim is False and behalf is False:
        found.not_met.append(msg("art2.neither"))
    elif behalf is None:
        if victim is True:
            found.met.append(msg("art2.claims_victim"))
        found.unknown.append(msg("art2.behalf_unknown"))
        found.need("acting_on_behalf")
    elif behalf is True:
        if victim is True:
            found.met.append(msg("art2.claims_victim"))
        elif victim is None:
            found.need("author_is_victim")
        others = msg("art2.others_other") if victim is True else msg("art2.others_the")
        if consent == "yes":
            found.met.append(msg("art2.with_consent", others=others))
        elif justified:
            found.warning.append(msg("art2.justified_unrecorded" if consent == "unknown" else "art2.justified",
                                     others=others))
        elif consent == "no":
            rule = msg("art2.without_consent_rule")
            if victim is True:
                found.met.append(msg("art2.own_claims_go_on", rule=rule))
                c.warn(WARNING_OTHERS_WITHOUT_CONSENT, msg("warning.others_without_consent"))
            else:
                found.not_met.append(msg("art2.without_consent", rule=rule))
        else:
            found.unknown.append(msg("art2.consent_unknown", others=others))
            found.need("consent", "consent_justification")
    else:  # acting_on_behalf is False
        if victim is True:
            found.met.append(msg("art2.victim_alone"))
        else:
            found.unknown.append(msg("art2.alone_victim_unknown"))
            found.need("author_is_victim")
    return found.criterion("art2")
