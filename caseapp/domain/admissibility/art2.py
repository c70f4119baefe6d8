"""Article 2: victim status, jurisdiction and consent (choice 4 of the package docstring)."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.result import WARNING_OTHERS_WITHOUT_CONSENT, Criterion, Findings
from caseapp.domain.admissibility.wording import given
from caseapp.domain.register import state_name


def check(c: Context) -> Criterion:
    facts = c.facts
    found = Findings()
    jurisdiction = facts.victims_under_jurisdiction
    state = (c.record.name if c.record else None) or state_name(facts.state) or facts.state or "the State"
    if jurisdiction is False:
        found.not_met.append(
            f"The victims are recorded as not under the jurisdiction of {state}: a communication must concern "
            "individuals under the jurisdiction of the State party (art. 2; e.g. acts of another State's courts, "
            "M.L.B. v. Luxembourg, E/C.12/66/D/20/2017, para. 7.5)."
        )
    elif jurisdiction is None:
        found.unknown.append(f"Whether the victims are under the jurisdiction of {state} is not recorded.")
        found.need("victims_under_jurisdiction")
    else:
        found.met.append(f"The victims are under the jurisdiction of {state}.")

    victim, behalf = facts.author_is_victim, facts.acting_on_behalf
    consent, justified = facts.consent, given(facts.consent_justification)
    if victim is None and behalf is None:
        found.unknown.append("Whether the author is a victim or acts on behalf of victims is not recorded.")
        found.need("author_is_victim", "acting_on_behalf")
    elif victim is False and behalf is False:
        found.not_met.append(
            "The author is recorded as neither a victim nor acting on behalf of victims: a communication must be "
            "submitted by or on behalf of persons claiming to be victims (art. 2; S.C. and G.P. v. Italy, "
            "E/C.12/65/D/22/2017, para. 6.19)."
        )
    elif behalf is None:
        if victim is True:
            found.met.append("The author claims to be a victim.")
        found.unknown.append("Whether the author also acts on behalf of other victims is not recorded.")
        found.need("acting_on_behalf")
    elif behalf is True:
        if victim is True:
            found.met.append("The author claims to be a victim.")
        elif victim is None:
            found.need("author_is_victim")
        others = "other victims" if victim is True else "the victims"
        if consent == "yes":
            found.met.append(f"The author acts on behalf of {others} with their consent.")
        elif justified:
            found.warning.append(
                f"The author acts on behalf of {others} without {'recorded ' if consent == 'unknown' else ''}consent "
                "and gives a justification for acting without it: the Committee must accept that acting without "
                "consent is justified (art. 2, second sentence)."
            )
        elif consent == "no":
            rule = ("claims made on behalf of others without consent are inadmissible (art. 2; Martínez de "
                    "Orellana v. Venezuela, E/C.12/77/D/242/2021, para. 7.3)")
            if victim is True:
                found.met.append(
                    f"The author acts on behalf of other victims without their consent and without a justification: "
                    f"the author's own claims go on, but {rule}."
                )
                c.warn(WARNING_OTHERS_WITHOUT_CONSENT, (
                    "Art. 2: the claims made on behalf of the other victims, without their consent or a justification, "
                    "are inadmissible; only the author's own claims go on."
                ))
            else:
                found.not_met.append(
                    "The author acts on behalf of the victims without their consent and without a justification: "
                    f"{rule}."
                )
        else:
            found.unknown.append(f"Whether {others} consented to the author acting on their behalf is not recorded.")
            found.need("consent", "consent_justification")
    else:  # acting_on_behalf is False
        if victim is True:
            found.met.append("The author claims to be a victim and does not act on behalf of others.")
        else:
            found.unknown.append("The author does not act on behalf of others, and whether the author is a victim is "
                                 "not recorded.")
            found.need("author_is_victim")
    return found.criterion("art2")
