"""``flask duplicates record``: find and store the duplicates of reports submitted before they were stored
when written (issue 20), or of every report again."""

import click
from flask.cli import AppGroup

from caseapp.cli.common import checked_keyring, needs_keys, plural
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.services import duplicates

command = AppGroup("duplicates", help="The stored duplicate flags: reports that name the same victim.")


@command.command("record")
@click.option("--all", "everything", is_flag=True,
              help="Check every submitted report again, not only those never checked.")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(min=1),
              help="Reports checked per transaction.")
@needs_keys
def record_duplicates(everything: bool, batch_size: int) -> None:
    """Check submitted reports for duplicates (victims with the same name or identity number, confirmed on
    the decrypted values) and store the result, which the lawyers' queue and case pages read. Run it once
    after upgrading: until then the pages check the older reports on each view. Safe to interrupt and run
    again: each batch is stored in its own transaction and the next run goes on with those left."""
    keyring = checked_keyring()
    with writing():
        pending = duplicates.unchecked_ids(db.session, everything=everything)
        db.session.rollback()
        if not pending:
            click.echo("Every submitted report is checked: nothing to do.")
            return
        with click.progressbar(length=len(pending), label="Checking for duplicates") as bar:
            duplicates.record_in_batches(db.session, keyring, pending, batch=batch_size, commit=db.session.commit,
                                         progress=bar.update)
        pairs = duplicates.pair_count(db.session)
        db.session.rollback()
    click.echo(f"Done: {plural(len(pending), 'report')} checked; {plural(pairs, 'pair')} of reports flagged as "
               "possible duplicates.")
