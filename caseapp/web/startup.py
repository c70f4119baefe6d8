"""The start-up self-test (CRY-08, REL-05): run before serving, so a wrong or missing key, an unmigrated
database, an unseeded States register, an unreachable rate-limit storage (but for a Redis server: the
limits are then counted per process, with a warning), a file store that cannot be written, a disk nearly
full or a language without its compiled catalogue stops the server with a clear message instead of
failing on the first request."""

import errno
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from caseapp import ConfigurationError
from caseapp.core.database import writing
from caseapp.core.extensions import db, limiter
from caseapp.core.resources import file_store, keyring
from caseapp.models import CovenantStatus, KekCanary, RateLimitCounter, StateParty
from caseapp.services import keys, register

MIB = 1024 * 1024


def self_test(app: Flask) -> None:
    with app.app_context(), writing():
        try:
            inspector = inspect(db.engine)
            migrated = all(inspector.has_table(model.__tablename__)
                           for model in (KekCanary, StateParty, CovenantStatus, RateLimitCounter))
        except SQLAlchemyError as exc:
            raise ConfigurationError(f"Cannot start: the database does not answer ({type(exc).__name__})") from exc
        if not migrated:
            raise ConfigurationError("Cannot start: the database is not migrated; run `flask db upgrade`")
        unseeded = register.not_seeded(db.session)
        if unseeded is not None:
            what = "is empty" if unseeded == "empty" else f"lacks {unseeded}"
            raise ConfigurationError(f"Cannot start: the States register {what}; run `{register.SEED_COMMAND}`")
        loaded = keyring()
        missing = sorted(set(keys.keys_in_use(db.session)) - {kek_id for kek_id, _key in loaded.keys})
        if missing:
            db.session.rollback()
            raise ConfigurationError(
                f"Cannot start: key-encryption key {', '.join(missing)} wraps data keys of this database but is not "
                f"loaded; restore {', '.join(f'{kek_id}.kek' for kek_id in missing)} into KEYS_DIR from the key "
                "backup (or add it to CASEAPP_KEKS)"
            )
        wrong = keys.check_canaries(db.session, loaded)
        if wrong:
            db.session.rollback()
            raise ConfigurationError(
                f"Cannot start: key-encryption key {', '.join(wrong)} does not decrypt its canary — "
                "this is not the key this database was encrypted with"
            )
        db.session.commit()
        # The rate limits' storage answers (the database's table, or a Redis server). Without a fallback
        # the limiter would fail every limited request: refuse. With one (redis://), a server that is down
        # must not keep the site down: serve, counting in each process's memory until it answers.
        if app.config.get("RATELIMIT_ENABLED") and not limiter.storage.check():
            if not limiter.fallback_enabled:
                raise ConfigurationError(f"Cannot start: the rate limits' storage {limiter.storage_shown} does "
                                         "not answer; check that its server is running and reachable")
            limiter.fall_back()  # logs the warning, naming the setting without the URI's password
        store = file_store()
        try:
            store.check_writable()
        except OSError as exc:
            # A bucket's error has no errno but S3's error code as its strerror (core.object_store).
            reason = (errno.errorcode.get(exc.errno, type(exc).__name__) if exc.errno
                      else exc.strerror or type(exc).__name__)
            raise ConfigurationError(
                f"Cannot start: the file store {store.location} cannot be written ({reason}); {store.settings_hint}"
            ) from exc
        # Each language of the pages has its compiled catalogue (.mo, not in git: `make run` builds it); without
        # one, a deployment that skipped the step would show English to everyone who chose Spanish or French.
        catalogues = Path(app.root_path) / "translations"
        uncompiled = [code for code in app.config["LANGUAGES"] if code != app.config["BABEL_DEFAULT_LOCALE"]
                      and not (catalogues / code / "LC_MESSAGES" / "messages.mo").is_file()]
        if uncompiled:
            raise ConfigurationError(
                f"Cannot start: no compiled catalogue for {', '.join(uncompiled)} (LANGUAGES); run "
                f"`pybabel compile -d {catalogues}` (make run and make test do it)"
            )
        minimum = app.config["FILE_STORE_MIN_FREE_MB"] * MIB
        free = store.free_bytes()  # None for a bucket, which has no free space to run out of
        if free is not None and free < minimum:
            raise ConfigurationError(
                f"Cannot start: only {free // MIB} MiB free for the file store {store.location}; "
                f"FILE_STORE_MIN_FREE_MB asks for at least {minimum // MIB} MiB"
            )
