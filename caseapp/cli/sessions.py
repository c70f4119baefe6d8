"""``flask sessions purge``: delete expired server-side sessions (SESS-04), and the rate-limit counters of
windows that have passed, which keep client addresses too."""

import click
from flask import current_app
from flask.cli import AppGroup

from caseapp.cli.common import keyless, plural
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.core.rate_limits import DatabaseStorage
from caseapp.services import accounts

command = AppGroup("sessions", help="Server-side sessions: delete the expired ones (SESS-04).")


@command.command("purge")
@keyless
def purge_sessions() -> None:
    """Delete every session past SESSION_IDLE_TIMEOUT or SESSION_ABSOLUTE_TIMEOUT, with the address and
    browser it kept, and the rate-limit counters whose window has passed. Run it from cron or a systemd
    timer (e.g. hourly); the app also purges both while people use it (sessions at most every
    SESSION_PURGE_INTERVAL, counters at most every 5 minutes per worker), but not while nobody does."""
    config = current_app.config
    with writing():
        count = accounts.purge_expired_sessions(db.session, idle=config["SESSION_IDLE_TIMEOUT"],
                                                absolute=config["SESSION_ABSOLUTE_TIMEOUT"])
        db.session.commit()
    click.echo(f"Deleted {plural(count, 'expired session')}.")
    counters = DatabaseStorage(engine=db.engine).purge()
    click.echo(f"Deleted {plural(counters, 'rate-limit counter')} of windows that have passed.")
