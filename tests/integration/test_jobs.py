"""Background jobs on real servers (issue 22, point 3): a Redis broker (``redis-server`` on 127.0.0.1, the
``redis_server`` fixture), Celery workers and celery-redbeat schedulers started as processes of their own
(``celery -A caseapp.jobs.worker …``, stopped by their process ids), an SMTP server (aiosmtpd) and the suite's
database — SQLite in the test's instance folder, which the workers open too, or the PostgreSQL database of
TEST_DATABASE_URL.

It shows that one event gives exactly one e-mail, when the worker starts after the job was enqueued and
when two workers race for the same jobs; that the outbox sweep delivers, once, an e-mail whose job was
lost (its transaction committed while the broker was down); that with two schedulers a daily job runs
once, even when the one that sent it dies and the other takes over; and that the messages on the broker
hold row ids only — no case content, no key.
"""

import base64
import json
import secrets
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp import ConfigurationError, jobs
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.core.mail import transport_from_config
from caseapp.domain import notifications as kinds
from caseapp.domain.report import VictimInput
from caseapp.models import Notification
from caseapp.models.base import utcnow
from caseapp.models.notification import PENDING, SENT
from caseapp.services import notifications
from tests.celery_processes import CeleryProcess
from tests.factories import (
    TEST_INDEX_SECRET,
    TEST_KEK,
    build_app,
    login,
    make_case,
    make_organisation,
    make_people,
    running_app,
)
from tests.server_process import clean_environment

pytestmark = pytest.mark.slow

MAIL_TIMEOUT = 30.0  # seconds for an e-mail to arrive once its worker runs
SETTLE = 3.0  # seconds to wait after the expected e-mails, for a duplicate that would come late

VICTIM = "Victima Canaria Jb4"
TITLE = "Titulo Secreto Jb4"
NARRATIVE = "Narrativa secreta Jb4"
FILE_NAME = "orden-Jb4.pdf"
REQUEST = "Send the court order Jb4."
PLAINTEXT = (VICTIM, TITLE, NARRATIVE, FILE_NAME, REQUEST, "ID-Jb4")
# Only the periodic jobs a test turns on run; the schedulers look every second.
NO_PERIODIC_JOBS = dict.fromkeys(jobs.DEFAULT_SCHEDULE)


class Instance:
    """The test's app (in this process) and the settings the workers and schedulers share with it."""

    def __init__(self, app, *, database_url: str, secret_key: str, settings: dict):
        self.app = app
        self.database_url = database_url
        self.secret_key = secret_key
        self.settings = settings

    def env(self, schedule: dict) -> dict[str, str]:
        env = clean_environment() | {
            "CASEAPP_CONFIG": "production",  # what an operator runs: JSON logs, production checks
            "CASEAPP_INSTANCE_PATH": self.app.instance_path,
            "DATABASE_URL": self.database_url,
            "CASEAPP_SECRET_KEY": self.secret_key,  # the unsubscribe links the worker signs work on the web
            "CASEAPP_TRUSTED_HOSTS": '["localhost"]',
            "CASEAPP_JOBS_SCHEDULE": json.dumps({**NO_PERIODIC_JOBS, **schedule}),
        }
        for name, value in self.settings.items():
            env[f"CASEAPP_{name}"] = json.dumps(value) if not isinstance(value, str) else value
        return env


@pytest.fixture
def instance(tmp_path, database_url, redis_server, mail_server):
    secret_key = secrets.token_urlsafe(48)
    settings = {**mail_server.settings(), "JOBS_BROKER_URL": redis_server.url, "BASE_URL": "https://localhost",
                "JOBS_OUTBOX_SWEEP_AGE": 0, "JOBS_BEAT_MAX_INTERVAL": 1}
    url = database_url or f"sqlite:///{tmp_path / 'instance' / 'test.sqlite3'}"
    with running_app(tmp_path, database_url, SECRET_KEY=secret_key, **settings) as app:
        yield Instance(app, database_url=url, secret_key=secret_key, settings=settings)


