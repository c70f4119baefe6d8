"""Article 3(2)(g): anonymous or not in writing."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.messages import msg
from caseapp.domain.admissibility.result import Criterion, Findings


def check(c: Context) -> Criterion:
    facts = c.facts
    found = Findings()
    if facts.anonymous is True:
        found.not_met.append(msg("art3_2_g.anonymous"))
    elif facts.anonymous is None:
        found.unknown.append(msg("art3_2_g.anonymous_unknown"))
        found.need("anonymous")
    else:
        found.met.append(msg("art3_2_g.not_anonymous"))
    if facts.in_writing is False:
        found.not_met.append(msg("art3_2_g.not_in_writing"))
    elif facts.in_writing is None:
        found.unknown.append(msg("art3_2_g.in_writing_unknown"))
        found.need("in_writing")
    else:
        found.met.append(msg("art3_2_g.in_writing"))
    return found.criterion("art3_2_g")
