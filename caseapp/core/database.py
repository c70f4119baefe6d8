"""Engine set-up: SQLite pragmas on every connection and BEGIN IMMEDIATE for writers (REL-04, DATA-03).

pysqlite delays BEGIN until the first write, and a read-then-write transaction under WAL fails at once
with "database is locked" when another writer holds the lock (SECURITY.md, SQLite pitfall). So we take
over transaction control: autocommit at the driver level, and an explicit BEGIN — IMMEDIATE when the
unit of work will write (unsafe HTTP methods and CLI commands), deferred for reads.

SQLite creates the database file with the process's umask (often 0644); each new connection makes it
and its ``-wal`` and ``-shm`` files 0600 (SQLite gives the files it creates later the database file's
mode), so only the app's user can read them, like the 0700 instance folder around them (CRY-01).

Writers queue on a lock file before BEGIN IMMEDIATE (issue 20, point 3). SQLite's own wait for its write
lock (``busy_timeout``) polls with growing sleeps, up to 100 ms each, so under a burst of writes from
several workers a waiting writer sleeps long after the lock is free: submissions ran at a third of what
the workers could do. The lock file (``<database>-writer.lock``, beside the database, 0600) is locked with
``flock`` by one writing connection at a time and tried every half millisecond, so the next writer starts
within a millisecond of the previous one's COMMIT or ROLLBACK. SQLite's lock still
guards the data: the queue only orders the writers that use it; a writer that cannot get it within
``busy_timeout`` goes on and waits in SQLite as before; a second write connection opened by a thread
that already holds the queue (a bookkeeping write beside the request's) goes straight to SQLite, never
waiting on itself.
"""

import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Engine, event, func, select
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

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


def write_intent() -> bool:
    return _write_intent.get()


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


def reads_only(view):
    """Mark a view whose POST only reads (a search whose words travel by POST to stay out of URLs,
    DATA-01): its transaction is a deferred read like a GET's, so it never waits for, nor holds, the
    SQLite write lock."""
    view.reads_only = True
    return view


def writes_late(view):
    """Mark a view that reads and checks before it writes (the report form's POST): its transaction
    begins as a deferred read, so the reading, the form's validation and the decryption run beside
    other writers; the view calls ``start_writing`` before its first write (issue 20, point 3)."""
    view.writes_late = True
    return view


def will_write(method: str, view) -> bool:
    """Whether a request's transactions take the write lock at BEGIN: unsafe methods, unless the view
    only reads, or takes the lock itself later (``writes_late``)."""
    return (method not in SAFE_METHODS and not getattr(view, "reads_only", False)
            and not getattr(view, "writes_late", False))


def start_writing(session: Session) -> None:
    """End the read transaction (nothing was written in it) and take the write lock at the next BEGIN.

    The objects read so far are expired and read again under the lock, so the writes rest on what is
    committed now, not on the snapshot the checks read (a report submitted meanwhile in another tab is
    seen as submitted). A rollback, not a commit: a stray change made before this point is not kept."""
    session.rollback()
    _write_intent.set(True)


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


WRITER_LOCK_SUFFIX = "-writer.lock"
WRITER_LOCK_POLL = 0.0005  # seconds between two tries of the writers' queue
_WRITER_LOCK = "caseapp.writer_lock"  # connection record info: (pid, file descriptor, path)


class _WriterQueue(threading.local):
    """The connection records through which this thread holds the writers' queue."""

    def __init__(self):
        self.holding: set[int] = set()


_writer_queue = _WriterQueue()


def _writer_lock_fd(record) -> int | None:
    """The connection's own descriptor of the lock file (its own open file, so two connections of one
    process exclude each other), opened on first use, again after a fork."""
    pid, fd, path = record.info.get(_WRITER_LOCK, (None, None, None))
    if path is None:
        return None
    if pid != os.getpid() or fd is None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, DATABASE_FILE_MODE)
        record.info[_WRITER_LOCK] = (os.getpid(), fd, path)
    return fd


