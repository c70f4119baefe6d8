"""Article 3(2)(c): the same matter before another procedure of international investigation or
settlement (choice 12 of the package docstring)."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.messages import msg
from caseapp.domain.admissibility.result import MET, UNKNOWN, Criterion, Findings, conclude
from caseapp.domain.admissibility.wording import named


def check(c: Context) -> Criterion:
    procedures = c.facts.other_procedures
    if procedures is None:
        return conclude("art3_2_c", UNKNOWN, msg("art3_2_c.unknown"), ("other_procedures",))
    if not procedures:
        return conclude("art3_2_c", MET, msg("art3_2_c.none"))
    found = Findings()
    for index, procedure in enumerate(procedures):
        body = named(procedure.body, "procedure", index)
        day = procedure.date
        if procedure.same_matter is False:
            found.met.append(msg("art3_2_c.different", body=body))
            continue
        if procedure.same_matter is None:
            found.unknown.append(msg("art3_2_c.same_matter_unknown", body=body))
            found.need(f"other_procedures.{index}.same_matter")
            continue
        status = procedure.status
        if status == "pending":
            found.not_met.append(msg("art3_2_c.pending", body=body))
        elif status == "examined":
            found.not_met.append(msg("art3_2_c.examined_on", body=body, day=day) if day else
                                 msg("art3_2_c.examined", body=body))
        elif status == "declared_inadmissible_unreasoned":
            found.met.append(msg("art3_2_c.unreasoned_on", body=body, day=day) if day else
                             msg("art3_2_c.unreasoned", body=body))
        elif status == "declared_inadmissible_reasoned":
            found.unknown.append(msg("art3_2_c.reasoned_on", body=body, day=day) if day else
                                 msg("art3_2_c.reasoned", body=body))
            found.need(f"other_procedures.{index}.status")
        elif status == "withdrawn":
            found.met.append(msg("art3_2_c.withdrawn_on", body=body, day=day) if day else
                             msg("art3_2_c.withdrawn", body=body))
        else:
            found.unknown.append(msg("art3_2_c.status_unknown", body=body))
            found.need(f"other_procedures.{index}.status")
    return found.criterion("art3_2_c")
