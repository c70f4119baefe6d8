"""Article 3(2)(d): compatibility with the Covenant; claims under other instruments are excluded and
listed, not dropped (choice 13 of the package docstring)."""

from functools import cache

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.facts import CaseFacts
from caseapp.domain.admissibility.messages import Listing, msg
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
    excluded_sentence = msg("art3_2_d.excluded", claims=Listing(excluded)) if excluded else None
    if facts.rights_invoked is None:
        return conclude("art3_2_d", UNKNOWN, (msg("art3_2_d.rights_unknown"), excluded_sentence), ("rights_invoked",))
    covenant = [code for code in facts.rights_invoked if _claim(code)[0]]
    if not covenant:
        return conclude("art3_2_d", NOT_MET, (msg("art3_2_d.no_covenant_right"), excluded_sentence))
    if all(_claim(code)[1] for code in covenant):
        c.warn(WARNING_ACCESSORY_ONLY, msg("warning.accessory_articles_only"))
    if any(_claim(code)[2] for code in covenant):
        c.warn(WARNING_HOUSING, msg("warning.housing_due_diligence"))
    return conclude("art3_2_d", MET, (
        msg("art3_2_d.compatible", claims=Listing(tuple(covenant))),
        excluded_sentence, msg("art3_2_d.goes_on") if excluded else None,
    ))
