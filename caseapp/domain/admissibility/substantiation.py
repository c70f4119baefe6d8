"""Article 3(2)(e): manifestly ill-founded, not sufficiently substantiated, or based only on mass-media
reports."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.result import Criterion, Findings


def check(c: Context) -> Criterion:
    facts = c.facts
    found = Findings()
    if facts.only_mass_media_reports is True:
        found.not_met.append("The communication is based exclusively on reports disseminated by mass media "
                             "(art. 3(2)(e)).")
    elif facts.only_mass_media_reports is None:
        found.unknown.append("Whether the communication rests only on mass-media reports is not recorded.")
        found.need("only_mass_media_reports")
    else:
        found.met.append("The communication does not rest only on mass-media reports.")
    if facts.substantiated == "no":
        found.not_met.append("The claims are recorded as not sufficiently substantiated or manifestly ill-founded "
                             "(art. 3(2)(e)).")
    elif facts.substantiated == "unknown":
        found.unknown.append("Whether the claims are sufficiently substantiated is not yet determined.")
        found.need("substantiated")
    else:
        found.met.append("The claims are recorded as sufficiently substantiated.")
    return found.criterion("art3_2_e")
