"""Concurrency under a real server (REL-04; SECURITY.md "Test methods" item 11), and the rate limits
shared by its workers (AUTH-11).

A real gunicorn with three sync workers serves the production configuration on 127.0.0.1 (a port the
operating system picks) from a temporary instance set up as an operator would: ``instance/config.py``
with a random SECRET_KEY, then ``flask keys init``, ``flask db upgrade`` and ``flask states seed``. A
partner's API token lets a thread pool send a bounded burst through the JSON API — reports submitted
with one evidence file each, interleaved with list reads, report reads and downloads — and then:

* every response was 2xx (none is allowed to be a 5xx, a 429 or a lost connection);
* the database holds exactly the reports and documents that were acknowledged, each report with its
  own ESCR-YYYY-NNNN reference, and every file decrypts, with the keys read from the instance,
  to the SHA-256 of the bytes that were sent;
* the server's log shows no "database is locked", no OperationalError, no traceback and no error or
  warning record (the app logs an exception by its type only, so the type is looked for too);
* the audit log's hash chain is intact (``flask audit verify``): three workers appending to it never
  forked it;
* gunicorn stops cleanly on SIGTERM (exit status 0) — and it is never left running.

It runs on SQLite by default and, when TEST_DATABASE_URL points at PostgreSQL (``make test-postgres``),
on a fresh database of its own on that server.

The same server, sent a flood of failed sign-ins from one address by several threads at once, lets
exactly the configured login limit through across its three workers and answers 429 to the rest: the
limits are counted in the database (``database://``), not in each worker's memory.

``CONCURRENCY_TEST_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379`` runs both tests with the limits
counted on that Redis server instead (not in CI). The burst's size can be raised for a heavier run:
``CONCURRENCY_TEST_SUBMISSIONS=200 CONCURRENCY_TEST_READS=200 pytest -s tests/integration/test_concurrency.py``.
"""

import hashlib
import http.client
import importlib.util
import json
import os
import re
import secrets
import subprocess
import sys
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode
from uuid import UUID

import pytest
from sqlalchemy import func, select

from caseapp import create_app
from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.models import Case, Document
from caseapp.services import accounts, cases, tokens
from caseapp.services.vault import open_vault
from tests.factories import PASSWORD, drop_database, empty_worker_database
from tests.gunicorn_process import Gunicorn
from tests.server_process import clean_environment

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
THREADS = 16
SUBMISSIONS = int(os.environ.get("CONCURRENCY_TEST_SUBMISSIONS", "60"))
READS = int(os.environ.get("CONCURRENCY_TEST_READS", "60"))
FILE_SIZE = 150 * 1024  # three 64 KiB chunks of the file format, and over Werkzeug's in-memory form limit
BURST_TIMEOUT = 120.0  # a hard cap on the whole burst, so a hang fails instead of blocking CI
REQUEST_TIMEOUT = 30.0
LOGIN_LIMIT = 6  # failed sign-ins per address per hour in the test's instance (an hour: no window ends mid-test)
LOGIN_ATTEMPTS = 18  # three times the limit: what memory:// would let through with three workers

# Which worker answered each request (the worker's pid), so a test can see that several of them served.
ACCESS_LOG_CONFIG = '''
accesslog = "-"
access_log_format = "caseapp-test access pid=%(p)s status=%(s)s %(m)s %(U)s"
'''
ACCESS_LINE = re.compile(r"caseapp-test access pid=<(\d+)> status=(\d+) (\w+) (\S+)")
# What a lost race for the SQLite write lock, or any other failure, leaves in the log.
FORBIDDEN_IN_LOG = ("database is locked", "OperationalError", "Traceback", "WORKER TIMEOUT", "Worker failed",
                    "api_token.touch_failed", "[ERROR]", "[CRITICAL]")


def report_body(number: int) -> dict:
    """A complete report that passes the submission checks, with a title that names its number."""
    return {
        "title": f"Concurrency report {number}",
        "narrative": f"Report {number}: the tenants were evicted on 3 March 2024 without alternative housing.",
        "state": "ES",
        "rights_invoked": ["11(1)"],
        "facts_start": "2024-03-03",
        "continuing": "no",
        "author_is_victim": False,
        "acting_on_behalf": True,
        "consent": "yes",
        "victims": [{"name": f"Victim {number}", "identity_number": f"ID-{number}", "consent": "yes"}],
        "remedies": [{"body": "Audiencia Provincial de Madrid", "kind": "appeal", "filed": "2024-07-01",
                      "decided": "2024-09-01", "notified": "2024-09-03", "outcome": "rejected", "final": True,
                      "addressed_substance": True}],
        "victims_under_jurisdiction": True,
        "submit": True,
    }


