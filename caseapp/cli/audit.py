"""``flask audit``: the hash-chained audit log (LOG-01). Reads the database only; needs no keys."""

import click
from flask.cli import AppGroup

from caseapp.cli.common import keyless
from caseapp.core.extensions import db
from caseapp.services import audit

command = AppGroup("audit", help="The hash-chained audit log (LOG-01).")


def _anchor(_ctx, _param, value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    number, _, digest = value.partition(":")
    if not number.isdigit() or len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise click.BadParameter("give ID:HASH as printed by an earlier `flask audit verify`")
    return int(number), digest


@command.command("verify")
@click.option("--anchor", callback=_anchor, metavar="ID:HASH",
              help="The newest event an earlier check printed: it must still be there, unchanged.")
@keyless
def verify_audit(anchor: tuple[int, str] | None) -> None:
    """Recompute the audit log's hash chain, oldest event first. Exits 1 naming the first broken event
    when any event was edited, removed or reordered. Reads the database only; needs no keys."""
    total = audit.count(db.session)
    with click.progressbar(length=total, label="Checking the audit chain") as bar:
        result = audit.verify(db.session, progress=bar.update, anchor=anchor)
    db.session.rollback()
    if not result.ok:
        click.echo(f"Broken at event #{result.first_broken_id}: {result.reason}.", err=True)
        click.echo(f"The {result.checked} events before it are intact.", err=True)
        raise SystemExit(1)
    click.echo(f"Checked {result.checked} events: chain intact.")
    if result.head_id is not None:
        # A chain cannot show that its newest events were cut off: compare with a head noted earlier.
        click.echo(f"Newest event: {result.head_id}:{result.head_hash}")
        click.echo("Keep that line somewhere else and pass it to a later check as --anchor: removing the newest "
                   "events leaves no trace in the chain itself.")