@pytest.fixture
def processes(tmp_path, instance):
    """Start workers and schedulers with ``processes("worker", "w1")``; all are stopped at the end."""
    started: list[CeleryProcess] = []

    def start(kind: str, name: str, schedule: dict | None = None) -> CeleryProcess:
        process = CeleryProcess(instance.env(schedule or {}), tmp_path, kind, name)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def org_a(instance):
    return make_organisation("Organisation A")


@pytest.fixture
def people(instance, org_a):
    return make_people(instance.app, org_a, make_organisation("Organisation B"))


@pytest.fixture
def report(instance, people, org_a):
    case, _document = make_case(instance.app, org_a, people["partner_a"].user,
                                submit=True, title=TITLE, narrative=NARRATIVE, name=FILE_NAME,
                                victim=VictimInput(name=VICTIM, identity_number="ID-Jb4"))
    return case


def ask_for_information(instance, people, report) -> Notification:
    """The event: a lawyer asks the partner for information; its e-mail is enqueued after the commit."""
    lawyer = instance.app.test_client()
    login(instance.app, lawyer, people["lawyer"].user)
    answer = lawyer.post(f"/screening/{report.uuid}/request-information", data={"body": REQUEST})
    assert answer.status_code == 302
    db.session.expire_all()
    [row] = db.session.execute(select(Notification).where(Notification.kind == kinds.INFORMATION_REQUESTED)
                               .where(Notification.case_id == report.id)).scalars()
    return row


def queued(redis_server) -> list[dict]:
    """The jobs waiting on the broker, decoded: each with its task name and arguments."""
    with redis_server.client() as client:
        raw = client.lrange(jobs.QUEUE, 0, -1)
    found = []
    for item in raw:
        message = json.loads(item)
        args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append({"task": message["headers"]["task"], "args": args, "kwargs": kwargs,
                      "origin": message["headers"].get("origin", ""), "raw": item + json.dumps([args, kwargs])})
    return found


def broker_contents(redis_server) -> str:
    """Every key and value Redis holds, with the messages' bodies decoded, as one text to search."""
    parts = []
    with redis_server.client() as client:
        for key in client.scan_iter():
            parts.append(key)
            kind = client.type(key)
            if kind == "string":
                parts.append(client.get(key))
            elif kind == "list":
                parts += client.lrange(key, 0, -1)
            elif kind == "hash":
                parts += [f"{field}={value}" for field, value in client.hgetall(key).items()]
            elif kind == "set":
                parts += sorted(client.smembers(key))
            elif kind == "zset":
                parts += [member for member, _score in client.zrange(key, 0, -1, withscores=True)]
    parts += [message["raw"] for message in queued(redis_server)]
    return "\n".join(parts)


def assert_only_ids_on_the_broker(instance, redis_server) -> None:
    contents = broker_contents(redis_server)
    secrets_ = (*PLAINTEXT, TEST_KEK, TEST_INDEX_SECRET, instance.secret_key, redis_server.password)
    assert [secret for secret in secrets_ if secret in contents] == []
    for message in queued(redis_server):
        assert message["kwargs"] == {}
        assert all(isinstance(arg, int) for arg in message["args"]) and len(message["args"]) <= 1


def wait_for_mail(mail_server, count: int) -> None:
    deadline = time.monotonic() + MAIL_TIMEOUT
    while len(mail_server.messages) < count:
        assert time.monotonic() < deadline, f"{len(mail_server.messages)} of {count} e-mails arrived"
        time.sleep(0.1)
    time.sleep(SETTLE)  # a second copy would arrive meanwhile


def statuses(ids) -> list[str]:
    db.session.rollback()  # a new transaction sees what the workers committed
    return [db.session.get(Notification, notification_id).mail_status for notification_id in ids]


