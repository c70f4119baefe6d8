"""Engine set-up: SQLite pragmas on every connection and BEGIN IMMEDIATE for writers (REL-04, DATA-03).

pysqlite delays BEGIN until the first write, and a read-then-write transaction under WAL fails at once
with "database is locked" when another writer holds the lock (SECURITY.md, SQLite pitfall). So we take
over transaction control: autocommit at the driver level, and an explicit BEGIN — IMMEDIATE when the
unit of work will write (unsafe HTTP methods and CLI commands), deferred for reads.

SQLite creates the database file with the process's umask (often 0644); each new connection makes it
and its ``-wal`` and ``-shm`` files 0600 (SQLite gives the files it creates later the database file's
mode), so only the app's user can read them, like the 0700 instance folder around them (CRY-01).
"""

import logging
import os
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

log = logging.getLogger("caseapp.core.database")

DATABASE_FILE_MODE = 0o600

SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA secure_delete=ON",
)


def set_write_intent(value: bool):
    return _write_intent.set(value)


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


def reads_only(view):
    """Mark a view whose POST only reads (a search whose words travel by POST to stay out of URLs,
    DATA-01): its transaction is a deferred read like a GET's, so it never waits for, nor holds, the
    SQLite write lock."""
    view.reads_only = True
    return view


def will_write(method: str, view) -> bool:
    """Whether a request's transactions take the write lock at BEGIN: unsafe methods, unless the view
    only reads."""
    return method not in SAFE_METHODS and not getattr(view, "reads_only", False)


@contextmanager
def writing():
    """Transactions begun inside this block take the SQLite write lock at BEGIN."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def write_apart(engine: Engine, write: Callable[[Session], None]) -> bool:
    """Run ``write(session)`` in a short write transaction on a connection of its own: bookkeeping after
    a request that has already succeeded (a token's or a feed's "last used" time). Returns False when the
    database was busy, since that must not fail the request; the caller logs it."""
    try:
        with writing(), Session(engine) as session, session.begin():
            write(session)
    except SQLAlchemyError:
        return False
    return True


def restrict_database_files(path: str) -> None:
    """Make a SQLite database file and its ``-wal``/``-shm`` files, where they exist, 0600 (CRY-01)."""
    for name in (path, f"{path}-wal", f"{path}-shm"):
        try:
            if os.stat(name).st_mode & 0o777 != DATABASE_FILE_MODE:
                os.chmod(name, DATABASE_FILE_MODE)
        except FileNotFoundError:
            continue
        except PermissionError:  # another user's file: say so, the connection still works
            log.warning("database.file_mode_unchanged", extra={"file": os.path.basename(name)})


def install_sqlite_listeners(busy_timeout_ms: int) -> None:
    """Register the listeners once per process; they act only on SQLite connections."""
    if getattr(install_sqlite_listeners, "installed", False):
        return

    @event.listens_for(Engine, "connect")
    def _configure_sqlite(dbapi_connection, _record):
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        files = [row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main" and row[2]]
        cursor.close()
        for path in files:
            restrict_database_files(path)

    @event.listens_for(Engine, "begin")
    def _begin_sqlite(connection):
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")

    install_sqlite_listeners.installed = True
