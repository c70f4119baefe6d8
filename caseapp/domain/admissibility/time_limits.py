"""Article 3(2)(a): the one-year limit after the final domestic decision (choices 8-10 of the package
docstring; OP-ICESCR.md §6 for the counting)."""

from datetime import date

from caseapp.domain import deadlines
from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.decisions import (
    NOT_DECIDED,
    decision_phrase,
    final_decision,
    remedy_name,
    withdrawn_phrase,
)
from caseapp.domain.admissibility.facts import CaseFacts, Remedy
from caseapp.domain.admissibility.result import (
    BASIS_DECISION,
    BASIS_NOTIFICATION,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    WARNING,
    Criterion,
    Deadlines,
    conclude,
)
from caseapp.domain.admissibility.wording import given, iso


def _one_year_start(final: Remedy | None) -> tuple[str, date] | tuple[None, None]:
    """(basis, day) from which the year runs: the final decision's notification, else its date; (None,
    None) when there is no final decision or its dates cannot be used (missing, or notified before taken)."""
    if final is None or (final.notified is None and final.decided is None):
        return None, None
    if final.notified is not None and final.decided is not None and final.notified < final.decided:
        return None, None
    if final.notified is not None:
        return BASIS_NOTIFICATION, final.notified
    return BASIS_DECISION, final.decided


def one_year_count(facts: CaseFacts) -> tuple[date, date] | None:
    """(the day the year is counted from, the last day) under art. 3(2)(a), exactly as ``assess``
    reports them, from the facts alone: the States register plays no part in the count, so both can be
    stored with the facts. None when the year cannot be counted."""
    _index, final = final_decision(facts.remedies or ())
    _basis, start = _one_year_start(final)
    return (start, deadlines.one_year_last_day(start)) if start is not None else None


def one_year_last_day(facts: CaseFacts) -> date | None:
    count = one_year_count(facts)
    return count[1] if count else None


def check(c: Context) -> tuple[Criterion, Deadlines]:
    facts = c.facts
    final, index = c.final, c.final_index
    exception = given(facts.one_year_exception)
    if final is None:
        if no_remedy_available(facts):
            return _from_the_facts(c), Deadlines()
        if c.pending:
            names = ", ".join(remedy_name(i, facts.remedies[i]) for i in c.pending)
            return conclude("art3_2_a", NOT_APPLICABLE, (
                f"The one-year limit has not started: {names} is still pending, and the year runs from the day after "
                "notification of the final domestic decision (López Rodríguez v. Spain, E/C.12/57/D/1/2013, para. 8.3)."
            )), Deadlines()
        if facts.remedies_exception is not None and facts.remedies_exception.reason is not None:
            return conclude("art3_2_a", NOT_APPLICABLE, (
                "There is no final domestic decision from which to count the year: the author relies on the exception "
                "to exhaustion (art. 3(1)). Submit without delay."
            )), Deadlines()
        if facts.remedies is None:
            return conclude("art3_2_a", UNKNOWN, (
                "The final domestic decision is not known: the domestic remedies are not recorded."
            ), ("remedies",)), Deadlines()
        missing = tuple(f"remedies.{i}.final" for i, remedy in enumerate(facts.remedies)
                        if remedy.final is None and remedy.outcome not in NOT_DECIDED)
        withdrawn = [i for i, remedy in enumerate(facts.remedies) if remedy.outcome == "withdrawn"]
        if withdrawn and not missing:
            return conclude("art3_2_a", NOT_APPLICABLE, (
                "The one-year limit has not started: the author withdrew "
                + "; ".join(withdrawn_phrase(facts.remedies, i) for i in withdrawn)
                + ", so no final domestic decision ended the remedies (art. 3(1)), and the year runs from the day "
                "after notification of the final domestic decision (López Rodríguez v. Spain, E/C.12/57/D/1/2013, "
                "para. 8.3)."
            )), Deadlines()
        return conclude("art3_2_a", UNKNOWN, (
            "No final domestic decision is recorded, so the one-year limit cannot be counted."
        ), missing or ("remedies",)), Deadlines()

    name = remedy_name(index, final)
    if final.notified is None and final.decided is None:
        return conclude("art3_2_a", UNKNOWN, (
            f"The dates of the final decision ({name}) are not recorded, so the one-year limit cannot be counted."
        ), (f"remedies.{index}.notified", f"remedies.{index}.decided")), Deadlines()
    if final.notified is not None and final.decided is not None and final.notified < final.decided:
        return conclude("art3_2_a", UNKNOWN, (
            f"The final decision ({name}) is recorded as notified on {iso(final.notified)}, before it was taken on "
            f"{iso(final.decided)}: correct the dates before the one-year limit can be counted."
        ), (f"remedies.{index}.notified", f"remedies.{index}.decided")), Deadlines()

    basis, start = _one_year_start(final)
    if basis == BASIS_NOTIFICATION:
        counted = f"notification of the final decision ({iso(start)})"
    else:
        counted = (f"the final decision ({iso(start)}; its notification date is not recorded, so the year is counted "
                   "from the decision, which can only bring the last day earlier)")
    last = deadlines.one_year_last_day(start)
    left = deadlines.days_left(last, c.reference)
    schedule = Deadlines(last, left, basis)

    if c.submitted and facts.submission_date < start:
        # Exhaustion completed while the communication is pending (issue 14, point 5): the year had not begun
        # when the communication was submitted, so "within one year of" the decision would misread the facts.
        before = (f"before the final domestic decision ({decision_phrase(index, final)})"
                  if final.decided is None or facts.submission_date < final.decided else
                  f"before the final domestic decision ({decision_phrase(index, final)}) was notified")
        return conclude("art3_2_a", MET, (
            f"Submitted on {iso(facts.submission_date)}, {before}: the year runs from the day after the final "
            "decision is notified, so it had not begun and the communication cannot be late (art. 3(2)(a)). The "
            "Committee must have ascertained exhaustion before it considers the communication (art. 3(1)), so "
            "remedies exhausted while it is pending count."
        )), schedule

    if c.submitted:
        submitted = iso(facts.submission_date)
        if left >= 0:
            return conclude("art3_2_a", MET, (
                f"Submitted on {submitted}, within one year of {counted}; last day {iso(last)}."
            )), schedule
        late = f"Submitted on {submitted}, after the last day {iso(last)}, one year from {counted}."
    else:
        if left >= 0:
            return conclude("art3_2_a", MET, (
                f"Not yet submitted: in time if submitted by {iso(last)}, one year from {counted}; {left} days left as "
                f"of {iso(c.today)}."
            )), schedule
        late = (f"Not yet submitted, and the last day, {iso(last)} (one year from {counted}), passed {-left} days "
                f"before today ({iso(c.today)}).")
    if basis == BASIS_DECISION:
        return conclude("art3_2_a", UNKNOWN, (
            f"{late} The notification may have come later and moved the last day: record it."
        ), (f"remedies.{index}.notified",)), schedule
    if exception:
        return conclude("art3_2_a", WARNING, (
            f"{late} The author explains why it was not possible to submit in time: an exception "
            "the author must demonstrate (art. 3(2)(a))."
        )), schedule
    return conclude("art3_2_a", NOT_MET, (
        f"{late} The year runs from the day after notification (López Rodríguez v. Spain, para. 8.3); no reason why "
        "submission in time was not possible is recorded."
    )), schedule


