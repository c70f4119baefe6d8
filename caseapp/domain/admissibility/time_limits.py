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
from caseapp.domain.admissibility.messages import Listing, msg
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
from caseapp.domain.admissibility.wording import given


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
            names = Listing(tuple(remedy_name(i, facts.remedies[i]) for i in c.pending))
            return conclude("art3_2_a", NOT_APPLICABLE, msg("art3_2_a.pending", names=names)), Deadlines()
        if facts.remedies_exception is not None and facts.remedies_exception.reason is not None:
            return conclude("art3_2_a", NOT_APPLICABLE, msg("art3_2_a.exception")), Deadlines()
        if facts.remedies is None:
            return conclude("art3_2_a", UNKNOWN, msg("art3_2_a.remedies_unknown"), ("remedies",)), Deadlines()
        missing = tuple(f"remedies.{i}.final" for i, remedy in enumerate(facts.remedies)
                        if remedy.final is None and remedy.outcome not in NOT_DECIDED)
        withdrawn = [i for i, remedy in enumerate(facts.remedies) if remedy.outcome == "withdrawn"]
        if withdrawn and not missing:
            return conclude("art3_2_a", NOT_APPLICABLE, msg("art3_2_a.withdrawn", withdrawn=Listing(
                tuple(withdrawn_phrase(facts.remedies, i) for i in withdrawn), "; "))), Deadlines()
        return conclude("art3_2_a", UNKNOWN, msg("art3_2_a.no_final"), missing or ("remedies",)), Deadlines()

    name = remedy_name(index, final)
    if final.notified is None and final.decided is None:
        return conclude("art3_2_a", UNKNOWN, msg("art3_2_a.no_dates", name=name),
                        (f"remedies.{index}.notified", f"remedies.{index}.decided")), Deadlines()
    if final.notified is not None and final.decided is not None and final.notified < final.decided:
        return conclude("art3_2_a", UNKNOWN, msg("art3_2_a.notified_before_taken", name=name,
                                                  notified=final.notified, decided=final.decided),
                        (f"remedies.{index}.notified", f"remedies.{index}.decided")), Deadlines()

    basis, start = _one_year_start(final)
    counted = msg("art3_2_a.counted_notification" if basis == BASIS_NOTIFICATION else "art3_2_a.counted_decision",
                  start=start)
    last = deadlines.one_year_last_day(start)
    left = deadlines.days_left(last, c.reference)
    schedule = Deadlines(last, left, basis)

    if c.submitted and facts.submission_date < start:
        # Exhaustion completed while the communication is pending (issue 14, point 5): the year had not begun
        # when the communication was submitted, so "within one year of" the decision would misread the facts.
        before = msg("art3_2_a.before_decision"
                     if final.decided is None or facts.submission_date < final.decided else
                     "art3_2_a.before_notified", decision=decision_phrase(index, final))
        return conclude("art3_2_a", MET, msg("art3_2_a.submitted_before", submitted=facts.submission_date,
                                             before=before)), schedule

    if c.submitted:
        submitted = facts.submission_date
        if left >= 0:
            return conclude("art3_2_a", MET, msg("art3_2_a.submitted_in_time", submitted=submitted, counted=counted,
                                                 last=last)), schedule
        late = msg("art3_2_a.submitted_late", submitted=submitted, last=last, counted=counted)
    else:
        if left >= 0:
            return conclude("art3_2_a", MET, msg("art3_2_a.not_submitted_in_time", last=last, counted=counted,
                                                 left=left, today=c.today)), schedule
        late = msg("art3_2_a.not_submitted_late", last=last, counted=counted, days=-left, today=c.today)
    if basis == BASIS_DECISION:
        return conclude("art3_2_a", UNKNOWN, msg("art3_2_a.late_decision_basis", late=late),
                        (f"remedies.{index}.notified",)), schedule
    if exception:
        return conclude("art3_2_a", WARNING, msg("art3_2_a.late_explained", late=late)), schedule
    return conclude("art3_2_a", NOT_MET, msg("art3_2_a.late", late=late)), schedule


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
    premise, weigh = msg("art3_2_a.premise"), msg("art3_2_a.weigh")
    if facts.continuing == "yes":
        return conclude("art3_2_a", WARNING, msg("art3_2_a.facts_continue", premise=premise, weigh=weigh))
    end = facts.facts_end
    if end is None:
        return conclude("art3_2_a", UNKNOWN, msg("art3_2_a.facts_end_unknown", premise=premise),
                        ("facts_end",) + (("continuing",) if facts.continuing == "unknown" else ()))
    last = deadlines.one_year_last_day(end)
    left = deadlines.days_left(last, c.reference)
    counted = msg("art3_2_a.counted_from_facts", end=end, last=last)
    if left >= 0:
        when = (msg("art3_2_a.facts_submitted_within", submitted=facts.submission_date) if c.submitted else
                msg("art3_2_a.facts_left", left=left, today=c.today))
        return conclude("art3_2_a", WARNING, msg("art3_2_a.facts_in_time", premise=premise, counted=counted,
                                                 when=when, weigh=weigh))
    when = (msg("art3_2_a.facts_submitted_after", submitted=facts.submission_date) if c.submitted else
            msg("art3_2_a.facts_passed", days=-left, today=c.today))
    if given(facts.one_year_exception):
        return conclude("art3_2_a", WARNING, msg("art3_2_a.facts_late_explained", premise=premise, counted=counted,
                                                 when=when, weigh=weigh))
    return conclude("art3_2_a", UNKNOWN, msg("art3_2_a.facts_late", premise=premise, counted=counted, when=when),
                    ("one_year_exception",))
