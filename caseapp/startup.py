"""The start-up self-test (CRY-08, REL-05): run before serving, so a wrong key, an unmigrated database
or an unseeded States register stops the server with a clear message instead of failing on the first
request."""

import shutil

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from caseapp import ConfigurationError
from caseapp.database import writing
from caseapp.extensions import db
from caseapp.models import KekCanary, StateParty
from caseapp.runtime import file_store, keyring
from caseapp.services import keys, register

MIN_FREE_BYTES = 256 * 1024 * 1024


def self_test(app: Flask) -> None:
    with app.app_context(), writing():
        try:
            inspector = inspect(db.engine)
            migrated = all(inspector.has_table(model.__tablename__) for model in (KekCanary, StateParty))
        except SQLAlchemyError as exc:
            raise ConfigurationError(f"Cannot start: the database does not answer ({type(exc).__name__})") from exc
        if not migrated:
            raise ConfigurationError("Cannot start: the database is not migrated; run `flask db upgrade`")
        if not register.is_seeded(db.session):
            raise ConfigurationError(
                f"Cannot start: the States register is empty; run `{register.SEED_COMMAND}`"
            )
        wrong = keys.check_canaries(db.session, keyring())
        if wrong:
            db.session.rollback()
            raise ConfigurationError(
                f"Cannot start: key-encryption key {', '.join(wrong)} does not decrypt its canary — "
                "this is not the key this database was encrypted with"
            )
        db.session.commit()
        store = file_store()
        store.ensure()
        if shutil.disk_usage(store.root).free < MIN_FREE_BYTES:
            raise ConfigurationError(f"Cannot start: less than {MIN_FREE_BYTES // 2**20} MiB free for the file store")
