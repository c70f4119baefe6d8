"""Background jobs on several hosts (issue 22, point 3): Celery workers fed through a Redis broker, and one
scheduler at a time (celery-redbeat) for the periodic jobs. README "Background jobs (several hosts)".

Off by default: without ``JOBS_BROKER_URL`` nothing here imports Celery, nothing is enqueued, and cron runs
the ``flask`` commands as on one host. With it:

* each e-mail the outbox gets (a ``PENDING`` notification row) is handed to a worker once the transaction
  that wrote it has committed — never before, so a worker cannot look for a row that is not there yet, and
  never for a transaction rolled back (the session hooks below);
* ``celery -A caseapp.jobs.worker beat`` sends the periodic jobs of ``JOBS_SCHEDULE``: the outbox sweep, the
  digests, retention, the file store's sweep and the session purge (``caseapp.jobs.tasks``).

A message on the broker names a job and carries at most one row id: never case content, never a key. The
jobs use the services the ``flask`` commands use, and each e-mail still goes out once: a job claims its row
(``notifications.claim``) before sending, whoever else tries.
"""

import logging
import time
from datetime import timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from caseapp.core.configuration import ConfigurationError
from caseapp.core.limiter import shown_uri
from caseapp.models import Notification
from caseapp.models.notification import PENDING

log = logging.getLogger("caseapp.jobs")

EXTENSION = "caseapp.jobs"  # the Flask app's Celery app, when jobs are on
QUEUE = "caseapp.jobs"  # the Redis list the jobs wait in
REDBEAT_PREFIX = "caseapp.jobs.redbeat:"  # the scheduler's entries and its lock

# The jobs' names: what a message on the broker says to run (``caseapp.jobs.tasks`` defines them).
DELIVER_NOTIFICATION = "caseapp.jobs.deliver_notification"
OUTBOX_SWEEP = "caseapp.jobs.outbox_sweep"
DIGESTS = "caseapp.jobs.digests"
RETENTION = "caseapp.jobs.retention"
STORE_SWEEP = "caseapp.jobs.store_sweep"
SESSIONS_PURGE = "caseapp.jobs.sessions_purge"

# When each periodic job runs unless JOBS_SCHEDULE says otherwise: seconds between two runs, or a crontab line
# (minute hour day-of-month month day-of-week, UTC). The deadline reminders are the deadline digest: one
# e-mail a day or a week per person (``services.digests``); the job writes those due, as `flask notify digest`.
DEFAULT_SCHEDULE = {
    "outbox_sweep": 60,
    "digests": "0 6 * * *",
    "retention": "30 2 * * *",
    "store_sweep": "45 2 * * *",
    "sessions_purge": "15 * * * *",
}
PERIODIC_TASKS = {"outbox_sweep": OUTBOX_SWEEP, "digests": DIGESTS, "retention": RETENTION,
                  "store_sweep": STORE_SWEEP, "sessions_purge": SESSIONS_PURGE}

# After the broker failed to take a message, this process stops trying for a while: each commit would
# otherwise wait for the connection to fail again. The sweep delivers what was not enqueued.
BROKER_PAUSE_SECONDS = 30.0
BROKER_CONNECT_TIMEOUT = 2.0  # seconds; a commit waits at most about this long for a broker that is down


def enabled(app: Flask) -> bool:
    return bool(app.config.get("JOBS_BROKER_URL"))


def init_app(app: Flask) -> None:
    """Build the app's Celery app when ``JOBS_BROKER_URL`` is set (no connection yet: wiring only), refusing
    to start, naming the setting, when it or ``JOBS_SCHEDULE`` cannot be used."""
    if not enabled(app):
        return
    url = app.config["JOBS_BROKER_URL"]
    if url.partition("://")[0] not in ("redis", "rediss"):
        raise ConfigurationError(f"Cannot start: JOBS_BROKER_URL {shown_uri(url)} must be a Redis server, "
                                 "redis://host:6379/0 or rediss://… (or unset, for cron on one host)")
    schedule = beat_schedule(app.config.get("JOBS_SCHEDULE") or {})
    app.extensions[EXTENSION] = make_celery(app, schedule)


