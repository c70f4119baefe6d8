"""Article 3(2)(d): compatibility with the Covenant; claims under other instruments are excluded and
listed, not dropped (choice 13 of the package docstring)."""

from functools import cache

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.facts import CaseFacts
from caseapp.domain.admissibility.result import (
    MET,
    NOT_MET,
    UNKNOWN,
    WARNING_ACCESSORY_ONLY,
    WARNING_HOUSING,
    Criterion,
    conclude,
)
from caseapp.domain.covenant import BY_CODE, is_covenant_right, normalise_code


@cache
def _claim(code: str) -> tuple[bool, bool, bool]:
    """(a Covenant right?, only an accessory article 1-3?, art. 11 / 11(1)?) for a ``rights_invoked`` entry."""
    normalised = normalise_code(code)
    covenant = is_covenant_right(normalised)
    right = BY_CODE.get(normalised)
    accessory = covenant and (right.accessory if right else normalised.split("(")[0] in ("1", "2", "3"))
    return covenant, accessory, normalised in ("11", "11(1)")


def excluded_claims(facts: CaseFacts) -> tuple[str, ...]:
    excluded: list[str] = []
    for claim in facts.other_instruments_invoked or ():
        if claim not in excluded:
            excluded.append(claim)
    for code in facts.rights_invoked or ():
        if not _claim(code)[0] and code not in excluded:
            excluded.append(code)
    return tuple(excluded)


def check(c: Context, excluded: tuple[str, ...]) -> Criterion:
    facts = c.facts
    rule = ("Claims under other instruments are incompatible with the Covenant and excluded (art. 3(2)(d); V.T.F. and "
            "A.F.L. v. Spain, E/C.12/56/D/6/2015, para. 4.2)")
    excluded_sentence = f" {rule}: {', '.join(excluded)}." if excluded else ""
    if facts.rights_invoked is None:
        return conclude("art3_2_d", UNKNOWN, (
            "The Covenant rights invoked are not recorded." + excluded_sentence
        ), ("rights_invoked",))
    covenant = [code for code in facts.rights_invoked if _claim(code)[0]]
    if not covenant:
        return conclude("art3_2_d", NOT_MET, (
            "No right set forth in the Covenant is invoked, so no claim is left to examine (art. 3(2)(d))."
            + excluded_sentence
        ))
    if all(_claim(code)[1] for code in covenant):
        c.warn(WARNING_ACCESSORY_ONLY, (
            "Only articles 1, 2 or 3 of the Covenant are invoked: the Committee reads them together with a substantive "
            "right (arts 6-15); name the substantive right violated."
        ))
    if any(_claim(code)[2] for code in covenant):
        c.warn(WARNING_HOUSING, (
            "In housing cases (art. 11(1)) the Committee weighs whether the author applied in time for social or "
            "emergency housing, for exhaustion and substantiation (e.g. Loor Chila v. Spain, E/C.12/70/D/102/2019, "
            "para. 6.4)."
        ))
    sentence = f"The claims under the Covenant ({', '.join(covenant)}) are compatible with it."
    if excluded:
        sentence += f"{excluded_sentence} The assessment goes on with the Covenant claims."
    return conclude("art3_2_d", MET, sentence)
