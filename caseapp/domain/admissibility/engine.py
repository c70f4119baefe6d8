"""``assess``: every criterion on one case's facts, in the contract's order (DESIGN.md §5)."""

from datetime import date

from caseapp.domain import deadlines
from caseapp.domain.admissibility import (
    abuse,
    art1,
    art2,
    art4,
    compatibility,
    exhaustion,
    form,
    other_procedures,
    ratione_temporis,
    substantiation,
    time_limits,
)
from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.decisions import remedy_name
from caseapp.domain.admissibility.facts import CaseFacts
from caseapp.domain.admissibility.messages import deadline_label, msg
from caseapp.domain.admissibility.result import (
    WARNING_FACTS_DATE_ORDER,
    WARNING_ONE_YEAR_PASSED,
    WARNING_ONE_YEAR_SOON,
    WARNING_REMEDY_DATE_ORDER,
    Assessment,
    overall_status,
)
from caseapp.domain.register import StatesRegister


def _date_order_warnings(facts: CaseFacts, c: Context) -> None:
    if facts.facts_start and facts.facts_end and facts.facts_end < facts.facts_start:
        c.warn(WARNING_FACTS_DATE_ORDER, msg("warning.facts_date_order", end=facts.facts_end, start=facts.facts_start))
    for index, remedy in enumerate(facts.remedies or ()):
        if remedy.filed and remedy.decided and remedy.decided < remedy.filed:
            c.warn(WARNING_REMEDY_DATE_ORDER, msg(
                "warning.remedy_date_order", name=remedy_name(index, remedy), decided=remedy.decided,
                filed=remedy.filed, n=index + 1))


def assess(facts: CaseFacts, *, today: date, register: StatesRegister) -> Assessment:
    """The assessment of ``facts`` on ``today`` against ``register`` (DESIGN.md §5). Pure and deterministic."""
    c = Context(facts, today, register)
    excluded = compatibility.excluded_claims(facts)
    # The one-year limit first: it also gives the deadlines. The others in the contract's order, which is
    # also the order of the warnings they add to the context.
    one_year, schedule = time_limits.check(c)
    criteria = (
        art1.check(c), art2.check(c), exhaustion.check(c), one_year, ratione_temporis.check(c),
        other_procedures.check(c), compatibility.check(c, excluded), substantiation.check(c), abuse.check(c),
        form.check(c), art4.check(c),
    )
    if not c.submitted and schedule.one_year_last_day is not None:
        level = deadlines.warning_level(schedule.days_left)
        if level is not None:
            label = deadline_label(schedule.one_year_last_day, today)
            if level == deadlines.PASSED:
                c.warn(WARNING_ONE_YEAR_PASSED, msg("warning.one_year_passed", label=label), first=True)
            else:
                c.warn(WARNING_ONE_YEAR_SOON, msg("warning.one_year_soon", label=label, level=level), first=True)
    _date_order_warnings(facts, c)
    return Assessment(
        overall=overall_status([criterion.status for criterion in criteria]),
        criteria=criteria,
        excluded_claims=excluded,
        deadlines=schedule,
        warnings=tuple(c.warnings),
        warning_codes=tuple(c.warning_codes),
        warning_messages=tuple(c.warning_messages),
    )
