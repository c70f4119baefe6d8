"""The domestic decisions as the reasons name them, and which one is final (choice 5 of the package
docstring): the one date the one-year limit and the exhaustion criterion both turn on."""

from datetime import date

from caseapp.domain.admissibility.facts import Remedy
from caseapp.domain.admissibility.messages import Listing, Message, msg
from caseapp.domain.admissibility.wording import given, named
from caseapp.domain.report import REMEDY_KINDS

# Outcomes that leave no decision behind: nothing to count the year from, nothing exhausted.
NOT_DECIDED = ("pending", "withdrawn")


def remedy_name(index: int, remedy: Remedy, *, start: bool = False) -> str | Message:
    """The body that decided, as the facts name it, else "remedy no. N" (``start``: opening a sentence)."""
    return named(remedy.body, "remedy", index, start=start)


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


def decision_phrase(index: int, remedy: Remedy) -> Message:
    """ "the Constitutional Court decision of 2013-10-16, notified on 2013-10-21", with the dates known."""
    phrase = (msg("phrase.body_decision", body=remedy.body.strip()) if given(remedy.body) else
              msg("phrase.remedy_decision", n=index + 1))
    if remedy.decided:
        phrase = msg("phrase.decision_of", decision=phrase, decided=remedy.decided)
    if remedy.notified:
        phrase = msg("phrase.decision_notified", decision=phrase, notified=remedy.notified)
    return phrase




def withdrawn_phrase(remedies, index: int) -> Message:
    """A withdrawn remedy named as such, with the decision it challenged: the last decided remedy listed
    before it (the list is in the order the remedies were used), e.g. "the appeal (Provincial Court, filed
    on 2012-12-10) against the Court of First Instance decision of 2012-11-20"."""
    remedy = remedies[index]
    details = (remedy_name(index, remedy),) + ((msg("phrase.filed_on", filed=remedy.filed),) if remedy.filed else ())
    # A withdrawn remedy is named by its kind (message ``kind.<kind>``), "the remedy" when it is not recorded.
    kind = msg(f"kind.{remedy.kind if remedy.kind in REMEDY_KINDS else 'other'}")
    earlier = [i for i in range(index) if remedies[i].outcome not in NOT_DECIDED]
    if earlier:
        return msg("phrase.withdrawn_against", remedy=kind, details=Listing(details),
                   decision=decision_phrase(earlier[-1], remedies[earlier[-1]]))
    return msg("phrase.withdrawn", remedy=kind, details=Listing(details))
