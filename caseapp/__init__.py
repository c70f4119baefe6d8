"""ESCR Case Desk: intake, screening and tracking of OP-ICESCR communications."""

import os
import sys
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from caseapp.crypto import KeyringError, load_keyring
from caseapp.crypto.blind_index import BlindIndexer, load_index_secret
from caseapp.database import install_sqlite_listeners
from caseapp.errors import API_PATH_PREFIX
from caseapp.extensions import babel, bootstrap, csrf, db, limiter, migrate
from caseapp.logs import configure_logging
from caseapp.services.files import FileStore
from caseapp.services.passwords import Hasher
from caseapp.sessions import ServerSessionInterface
from caseapp.templating import select_locale
from caseapp.uploads import EncryptedUploadRequest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The app cannot start safely; the message names the setting to fix."""


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
    _load_config(app, overrides)
    _check_config(app)
    if not app.testing:
        configure_logging(app.config["LOG_LEVEL"])
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)

    _load_keys(app, require_keys)
    app.extensions["caseapp.hasher"] = Hasher.from_config(app.config)
    app.extensions["caseapp.file_store"] = FileStore(Path(app.config["FILE_STORE_DIR"]))
    app.request_class = EncryptedUploadRequest

    if app.config["PROXY_FIX_X_FOR"] or app.config["PROXY_FIX_X_PROTO"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=app.config["PROXY_FIX_X_PROTO"])

    install_sqlite_listeners(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    app.session_interface = ServerSessionInterface(db, sessionless_prefixes=(API_PATH_PREFIX,))

    from caseapp import audit_hooks, errors, security, templating
    from caseapp.account import bp as account_bp
    from caseapp.admin import bp as admin_bp
    from caseapp.api import bp as api_bp
    from caseapp.auth import bp as auth_bp
    from caseapp.cases import bp as cases_bp
    from caseapp.cli import register_cli
    from caseapp.dashboard import bp as dashboard_bp
    from caseapp.deadlines import bp as deadlines_bp
    from caseapp.decisions import bp as decisions_bp
    from caseapp.inbox import bp as inbox_bp
    from caseapp.main import bp as main_bp
    from caseapp.messages import bp as messages_bp
    from caseapp.reports import bp as reports_bp
    from caseapp.tracking import bp as tracking_bp

    for blueprint in (main_bp, auth_bp, account_bp, admin_bp, cases_bp, reports_bp, inbox_bp, messages_bp, api_bp,
                      tracking_bp, deadlines_bp, decisions_bp, dashboard_bp):
        app.register_blueprint(blueprint)
    audit_hooks.init_app(app)  # first: the client address is bound before any hook or view records an event
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    register_cli(app)
    return app


# Commands that work without the keys: creating them, the pure admissibility engine, the deadlines
# (clear date columns only), the audit log's chain check (nothing in it is encrypted), backups (they
# copy ciphertext) and restores (which say when the keys are missing, after restoring the data).
KEYLESS_COMMANDS = frozenset({"keys", "screen", "deadlines", "audit", "backup", "restore"})


def create_cli_app() -> Flask:
    """The app for the ``flask`` command: ``flask keys …`` must run before any key exists."""
    return create_app(require_keys=not KEYLESS_COMMANDS & set(sys.argv[1:]))


def _load_config(app: Flask, overrides: dict) -> None:
    name = overrides.pop("CONFIG", None) or os.environ.get("CASEAPP_CONFIG") or "production"
    if name not in config_module.CONFIGS:
        raise ConfigurationError(f"CASEAPP_CONFIG must be one of {sorted(config_module.CONFIGS)}, not {name!r}")
    app.config.from_object(config_module.CONFIGS[name])
    if name != "testing":
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("CASEAPP")
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'caseapp.sqlite3'}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith(("postgres://", "postgresql://")):  # psycopg 3 is the driver we ship
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if not app.config.get("KEYS_DIR"):
        app.config["KEYS_DIR"] = str(Path(app.instance_path) / "keys")
    if not app.config.get("FILE_STORE_DIR"):
        app.config["FILE_STORE_DIR"] = str(Path(app.instance_path) / "store")


def _load_keys(app: Flask, require_keys: bool) -> None:
    """Key-encryption keys and the blind-index secret, from files outside the database or the environment."""
    app.extensions["caseapp.keyring"] = app.extensions["caseapp.blind_indexer"] = None
    keys_dir = Path(app.config["KEYS_DIR"])
    try:
        keyring = load_keyring(setting=app.config.get("KEKS"), keys_dir=keys_dir)
        index_secret = load_index_secret(setting=app.config.get("INDEX_SECRET"), keys_dir=keys_dir)
    except KeyringError as exc:
        if require_keys:
            raise ConfigurationError(f"Cannot start: {exc}") from exc
        app.extensions["caseapp.keyring_error"] = str(exc)
        return
    app.extensions["caseapp.keyring"] = keyring
    app.extensions["caseapp.blind_indexer"] = BlindIndexer(index_secret)


def _check_config(app: Flask) -> None:
    secret = app.config.get("SECRET_KEY")
    if not secret or secret in config_module.INSECURE_SECRET_KEYS:
        raise ConfigurationError("Cannot start: set SECRET_KEY (CASEAPP_SECRET_KEY or instance/config.py); `make run` writes one for development")
    if app.config["ENV_NAME"] == "production":
        if len(secret) < 32:
            raise ConfigurationError("Cannot start: SECRET_KEY must be at least 32 random characters in production")
        if secret == config_module.TestingConfig.SECRET_KEY:  # published in the repository
            raise ConfigurationError("Cannot start: SECRET_KEY is the test suite's key; set a random one in production")
        if not app.config.get("TRUSTED_HOSTS"):
            raise ConfigurationError('Cannot start: set CASEAPP_TRUSTED_HOSTS (e.g. \'["cases.example.org"]\') in production')
        if app.config.get("DEBUG"):
            raise ConfigurationError("Cannot start: DEBUG must be off in production")
