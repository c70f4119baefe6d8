"""``flask sessions purge``: delete expired server-side sessions (SESS-04)."""

import click
from flask import current_app
from flask.cli import AppGroup

from caseapp.cli.common import keyless, plural
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.services import accounts

command = AppGroup("sessions", help="Server-side sessions: delete the expired ones (SESS-04).")


@command.command("purge")
@keyless
def purge_sessions() -> None:
    """Delete every session past SESSION_IDLE_TIMEOUT or SESSION_ABSOLUTE_TIMEOUT, with the address and
    browser it kept. Run it from cron or a systemd timer (e.g. hourly); the app also purges, at most every
    SESSION_PURGE_INTERVAL, while people use it."""
    config = current_app.config
    with writing():
        count = accounts.purge_expired_sessions(db.session, idle=config["SESSION_IDLE_TIMEOUT"],
                                                absolute=config["SESSION_ABSOLUTE_TIMEOUT"])
        db.session.commit()
    click.echo(f"Deleted {plural(count, 'expired session')}.")
