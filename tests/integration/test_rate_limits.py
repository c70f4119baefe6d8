"""The ``database://`` storage of the per-address rate limits (issue 15, point 13; AUTH-11), on the
suite's database: a SQLite file by default, PostgreSQL under TEST_DATABASE_URL. The proof across three
gunicorn workers is ``tests/integration/test_concurrency.py::test_three_workers_share_one_login_limit``."""

import logging
import threading
import time
from contextlib import contextmanager

import pytest
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import create_engine, func, select

import config
from caseapp import ConfigurationError
from caseapp.core import rate_limits
from caseapp.core.extensions import db, limiter
from caseapp.core.logs import JsonFormatter
from caseapp.core.rate_limits import DatabaseStorage
from caseapp.domain import permissions
from caseapp.models import Organisation, RateLimitCounter
from caseapp.web.startup import self_test
from tests.factories import build_app, running_app

THREADS = 4
HITS_PER_THREAD = 40


class Clock:
    """Unix time that the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def storage(app, clock):
    return DatabaseStorage("database://", engine=db.engine, clock=clock)


def _keys() -> list[str]:
    """The stored keys, read on a connection of its own (the session would keep its snapshot)."""
    with db.engine.connect() as connection:
        return sorted(connection.scalars(select(RateLimitCounter.key)))


def test_increments_count_up_within_the_window_and_start_again_after_it(storage, clock):  # AUTH-11
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") == clock.now + 60
    assert storage.incr("k", 60, amount=2) == 5
    clock.now += 59.5
    assert storage.incr("k", 60) == 6 and storage.get_expiry("k") == clock.now - 59.5 + 60  # the same window
    clock.now += 0.5  # the window has passed: the next hit opens a new one
    assert storage.get("k") == 0 and storage.get_expiry("k") == clock.now
    assert storage.incr("k", 60) == 1 and storage.get_expiry("k") == clock.now + 60
    assert storage.get("other") == 0


def test_clear_forgets_one_key_and_reset_every_key(storage):  # AUTH-11
    storage.incr("a", 60)
    storage.incr("b", 60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    storage.incr("c", 60)
    assert storage.reset() == 2
    assert storage.get("b") == storage.get("c") == 0
    assert storage.check()


def test_a_key_longer_than_the_column_is_counted_under_its_digest(storage):  # AUTH-11
    key = "LIMITER/" + "x" * 400
    assert [storage.incr(key, 60) for _ in range(2)] == [1, 2]
    assert storage.get(key) == 2
    [stored] = _keys()
    assert stored.startswith("sha256:") and len(stored) == 71


def test_the_fixed_window_strategy_lets_the_limit_through_and_no_more(storage):  # AUTH-11
    strategy, limit = FixedWindowRateLimiter(storage), parse("3 per minute")
    assert [strategy.hit(limit, "address:192.0.2.1", "auth.login") for _ in range(5)] == [True] * 3 + [False] * 2
    assert strategy.hit(limit, "address:192.0.2.2", "auth.login")  # another address has its own count


def test_windows_that_have_passed_are_purged_at_most_every_interval(storage, clock, monkeypatch):  # AUTH-11
    storage.incr("old", 60)  # the first increment purges (there is nothing yet)
    clock.now += 61
    storage.incr("new", 60)  # within PURGE_INTERVAL of the last purge: "old" stays
    assert _keys() == ["new", "old"]
    monkeypatch.setattr(rate_limits, "PURGE_INTERVAL", 0.0)
    storage.incr("new", 60)
    assert _keys() == ["new"]
    clock.now += 61
    assert storage.purge() == 1 and _keys() == []


def _hit_from_threads(storage: DatabaseStorage) -> list[int]:
    counts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def hit():
        try:
            start.wait()
            for _ in range(HITS_PER_THREAD):
                counts.append(storage.incr("shared", 600))
        except BaseException as exc:  # reported below, with the test's failure
            errors.append(exc)

    threads = [threading.Thread(target=hit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return counts


@contextmanager
def _engines(app, count: int):
    """``count`` engines of their own on the app's database, as ``count`` worker processes would have."""
    engines = [create_engine(app.config["SQLALCHEMY_DATABASE_URI"]) for _ in range(count)]
    try:
        yield engines
    finally:
        for engine in engines:
            engine.dispose()