def no_remedy_available(facts: CaseFacts) -> bool:
    """Whether the author claims, and the facts show, that no domestic remedy was available (issue 14,
    point 4): none is recorded as used (an empty list, not a missing one), and every reason given for
    not exhausting is that remedies were unavailable — in ``remedies_exception`` or for each remedy not
    used. A remedy used, or one left unused for another reason, shows that one was available."""
    if facts.remedies != ():
        return False
    reasons = [unused.reason for unused in facts.unused_remedies or ()]
    exception = facts.remedies_exception
    if exception is not None and exception.reason is not None:
        reasons.append(exception.reason)
    return bool(reasons) and all(reason == "unavailable" for reason in reasons)


def _from_the_facts(c: Context) -> Criterion:
    """Art. 3(2)(a) where no domestic remedy was available (choice 8a of the package docstring).

    The year runs "after the exhaustion of domestic remedies"; with none available there is no final
    decision to count from, so the engine counts from the facts themselves — from their end, the last
    act complained of — or from a later day on which the author could first act, which only the author
    can show (the year starts with sufficient knowledge, López Rodríguez, para. 8.3; the exception of
    art. 3(2)(a) where submitting in time was not possible). The whole reading rests on the claim that
    no remedy was available, which the Committee weighs (art. 3(1)): so it is a ``warning`` when in
    time or explained, and ``unknown`` when late without an explanation, never a guessed ``not_met``.
    ``deadlines`` stay null: DESIGN.md §5 counts them from a domestic decision only."""
    facts = c.facts
    premise = (
        "No domestic remedy was available, the author says, and none is recorded as used; the year of art. 3(2)(a) "
        "runs from the exhaustion of domestic remedies, so there is no final decision to count it from"
    )
    weigh = ("It rests on the claim that no remedy was available, which the author must show (art. 3(1); Ziablitsev v. "
             "France, E/C.12/71/D/176/2020, paras 6.5-6.7).")
    if facts.continuing == "yes":
        return conclude("art3_2_a", WARNING, (
            f"{premise}. The facts continue, so a year counted from them has not begun: submit without delay. {weigh}"
        ))
    end = facts.facts_end
    if end is None:
        return conclude("art3_2_a", UNKNOWN, (
            f"{premise}: it runs from the facts, and when they ended (or whether they continue) is not recorded."
        ), ("facts_end",) + (("continuing",) if facts.continuing == "unknown" else ()))
    last = deadlines.one_year_last_day(end)
    left = deadlines.days_left(last, c.reference)
    counted = f"counted from the end of the facts ({iso(end)}), the last day is {iso(last)}"
    if left >= 0:
        when = (f"submitted on {iso(facts.submission_date)}, within it" if c.submitted else
                f"not yet submitted: {left} days left as of {iso(c.today)}")
        return conclude("art3_2_a", WARNING, f"{premise}: {counted}; {when}. {weigh}")
    when = (f"submitted on {iso(facts.submission_date)}, after it" if c.submitted else
            f"not yet submitted, and it passed {-left} days before today ({iso(c.today)})")
    if given(facts.one_year_exception):
        return conclude("art3_2_a", WARNING, (
            f"{premise}: {counted}; {when}. The author explains why acting or submitting earlier was not possible: "
            f"an exception the author must demonstrate (art. 3(2)(a)). {weigh}"
        ))
    return conclude("art3_2_a", UNKNOWN, (
        f"{premise}: {counted}; {when}. The year runs from a later day only if the author could first act then (it "
        "starts with sufficient knowledge, López Rodríguez v. Spain, E/C.12/57/D/1/2013, para. 8.3) or could not "
        "submit in time (art. 3(2)(a)): record when and why, or the communication is late."
    ), ("one_year_exception",))
