"""``database://``: a storage of the ``limits`` package in the app's own database, so that the per-address
rate limits (login, JSON API, calendar feeds) are counted once for every gunicorn worker and every host
on the same database, not once per process as with ``memory://`` (issue 15, point 13; AUTH-11).

It implements the fixed-window strategy only (Flask-Limiter's default): one row per window and key in
``rate_limit_counters``, incremented by a single ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` that also
starts a new window when the old one has passed. The database does the arithmetic under its own row
lock (PostgreSQL) or write lock (SQLite), so concurrent workers never read, add and write back a stale
count.

Each call runs in a short transaction on a connection of its own, never on the request's session: a
rate-limit hit neither commits nor rolls back the request's unit of work. Rows of windows that have
passed are deleted by the storage itself, at most once every ``PURGE_INTERVAL`` seconds per process,
in the same short transaction as an increment (cheap: ``expires_at`` is indexed).
"""

import hashlib
import threading
import time
from collections.abc import Callable

from limits.storage import Storage
from sqlalchemy import Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.models.rate_limit import RateLimitCounter

SCHEME = "database"
SUPPORTED_STRATEGIES = ("fixed-window",)
PURGE_INTERVAL = 300.0  # seconds between two purges of passed windows, in one process
KEY_LENGTH = 255  # the column's length; a longer key is stored by its SHA-256

_table = RateLimitCounter.__table__


class DatabaseStorage(Storage):
    """Fixed-window counters in the ``rate_limit_counters`` table.

    ``engine`` is an SQLAlchemy engine, or a function returning one; without it the storage uses the
    Flask app's engine (``db.engine``) at each call, since Flask-Limiter builds the storage from the URI
    alone and calls it only inside a request, where the app is known."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 engine: Engine | Callable[[], Engine] | None = None, clock: Callable[[], float] = time.time,
                 **options):
        rest = (uri or f"{SCHEME}://").split("://", 1)[1]
        if rest:  # the storage always lives in the app's database: a URL here would be silently ignored
            raise ValueError(f"{SCHEME}:// takes no location (the app's database is used), not {rest!r}")
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._engine = engine
        self._clock = clock  # Unix time; the tests move it
        self._last_purge: float | None = None
        self._purge_lock = threading.Lock()

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def engine(self) -> Engine:
        if self._engine is None:
            return db.engine  # the current app's, inside the request being limited
        return self._engine if isinstance(self._engine, Engine) else self._engine()

    # --- the fixed window ------------------------------------------------------------------------------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the key's count and return the new count; a window that has passed (or a
        new key) starts again at ``amount`` and ends ``expiry`` seconds from now."""
        now = self._clock()
        engine = self.engine()
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        statement = insert(_table).values(key=_row_key(key), count=amount, expires_at=now + expiry)
        # In ON CONFLICT … SET, the table's columns are the row as it was: the CASE reads the old window.
        window_passed = _table.c.expires_at <= now
        statement = statement.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={
                "count": case((window_passed, statement.excluded.count),
                              else_=_table.c.count + statement.excluded.count),
                "expires_at": case((window_passed, statement.excluded.expires_at), else_=_table.c.expires_at),
            },
        ).returning(_table.c.count)
        with writing(), engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
            if self._purge_due():
                connection.execute(delete(_table).where(_table.c.expires_at <= now))
        return count

    def get(self, key: str) -> int:
        with self.engine().connect() as connection:
            count = connection.execute(
                select(_table.c.count).where(_table.c.key == _row_key(key), _table.c.expires_at > self._clock())
            ).scalar_one_or_none()
        return count or 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (Unix time); now when it has no window, as ``memory://`` answers."""
        now = self._clock()
        with self.engine().connect() as connection:
            expires_at = connection.execute(
                select(_table.c.expires_at).where(_table.c.key == _row_key(key), _table.c.expires_at > now)
            ).scalar_one_or_none()
        return now if expires_at is None else expires_at

    def check(self) -> bool:
        """Whether the table answers (Flask-Limiter's health check, and the start-up self-test)."""
        try:
            with self.engine().connect() as connection:
                connection.execute(select(_table.c.key).limit(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with writing(), self.engine().begin() as connection:
            return connection.execute(delete(_table)).rowcount

    def clear(self, key: str) -> None:
        with writing(), self.engine().begin() as connection:
            connection.execute(delete(_table).where(_table.c.key == _row_key(key)))

    def purge(self) -> int:
        """Delete the rows of windows that have passed; the number deleted."""
        with writing(), self.engine().begin() as connection:
            return connection.execute(delete(_table).where(_table.c.expires_at <= self._clock())).rowcount

    def _purge_due(self) -> bool:
        """True at most once every PURGE_INTERVAL in this process (and at its first increment)."""
        with self._purge_lock:
            now = time.monotonic()
            if self._last_purge is not None and now - self._last_purge < PURGE_INTERVAL:
                return False
            self._last_purge = now
            return True


def _row_key(key: str) -> str:
    if len(key) <= KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