def test_an_email_enqueued_before_any_worker_runs_is_sent_once_when_one_starts(
        instance, people, report, redis_server, mail_server, processes):
    row = ask_for_information(instance, people, report)
    [message] = queued(redis_server)  # enqueued at commit, with nobody to take it yet
    assert message["task"] == jobs.DELIVER_NOTIFICATION and message["args"] == [row.id]
    assert_only_ids_on_the_broker(instance, redis_server)
    assert statuses([row.id]) == [PENDING]

    processes("worker", "late").wait_for("ready.")
    wait_for_mail(mail_server, 1)
    [mail] = mail_server.messages
    assert mail["To"] == people["partner_a"].user.email and report.reference in mail["Subject"]
    assert not [secret for secret in PLAINTEXT if secret in mail.as_string()]  # DATA-06
    assert statuses([row.id]) == [SENT]
    assert queued(redis_server) == []


def test_two_workers_given_each_job_twice_send_each_email_once(
        instance, people, report, redis_server, mail_server, processes):
    for name in ("first", "second"):
        processes("worker", name).wait_for("ready.")
    partners = [people[name].user for name in ("partner_a", "partner_b", "lawyer", "coordinator")]
    rows = [notifications.notify_user(db.session, user, kinds.ACCOUNT_CHANGED, params={"change": "password"})
            for user in partners]
    db.session.commit()  # one job each, after the commit
    ids = [row.id for row in rows]
    assert jobs.enqueue_deliveries(instance.app.extensions[jobs.EXTENSION], ids) == len(ids)  # and again

    wait_for_mail(mail_server, len(ids))
    assert sorted(message["To"] for message in mail_server.messages) == sorted(user.email for user in partners)
    assert len({message["Message-ID"] for message in mail_server.messages}) == len(ids)
    assert statuses(ids) == [SENT] * len(ids)


def test_the_sweep_sends_an_email_whose_job_was_lost_while_the_broker_was_down(
        instance, people, report, redis_server, mail_server, processes, caplog):
    redis_server.stop()
    try:
        row = ask_for_information(instance, people, report)  # the request succeeds; the event is committed
    finally:
        redis_server.start()  # back, empty: the job is lost
        jobs._Broker.paused_until = 0.0  # this test process need not wait before the next test's enqueue
    assert any(record.message == "jobs.enqueue_failed" for record in caplog.records)
    assert statuses([row.id]) == [PENDING] and queued(redis_server) == []

    processes("worker", "sweeper").wait_for("ready.")
    processes("beat", "scheduler", {"outbox_sweep": 1}).wait_for("Acquired lock")
    wait_for_mail(mail_server, 1)
    assert [message["To"] for message in mail_server.messages] == [people["partner_a"].user.email]
    assert statuses([row.id]) == [SENT]


def test_with_two_schedulers_a_daily_job_runs_once_even_when_the_one_that_sent_it_dies(
        instance, redis_server, processes):
    # A daily job at a set time: the next minute (or the one after, should this one end before the
    # schedulers are up), in UTC like every crontab line of JOBS_SCHEDULE.
    now = datetime.now(UTC)
    at = now + timedelta(minutes=1 if now.second < 45 else 2)
    schedule = {"digests": f"{at.minute} {at.hour} * * *", "outbox_sweep": 1}
    first = processes("beat", "first", schedule)
    first.wait_for("Acquired lock")
    second = processes("beat", "second", schedule)
    second.wait_for("beat: Starting...")
    first.wait_for("Sending due task digests", timeout=150)
    assert "Acquired lock" not in second.log()  # it waited for the lock all along
    # The job is on the broker before the first scheduler dies: killed between its log line and the send,
    # it would not have sent it, and the second would rightly send it (a clean-clone run did just that once).
    deadline = time.monotonic() + 10
    while jobs.DIGESTS not in [message["task"] for message in queued(redis_server)]:
        assert time.monotonic() < deadline, "the first scheduler's job never reached the broker"
        time.sleep(0.05)

    first.stop(signal.SIGKILL)  # dies without releasing its lock, which lapses after 5 s
    second.wait_for("Acquired lock", timeout=30)
    sweeps_before = sum(message["task"] == jobs.OUTBOX_SWEEP for message in queued(redis_server))
    time.sleep(3)
    second.stop()

    sent = queued(redis_server)  # no worker ran: every job the schedulers sent is still there
    assert [message["task"] for message in sent].count(jobs.DIGESTS) == 1
    assert "Sending due task digests" not in second.log()
    sweeps = [message for message in sent if message["task"] == jobs.OUTBOX_SWEEP]
    assert len(sweeps) > sweeps_before  # the second scheduler did take over
    assert len({message["origin"] for message in sweeps}) == 2  # each sent some, one after the other
    assert all(message["args"] == [] for message in sent)
    assert_only_ids_on_the_broker(instance, redis_server)


