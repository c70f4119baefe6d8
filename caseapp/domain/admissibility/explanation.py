"""An assessment as readable text (``flask screen --explain``): a line per criterion with what is
missing, the excluded claims, the last day to submit, then the warnings. Pure, like the engine: the
command line only prints it, in the language of the ``renderer`` it passes (messages.py)."""

from collections.abc import Callable
from datetime import date

from caseapp.domain.admissibility.facts import CaseFacts
from caseapp.domain.admissibility.messages import ENGLISH, Day, Listing, Renderer, deadline_label, msg
from caseapp.domain.admissibility.result import ADMISSIBLE, BASIS_DECISION, Assessment


def explain(assessment: Assessment, facts: CaseFacts, today: date,
            question: Callable[[str], str] | None = None, renderer: Renderer = ENGLISH) -> str:
    """The assessment as readable text: a line per criterion, then the deadline and the warnings. Each missing
    fact is named by its path in the facts' JSON (what a command-line user adds to the file) and, given
    ``question`` (path → the question in words, from the pages' labels), the question it answers. The
    sentences are ``renderer``'s (English, ISO dates in the reasons, by default)."""
    say = renderer
    assessment = assessment.rendered(renderer)
    overall = msg(f"overall.{assessment.overall}")
    lines = [say(msg("explain.overall_prima_facie" if assessment.overall == ADMISSIBLE else "explain.overall",
                     overall=overall)), ""]
    for criterion in assessment.criteria:
        lines.append(say(msg("explain.criterion", status=msg(f"status.{criterion.status}"),
                             article=msg(f"article.{criterion.id}"), id=criterion.id, reason=criterion.reason)))
        if criterion.missing and question is None:
            lines.append("    " + say(msg("explain.missing", paths=Listing(criterion.missing))))
        elif criterion.missing:
            lines += ["    " + say(msg("explain.missing_question", path=path, question=question(path)))
                      for path in criterion.missing]
    if assessment.excluded_claims:
        lines += ["", say(msg("explain.excluded", claims=Listing(assessment.excluded_claims)))]
    lines.append("")
    schedule = assessment.deadlines
    if schedule.one_year_last_day is None:
        lines.append(say(msg("explain.last_day_unknown")))
    elif facts.submission_date is not None:
        left = schedule.days_left
        relation = (msg("explain.on_the_last_day") if left == 0 else
                    msg("explain.days_before", days=left) if left > 0 else msg("explain.days_after", days=-left))
        lines.append(say(msg("explain.submitted", last=Day(schedule.one_year_last_day),
                             submitted=Day(facts.submission_date), relation=relation)))
    else:
        lines.append(say(deadline_label(schedule.one_year_last_day, today)))
    if schedule.basis == BASIS_DECISION:
        lines.append("    " + say(msg("explain.decision_basis")))
    if assessment.warnings:
        lines += ["", say(msg("explain.warnings"))]
        lines += [f"  - {warning}" for warning in assessment.warnings]
    return "\n".join(lines)
