"""``flask screen``: the admissibility engine on a JSON file of case facts (DESIGN.md §5). Pure: no keys,
no database. ``--lang`` gives the reasons, the warnings and the ``--explain`` text in the Committee's other
working languages (issue 18, point 3), from the app's catalogues (caseapp/translations); English where a
catalogue is missing."""

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from caseapp.cli.common import keyless
from caseapp.domain.admissibility import CaseFacts, FactsError, assess, explain
from caseapp.domain.register import StatesRegister
from caseapp.screening.plain import engine_renderer, missing_question

SCREEN_ERROR_EXIT = 2
# The Committee's working languages (DESIGN.md §6), whether or not the app's catalogue for one exists yet.
SCREEN_LANGUAGES = ("en", "es", "fr")


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
@click.option("--lang", type=click.Choice(SCREEN_LANGUAGES), default="en", show_default=True,
              help="The language of the reasons, the warnings and the --explain text.")
@with_appcontext  # the catalogues and the labels are the app's, whoever invokes the command
@keyless
def command(source: str, as_text: bool, today: datetime | None, lang: str) -> None:
    """Assess the case facts in FILE.json (or - for standard input) against Articles 1-4 of the Optional
    Protocol (DESIGN.md section 5). Prints the assessment as JSON; exits 2 on malformed facts. Uses no keys
    and no database."""
    facts = _read_facts(source)
    day = today.date() if today else date.today()
    assessment = assess(facts, today=day, register=StatesRegister.shipped())
    # The locale is set here, not taken from a request (there is none): the catalogues, the labels of the
    # missing facts and the month names all follow it. The reasons keep their ISO dates, as in the JSON's
    # other dates; the --explain text's days are written as the pages write them.
    with force_locale(lang):
        renderer = engine_renderer(reason_date=date.isoformat)
        if as_text:
            # Each missing fact also as the question the screening pages ask (caseapp/web/labels.py).
            click.echo(explain(assessment, facts, day, question=missing_question, renderer=renderer))
        else:
            click.echo(json.dumps(assessment.rendered(renderer).to_json(), indent=2, ensure_ascii=False))
