"""``flask deadlines``: every open deadline, from clear date columns (the database, no keys: nothing is
decrypted)."""

import json
import sys

import click

from caseapp.cli.common import keyless
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.domain.deadlines import format_day
from caseapp.models.base import utcnow
from caseapp.services import deadlines
from caseapp.services.deadlines import deadline_items


def _deadline_row(item, width: int) -> str:
    basis = format_day(item.basis_date) if item.basis_date else "-"
    left = item.days_left
    when = ("due today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}" if left > 0
            else f"overdue by {-left} day{'s' if left != -1 else ''}")
    return (f"{item.case.reference:<14}  {item.label.ljust(width)}  {basis:<12}  "
            f"{format_day(item.due_date):<11}  {when}")


def _case_count() -> int:
    count = deadlines.cases_with_reference(db.session)
    db.session.rollback()
    return count


@click.command("deadlines")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--within", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Only deadlines due within DAYS days from today, and those already overdue.")
@click.option("--refresh", is_flag=True,
              help="First recompute every case's stored deadlines from its dates (after a change of the rules).")
@keyless
def command(as_json: bool, within: int | None, refresh: bool) -> None:
    """List the open deadlines of every case, soonest first: the one-year limit, the State's observations,
    observations on the merits, the author's comments and the State's follow-up response, counted from the
    recorded dates (domain/OP-ICESCR.md section 6). With --json: a list of {"case", "kind", "basis_date",
    "due_date", "days_left"}. Reads clear columns only: needs the database, not the keys."""
    if refresh:
        with writing(), click.progressbar(length=_case_count(), label="Recomputing the stored deadlines",
                               file=sys.stderr) as bar:
            deadlines.refresh_all(db.session, commit=db.session.commit, progress=bar.update)
    items = deadline_items(db.session, today=utcnow().date(), within=within)
    db.session.rollback()
    if as_json:
        click.echo(json.dumps([item.to_json() for item in items], indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("No open deadline" + (f" due within {within} days, and none overdue." if within is not None
                                         else "."))
        return
    width = max(len(item.label) for item in items)
    click.echo(f"{'CASE':<14}  {'DEADLINE'.ljust(width)}  {'COUNTED FROM':<12}  {'DUE':<11}  DAYS LEFT")
    for item in items:
        click.echo(_deadline_row(item, width))
