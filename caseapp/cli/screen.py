"""``flask screen``: the admissibility engine on a JSON file of case facts (DESIGN.md §5). Pure: no keys,
no database."""

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import click

from caseapp.cli.common import keyless
from caseapp.domain import deadlines
from caseapp.domain.admissibility import Assessment, CaseFacts, FactsError, assess
from caseapp.domain.states import StatesRegister

SCREEN_ERROR_EXIT = 2


def _screen_fail(field: str | None, message: str) -> NoReturn:
    click.echo(json.dumps({"error": {"field": field, "message": message}}, indent=2, ensure_ascii=False))
    raise SystemExit(SCREEN_ERROR_EXIT)


def _read_facts(source: str) -> CaseFacts:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _screen_fail(None, f"Cannot read {source}: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _screen_fail(None, f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")
    try:
        return CaseFacts.from_json(data)
    except FactsError as exc:
        _screen_fail(exc.field, exc.message)


def explain(assessment: Assessment, facts: CaseFacts, today: date) -> str:
    """The assessment as readable text: a line per criterion, then the deadline and the warnings."""
    lines = [f"Overall: {assessment.overall}" + (" (prima facie)" if assessment.overall == "admissible" else ""), ""]
    for criterion in assessment.criteria:
        lines.append(f"[{criterion.status}] {criterion.article} ({criterion.id}): {criterion.reason}")
        if criterion.missing:
            lines.append(f"    Missing: {', '.join(criterion.missing)}")
    if assessment.excluded_claims:
        lines += ["", f"Excluded claims (art. 3(2)(d)): {', '.join(assessment.excluded_claims)}"]
    lines.append("")
    schedule = assessment.deadlines
    if schedule.one_year_last_day is None:
        lines.append("Last day to submit: not known (see Article 3(2)(a) above).")
    elif facts.submission_date is not None:
        left = schedule.days_left
        relation = ("on the last day" if left == 0 else
                    f"{left} days before the last day" if left > 0 else f"{-left} days after the last day")
        lines.append(f"Last day to submit: {deadlines.format_day(schedule.one_year_last_day)}; submitted on "
                     f"{deadlines.format_day(facts.submission_date)}, {relation}.")
    else:
        lines.append(deadlines.deadline_label(schedule.one_year_last_day, today))
    if schedule.basis == "decision":
        lines.append("    Counted from the decision date: the notification date is not recorded.")
    if assessment.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {warning}" for warning in assessment.warnings]
    return "\n".join(lines)


@click.command("screen")
@click.argument("source", metavar="FILE.json")
@click.option("--explain", "as_text", is_flag=True, help="Print the assessment as readable text instead of JSON.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to assess on (YYYY-MM-DD); default: today. For reproducible output.")
@keyless
def command(source: str, as_text: bool, today: datetime | None) -> None:
    """Assess the case facts in FILE.json (or - for standard input) against Articles 1-4 of the Optional
    Protocol (DESIGN.md section 5). Prints the assessment as JSON; exits 2 on malformed facts. Uses no keys
    and no database."""
    facts = _read_facts(source)
    day = today.date() if today else date.today()
    assessment = assess(facts, today=day, register=StatesRegister.shipped())
    if as_text:
        click.echo(explain(assessment, facts, day))
    else:
        click.echo(json.dumps(assessment.to_json(), indent=2, ensure_ascii=False))