def evidence(number: int) -> bytes:
    """A PDF by its magic bytes, different for every report, so each SHA-256 identifies one upload."""
    header = f"%PDF-1.7\n% concurrency evidence {number}\n".encode()
    return header + secrets.token_bytes(FILE_SIZE - len(header))


# --- the instance, as an operator sets it up --------------------------------------------------------


@dataclass
class Instance:
    path: Path
    database_url: str
    env: dict[str, str]
    token: str = ""
    organisation_id: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def flask(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "caseapp:create_cli_app", *args],
                                cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def verification_app(self):
        """An app in this process on the same database and the same key files (instance/keys)."""
        return create_app({"CONFIG": "testing", "INSTANCE_PATH": str(self.path),
                           "SQLALCHEMY_DATABASE_URI": self.database_url})


@pytest.fixture
def instance(tmp_path, worker_id):
    if importlib.util.find_spec("gunicorn") is None:
        pytest.skip("gunicorn is not installed (it is in requirements.txt): the REL-04 concurrency test needs it")
    started = time.monotonic()
    path = tmp_path / "instance"
    path.mkdir(mode=0o700)
    (path / "config.py").write_text(f"SECRET_KEY = {secrets.token_urlsafe(48)!r}\n")
    (path / "config.py").chmod(0o600)
    base_url = os.environ.get("TEST_DATABASE_URL")
    database_url = (empty_worker_database(base_url, f"concurrency_{worker_id}") if base_url
                    else f"sqlite:///{path / 'caseapp.sqlite3'}")
    env = clean_environment() | {
        "CASEAPP_CONFIG": "production",
        "CASEAPP_INSTANCE_PATH": str(path),
        "DATABASE_URL": database_url,
        # Plain HTTP on 127.0.0.1: the API authenticates by token and sets no cookie, so the
        # production cookie settings (Secure, __Host-) do not stand in the way.
        "CASEAPP_TRUSTED_HOSTS": '["127.0.0.1"]',
        # The burst is one token's traffic and must not hit the API limit (counted for all workers together).
        "CASEAPP_RATELIMIT_API": "100000 per minute",
        # Low enough for the shared-limit test to reach (the burst never signs in).
        "CASEAPP_RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per hour",
    }
    if os.environ.get("CONCURRENCY_TEST_RATELIMIT_STORAGE_URI"):  # e.g. redis://127.0.0.1:6379 (README)
        env["CASEAPP_RATELIMIT_STORAGE_URI"] = os.environ["CONCURRENCY_TEST_RATELIMIT_STORAGE_URI"]
        env["CASEAPP_RATELIMIT_KEY_PREFIX"] = f"test{secrets.token_hex(8)}"  # that server keeps earlier runs' counts
    setup = Instance(path, database_url, env)
    setup.flask("keys", "init")
    setup.flask("db", "upgrade")
    setup.flask("states", "seed")

    app = setup.verification_app()
    with app.app_context():
        organisation = accounts.create_organisation(db.session, "Concurrency Partner NGO")
        partner = accounts.create_user(db.session, app.extensions["caseapp.keyring"], email="partner@concurrency.test",
                                       role=roles.PARTNER, organisation=organisation, password=PASSWORD,
                                       hasher=app.extensions["caseapp.hasher"])
        setup.token = tokens.create(db.session, partner, "Concurrency test").secret
        db.session.commit()
        setup.organisation_id = organisation.id
        db.session.remove()
        db.engine.dispose()
    setup.timings["setup"] = time.monotonic() - started
    yield setup
    if base_url:  # leave nothing behind on the server
        drop_database(database_url)


# --- the server -------------------------------------------------------------------------------------


@pytest.fixture
def server(instance):
    gunicorn = Gunicorn("gunicorn", instance.path.parent, instance.env, workers=WORKERS,
                        extra_config=ACCESS_LOG_CONFIG)
    try:
        started = time.monotonic()
        gunicorn.start()
        instance.timings["boot"] = time.monotonic() - started
        yield gunicorn
    finally:
        gunicorn.stop()  # whatever happened, never leave it running


# --- the client -------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: bytes

    def json(self):
        return json.loads(self.body)


class Client:
    def __init__(self, port: int, token: str):
        self.port = port
        self.token = token

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.read())
        finally:
            connection.close()

    def post_json(self, path: str, payload: dict) -> Reply:
        return self.request("POST", path, json.dumps(payload).encode(), "application/json")

    def post_file(self, path: str, name: str, content: bytes) -> Reply:
        boundary = secrets.token_hex(16)
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")


@dataclass
class Outcome:
    """What one unit of the burst did: each request as (what, status), and for a submission what it sent."""

    requests: list[tuple[str, int]] = field(default_factory=list)
    report_id: str | None = None
    reference: str | None = None
    document_id: str | None = None
    sha256: str | None = None
    title: str | None = None


