"""The domestic decisions as the reasons name them, and which one is final (choice 5 of the package
docstring): the one date the one-year limit and the exhaustion criterion both turn on."""

from datetime import date

from caseapp.domain.admissibility.facts import Remedy
from caseapp.domain.admissibility.wording import given, iso

# Outcomes that leave no decision behind: nothing to count the year from, nothing exhausted.
NOT_DECIDED = ("pending", "withdrawn")


def remedy_name(index: int, remedy: Remedy) -> str:
    return remedy.body.strip() if given(remedy.body) else f"remedy no. {index + 1}"


def effective_day(remedy: Remedy) -> date | None:
    return remedy.notified or remedy.decided


def final_decision(remedies) -> tuple[int | None, Remedy | None]:
    """Choice 5: the final remedy with the latest notification (or decision) date."""
    best_index, best, best_day = None, None, None
    for index, remedy in enumerate(remedies):
        if remedy.final is not True or remedy.outcome in NOT_DECIDED:
            continue
        day = effective_day(remedy)
        if best is None or (day is not None and (best_day is None or day >= best_day)):
            best_index, best, best_day = index, remedy, day
    return best_index, best


def decision_phrase(index: int, remedy: Remedy) -> str:
    parts = f"the {remedy.body.strip()} decision" if given(remedy.body) else f"the decision on remedy no. {index + 1}"
    if remedy.decided:
        parts += f" of {iso(remedy.decided)}"
    if remedy.notified:
        parts += f", notified on {iso(remedy.notified)}"
    return parts