def test_concurrent_increments_from_several_connections_give_an_exact_count(app):  # AUTH-11
    """Threads on one engine's pool, then on engines of their own: every increment is counted once,
    and each returns a different count (no two read the same value and wrote it back)."""
    shared = DatabaseStorage("database://", engine=db.engine)
    counts = _hit_from_threads(shared)
    assert sorted(counts) == list(range(1, THREADS * HITS_PER_THREAD + 1))
    with _engines(app, THREADS) as engines:
        storages = iter([DatabaseStorage("database://", engine=engine) for engine in engines])
        local = threading.local()

        class PerThread(DatabaseStorage):
            def engine(self):
                if not hasattr(local, "storage"):
                    local.storage = next(storages)
                return local.storage.engine()

        counts = _hit_from_threads(PerThread("database://"))
    total = 2 * THREADS * HITS_PER_THREAD
    assert sorted(counts) == list(range(THREADS * HITS_PER_THREAD + 1, total + 1))
    assert shared.get("shared") == total


def test_a_hit_neither_commits_nor_rolls_back_the_requests_unit_of_work(storage):  # AUTH-11
    if db.engine.dialect.name == "sqlite":
        # SQLite has one writer: a request's write transaction is never open while the limiter counts
        # (before the view, and after it once _end_transaction_before_deductions has ended it).
        db.session.scalar(select(func.count()).select_from(Organisation))
    else:
        db.session.add(Organisation(name="Uncommitted NGO"))
        db.session.flush()
    assert storage.incr("k", 60) == 1
    assert db.session().in_transaction()  # the request's transaction is still its own
    db.session.rollback()
    assert storage.get("k") == 1  # the count stands
    assert db.session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.name == "Uncommitted NGO")) == 0


def test_the_database_storage_is_the_default():  # AUTH-11
    assert config.Config.RATELIMIT_STORAGE_URI == "database://"
    assert config.Config.RATELIMIT_STRATEGY == "fixed-window"
    assert config.TestingConfig.RATELIMIT_STORAGE_URI == "database://"  # the suite's limit tests use it too


@pytest.mark.parametrize(("settings", "named"), [
    ({"RATELIMIT_STORAGE_URI": "sql://user:secret@host/db"}, "RATELIMIT_STORAGE_URI sql://…"),
    ({"RATELIMIT_STORAGE_URI": "database://elsewhere"}, "RATELIMIT_STORAGE_URI database://…"),
    ({"RATELIMIT_STRATEGY": "moving-window"}, "RATELIMIT_STRATEGY 'moving-window'"),
])
def test_an_unusable_storage_setting_stops_the_start_naming_it(tmp_path, database_url, settings, named):  # AUTH-11
    with pytest.raises(ConfigurationError) as refused:
        build_app(tmp_path, database_url, RATELIMIT_ENABLED=True, **settings)
    assert named in str(refused.value) and "secret" not in str(refused.value)


