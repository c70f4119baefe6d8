"""The Celery app of the worker and scheduler processes (README "Background jobs (several hosts)"):

    celery -A caseapp.jobs.worker worker --loglevel=INFO
    celery -A caseapp.jobs.worker beat --loglevel=INFO      # celery-redbeat, chosen in caseapp.jobs

Importing this module builds the Flask app once per process with the project's factory, from the same
settings as the web app (``CASEAPP_*``, ``DATABASE_URL``, instance/config.py) but without requiring the keys:
no job decrypts anything. It refuses to start without ``JOBS_BROKER_URL``.
"""

import logging

from celery.signals import after_setup_logger, worker_process_init

from caseapp import create_cli_app
from caseapp.core.configuration import ConfigurationError
from caseapp.core.extensions import db
from caseapp.jobs import EXTENSION
from caseapp.jobs.tasks import JobError

__all__ = ["JobError", "celery", "flask_app"]  # importing tasks registers the jobs on the Celery app below

flask_app = create_cli_app()
celery = flask_app.extensions.get(EXTENSION)
if celery is None:
    raise ConfigurationError("Cannot start a jobs worker or scheduler: set JOBS_BROKER_URL (redis://…)")
celery.set_current()
celery.set_default()


@worker_process_init.connect
def _fresh_connections_after_fork(**_kwargs) -> None:
    """A forked worker child must not share the parent's database connections (prefork pool)."""
    with flask_app.app_context():
        db.engine.dispose(close=False)


@after_setup_logger.connect
def _app_logs_once(**_kwargs) -> None:
    """The app's own JSON lines (``caseapp.*``) have their handler: Celery's root handler would repeat them."""
    logging.getLogger("caseapp").propagate = False
