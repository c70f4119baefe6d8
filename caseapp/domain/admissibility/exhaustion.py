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
from caseapp.domain.admissibility.messages import Listing, msg
from caseapp.domain.admissibility.result import WARNING_REMEDY_GRANTED, Criterion, Findings
from caseapp.domain.admissibility.wording import exception_basis, exception_words, given, named
from caseapp.domain.report import REMEDY_OUTCOMES

# The outcomes a final decision can have (DESIGN.md §5, ``remedies[].outcome``, but for those that leave no
# decision), each named in the reason: message ``outcome.<outcome>``.
OUTCOMES = tuple(outcome for outcome in REMEDY_OUTCOMES if outcome not in NOT_DECIDED)


def check(c: Context) -> Criterion:
    facts = c.facts
    found = Findings()
    exception = facts.remedies_exception
    claimed = exception is not None and exception.reason is not None
    if exception is not None:
        if exception.reason is None:
            found.unknown.append(msg("art3_1.exception_without_reason"))
            found.need("remedies_exception.reason")
        else:
            found.warning.append(msg("art3_1.exception_argued", reason=exception_words(exception.reason),
                                     basis=exception_basis(exception.reason)))
        if not given(exception.explanation):
            found.need("remedies_exception.explanation")

    for index, unused in enumerate(facts.unused_remedies or ()):
        if unused.reason == "none":
            found.not_met.append(msg("art3_1.unused_no_reason",
                                     name=named(unused.name, "unused_remedy", index, start=True)))
        elif unused.reason is None:
            found.unknown.append(msg("art3_1.unused_reason_unknown",
                                     name=named(unused.name, "unused_remedy", index)))
            found.need(f"unused_remedies.{index}.reason")
        else:
            found.warning.append(msg("art3_1.unused_because",
                                     name=named(unused.name, "unused_remedy", index, start=True),
                                     reason=exception_words(unused.reason), basis=exception_basis(unused.reason)))
            if not given(unused.explanation):
                found.need(f"unused_remedies.{index}.explanation")

    remedies = facts.remedies
    if remedies is None:
        found.unknown.append(msg("art3_1.remedies_unknown"))
        found.need("remedies")
        return found.criterion("art3_1")

    for index in c.pending:
        remedy = remedies[index]
        name = remedy_name(index, remedy, start=True)
        pending = (msg("art3_1.pending_filed", name=name, filed=remedy.filed) if remedy.filed else
                   msg("art3_1.pending", name=name))
        if claimed:
            found.warning.append(msg("art3_1.pending_exception", pending=pending))
        else:
            found.not_met.append(msg("art3_1.pending_not_exhausted", pending=pending))

    if c.final is not None:
        final = c.final
        decision = decision_phrase(c.final_index, final)
        found.met.append(msg("art3_1.final_outcome", decision=decision, outcome=msg(f"outcome.{final.outcome}"))
                         if final.outcome in OUTCOMES else msg("art3_1.final", decision=decision))
        given_on = final.decided or final.notified
        if c.submitted and given_on is not None and given_on > facts.submission_date:
            found.met.append(msg("art3_1.final_after_submission", submitted=facts.submission_date))
        if final.outcome in ("granted", "partly_granted"):
            c.warn(WARNING_REMEDY_GRANTED, msg(
                "warning.remedy_granted" if final.outcome == "granted" else "warning.remedy_partly_granted",
                name=remedy_name(c.final_index, final)))
    elif not c.pending:
        decided = [(index, remedy) for index, remedy in enumerate(remedies) if remedy.outcome not in NOT_DECIDED]
        unknown_final = [index for index, remedy in decided if remedy.final is None]
        withdrawn = [index for index, remedy in enumerate(remedies) if remedy.outcome == "withdrawn"]
        if claimed:
            pass  # the warning above says it all: no final decision, the author relies on the exception
        elif unknown_final:
            found.unknown.append(msg("art3_1.final_unknown",
                                     names=Listing(tuple(remedy_name(i, remedies[i]) for i in unknown_final))))
            found.need(*(f"remedies.{index}.final" for index in unknown_final))
        elif withdrawn:
            # Named as withdrawn, with the decision it challenged: that decision was challenged, so it is not
            # one that "could still be challenged" (issue 14, point 5).
            found.not_met.append(msg("art3_1.withdrawn", withdrawn=Listing(
                tuple(withdrawn_phrase(remedies, i) for i in withdrawn), "; ")))
        elif decided:
            index, remedy = max(decided, key=lambda pair: (effective_day(pair[1]) or date.min, pair[0]))
            found.not_met.append(msg("art3_1.none_final", decision=decision_phrase(index, remedy)))
        elif not found.warning and not found.not_met and not found.unknown:
            found.unknown.append(msg("art3_1.none_used"))
            found.need("remedies", "unused_remedies", "remedies_exception")
    return found.criterion("art3_1")
