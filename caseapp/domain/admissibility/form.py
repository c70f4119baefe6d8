"""Article 3(2)(g): anonymous or not in writing."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.result import Criterion, Findings


def check(c: Context) -> Criterion:
    facts = c.facts
    found = Findings()
    if facts.anonymous is True:
        found.not_met.append("The communication is anonymous (art. 3(2)(g)).")
    elif facts.anonymous is None:
        found.unknown.append("Whether the communication is anonymous is not recorded.")
        found.need("anonymous")
    else:
        found.met.append("The communication is not anonymous.")
    if facts.in_writing is False:
        found.not_met.append("The communication is not in writing (art. 3(2)(g)).")
    elif facts.in_writing is None:
        found.unknown.append("Whether the communication is in writing is not recorded.")
        found.need("in_writing")
    else:
        found.met.append("It is in writing.")
    return found.criterion("art3_2_g")
