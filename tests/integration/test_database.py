"""SQLite connection set-up (DATA-03) and writer locking (REL-04); see caseapp/core/database.py."""

import fcntl
import os
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from caseapp.core.database import WRITER_LOCK_SUFFIX, writing
from caseapp.core.extensions import db

THREADS = 4
TRANSACTIONS_PER_THREAD = 25

_scratch = MetaData()
counters = Table("test_counters", _scratch,
                 Column("id", Integer, primary_key=True), Column("value", Integer, nullable=False))
ledger = Table("test_ledger", _scratch,
               Column("id", Integer, primary_key=True), Column("seen", Integer, nullable=False))


@pytest.fixture
def engine(app):
    """The app's engine on its SQLite file, with a counter row to read and then write."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas and BEGIN IMMEDIATE only; PostgreSQL locks rows itself")
    _scratch.create_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(insert(counters).values(id=1, value=0))
    return db.engine


def _pragma(connection, name: str):
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_every_pooled_sqlite_connection_has_the_pragmas(engine):  # DATA-03
    connections = [engine.connect() for _ in range(6)]  # more than the pool's default size of 5
    try:
        assert len({id(c.connection.dbapi_connection) for c in connections}) == len(connections)
        for connection in connections:
            assert _pragma(connection, "foreign_keys") == 1
            assert _pragma(connection, "secure_delete") == 1
            assert _pragma(connection, "journal_mode") == "wal"
            assert _pragma(connection, "busy_timeout") >= 5000
            connection.rollback()
    finally:
        for connection in connections:
            connection.close()
    with engine.connect() as connection:  # and again when a connection comes back out of the pool
        assert _pragma(connection, "foreign_keys") == 1


def _file_path(engine) -> str:
    return engine.url.database


def test_concurrent_read_then_write_transactions_all_commit(engine):  # REL-04
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(TRANSACTIONS_PER_THREAD):
                with writing(), Session(engine) as session, session.begin():
                    seen = session.execute(select(counters.c.value).where(counters.c.id == 1)).scalar_one()
                    session.execute(insert(ledger).values(seen=seen))
                    session.execute(update(counters).where(counters.c.id == 1).values(value=seen + 1))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    total = THREADS * TRANSACTIONS_PER_THREAD
    with engine.connect() as connection:
        # Every transaction committed, and each saw the one before it: no lost updates.
        assert connection.execute(select(counters.c.value)).scalar_one() == total
        assert sorted(connection.execute(select(ledger.c.seen)).scalars()) == list(range(total))


def test_writing_takes_the_write_lock_at_begin(engine):  # REL-04
    other = sqlite3.connect(_file_path(engine), timeout=0, isolation_level=None)
    try:
        with writing(), engine.connect() as connection:
            connection.begin()
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
            connection.rollback()
        other.execute("BEGIN IMMEDIATE")  # free again once the writer is done
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_deferred_begin_outside_writing_does_not_lock_and_read_then_write_fails(engine):  # REL-04
    other = sqlite3.connect(_file_path(engine), timeout=0, isolation_level=None)
    try:
        with engine.connect() as connection:
            connection.begin()
            assert connection.execute(select(counters.c.value)).scalar_one() == 0
            # A deferred BEGIN holds no write lock: another writer starts and commits meanwhile.
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE test_counters SET value = value + 1")
            other.execute("COMMIT")
            # Which is why writers need writing(): the reader's snapshot is stale, so its upgrade to a
            # writer fails at once, whatever the busy timeout.
            with pytest.raises(OperationalError, match="database is locked"):
                connection.execute(update(counters).values(value=counters.c.value + 1))
            connection.rollback()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT value FROM test_counters")).scalar_one() == 1
    finally:
        other.close()


def test_a_page_view_that_changes_no_session_data_takes_no_write_lock(app, people, clients):  # REL-04
    """Reading a page writes nothing once the session holds its CSRF token and was touched recently,
    so it answers while another writer holds SQLite's write lock (it used to queue for it, empty)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite's write lock")
    partner = clients("partner_a")
    partner.get("/account")  # the first page stores the session's CSRF token: a write
    other = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), timeout=0,
                            isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        page = partner.get("/account")
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert page.status_code == 200


# --- the writers' queue (issue 20, point 3) ------------------------------------------------------

def _queue_is_free(engine) -> bool:
    """Whether another process could take the writers' queue now (a descriptor of our own, as a second
    worker would have)."""
    fd = os.open(_file_path(engine) + WRITER_LOCK_SUFFIX, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing the descriptor also lets go of a lock it took
    return True


def test_a_writer_holds_the_queue_until_its_commit_and_no_longer(engine):  # REL-04
    lock_file = Path(_file_path(engine) + WRITER_LOCK_SUFFIX)
    with writing(), engine.connect() as connection:
        connection.begin()
        assert lock_file.stat().st_mode & 0o777 == 0o600  # beside the database, like it only the app's (CRY-01)
        assert not _queue_is_free(engine)
        connection.execute(update(counters).values(value=counters.c.value + 1))
        connection.commit()
        # Let go at the COMMIT, while the connection is still out of the pool: the next writer starts now.
        assert _queue_is_free(engine)
        connection.begin()
        assert not _queue_is_free(engine)
        connection.rollback()
        assert _queue_is_free(engine)
    with engine.connect() as connection:  # a reader never joins the queue
        connection.begin()
        assert connection.execute(select(counters.c.value)).scalar_one() == 1
        assert _queue_is_free(engine)
        connection.rollback()


def test_a_second_writer_waits_in_the_queue_for_the_first_ones_commit(engine):  # REL-04
    first_began, second_began = threading.Event(), threading.Event()
    order: list[str] = []

    def second_writer() -> None:
        first_began.wait(timeout=10)
        with writing(), Session(engine) as session, session.begin():
            session.execute(select(counters.c.value))  # begins: waits in the queue
            second_began.set()
            order.append("second began")
            session.execute(update(counters).values(value=counters.c.value * 10))

    thread = threading.Thread(target=second_writer)
    thread.start()
    with writing(), Session(engine) as session, session.begin():
        session.execute(update(counters).values(value=counters.c.value + 1))
        first_began.set()
        # The second writer is queued, not polling SQLite's lock: it has not begun while we hold it.
        assert not second_began.wait(timeout=0.3)
        order.append("first commits")
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert order == ["first commits", "second began"]
    with engine.connect() as connection:
        assert connection.execute(select(counters.c.value)).scalar_one() == 10  # (0 + 1) * 10: in order
