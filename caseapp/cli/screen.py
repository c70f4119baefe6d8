"""``flask screen``: the admissibility engine on a JSON file of case facts (DESIGN.md §5). Pure: no keys,
no database."""

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import click
from flask_babel import force_locale

from caseapp.cli.common import keyless
from caseapp.domain.admissibility import CaseFacts, FactsError, assess, explain
from caseapp.domain.register import StatesRegister
from caseapp.screening.plain import missing_question

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
        # Each missing fact also as the question the screening pages ask (caseapp/web/labels.py), in
        # English: the app's locale selector reads a request, which a command line does not have.
        with force_locale("en"):
            click.echo(explain(assessment, facts, day, question=missing_question))
    else:
        click.echo(json.dumps(assessment.to_json(), indent=2, ensure_ascii=False))
