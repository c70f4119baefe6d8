"""Shared fixtures; the helpers they build on are in ``tests/factories.py``, which is where test modules
import them from.

Each test gets a fresh instance folder and an empty database: SQLite in the instance folder by
default, or PostgreSQL when ``TEST_DATABASE_URL`` is set (one database per xdist worker).
"""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from caseapp.models import Base
from tests.factories import login, make_organisation, make_people, ram_disk, running_app, worker_database_url
from tests.mail import MailServer
from tests.redis_server import RedisServer, missing_redis_server
from tests.s3_server import S3Server, missing_s3_server
from tests.server_process import require

# Hypothesis (SECURITY.md "Test methods" item 6): ``ci`` keeps property tests within the suite's time
# budget on two cores; HYPOTHESIS_PROFILE=thorough searches longer, e.g. after changing crypto code.
settings.register_profile("ci", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def database_url(worker_id, tmp_path_factory):
    """None for SQLite (a file per test in the instance folder), or this worker's PostgreSQL URL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    url = worker_database_url(base, worker_id)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def tmp_path(tmp_path):
    """Each test's instance folder, on a RAM disk when the host has one (``factories.ram_disk``)."""
    base = ram_disk()
    if base is None:
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=base, prefix="caseapp-test-") as path:
        yield Path(path)


@pytest.fixture
def app(tmp_path, database_url):
    with running_app(tmp_path, database_url) as app:
        yield app


@pytest.fixture
def mail_server():
    """A real SMTP server on 127.0.0.1 (``tests.mail.MailServer``); point the app at it with its ``settings()``."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(tmp_path_factory):
    """A real Redis server on 127.0.0.1 (``tests.redis_server.RedisServer``): its ``url`` for
    RATELIMIT_STORAGE_URI, ``stop()``/``start()`` for an outage. Without redis-server the test is skipped,
    but in CI (CI=true), where .ci/run installs it, that fails the run."""
    require(missing_redis_server(), "Redis")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3 server on 127.0.0.1 (``tests.s3_server.S3Server``, SeaweedFS), one per test session (it takes
    a few seconds to start): each test asks for ``settings()``, a prefix of its own in the server's one bucket.
    Without the weed binary the test is skipped, but in CI (CI=true), where the dev install brings it, that
    fails the run."""
    require(missing_s3_server(), "S3")
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def clients(app, people):
    """``clients("lawyer")``: a test client signed in as one of ``people``."""
    def signed_in(who):
        client = app.test_client()
        login(app, client, people[who].user)
        return client
    return signed_in


@pytest.fixture
def org_a(app):
    return make_organisation("Organisation A")


@pytest.fixture
def org_b(app):
    return make_organisation("Organisation B")


@pytest.fixture
def people(app, org_a, org_b):
    return make_people(app, org_a, org_b)