def test_redis_can_be_configured_with_the_locked_install(tmp_path, database_url):  # AUTH-11
    build_app(tmp_path, database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    assert type(limiter.storage).__name__ == "RedisStorage"  # no "'redis' prerequisite not available"


def test_start_up_refuses_an_unmigrated_rate_limit_table(tmp_path, database_url):  # AUTH-11
    with running_app(tmp_path, database_url, RATELIMIT_ENABLED=True) as app:
        self_test(app)  # the control: the database's table answers
        RateLimitCounter.__table__.drop(db.engine)
        with pytest.raises(ConfigurationError, match="the database is not migrated"):
            self_test(app)
        RateLimitCounter.__table__.create(db.engine)  # for running_app's clean-up on PostgreSQL


def test_start_up_goes_on_with_a_warning_when_redis_does_not_answer(tmp_path, database_url, caplog):  # AUTH-11
    """The limits are then counted in the process's memory (tests/integration/test_rate_limits_redis.py
    has the outage on a real server); the warning names the setting, never the URI's password."""
    unreachable = "redis://:secret@127.0.0.1:1/0"  # nothing listens on port 1
    caplog.set_level(logging.INFO, logger="caseapp")
    with running_app(tmp_path, database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=unreachable,
                     RATELIMIT_LOGIN="2 per hour") as app:
        self_test(app)
        client = app.test_client()
        statuses = [client.post("/login", data={"email": "a@example.org", "password": "x"}).status_code
                    for _ in range(3)]
    assert statuses == [200, 200, 429]  # limited, in memory
    [warning] = [record for record in caplog.records if record.getMessage() == "rate_limit.storage_unreachable"]
    assert warning.levelname == "WARNING" and warning.storage == "RATELIMIT_STORAGE_URI (redis://…)"
    assert "secret" not in caplog.text and "secret" not in JsonFormatter().format(warning)


def test_the_next_app_in_the_process_does_not_inherit_an_outage_or_the_fallback(tmp_path, database_url):  # AUTH-11
    """The limiter is one object per process; the test suite builds many apps with it."""
    with running_app(tmp_path / "redis", database_url, RATELIMIT_ENABLED=True,
                     RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0") as app:
        self_test(app)
        assert limiter.fallback_enabled
    with running_app(tmp_path / "database", database_url, RATELIMIT_ENABLED=True,
                     RATELIMIT_LOGIN="1 per hour") as app:
        assert not limiter.fallback_enabled
        client = app.test_client()
        statuses = [client.post("/login", data={"email": "a@example.org", "password": "x"}).status_code
                    for _ in range(2)]
        assert statuses == [200, 429] and len(_keys()) == 1  # counted in the database, not in memory


def test_start_up_refuses_an_unanswering_redis_when_the_fallback_is_turned_off(tmp_path, database_url):  # AUTH-11
    with (running_app(tmp_path, database_url, RATELIMIT_ENABLED=True,
                      RATELIMIT_STORAGE_URI="redis://:secret@127.0.0.1:1/0",
                      RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=False) as app,
          pytest.raises(ConfigurationError) as refused):
        self_test(app)
    message = str(refused.value)
    assert "RATELIMIT_STORAGE_URI (redis://…) does not answer" in message and "secret" not in message


def test_refused_api_writes_are_counted_without_waiting_for_the_requests_lock(tmp_path, database_url):  # AUTH-11
    """A POST with a made-up token is refused after the request's write transaction began (BEGIN IMMEDIATE
    on SQLite); the refusal is counted after the response, in a transaction of its own, which must not
    wait for that lock (a 500 after busy_timeout)."""
    with running_app(tmp_path, database_url, RATELIMIT_ENABLED=True, RATELIMIT_API_AUTH_FAILURES="2 per minute",
                     SQLITE_BUSY_TIMEOUT_MS=1000) as app:
        client = app.test_client()
        made_up = {"Authorization": "Bearer escr_" + "1" * 43}
        statuses = [client.post("/api/v1/reports", json={}, headers=made_up).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_a_count_after_the_response_does_not_wait_for_the_views_open_transaction(tmp_path, database_url,
                                                                                   monkeypatch):  # AUTH-11
    """A view that answers a refusal itself (no abort, so no error handler rolls back) with its write
    transaction still open: the limiter's count after the response must still go through at once."""
    def add_probe(app):
        def probe():
            db.session.scalar(select(func.count()).select_from(Organisation))  # BEGIN IMMEDIATE on SQLite
            return "refused", 404

        view = limiter.limit("2 per minute", deduct_when=lambda response: response.status_code == 404)(probe)
        app.add_url_rule("/probe-refusal", endpoint="probe_refusal", view_func=view, methods=["POST"])

    monkeypatch.setitem(permissions.ENDPOINT_POLICY, "probe_refusal", {"POST": permissions.PUBLIC})
    with running_app(tmp_path, database_url, prepare=add_probe, RATELIMIT_ENABLED=True,
                     SQLITE_BUSY_TIMEOUT_MS=1000) as app:
        client = app.test_client()
        statuses = [client.post("/probe-refusal").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_the_hourly_purge_command_deletes_passed_windows_only(app, storage, clock):  # AUTH-11
    """While nobody uses the app its own purge never runs: cron's `flask sessions purge` deletes the
    counters of passed windows, which keep client addresses."""
    clock.now = time.time() - 3600  # the command reads the real clock
    storage.incr("address:192.0.2.1/passed", 60)
    clock.now = time.time()
    storage.incr("address:192.0.2.2/current", 60)  # within PURGE_INTERVAL of the first: no purge by the storage
    result = app.test_cli_runner().invoke(args=["sessions", "purge"])
    assert result.exit_code == 0 and "Deleted 1 rate-limit counter of windows that have passed." in result.output
    assert _keys() == ["address:192.0.2.2/current"]