class Burst:
    def __init__(self, client: Client):
        self.client = client
        self.submitted: list[Outcome] = []  # appended by the submitting threads (list.append is atomic)

    def submit(self, number: int) -> Outcome:
        outcome = Outcome(title=f"Concurrency report {number}")
        created = self.client.post_json("/api/v1/reports", report_body(number))
        outcome.requests.append(("POST /reports", created.status))
        if created.status != 201:
            return outcome
        outcome.report_id, outcome.reference = created.json()["id"], created.json()["reference"]
        content = evidence(number)
        uploaded = self.client.post_file(f"/api/v1/reports/{outcome.report_id}/documents", f"evidence-{number}.pdf",
                                         content)
        outcome.requests.append(("POST /reports/<id>/documents", uploaded.status))
        if uploaded.status == 201:
            outcome.document_id = uploaded.json()["documents"][0]["id"]
            outcome.sha256 = hashlib.sha256(content).hexdigest()
            self.submitted.append(outcome)
        return outcome

    def read(self, number: int) -> Outcome:
        """Alternately the report list, and one finished report with its evidence downloaded and compared."""
        outcome = Outcome()
        done = list(self.submitted)
        if number % 2 == 0 or not done:
            listed = self.client.request("GET", "/api/v1/reports?per_page=100")
            outcome.requests.append(("GET /reports", listed.status))
            if listed.status == 200:
                assert listed.json()["total"] >= len(done)
            return outcome
        target = done[number % len(done)]
        shown = self.client.request("GET", f"/api/v1/reports/{target.report_id}")
        outcome.requests.append(("GET /reports/<id>", shown.status))
        if shown.status == 200:
            body = shown.json()
            assert body["title"] == target.title and body["reference"] == target.reference
            assert [d["id"] for d in body["documents"]] == [target.document_id]
        downloaded = self.client.request("GET", f"/api/v1/reports/{target.report_id}/documents/{target.document_id}")
        outcome.requests.append(("GET /reports/<id>/documents/<doc_id>", downloaded.status))
        if downloaded.status == 200:
            assert hashlib.sha256(downloaded.body).hexdigest() == target.sha256
        return outcome


def run_burst(burst: Burst) -> list[Outcome]:
    """Submissions and reads interleaved on THREADS threads, within BURST_TIMEOUT in all."""
    # Interleaved, a submission then a read, so that reads meet writers in flight.
    tasks = [(unit, n) for n in range(max(SUBMISSIONS, READS))
             for unit, count in ((burst.submit, SUBMISSIONS), (burst.read, READS)) if n < count]
    pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="burst")
    try:
        futures = [pool.submit(function, number) for function, number in tasks]
        done, pending = wait(futures, timeout=BURST_TIMEOUT, return_when=FIRST_EXCEPTION)
        failed = [future.exception() for future in done if future.exception() is not None]
        if failed:
            raise failed[0]
        if pending:
            pytest.fail(f"the burst did not finish within {BURST_TIMEOUT:.0f} s ({len(pending)} units left)")
        return [future.result() for future in futures]
    finally:
        # Do not wait for units still running after a failure: stopping gunicorn ends their requests.
        pool.shutdown(wait=False, cancel_futures=True)


def logged_errors(log: str) -> dict[str, int]:
    """The app's error records by exception type (it logs the type and frames, never the message)."""
    counts: dict[str, int] = {}
    for line in log.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("level") in {"ERROR", "CRITICAL"}:
                kind = record.get("error_type") or record.get("event", "?")
                counts[kind] = counts.get(kind, 0) + 1
    return counts


# --- the test ---------------------------------------------------------------------------------------


