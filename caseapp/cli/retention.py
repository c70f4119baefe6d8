"""``flask retention run``: crypto-shred declined reports after the retention period (DATA-02)."""

import click
from flask import current_app
from flask.cli import AppGroup

from caseapp.cli.common import keyless, plural
from caseapp.core import resources
from caseapp.core.extensions import db
from caseapp.domain.retention import check_days
from caseapp.models.base import utcnow
from caseapp.services import retention

command = AppGroup("retention", help="Crypto-shred declined reports after the retention period (DATA-02).")


@command.command("run")
@click.option("--apply", "apply_changes", is_flag=True, help="Crypto-shred them; without it, only list them.")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep declined reports this many days (default: the RETENTION_DAYS setting).")
@keyless
def run_retention(apply_changes: bool, days: int | None) -> None:
    """List declined reports declined more than RETENTION_DAYS days ago (default 365) and, with --apply,
    crypto-shred each one in a transaction of its own: its data key, rows and files (CRY-06). The decline
    date is the report's latest move to 'declined' (or its last change, when the timeline has none).
    Shredding deletes keys and rows and decrypts nothing: it needs no keys."""
    if days is None:
        try:
            days = check_days(current_app.config["RETENTION_DAYS"])
        except ValueError as exc:
            raise click.ClickException(f"RETENTION_DAYS: {exc}") from exc
    today = utcnow().date()
    found = retention.expired_reports(db.session, today=today, days=days)
    db.session.rollback()
    if not found:
        click.echo(f"No declined report is older than {days} days.")
        return
    if not apply_changes:
        width = max(14, *(len(report.label) for report in found))
        click.echo(f"{'REFERENCE'.ljust(width)}  {'DECLINED ON':<11}  AGE (DAYS)")
        for report in found:
            click.echo(f"{report.label.ljust(width)}  {report.declined_on.isoformat():<11}  {report.age_days}")
        click.echo(f"{plural(len(found), 'declined report')} older than {days} days would be crypto-shredded.")
        click.echo("dry run: nothing deleted; run with --apply")
        return
    with click.progressbar(length=len(found), label="Crypto-shredding") as bar:
        run = retention.apply(db.session, resources.file_store(), found, today=today, days=days,
                              progress=lambda _report: bar.update(1))
    shredded, skipped, failed = run.shredded, run.skipped, run.failed
    for report in failed:
        click.echo(f"FAIL {report.label}: not shredded (see the log); run again.", err=True)
    click.echo(f"Crypto-shredded {plural(len(shredded), 'declined report')} older than {days} days"
               + (f"; {skipped} no longer declined or expired, left alone" if skipped else "")
               + (f"; {len(failed)} failed" if failed else "") + ".")
    if failed:
        raise SystemExit(1)
