"""Article 3(2)(c): the same matter before another procedure of international investigation or
settlement (choice 12 of the package docstring)."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.result import MET, UNKNOWN, Criterion, Findings, conclude
from caseapp.domain.admissibility.wording import given, iso


def check(c: Context) -> Criterion:
    procedures = c.facts.other_procedures
    if procedures is None:
        return conclude("art3_2_c", UNKNOWN, (
            "Whether the same matter was submitted to another procedure of international investigation or settlement "
            "is not recorded."
        ), ("other_procedures",))
    if not procedures:
        return conclude("art3_2_c", MET, "No other procedure of international investigation or settlement is recorded.")
    found = Findings()
    for index, procedure in enumerate(procedures):
        body = procedure.body.strip() if given(procedure.body) else f"procedure no. {index + 1}"
        on = f" on {iso(procedure.date)}" if procedure.date else ""
        if procedure.same_matter is False:
            found.met.append(f"{body} concerns a different matter.")
            continue
        if procedure.same_matter is None:
            found.unknown.append(f"Whether {body} concerns the same matter (same parties, events and rights) is not "
                                 "recorded.")
            found.need(f"other_procedures.{index}.same_matter")
            continue
        status = procedure.status
        if status == "pending":
            found.not_met.append(f"The same matter is being examined by {body} (art. 3(2)(c)).")
        elif status == "examined":
            found.not_met.append(f"The same matter has been examined by {body}{on} (art. 3(2)(c)).")
        elif status == "declared_inadmissible_unreasoned":
            found.met.append(
                f"{body} declared the same matter inadmissible{on} without reasons: an unreasoned decision is not an "
                "examination (Merino Sierra v. Spain, E/C.12/59/D/4/2014, paras 6.4-6.5)."
            )
        elif status == "declared_inadmissible_reasoned":
            found.unknown.append(
                f"{body} declared the same matter inadmissible{on} with reasons: it was 'examined' only if the reasons "
                "went beyond purely formal admissibility criteria (Merino Sierra, paras 6.4-6.5). Read the decision; "
                "if it examined the substance, record the status 'examined'."
            )
            found.need(f"other_procedures.{index}.status")
        elif status == "withdrawn":
            found.met.append(f"The same matter was withdrawn from {body}{on} before any examination.")
        else:
            found.unknown.append(f"The status of the same matter before {body} is not recorded.")
            found.need(f"other_procedures.{index}.status")
    return found.criterion("art3_2_c")
