"""Article 3(2)(f): an abuse of the right to submit a communication."""

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.result import MET, NOT_MET, UNKNOWN, Criterion, conclude


def check(c: Context) -> Criterion:
    abuse = c.facts.abuse
    if abuse == "yes":
        return conclude("art3_2_f", NOT_MET, (
            "The communication is recorded as an abuse of the right to submit one, which typically arises from "
            "submission in bad faith (art. 3(2)(f); M.B.B. v. Spain, E/C.12/68/D/79/2018, para. 9.5)."
        ))
    if abuse == "no":
        return conclude("art3_2_f", MET, "No abuse of the right to submit a communication is recorded.")
    return conclude("art3_2_f", UNKNOWN, (
        "Whether the communication is an abuse of the right of submission (e.g. bad faith) is not yet determined; a "
        "mere lack of diligence is not in itself an abuse (Taghzouti Ezqouihel, E/C.12/69/D/56/2018, para. 6.3)."
    ), ("abuse",))
