"""Article 4: a clear disadvantage, which is a discretion of the Committee and never ``not_met`` (choice 14
of the package docstring)."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.result import MET, UNKNOWN, WARNING, Criterion, conclude


def check(c: Context) -> Criterion:
    facts = c.facts
    discretion = ("Article 4 is not an admissibility requirement but a discretion of the Committee (Ben Djazia and "
                  "Bellili v. Spain, E/C.12/61/D/5/2015, para. 11.5).")
    importance = facts.general_importance == "yes"
    if facts.clear_disadvantage == "yes":
        return conclude("art4", MET, "The author has suffered a clear disadvantage.")
    if facts.clear_disadvantage == "no":
        proviso = (" The author argues that the communication raises a serious issue of general importance, which the "
                   "Committee may accept." if importance else
                   " No serious issue of general importance is claimed.")
        return conclude("art4", WARNING, (
            "The communication does not reveal a clear disadvantage, so the Committee may decline to consider it."
            f"{proviso} {discretion}"
        ))
    if importance:
        return conclude("art4", WARNING, (
            "Whether the author suffered a clear disadvantage is not recorded; "
            "the author argues that the communication "
            f"raises a serious issue of general importance. {discretion}"
        ))
    return conclude("art4", UNKNOWN, (
        f"Whether the author suffered a clear disadvantage is not recorded. {discretion}"
    ), ("clear_disadvantage", "general_importance"))