# --- the pieces, in this process ----------------------------------------------------------------------------


def test_a_rolled_back_event_enqueues_nothing_and_a_committed_one_its_id(instance, people, redis_server):
    partner = people["partner_a"].user
    notifications.notify_user(db.session, partner, kinds.ACCOUNT_CHANGED, params={"change": "password"})
    db.session.rollback()
    assert queued(redis_server) == []
    row = notifications.notify_user(db.session, partner, kinds.ACCOUNT_CHANGED, params={"change": "password"})
    notifications.notify_user(db.session, partner, kinds.REPORT_SUBMITTED)  # in the digest: no e-mail, no job
    assert queued(redis_server) == []  # not before the commit
    db.session.commit()
    assert [(message["task"], message["args"]) for message in queued(redis_server)] == [
        (jobs.DELIVER_NOTIFICATION, [row.id])]


def test_without_a_broker_there_is_no_celery_app_and_nothing_is_enqueued(app):
    assert not jobs.enabled(app) and jobs.EXTENSION not in app.extensions


@pytest.mark.parametrize(("settings", "named"), [
    ({"JOBS_BROKER_URL": "amqp://guest:hunter2@rabbit/"}, "JOBS_BROKER_URL amqp://…"),
    ({"JOBS_BROKER_URL": "redis://127.0.0.1:1/0", "JOBS_SCHEDULE": {"digest": 60}}, "names no job digest"),
    ({"JOBS_BROKER_URL": "redis://127.0.0.1:1/0", "JOBS_SCHEDULE": {"digests": "6 o'clock"}}, "'digests' must be"),
    ({"JOBS_BROKER_URL": "redis://127.0.0.1:1/0", "JOBS_SCHEDULE": {"retention": "0 25 * * *"}}, "'retention'"),
])
def test_unusable_job_settings_stop_the_start_naming_the_setting(tmp_path, settings, named):
    with pytest.raises(ConfigurationError) as refused:
        build_app(tmp_path, None, **settings)
    assert named in str(refused.value) and "hunter2" not in str(refused.value)


def test_two_sweeps_at_once_take_different_messages(instance, people):
    """FOR UPDATE SKIP LOCKED: a sweep skips the rows another sweep's open transaction holds."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; on SQLite BEGIN IMMEDIATE serialises the sweeps instead")
    rows = [notifications.notify_user(db.session, people["lawyer"].user, kinds.ACCOUNT_CHANGED,
                                      params={"change": "password"}) for _ in range(4)]
    db.session.commit()
    now = utcnow()
    with Session(db.engine) as other:  # a sweep that has picked its rows and not committed yet
        held = list(other.execute(select(Notification.id).order_by(Notification.id).limit(2)
                                  .with_for_update(skip_locked=True)).scalars())
        taken, _lease = notifications.claim_stale(db.session, now=now, limit=10, created_before=now)
        other.rollback()
    assert held == [rows[0].id, rows[1].id]
    assert taken == [rows[2].id, rows[3].id]


def test_a_sweep_that_cannot_reach_the_server_leaves_its_messages_unclaimed(instance, people, mail_server):
    row = notifications.notify_user(db.session, people["lawyer"].user, kinds.ACCOUNT_CHANGED,
                                    params={"change": "password"})
    db.session.commit()
    mail_server.stop()
    with writing():
        report = notifications.deliver_stale(db.session, transport_from_config(instance.app.config, "."),
                                             notifications.settings_from_config(instance.app.config),
                                             older_than=timedelta(0))
    assert report.unreachable and report.sent == 0
    db.session.rollback()
    stored = db.session.get(Notification, row.id)
    assert (stored.mail_status, stored.claimed_until, stored.attempts) == (PENDING, None, 0)
