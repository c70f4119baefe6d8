"""Article 3(2)(e): manifestly ill-founded, not sufficiently substantiated, or based only on mass-media
reports."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.messages import msg
from caseapp.domain.admissibility.result import Criterion, Findings


def check(c: Context) -> Criterion:
    facts = c.facts
    found = Findings()
    if facts.only_mass_media_reports is True:
        found.not_met.append(msg("art3_2_e.mass_media"))
    elif facts.only_mass_media_reports is None:
        found.unknown.append(msg("art3_2_e.mass_media_unknown"))
        found.need("only_mass_media_reports")
    else:
        found.met.append(msg("art3_2_e.not_mass_media"))
    if facts.substantiated == "no":
        found.not_met.append(msg("art3_2_e.not_substantiated"))
    elif facts.substantiated == "unknown":
        found.unknown.append(msg("art3_2_e.substantiated_unknown"))
        found.need("substantiated")
    else:
        found.met.append(msg("art3_2_e.substantiated"))
    return found.criterion("art3_2_e")
