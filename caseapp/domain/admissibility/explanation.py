"""An assessment as readable text (``flask screen --explain``): a line per criterion with what is
missing, the excluded claims, the last day to submit, then the warnings. Pure, like the engine: the
command line only prints it."""

from collections.abc import Callable
from datetime import date

from caseapp.domain import deadlines
from caseapp.domain.admissibility.facts import CaseFacts
from caseapp.domain.admissibility.result import ADMISSIBLE, BASIS_DECISION, Assessment


def explain(assessment: Assessment, facts: CaseFacts, today: date,
            question: Callable[[str], str] | None = None) -> str:
    """The assessment as readable text: a line per criterion, then the deadline and the warnings. Each missing
    fact is named by its path in the facts' JSON (what a command-line user adds to the file) and, given
    ``question`` (path → the question in words, from the pages' labels), the question it answers."""
    lines = [f"Overall: {assessment.overall}" + (" (prima facie)" if assessment.overall == ADMISSIBLE else ""), ""]
    for criterion in assessment.criteria:
        lines.append(f"[{criterion.status}] {criterion.article} ({criterion.id}): {criterion.reason}")
        if criterion.missing and question is None:
            lines.append(f"    Missing: {', '.join(criterion.missing)}")
        elif criterion.missing:
            lines += [f"    Missing: {path} — {question(path)}" for path in criterion.missing]
    if assessment.excluded_claims:
        lines += ["", f"Excluded claims (art. 3(2)(d)): {', '.join(assessment.excluded_claims)}"]
    lines.append("")
    schedule = assessment.deadlines
    if schedule.one_year_last_day is None:
        lines.append("Last day to submit to the Committee: not known (see Article 3(2)(a) above).")
    elif facts.submission_date is not None:
        left = schedule.days_left
        relation = ("on the last day" if left == 0 else
                    f"{left} days before the last day" if left > 0 else f"{-left} days after the last day")
        lines.append(f"Last day to submit to the Committee: {deadlines.format_day(schedule.one_year_last_day)}; "
                     f"submitted on {deadlines.format_day(facts.submission_date)}, {relation}.")
    else:
        lines.append(deadlines.deadline_label(schedule.one_year_last_day, today))
    if schedule.basis == BASIS_DECISION:
        lines.append("    Counted from the decision date: the notification date is not recorded.")
    if assessment.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {warning}" for warning in assessment.warnings]
    return "\n".join(lines)
