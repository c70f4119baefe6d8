"""``flask notify send`` delivers the notification outbox; ``flask notify digest`` writes the deadline digests.
Run both from cron or a systemd timer (README "Notifications and e-mail")."""

import click
from flask import current_app
from flask.cli import AppGroup

from caseapp.cli.common import keyless, plural
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.core.mail import transport_from_config
from caseapp.models.base import utcnow
from caseapp.services import digests, notifications

command = AppGroup("notify", help="Notifications: deliver the outbox by e-mail, write the deadline digests.")


@command.command("send")
@click.option("--limit", default=500, show_default=True, help="At most this many messages in one run.")
@keyless
def send(limit: int) -> None:
    """Send the e-mails waiting in the outbox, each once. A server that cannot be reached leaves them all
    waiting for the next run; a refused message is retried later (1, 2, 4 … minutes, at most 6 hours) and
    given up after MAIL_MAX_ATTEMPTS refusals, when admins see it under Administration › Undeliverable mail."""
    config = current_app.config
    transport = transport_from_config(config, current_app.instance_path)
    with writing():
        due = len(notifications.due_ids(db.session, now=utcnow(), limit=limit))
        db.session.rollback()
    if not due:
        click.echo(f"Nothing to send (through {transport.describe()}).")
        return
    with click.progressbar(length=due, label=f"Sending {plural(due, 'message')}") as bar, writing():
        report = notifications.deliver_pending(db.session, transport, notifications.settings_from_config(config),
                                               limit=limit,
                                               max_attempts=config["MAIL_MAX_ATTEMPTS"],
                                               progress=lambda: bar.update(1))
    click.echo(f"Sent {plural(report.sent, 'message')} through {transport.describe()}; "
               f"{report.retried} to retry later, {report.failed} given up.")
    if report.unreachable:
        raise click.ClickException(f"the mail server could not be reached ({report.unreachable}); "
                                   f"{plural(report.waiting, 'message')} wait for the next run.")


@command.command("digest")
@click.option("--frequency", type=click.Choice(["daily", "weekly", "all"]), default="all", show_default=True,
              help="Only the people who chose this frequency.")
@keyless
def digest(frequency: str) -> None:
    """Write the deadline digests that are due: one message per person whose daily or weekly digest last went
    a day or a week ago, with the deadlines of the cases they follow and the news they chose to get in the
    digest. Safe to run every hour: nobody gets two the same day. `flask notify send` mails them."""
    now = utcnow()
    with writing():
        due = len(digests.due_user_ids(db.session, frequency=frequency, now=now))
        db.session.rollback()
    if not due:
        click.echo("No digest is due.")
        return
    with click.progressbar(length=due, label=f"Writing {plural(due, 'digest')}") as bar, writing():
        report = digests.write_digests(db.session, frequency=frequency, now=now, progress=lambda: bar.update(1))
    click.echo(f"Wrote {plural(report.written, 'digest')}; {report.nothing_to_say} with nothing to say.")