def beat_schedule(overrides: dict) -> dict:
    """Celery's ``beat_schedule`` from DEFAULT_SCHEDULE and the jobs JOBS_SCHEDULE names (None: that job off)."""
    from celery.schedules import crontab, schedule

    unknown = set(overrides) - set(DEFAULT_SCHEDULE)
    if unknown:
        raise ConfigurationError(f"Cannot start: JOBS_SCHEDULE names no job {', '.join(sorted(unknown))}; "
                                 f"the jobs are {', '.join(DEFAULT_SCHEDULE)}")
    entries = {}
    for name, when in {**DEFAULT_SCHEDULE, **overrides}.items():
        if when is None:
            continue
        if isinstance(when, int | float) and not isinstance(when, bool) and when > 0:
            # A run that waited longer than its interval is stale: the next one does the same work.
            entries[name] = {"task": PERIODIC_TASKS[name], "schedule": schedule(timedelta(seconds=when)),
                             "options": {"expires": float(when)}}
            continue
        fields = when.split() if isinstance(when, str) else []
        try:
            if len(fields) != 5:
                raise ValueError("five fields")
            line = crontab(minute=fields[0], hour=fields[1], day_of_month=fields[2], month_of_year=fields[3],
                           day_of_week=fields[4])
        except ValueError as exc:
            raise ConfigurationError(
                f"Cannot start: JOBS_SCHEDULE {name!r} must be seconds between runs or a crontab line "
                f"(minute hour day month weekday, UTC), not {when!r}: {exc}") from exc
        entries[name] = {"task": PERIODIC_TASKS[name], "schedule": line}
    return entries


def make_celery(app: Flask, schedule: dict):
    """The Celery app for this Flask app: JSON messages only, no result store, a job acknowledged once it
    has run (a worker that dies mid-job leaves it to another), the scheduler's entries and lock in Redis."""
    from celery import Celery, Task

    class AppContextTask(Task):
        """Every job runs inside an app context of the process's Flask app, with its own database session."""

        def __call__(self, *args, **kwargs):
            with self.app.flask_app.app_context():
                return self.run(*args, **kwargs)

    url = app.config["JOBS_BROKER_URL"]
    max_interval = float(app.config.get("JOBS_BEAT_MAX_INTERVAL") or 10)
    celery = Celery("caseapp", broker=url, task_cls=AppContextTask, set_as_current=False)
    celery.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json",  # never pickle
        task_ignore_result=True, result_backend=None, result_expires=None,  # (no result-cleaning job either)
        task_default_queue=QUEUE,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"socket_connect_timeout": BROKER_CONNECT_TIMEOUT},
        timezone="UTC", enable_utc=True,
        beat_scheduler="redbeat.RedBeatScheduler", beat_schedule=schedule, beat_max_loop_interval=max_interval,
        redbeat_redis_url=url, redbeat_key_prefix=REDBEAT_PREFIX, redbeat_redis_options={},
        # A scheduler that dies keeps the lock this long; then a waiting one takes over.
        redbeat_lock_timeout=int(max_interval * 5),
    )
    celery.flask_app = app
    return celery


# --- handing new e-mails to the workers, after commit ------------------------------------------------------

_NEW_MAIL = "caseapp.jobs.new_mail"  # session.info: ids of PENDING rows written in the open transaction


class _Broker:
    """When this process may next try the broker, after a failure (see BROKER_PAUSE_SECONDS)."""

    paused_until = 0.0


def _celery():
    return current_app.extensions.get(EXTENSION) if has_app_context() else None


@event.listens_for(Session, "after_flush")
def _collect_new_mail(session: Session, _flush_context) -> None:
    if _celery() is None:
        return
    ids = [row.id for row in session.new if isinstance(row, Notification) and row.mail_status == PENDING]
    if ids:
        session.info.setdefault(_NEW_MAIL, set()).update(ids)


@event.listens_for(Session, "after_commit")
def _enqueue_new_mail(session: Session) -> None:
    ids = session.info.pop(_NEW_MAIL, None)
    celery = _celery()
    if ids and celery is not None:
        enqueue_deliveries(celery, sorted(ids))


@event.listens_for(Session, "after_rollback")
def _forget_new_mail(session: Session) -> None:
    session.info.pop(_NEW_MAIL, None)


def enqueue_deliveries(celery, notification_ids: list[int]) -> int:
    """One ``deliver_notification`` job per id; how many the broker took. A broker that cannot be reached
    loses nothing: the rows stay PENDING for the outbox sweep (or `flask notify send`), one warning is
    logged, and this process leaves the broker alone for BROKER_PAUSE_SECONDS."""
    if time.monotonic() < _Broker.paused_until:
        return 0
    sent = 0
    try:
        for notification_id in notification_ids:
            celery.send_task(DELIVER_NOTIFICATION, args=[notification_id], retry=False)
            sent += 1
    except Exception as error:  # kombu's OperationalError, redis' ConnectionError, OSError: the broker is away
        _Broker.paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        log.warning("jobs.enqueue_failed", extra={"error_type": type(error).__name__, "enqueued": sent,
                                                  "waiting_for_sweep": len(notification_ids) - sent})
    return sent
