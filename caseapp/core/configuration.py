"""Settings: the ``config.py`` classes, then ``instance/config.py``, then ``CASEAPP_*`` environment
variables (DESIGN.md §1), and the checks that refuse an unsafe production start."""

import os
from pathlib import Path

from flask import Flask
from limits.errors import ConfigurationError as LimitsConfigurationError
from limits.storage import SCHEMES as LIMITS_SCHEMES  # every registered storage, database:// included

import config as config_module
from caseapp.core import rate_limits
from caseapp.core.extensions import db, limiter
from caseapp.core.files import FileStore
from caseapp.core.limiter import shown_uri
from caseapp.crypto import KeyringError, load_keyring
from caseapp.crypto.blind_index import BlindIndexer, load_index_secret
from caseapp.domain.second_factor import required_roles_problem

MIB = 1024 * 1024


class ConfigurationError(RuntimeError):
    """The app cannot start safely; the message names the setting to fix."""


def private_folder(path: Path) -> None:
    """Create ``path`` 0700, or make it 0700 when it already exists with more (an operator's
    ``mkdir``, an unpacked archive): the instance folder holds the keys, the database and the store."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != 0o700:
        path.chmod(0o700)


def load_config(app: Flask, overrides: dict) -> None:
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


def check_config(app: Flask) -> None:
    problem = required_roles_problem(app.config.get("TWO_FACTOR_REQUIRED_ROLES"))
    if problem:
        raise ConfigurationError(f"Cannot start: TWO_FACTOR_REQUIRED_ROLES {problem}")
    if "TOTP_REQUIRED_ROLES" in app.config:  # the old name would be silently ignored: say so instead
        raise ConfigurationError("Cannot start: TOTP_REQUIRED_ROLES is now TWO_FACTOR_REQUIRED_ROLES (AUTH-01)")
    count = app.config.get("RECOVERY_CODE_COUNT")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 50:
        raise ConfigurationError("Cannot start: RECOVERY_CODE_COUNT must be a whole number from 1 to 50")
    months = app.config.get("REGISTER_MAX_AGE_MONTHS")
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ConfigurationError("Cannot start: REGISTER_MAX_AGE_MONTHS must be a whole number of months, at least 1")
    score = app.config.get("PASSWORD_MIN_SCORE")
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 4:
        raise ConfigurationError("Cannot start: PASSWORD_MIN_SCORE must be a zxcvbn score, a whole number from 0 to 4")
    secret = app.config.get("SECRET_KEY")
    if not secret or secret in config_module.INSECURE_SECRET_KEYS:
        raise ConfigurationError("Cannot start: set SECRET_KEY (CASEAPP_SECRET_KEY or instance/config.py); "
                                 "`make run` writes one for development")
    if app.config["ENV_NAME"] == "production":
        if len(secret) < 32:
            raise ConfigurationError("Cannot start: SECRET_KEY must be at least 32 random characters in production")
        if secret == config_module.TestingConfig.SECRET_KEY:  # published in the repository
            raise ConfigurationError("Cannot start: SECRET_KEY is the test suite's key; set a random one in "
                                     "production")
        if not app.config.get("TRUSTED_HOSTS"):
            raise ConfigurationError("Cannot start: set CASEAPP_TRUSTED_HOSTS (e.g. '[\"cases.example.org\"]') "
                                     "in production")
        if app.config.get("DEBUG"):
            raise ConfigurationError("Cannot start: DEBUG must be off in production")


def load_keys(app: Flask, require_keys: bool) -> None:
    """Key-encryption keys and the blind-index secret, from files outside the database or the environment.
    Without ``require_keys`` a missing key is remembered (``caseapp.keyring_error``) for the commands that
    need keys to report."""
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


def init_rate_limits(app: Flask) -> None:
    """Build the per-address rate limits' storage from RATELIMIT_STORAGE_URI (README "Rate limits"),
    refusing to start with a message that names the setting when the URI is unusable. Whether a server
    behind the URI answers is the start-up self-test's business (no network here); with a server of its
    own (redis://) the limiter falls back to counting in memory while it does not (``core.limiter``)."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
    scheme = uri.partition("://")[0]
    shown = shown_uri(uri)  # the URI may carry a Redis password
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    if enabled and scheme not in LIMITS_SCHEMES:
        raise ConfigurationError(
            f"Cannot start: RATELIMIT_STORAGE_URI {shown} is not a storage this install knows; use "
            "database:// (the default), redis://host:port or memory://")
    if enabled and scheme == rate_limits.SCHEME:
        strategy = app.config.get("RATELIMIT_STRATEGY", "fixed-window")
        if strategy not in rate_limits.SUPPORTED_STRATEGIES:
            raise ConfigurationError(
                f"Cannot start: RATELIMIT_STORAGE_URI database:// implements only the "
                f"{', '.join(rate_limits.SUPPORTED_STRATEGIES)} strategy, not RATELIMIT_STRATEGY {strategy!r}; "
                "use redis:// for the others")
    try:
        limiter.init_app(app)
    except (LimitsConfigurationError, ValueError, NotImplementedError) as exc:
        reason = str(exc).replace(uri, shown) if uri else str(exc)
        raise ConfigurationError(f"Cannot start: RATELIMIT_STORAGE_URI {shown} cannot be used: {reason}") from exc
    if enabled and isinstance(limiter.storage, rate_limits.DatabaseStorage):
        app.after_request(_end_transaction_before_deductions)


def _end_transaction_before_deductions(response):
    """Registered just after the limiter, so it runs just before the limiter's own after-request hook,
    which counts the limits that depend on the response (a refused API token, an unknown calendar feed).
    That count is written in a transaction of its own; on SQLite the request's transaction, still open
    after a view that refused early, holds the write lock it would wait for (until busy_timeout). By
    now the view and the other hooks are done, and what they did not commit is rolled back anyway when
    the session is saved or the app context ends."""
    if db.session().in_transaction() and db.engine.dialect.name == "sqlite":
        db.session.rollback()
    return response


def init_file_store(app: Flask) -> None:
    """The encrypted file store: a local folder (FILE_STORE_DIR), or an S3 bucket when FILE_STORE_URL is set
    (README "Files in an S3 bucket"). No network here: the self-test checks that the bucket answers."""
    url = app.config.get("FILE_STORE_URL")
    if not url:
        app.extensions["caseapp.file_store"] = FileStore(Path(app.config["FILE_STORE_DIR"]))
        return
    from caseapp.core import object_store  # boto3 is imported only by an app that uses a bucket

    try:
        object_store.parse_store_url(url)
    except ValueError as exc:
        raise ConfigurationError(f"Cannot start: FILE_STORE_URL {exc}") from exc
    # A bucket is for several hosts; SQLite is one host's file, so the rows and the files would part ways.
    # Development and the tests run on one host and may pair them.
    if app.config["ENV_NAME"] == "production" and app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raise ConfigurationError(
            "Cannot start: FILE_STORE_URL puts the files in an S3 bucket for several hosts, but the database is "
            "SQLite, one host's file; set DATABASE_URL (SQLALCHEMY_DATABASE_URI) to a PostgreSQL database, or "
            "unset FILE_STORE_URL to keep the files in FILE_STORE_DIR")
    if app.config["UPLOAD_MAX_FILE_SIZE"] > object_store.MAX_UPLOAD_SIZE:
        raise ConfigurationError(
            f"Cannot start: UPLOAD_MAX_FILE_SIZE must be at most {object_store.MAX_UPLOAD_SIZE // MIB} MiB with "
            "an S3 file store (FILE_STORE_URL): S3 copies at most 5 GiB in one request")
    app.extensions["caseapp.file_store"] = object_store.S3Store(
        url, endpoint_url=app.config.get("S3_ENDPOINT_URL"), region=app.config.get("S3_REGION"),
        access_key_id=app.config.get("S3_ACCESS_KEY_ID"), secret_access_key=app.config.get("S3_SECRET_ACCESS_KEY"))