def _join_writer_queue(record, busy_timeout_ms: int) -> None:
    if id(record) in _writer_queue.holding or _writer_queue.holding:
        return  # this connection holds it already, or this thread does through another connection
    fd = _writer_lock_fd(record)
    if fd is None:
        return
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return  # SQLite's own wait decides
            time.sleep(WRITER_LOCK_POLL)
            continue
        _writer_queue.holding.add(id(record))
        return


def _leave_writer_queue(record) -> None:
    if id(record) not in _writer_queue.holding:
        return
    _writer_queue.holding.discard(id(record))
    _pid, fd, _path = record.info[_WRITER_LOCK]
    fcntl.flock(fd, fcntl.LOCK_UN)


def _leave_queue_after_transactions(dialect) -> None:
    """Leave the queue as soon as the COMMIT or ROLLBACK is done (SQLAlchemy's commit and rollback events
    come before them; checking the connection in to the pool also leaves it, should a connection stay
    out). Wrapped once per SQLite dialect object."""
    if getattr(dialect, "_caseapp_writer_queue", False):
        return

    def after(end):
        def ended(connection):
            try:
                end(connection)
            finally:
                record = getattr(connection, "_connection_record", None)
                if record is not None:
                    _leave_writer_queue(record)
        return ended

    dialect.do_commit = after(dialect.do_commit)
    dialect.do_rollback = after(dialect.do_rollback)
    dialect._caseapp_writer_queue = True


class _SQLiteCompilerWithIndexHints(SQLiteCompiler):
    """SQLite's compiler, writing out the table hints SQLAlchemy drops for SQLite, so that a query can name
    the index it must walk: ``select(...).with_hint(Case, "INDEXED BY ix_…", "sqlite")``. SQLite keeps no
    statistics without ANALYZE (which made other lists' plans worse when tried), and its guess prefers an
    index that finds rows by equality, then sorts them all, to one that gives them in order: for a long
    list cut to its first page, the order's index is the cheaper (``cases.page_of_ids``)."""

    def get_from_hint_text(self, table, text):
        return text


def accept_index_hints(engine: Engine) -> None:
    """Let queries on this engine name their index on SQLite (above); other databases plan for themselves,
    and SQLAlchemy leaves a hint for SQLite out of their SQL."""
    if engine.dialect.name == "sqlite" and engine.dialect.statement_compiler is SQLiteCompiler:
        engine.dialect.statement_compiler = _SQLiteCompilerWithIndexHints


def install_sqlite_listeners(busy_timeout_ms: int) -> None:
    """Register the listeners once per process; they act only on SQLite connections."""
    if getattr(install_sqlite_listeners, "installed", False):
        return

    @event.listens_for(Engine, "connect")
    def _configure_sqlite(dbapi_connection, record):
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
        if files:
            record.info[_WRITER_LOCK] = (None, None, files[0] + WRITER_LOCK_SUFFIX)

    @event.listens_for(Engine, "begin")
    def _begin_sqlite(connection):
        if connection.dialect.name != "sqlite":
            return
        if _write_intent.get():
            _leave_queue_after_transactions(connection.dialect)
            _join_writer_queue(connection.connection._connection_record, busy_timeout_ms)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    @event.listens_for(Pool, "checkin")
    def _checkin(_dbapi_connection, record):
        if record is not None:
            _leave_writer_queue(record)

    @event.listens_for(Pool, "close")
    def _close(_dbapi_connection, record):
        _leave_writer_queue(record)
        _pid, fd, _path = record.info.pop(_WRITER_LOCK, (None, None, None))
        if fd is not None:
            os.close(fd)

    install_sqlite_listeners.installed = True


def count_up_to(session: Session, query, cap: int) -> int:
    """How many rows ``query`` selects, counted no further than ``cap + 1``: more than ``cap`` when it says so.
    A count that costs the same at a thousand rows or a million (issue 20)."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).limit(cap + 1).subquery()))