def test_gunicorn_three_workers_take_a_burst_of_submissions_and_reads_without_lock_errors(instance, server):  # REL-04
    started = time.monotonic()
    outcomes = run_burst(Burst(Client(server.port, instance.token)))
    instance.timings["burst"] = time.monotonic() - started

    statuses = [(what, status) for outcome in outcomes for what, status in outcome.requests]
    failures = [(what, status) for what, status in statuses if not 200 <= status < 400]
    assert not failures, (f"{len(failures)} of {len(statuses)} responses failed: {failures[:20]}; "
                          f"errors in the server log: {logged_errors(server.log())}")
    submitted = [outcome for outcome in outcomes if outcome.sha256]
    assert len(submitted) == SUBMISSIONS
    assert len(statuses) >= 2 * SUBMISSIONS + READS

    exit_status = server.stop()
    log = server.log()
    assert exit_status == 0, f"gunicorn did not stop cleanly on SIGTERM (status {exit_status}):\n{log[-4000:]}"
    assert "Shutting down: Master" in log
    found = [marker for marker in FORBIDDEN_IN_LOG if marker in log]
    assert not found, f"the server log contains {found}:\n{log[-4000:]}"
    for line in log.splitlines():
        if line.startswith("{"):
            assert json.loads(line)["level"] not in {"WARNING", "ERROR", "CRITICAL"}, line

    # The audit log's hash chain (LOG-01) did not fork while three workers appended to it.
    started = time.monotonic()
    verified = instance.flask("audit", "verify")
    assert re.search(r"Checked (\d+) events: chain intact", verified), verified
    assert int(re.search(r"Checked (\d+) events", verified).group(1)) >= 2 * SUBMISSIONS

    # The database holds exactly what was acknowledged, and every file decrypts to what was sent.
    app = instance.verification_app()
    with app.app_context():
        try:
            reports = db.session.scalars(select(Case).where(Case.organisation_id == instance.organisation_id)).all()
            assert len(reports) == SUBMISSIONS
            assert db.session.scalar(select(func.count()).select_from(Document)) == SUBMISSIONS
            by_id = {str(report.uuid): report for report in reports}
            assert set(by_id) == {outcome.report_id for outcome in submitted}
            references = [report.reference for report in reports]
            assert None not in references and len(set(references)) == SUBMISSIONS  # numbered once each
            keyring, store = app.extensions["caseapp.keyring"], app.extensions["caseapp.file_store"]
            for outcome in submitted:
                report = by_id[outcome.report_id]
                assert report.reference == outcome.reference and report.stage == "submitted"
                vault = open_vault(db.session, keyring, report)
                assert vault.get(report, "title") == outcome.title
                [document] = report.documents
                assert str(document.uuid) == outcome.document_id
                assert vault.get(document, "sha256") == outcome.sha256
                plaintext = hashlib.sha256()
                for chunk in store.decrypt(UUID(outcome.document_id), cases.document_key(vault, document)):
                    plaintext.update(chunk)
                assert plaintext.hexdigest() == outcome.sha256
            assert store.stored_ids() == {UUID(outcome.document_id) for outcome in submitted}
            assert not store.incoming_ids()  # every upload was promoted; none left half-done
        finally:
            db.session.remove()
            db.engine.dispose()
    instance.timings["verify"] = time.monotonic() - started
    dialect = "postgresql" if instance.database_url.startswith("postgresql") else "sqlite"
    print(f"\nREL-04 on {dialect}: {SUBMISSIONS} submissions (+{SUBMISSIONS} uploads) and {READS} reads, "
          f"{len(statuses)} requests on {THREADS} threads against {WORKERS} workers: "
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in instance.timings.items()))


def _sign_in_page(port: int) -> tuple[str, str]:
    """The anonymous session cookie and the CSRF token of the sign-in form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        page = response.read().decode()
        cookies = [header.split(";", 1)[0] for name, header in response.getheaders() if name.lower() == "set-cookie"]
    finally:
        connection.close()
    assert response.status == 200 and cookies, response.status
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert token, "no CSRF token on the sign-in page"
    return "; ".join(cookies), token.group(1)


def _failed_sign_in(port: int, cookie: str, token: str, attempt: int) -> int:
    body = urlencode({"csrf_token": token, "email": f"nobody{attempt}@flood.test", "password": "not the password",
                      "code": ""})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("POST", "/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_three_workers_share_one_login_limit(instance, server):  # AUTH-11
    """Failed sign-ins from one address, six threads at a time against three workers: exactly
    LOGIN_LIMIT get the sign-in page's answer and every other one a 429, however the workers shared them
    (with memory:// each worker would let LOGIN_LIMIT through)."""
    cookie, token = _sign_in_page(server.port)
    with ThreadPoolExecutor(max_workers=6, thread_name_prefix="flood") as pool:
        statuses = list(pool.map(lambda attempt: _failed_sign_in(server.port, cookie, token, attempt),
                                 range(LOGIN_ATTEMPTS), timeout=BURST_TIMEOUT))
    assert sorted(statuses) == [200] * LOGIN_LIMIT + [429] * (LOGIN_ATTEMPTS - LOGIN_LIMIT), statuses

    exit_status = server.stop()
    log = server.log()
    assert exit_status == 0, log[-4000:]
    served = [match.groups() for match in ACCESS_LINE.finditer(log) if match.group(3, 4) == ("POST", "/login")]
    assert len(served) == LOGIN_ATTEMPTS
    workers = {pid for pid, _status, _method, _path in served}
    assert len(workers) >= 2, f"one worker took every request, which proves nothing about sharing: {served}"
    passed_by_worker = {pid: sum(status == "200" for p, status, _m, _u in served if p == pid) for pid in workers}
    print(f"\nAUTH-11: {LOGIN_ATTEMPTS} failed sign-ins, limit {LOGIN_LIMIT}, answered by {len(workers)} workers; "
          f"passed per worker: {sorted(passed_by_worker.values(), reverse=True)}")
    found = [marker for marker in FORBIDDEN_IN_LOG if marker in log]
    assert not found, f"the server log contains {found}:\n{log[-4000:]}"
