"""ESCR Case Desk: intake, screening and tracking of OP-ICESCR communications.

``create_app`` is wiring only (DESIGN.md §1): settings, extensions, blueprints, request plumbing and the
command line. No database work, no network, no prompts at start-up; the self-test that checks the
database, the keys and the file store before serving is ``caseapp.web.startup.self_test``."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from caseapp import jobs
from caseapp.core.configuration import (
    ConfigurationError,
    check_config,
    init_file_store,
    init_rate_limits,
    load_config,
    load_keys,
    private_folder,
)
from caseapp.core.database import accept_index_hints, install_sqlite_listeners
from caseapp.core.extensions import bootstrap, csrf, db, migrate
from caseapp.core.logs import configure_logging, install_redaction
from caseapp.core.passwords import Hasher

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["ConfigurationError", "create_app", "create_cli_app"]


def create_app(config: dict | None = None, *, require_keys: bool = True) -> Flask:
    """Build the application. Wiring only: no database work, no network, no prompts."""
    instance_path = os.environ.get("CASEAPP_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    overrides = dict(config or {})
    instance_path = overrides.pop("INSTANCE_PATH", instance_path)
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    load_config(app, overrides)
    check_config(app)
    if not app.testing:
        configure_logging(app.config["LOG_LEVEL"])
    install_redaction()  # LOG-02: secrets in URLs stay out of the servers' request lines
    private_folder(Path(app.instance_path))  # CRY-01: keys, database and store inside, the app's user only

    load_keys(app, require_keys)
    app.extensions["caseapp.hasher"] = Hasher.from_config(app.config)
    init_file_store(app)

    if app.config["PROXY_FIX_X_FOR"] or app.config["PROXY_FIX_X_PROTO"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"],
                                x_proto=app.config["PROXY_FIX_X_PROTO"])

    install_sqlite_listeners(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    db.init_app(app)
    with app.app_context():
        accept_index_hints(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    init_rate_limits(app)  # before the other hooks: see _end_transaction_before_deductions
    bootstrap.init_app(app)
    jobs.init_app(app)  # background jobs on several hosts, only with JOBS_BROKER_URL (README)

    # The request plumbing and the blueprints sit above the services: imported here, once the
    # extensions exist, so that importing ``caseapp`` alone pulls in no view.
    from caseapp import web
    from caseapp.account import bp as account_bp
    from caseapp.admin import bp as admin_bp
    from caseapp.api import bp as api_bp
    from caseapp.auth import bp as auth_bp
    from caseapp.cli import register_cli
    from caseapp.committee import bp as committee_bp
    from caseapp.dashboard import bp as dashboard_bp
    from caseapp.deadlines import bp as deadlines_bp
    from caseapp.decisions import bp as decisions_bp
    from caseapp.documents import bp as documents_bp
    from caseapp.drafting import bp as drafting_bp
    from caseapp.intake import bp as intake_bp
    from caseapp.main import bp as main_bp
    from caseapp.messages import bp as messages_bp
    from caseapp.notifications import bp as notifications_bp
    from caseapp.register import bp as register_bp
    from caseapp.screening import bp as screening_bp
    from caseapp.web import redirects

    web.init_app(app)
    for blueprint in (main_bp, auth_bp, account_bp, admin_bp, documents_bp, intake_bp, screening_bp, messages_bp,
                      api_bp, committee_bp, deadlines_bp, decisions_bp, dashboard_bp, register_bp,
                      notifications_bp, drafting_bp):
        app.register_blueprint(blueprint)
    redirects.init_app(app)  # after the blueprints: the old paths take their new endpoints' methods
    register_cli(app)
    return app


def create_cli_app() -> Flask:
    """The app for the ``flask`` command. Built without requiring the keys, because ``flask keys init``
    must run before any key exists and several commands never decrypt; each command declares whether it
    needs them (``caseapp.cli.common``), and one that does refuses to run without them."""
    return create_app(require_keys=False)
