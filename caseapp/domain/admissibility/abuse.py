"""Article 3(2)(f): an abuse of the right to submit a communication."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.messages import msg
from caseapp.domain.admissibility.result import MET, NOT_MET, UNKNOWN, Criterion, conclude


def check(c: Context) -> Criterion:
    abuse = c.facts.abuse
    if abuse == "yes":
        return conclude("art3_2_f", NOT_MET, msg("art3_2_f.abuse"))
    if abuse == "no":
        return conclude("art3_2_f", MET, msg("art3_2_f.no_abuse"))
    return conclude("art3_2_f", UNKNOWN, msg("art3_2_f.unknown"), ("abuse",))
