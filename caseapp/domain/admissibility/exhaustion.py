"""Article 3(1): exhaustion of domestic remedies, and the author's case that they need not be exhausted
(choices 5-7 of the package docstring)."""

from datetime import date

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.decisions import (
    NOT_DECIDED,
    decision_phrase,
    effective_day,
    remedy_name,
    withdrawn_phrase,
)
from caseapp.domain.admissibility.result import WARNING_REMEDY_GRANTED, Criterion, Findings
from caseapp.domain.admissibility.wording import EXCEPTION_BASIS, EXCEPTION_WORDS, capitalised, given, iso


def check(c: Context) -> Criterion:
    facts = c.facts
    found = Findings()
    exception = facts.remedies_exception
    claimed = exception is not None and exception.reason is not None
    if exception is not None:
        if exception.reason is None:
            found.unknown.append("An exception to exhaustion is recorded without its reason.")
            found.need("remedies_exception.reason")
        else:
            found.warning.append(
                f"The author argues that domestic remedies are {EXCEPTION_WORDS[exception.reason]}: "
                f"{EXCEPTION_BASIS[exception.reason]}."
            )
        if not given(exception.explanation):
            found.need("remedies_exception.explanation")

    for index, unused in enumerate(facts.unused_remedies or ()):
        name = unused.name.strip() if given(unused.name) else f"unused remedy no. {index + 1}"
        if unused.reason == "none":
            found.not_met.append(
                f"{capitalised(name)} was not used and no reason is given: "
                "available remedies must be exhausted (art. 3(1)); "
                "mere doubts about its chances of success do not excuse it (M.L.B. v. Luxembourg, para. 7.4)."
            )
        elif unused.reason is None:
            found.unknown.append(f"Why {name} was not used is not recorded.")
            found.need(f"unused_remedies.{index}.reason")
        else:
            found.warning.append(
                f"{capitalised(name)} was not used because, the author says, it is {EXCEPTION_WORDS[unused.reason]}: "
                f"{EXCEPTION_BASIS[unused.reason]}."
            )
            if not given(unused.explanation):
                found.need(f"unused_remedies.{index}.explanation")

    remedies = facts.remedies
    if remedies is None:
        found.unknown.append("The domestic remedies used are not recorded.")
        found.need("remedies")
        return found.criterion("art3_1")

    for index in c.pending:
        remedy = remedies[index]
        filed = f" (filed on {iso(remedy.filed)})" if remedy.filed else ""
        sentence = f"{capitalised(remedy_name(index, remedy))}{filed} is still pending"
        if claimed:
            found.warning.append(f"{sentence}; the author relies on the exception to exhaustion.")
        else:
            found.not_met.append(
                f"{sentence}: domestic remedies are not exhausted (art. 3(1)). Wait for the final decision and submit "
                "within a year of its notification, or record why the remedy is unreasonably prolonged "
                "(the exception to exhaustion)."
            )

    if c.final is not None:
        final = c.final
        outcome = f" ({final.outcome.replace('_', ' ')})" if final.outcome else ""
        found.met.append(f"The final domestic decision is {decision_phrase(c.final_index, final)}{outcome}.")
        given_on = final.decided or final.notified
        if c.submitted and given_on is not None and given_on > facts.submission_date:
            found.met.append(
                f"It was given after the communication was submitted ({iso(facts.submission_date)}), which does not "
                "matter: the Committee must have ascertained that remedies are exhausted before it considers the "
                "communication (art. 3(1)), so exhaustion completed while the communication is pending counts."
            )
        if final.outcome in ("granted", "partly_granted"):
            c.warn(WARNING_REMEDY_GRANTED, (
                f"The final decision of {remedy_name(c.final_index, final)} "
                f"{'granted' if final.outcome == 'granted' else 'partly granted'} the remedy: "
                "explain why the author is still a victim of a violation (art. 2), e.g. the decision was not enforced."
            ))
    elif not c.pending:
        decided = [(index, remedy) for index, remedy in enumerate(remedies) if remedy.outcome not in NOT_DECIDED]
        unknown_final = [index for index, remedy in decided if remedy.final is None]
        withdrawn = [index for index, remedy in enumerate(remedies) if remedy.outcome == "withdrawn"]
        if claimed:
            pass  # the warning above says it all: no final decision, the author relies on the exception
        elif unknown_final:
            found.unknown.append("Whether the decision on "
                                 + ", ".join(remedy_name(i, remedies[i]) for i in unknown_final)
                                 + " was final (no further remedy available) is not recorded.")
            found.need(*(f"remedies.{index}.final" for index in unknown_final))
        elif withdrawn:
            # Named as withdrawn, with the decision it challenged: that decision was challenged, so it is not
            # one that "could still be challenged" (issue 14, point 5).
            found.not_met.append(
                "The author withdrew " + "; ".join(withdrawn_phrase(remedies, i) for i in withdrawn)
                + ", and no final decision followed: a withdrawn remedy is not exhausted (art. 3(1)), and the final "
                "domestic decision is the last decision on a remedy (Arellano Medina v. Ecuador, E/C.12/63/D/7/2015, "
                "para. 8.7), which a withdrawal does not give."
            )
        elif decided:
            index, remedy = max(decided, key=lambda pair: (effective_day(pair[1]) or date.min, pair[0]))
            found.not_met.append(
                f"No decision is recorded as final: {decision_phrase(index, remedy)} could still be challenged, so "
                "domestic remedies are not exhausted (art. 3(1))."
            )
        elif not found.warning and not found.not_met and not found.unknown:
            found.unknown.append(
                "No domestic remedy is recorded as used, and no reason is given why none was: the author must exhaust "
                "available remedies or show that they are unavailable, ineffective or unreasonably prolonged "
                "(art. 3(1); Ziablitsev v. France, E/C.12/71/D/176/2020, paras 6.5-6.7)."
            )
            found.need("remedies", "unused_remedies", "remedies_exception")
    return found.criterion("art3_1")
