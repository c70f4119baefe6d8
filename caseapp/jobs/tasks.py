"""The jobs a worker runs (``caseapp.jobs``), each inside an app context of the worker's Flask app and each
through the services the ``flask`` commands use: the same claims, transactions and audit events, whichever
runs them. A job's arguments are row ids; none needs the keys (the commands they stand for are keyless).

A job that fails logs its name and the error's type only (LOG-02: a database error's message can hold SQL
and values) and raises ``JobError`` with the same, which is all Celery's own log then shows.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from caseapp import jobs
from caseapp.core import resources
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.core.mail import transport_from_config
from caseapp.core.rate_limits import DatabaseStorage
from caseapp.domain.retention import check_days
from caseapp.models import Document
from caseapp.models.base import utcnow
from caseapp.services import accounts, digests, notifications, retention

log = logging.getLogger("caseapp.jobs")

OUTBOX_SWEEP_BATCH = 100  # messages one sweep claims at once; the next sweep takes the rest


class JobError(RuntimeError):
    """A job's failure as Celery logs it: the job and the error's type, never its message."""


def job(name: str) -> Callable:
    def register(function: Callable) -> Callable:
        @wraps(function)
        def run(*args):
            try:
                return function(*args)
            except Exception as error:
                db.session.rollback()
                log.exception("jobs.failed", extra={"job": name})
                raise JobError(f"{name}: {type(error).__name__}") from None

        return shared_task(name=name)(run)

    return register


def _mail():
    config = current_app.config
    return (transport_from_config(config, current_app.instance_path), notifications.settings_from_config(config),
            config["MAIL_MAX_ATTEMPTS"])


def _log_delivery(name: str, report: notifications.DeliveryReport) -> None:
    if report.sent or report.retried or report.failed or report.unreachable:
        log.info("jobs.mail_delivered", extra={"job": name, "sent": report.sent, "retried": report.retried,
                                               "failed": report.failed, "waiting": report.waiting})


@job(jobs.DELIVER_NOTIFICATION)
def deliver_notification(notification_id: int) -> None:
    """Send one new e-mail of the outbox, enqueued after the transaction that wrote it committed. Nothing when
    it is sent already (a second copy of this job, or the sweep came first) or claimed by another sender; a
    server that cannot be reached, or a refusal, leaves it to the sweep, as `flask notify send` leaves it
    to its next run."""
    transport, settings, max_attempts = _mail()
    with writing():
        report = notifications.deliver_one(db.session, transport, settings, int(notification_id),
                                           max_attempts=max_attempts)
    _log_delivery("deliver_notification", report)


@job(jobs.OUTBOX_SWEEP)
def outbox_sweep() -> None:
    """The e-mails no job delivered: written while the broker was down or before jobs were on, claimed by a
    worker that died (its claim has lapsed), refused before and due again. Only those older than
    JOBS_OUTBOX_SWEEP_AGE, so a new message's own job is not raced for nothing."""
    transport, settings, max_attempts = _mail()
    older_than = timedelta(seconds=float(current_app.config.get("JOBS_OUTBOX_SWEEP_AGE", 60)))
    with writing():
        report = notifications.deliver_stale(db.session, transport, settings, older_than=older_than,
                                             limit=OUTBOX_SWEEP_BATCH, max_attempts=max_attempts)
    _log_delivery("outbox_sweep", report)


@job(jobs.DIGESTS)
def write_digests() -> None:
    """`flask notify digest`: each person's deadline digest when theirs is due, at most one a day or week
    however often it runs. Each digest is an outbox row, which its own job then delivers."""
    with writing():
        report = digests.write_digests(db.session, now=utcnow())
    log.info("jobs.digests_written", extra={"written": report.written, "nothing_to_say": report.nothing_to_say})


@job(jobs.RETENTION)
def apply_retention() -> None:
    """`flask retention run --apply`: crypto-shred the declined reports past RETENTION_DAYS."""
    days = check_days(current_app.config["RETENTION_DAYS"])
    today = utcnow().date()
    found = retention.expired_reports(db.session, today=today, days=days)
    db.session.rollback()
    if found:
        retention.apply(db.session, resources.file_store(), found, today=today, days=days)


@job(jobs.STORE_SWEEP)
def sweep_store() -> None:
    """`flask store sweep`: remove stored files no row refers to (shredded cases) and finish or undo
    interrupted uploads, in the file store this worker's host sees. Rows whose file is missing are counted
    in the log, never deleted (REL-03); `flask store sweep` lists them."""
    known = set(db.session.execute(select(Document.uuid)).scalars())
    db.session.rollback()
    store = resources.file_store()
    grace_minutes = float(current_app.config.get("JOBS_STORE_SWEEP_GRACE_MINUTES", 60))
    counts = store.sweep(known, grace_seconds=grace_minutes * 60)
    missing = len(store.missing_ids(known))
    log.info("jobs.store_swept", extra={**counts, "missing": missing})
    if missing:
        log.warning("jobs.store_files_missing", extra={"missing": missing})


@job(jobs.SESSIONS_PURGE)
def purge_sessions() -> None:
    """`flask sessions purge`: expired sessions, with the address and browser they kept, and the rate-limit
    counters of windows that have passed."""
    config = current_app.config
    with writing():
        count = accounts.purge_expired_sessions(db.session, idle=config["SESSION_IDLE_TIMEOUT"],
                                                absolute=config["SESSION_ABSOLUTE_TIMEOUT"])
        db.session.commit()
    counters = DatabaseStorage(engine=db.engine).purge()
    log.info("jobs.sessions_purged", extra={"sessions": count, "rate_limit_counters": counters})
