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




_KIND_WORDS = {
    "judicial": "the proceedings", "appeal": "the appeal", "cassation": "the appeal in cassation",
    "constitutional": "the constitutional complaint", "administrative": "the administrative appeal",
    "other": "the remedy",
}


def withdrawn_phrase(remedies, index: int) -> str:
    """A withdrawn remedy named as such, with the decision it challenged: the last decided remedy listed
    before it (the list is in the order the remedies were used), e.g. "the appeal (Provincial Court, filed
    on 2012-12-10) against the Court of First Instance decision of 2012-11-20"."""
    remedy = remedies[index]
    details = [remedy.body.strip() if given(remedy.body) else f"remedy no. {index + 1}"]
    if remedy.filed:
        details.append(f"filed on {iso(remedy.filed)}")
    phrase = f"{_KIND_WORDS.get(remedy.kind, 'the remedy')} ({', '.join(details)})"
    earlier = [i for i in range(index) if remedies[i].outcome not in NOT_DECIDED]
    if earlier:
        phrase += f" against {decision_phrase(earlier[-1], remedies[earlier[-1]])}"
    return phrase
