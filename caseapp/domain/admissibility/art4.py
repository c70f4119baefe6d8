"""Article 4: a clear disadvantage, which is a discretion of the Committee and never ``not_met`` (choice 14
of the package docstring)."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.messages import msg
from caseapp.domain.admissibility.result import MET, UNKNOWN, WARNING, Criterion, conclude


def check(c: Context) -> Criterion:
    facts = c.facts
    discretion = msg("art4.discretion")
    importance = facts.general_importance == "yes"
    if facts.clear_disadvantage == "yes":
        return conclude("art4", MET, msg("art4.disadvantage"))
    if facts.clear_disadvantage == "no":
        code = "art4.no_disadvantage_importance" if importance else "art4.no_disadvantage"
        return conclude("art4", WARNING, msg(code, discretion=discretion))
    if importance:
        return conclude("art4", WARNING, msg("art4.importance_only", discretion=discretion))
    return conclude("art4", UNKNOWN, msg("art4.unknown", discretion=discretion),
                    ("clear_disadvantage", "general_importance"))
