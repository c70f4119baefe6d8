"""Several app hosts (issue 22, point 5): two gunicorn instances, "A" and "B", each with an instance folder of its
own, sharing one PostgreSQL database, one S3 server (one bucket and prefix), one Redis (the rate limits and the
job broker), the same SECRET_KEY and the same keys — what a load balancer in front of two machines sees.

The servers are real and started once for the module: PostgreSQL is the one of TEST_DATABASE_URL (a database
of this module's own, migrated by ``flask db upgrade`` as an operator would), SeaweedFS (``s3_server``),
``redis-server`` and an aiosmtpd server. The hosts run the production configuration on 127.0.0.1 at ports the
operating system picks, behind a "proxy" that names the client in X-Forwarded-For (PROXY_FIX_X_FOR=1), so
each test comes from an address of its own and one test's sign-ins do not count against another's limit.

It shows, a test each: evidence uploaded through A downloads byte-identical through B, no instance folder holds
it and the object holds no plaintext (UP-04, UP-06, CRY-01); a session made on A works on B and signing out on B
ends it on A (SESS-01, SESS-03); the per-address sign-in limit, counted in Redis, answers 429 on either host
(AUTH-11); a draft shredded on A is 404 on B and its object is gone (CRY-06); ``flask audit verify`` passes after
a burst of writes across both hosts (LOG-01); with Redis down sign-in works on both and the per-account throttle
in the database still locks (AUTH-07); a host killed mid-upload leaves no row and ``flask store sweep`` aborts
its multipart upload (REL-01, REL-03); one event made through a host gives one e-mail, with a worker that starts
late and with two workers; with two schedulers a daily job is sent once.

An S3 store with SQLite is refused in production (one host's file cannot back several hosts), so on SQLite
the whole module is skipped; ``make test-postgres`` and ``make test-hosts`` run it.
"""

import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from caseapp import create_app, jobs
from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.core.object_store import PART_SIZE
from caseapp.domain import roles
from caseapp.models import Case, Document, LoginFailure, User
from caseapp.services import accounts, tokens
from tests.celery_processes import CeleryProcess
from tests.factories import PASSWORD, drop_database, empty_worker_database, make_user
from tests.gunicorn_process import Gunicorn
from tests.mail import MailServer
from tests.redis_server import RedisServer, missing_redis_server
from tests.s3_server import missing_s3_server
from tests.server_process import clean_environment

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2  # per host: two hosts of two workers on a two-core machine
BOOT_TIMEOUT = 90.0
REQUEST_TIMEOUT = 60.0
LOGIN_LIMIT = 4  # failed sign-ins per address per hour (an hour: no window ends mid-test)
MIB = 1024 * 1024
MARKER = b"TWO-HOSTS-PLAINTEXT-MARKER-5d2a"

CHAIN_INTACT = re.compile(r"Checked (\d+) events: chain intact")
SIGN_IN_FAILED = "Sign-in failed."
LIMITED = "Too many attempts"
_addresses = count(1)


def client_address() -> str:
    """A client address of its own (sent as X-Forwarded-For), so each test's sign-ins count apart."""
    number = next(_addresses)
    return f"198.51.100.{number}" if number < 255 else f"203.0.113.{number % 255}"


def evidence(size: int) -> bytes:
    """A PDF by its magic bytes, carrying the plaintext marker, random after it (so its SHA-256 is its own)."""
    header = b"%PDF-1.7\n% " + MARKER + b"\n"
    return header + secrets.token_bytes(size - len(header))


def report_body(title: str, *, submit: bool) -> dict:
    body = {"title": title, "narrative": f"{title}: the tenants were evicted on 3 March 2024."}
    if submit:
        body |= {
            "state": "ES", "rights_invoked": ["11(1)"], "facts_start": "2024-03-03", "continuing": "no",
            "author_is_victim": False, "acting_on_behalf": True, "consent": "yes",
            "victims": [{"name": "Victim Th", "identity_number": "ID-Th", "consent": "yes"}],
            "remedies": [{"body": "Audiencia Provincial de Madrid", "kind": "appeal", "filed": "2024-07-01",
                          "decided": "2024-09-01", "notified": "2024-09-03", "outcome": "rejected", "final": True,
                          "addressed_substance": True}],
            "victims_under_jurisdiction": True, "submit": True,
        }
    return body


# --- the hosts --------------------------------------------------------------------------------------------


class Host(Gunicorn):
    """One app host: gunicorn with WORKERS sync workers and an instance folder of its own, leading a process
    group of its own so that ``kill`` takes its workers too (a machine that dies takes every process on it)."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]):
        self.instance = folder / "instance"
        self.instance.mkdir(parents=True, mode=0o700)
        (self.instance / "spool").mkdir(mode=0o700)
        super().__init__(name, folder, env | {"CASEAPP_INSTANCE_PATH": str(self.instance),
                                              "CASEAPP_UPLOAD_SPOOL_DIR": str(self.instance / "spool")},
                         workers=WORKERS, request_timeout=120, boot_timeout=BOOT_TIMEOUT, own_session=True)

    def files(self) -> list[Path]:
        return [Path(folder, name) for folder, _dirs, names in os.walk(self.instance) for name in names]


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def send(host: Host, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        received = response.read()
        cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
        found = {name.lower(): value for name, value in response.getheaders()}
        found["set-cookie"] = "\n".join(cookies)
        return Reply(response.status, received, found)
    finally:
        connection.close()


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class ApiClient:
    """A partner's API token, sent to whichever host is named (the load balancer's choice)."""

    def __init__(self, token: str):
        self.token = token
        self.address = client_address()

    def request(self, host: Host, method: str, path: str, body: bytes | None = None,
                content_type: str | None = None) -> Reply:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                   "X-Forwarded-For": self.address}
        if content_type:
            headers["Content-Type"] = content_type
        return send(host, method, f"/api/v1{path}", body=body, headers=headers)

    def create_report(self, host: Host, title: str, *, submit: bool = False) -> str:
        created = self.request(host, "POST", "/reports", json.dumps(report_body(title, submit=submit)).encode(),
                               "application/json")
        assert created.status == 201, created.text
        return created.json()["id"]

    def upload(self, host: Host, report_id: str, name: str, content: bytes) -> Reply:
        body, content_type = multipart(name, content)
        return self.request(host, "POST", f"/reports/{report_id}/documents", body, content_type)

    def download(self, host: Host, report_id: str, document_id: str) -> Reply:
        return self.request(host, "GET", f"/reports/{report_id}/documents/{document_id}")


class Browser:
    """A browser: one cookie jar, one client address, whichever host each request goes to. The cookies are
    kept by hand: the production cookie is ``__Host-`` and Secure, which http.cookiejar would not send to a
    plain-HTTP test server."""

    def __init__(self, address: str | None = None):
        self.cookies: dict[str, str] = {}
        self.address = address or client_address()

    def request(self, host: Host, method: str, path: str, form: dict | None = None) -> Reply:
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reply = send(host, method, path, body=body, headers=headers)
        for line in filter(None, reply.headers["set-cookie"].split("\n")):
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            if not value or "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return reply

    def get(self, host: Host, path: str) -> Reply:
        return self.request(host, "GET", path)

    def post(self, host: Host, path: str, form: dict, *, token_from: str) -> Reply:
        """A form POST with the CSRF token of the page at ``token_from`` (read from the same host)."""
        page = self.get(host, token_from)
        assert page.status == 200, (token_from, page.status)
        return self.request(host, "POST", path, {"csrf_token": csrf_token(page.text), **form})

    def sign_in(self, host: Host, email: str, password: str = PASSWORD, code: str = "") -> Reply:
        return self.post(host, "/login", {"email": email, "password": password, "code": code}, token_from="/login")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def signed_in_page(reply: Reply) -> bool:
    """A page of the app for a signed-in person, not the way to the sign-in form."""
    return reply.status == 200 and 'action="/logout"' in reply.text


# --- the servers and the instance -------------------------------------------------------------------------


def _random_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _unavailable(problem: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the two-host tests cannot run in CI: {problem}", pytrace=False)
    pytest.skip(f"two-host tests skipped: {problem}")


@dataclass
class Person:
    id: int
    email: str
    totp_secret: str

    def code(self) -> str:
        return two_factor.current_code(self.totp_secret)


@dataclass
class Cluster:
    folder: Path
    database_url: str
    env: dict[str, str]  # every host's settings but its instance folder
    setup_app: object  # an app in this process on the same database, keys and bucket, to arrange and inspect
    s3_server: object
    redis: RedisServer
    mail: MailServer
    bucket: str
    prefix: str
    a: Host | None = None
    b: Host | None = None

    def host(self, name: str) -> Host:
        return Host(name, self.folder / f"host-{name}-{secrets.token_hex(3)}", self.env)

    def flask(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "caseapp:create_cli_app", *args],
                                cwd=PROJECT_ROOT, env=self.env | {"CASEAPP_INSTANCE_PATH": str(self.folder / "cli")},
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def keys(self, folder: str = "") -> list[str]:
        """Every key in the bucket under the hosts' prefix (and ``folder``)."""
        client = self.s3_server.client()
        found = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                        Prefix=f"{self.prefix}{folder}"):
            found += [item["Key"] for item in page.get("Contents", [])]
        return sorted(found)

    def pending_multipart_uploads(self) -> list[dict]:
        client = self.s3_server.client()
        return client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix).get("Uploads", [])

    def raw_object(self, key: str) -> bytes:
        return self.s3_server.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def celery(self, kind: str, name: str, schedule: dict | None = None) -> CeleryProcess:
        """A worker or scheduler on the hosts' settings (only the periodic jobs in ``schedule`` run), in a folder
        of its own; stop it with ``stop()``."""
        folder = self.folder / f"{kind}-{name}-{secrets.token_hex(3)}"
        folder.mkdir()
        env = self.env | {"CASEAPP_INSTANCE_PATH": str(folder / "instance"),
                          "CASEAPP_JOBS_SCHEDULE": json.dumps({**dict.fromkeys(jobs.DEFAULT_SCHEDULE),
                                                               **(schedule or {})})}
        return CeleryProcess(env, folder, kind, name)

    def queued(self) -> list[bytes]:
        """The jobs waiting on the broker, as Redis holds them."""
        with self.redis.client() as client:
            return client.lrange(jobs.QUEUE, 0, -1)

    def partner(self) -> tuple["Person", str]:
        """A new partner of a new organisation, with an API token: (person, token)."""
        with self.setup_app.app_context():
            person = self.person(roles.PARTNER)
            user = db.session.get(User, person.id)
            secret = tokens.create(db.session, user, "Two hosts").secret
            db.session.commit()
            db.session.remove()
        return person, secret

    def person(self, role: str) -> "Person":
        """A new account with a password and a TOTP secret (every role must have one)."""
        with self.setup_app.app_context():
            organisation = None
            if role == roles.PARTNER:
                organisation = accounts.create_organisation(db.session, f"NGO {secrets.token_hex(3)}")
                db.session.commit()
            account = make_user(self.setup_app, role, organisation)
            person = Person(account.user.id, account.user.email, account.totp_secret)
            db.session.remove()
        return person

    def query(self, statement):
        with self.setup_app.app_context():
            try:
                return db.session.execute(statement).all()
            finally:
                db.session.remove()


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory, worker_id):
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        pytest.skip("several hosts need PostgreSQL: production refuses an S3 file store with SQLite, one host's "
                    "file; set TEST_DATABASE_URL (make test-postgres, make test-hosts)")
    for problem in (missing_redis_server(), missing_s3_server()):
        if problem:
            _unavailable(problem)
    s3_server = request.getfixturevalue("s3_server")  # only now: it takes seconds to start
    folder = tmp_path_factory.mktemp("two-hosts")
    redis = RedisServer(folder / "redis").start()
    mail = MailServer().start()
    database_url = empty_worker_database(base_url, f"two_hosts_{worker_id}")
    started: list[Host] = []
    try:
        s3_settings = s3_server.settings()
        bucket, _, prefix = s3_settings["FILE_STORE_URL"].removeprefix("s3://").partition("/")
        keks, index_secret = f"k1:{_random_key()}", _random_key()
        settings = {
            **s3_settings, **mail.settings(),
            "CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(48), "KEKS": keks,
            "INDEX_SECRET": index_secret, "TRUSTED_HOSTS": ["127.0.0.1", "localhost"], "PROXY_FIX_X_FOR": 1,
            "BASE_URL": "https://localhost",
            "RATELIMIT_STORAGE_URI": redis.url, "RATELIMIT_LOGIN": f"{LOGIN_LIMIT} per hour",
            "RATELIMIT_API": "100000 per minute",  # the API's own limit is no subject here
            # No periodic job runs unless a test starts a scheduler with one.
            "JOBS_BROKER_URL": redis.url, "JOBS_SCHEDULE": dict.fromkeys(jobs.DEFAULT_SCHEDULE),
            "JOBS_OUTBOX_SWEEP_AGE": 0, "JOBS_BEAT_MAX_INTERVAL": 1,
        }
        env = clean_environment() | {"DATABASE_URL": database_url}
        for name, value in settings.items():
            env[f"CASEAPP_{name}"] = value if isinstance(value, str) else json.dumps(value)
        setup_app = create_app({"CONFIG": "testing", "INSTANCE_PATH": str(folder / "setup"),
                                "SQLALCHEMY_DATABASE_URI": database_url, "KEKS": keks,
                                "INDEX_SECRET": index_secret, **s3_settings})
        result = Cluster(folder, database_url, env, setup_app, s3_server, redis, mail, bucket, prefix + "/")
        result.flask("db", "upgrade")
        result.flask("states", "seed")
        result.a = result.host("A")
        started.append(result.a)
        result.a.start()
        result.b = result.host("B")
        started.append(result.b)
        result.b.start()
        yield result
    finally:
        for host in started:
            host.stop()
        mail.stop()
        redis.stop()
        drop_database(database_url)


# --- 1. files ---------------------------------------------------------------------------------------------


def test_evidence_uploaded_through_a_downloads_byte_identical_through_b_and_lives_only_in_the_bucket(
        cluster):  # UP-04, UP-06, CRY-01, CRY-03
    _partner, token = cluster.partner()
    api = ApiClient(token)
    report_id = api.create_report(cluster.a, "Evidence across hosts")
    content = evidence(PART_SIZE + 3 * MIB)  # more than one part: a multipart upload to the bucket

    uploaded = api.upload(cluster.a, report_id, "eviction order.pdf", content)

    assert uploaded.status == 201, uploaded.text
    document_id = uploaded.json()["documents"][0]["id"]
    downloaded = api.download(cluster.b, report_id, document_id)
    assert downloaded.status == 200
    assert hashlib.sha256(downloaded.body).hexdigest() == hashlib.sha256(content).hexdigest()
    assert downloaded.body == content
    key = f"{cluster.prefix}files/{document_id}"
    assert key in cluster.keys("files/") and cluster.keys("incoming/") == []
    stored = cluster.raw_object(key)
    assert stored.startswith(b"ESCRF") and MARKER not in stored and b"eviction" not in stored
    # Neither host keeps anything of it: no file in either instance folder (store, spool) holds the marker
    # or is named by the document.
    for host in (cluster.a, cluster.b):
        for path in host.files():
            assert document_id not in path.name, path
            assert MARKER not in path.read_bytes(), path
        store = host.instance / "store"
        assert not store.exists() or not [path for path in host.files() if store in path.parents]


# --- 3. sessions ------------------------------------------------------------------------------------------


def test_a_session_made_on_a_works_on_b_and_signing_out_on_b_ends_it_on_a(cluster):  # SESS-01, SESS-03
    partner = cluster.person(roles.PARTNER)
    browser = Browser()
    signed_in = browser.sign_in(cluster.a, partner.email, code=partner.code())
    assert signed_in.status == 302 and "/login" not in signed_in.headers["location"], signed_in.text[:2000]
    assert signed_in_page(browser.get(cluster.a, "/intake"))

    assert signed_in_page(browser.get(cluster.b, "/intake"))  # the session row is in the shared database
    cookie = dict(browser.cookies)
    signed_out = browser.post(cluster.b, "/logout", {}, token_from="/intake")
    assert signed_out.status == 302 and signed_out.headers["location"].endswith("/login")

    replayed = Browser(browser.address)
    replayed.cookies = cookie  # the cookie from before the sign-out, replayed on the other host
    on_a = replayed.get(cluster.a, "/intake")
    assert on_a.status == 302 and "/login" in on_a.headers["location"]


# --- 2. rate limits ---------------------------------------------------------------------------------------


def test_the_sign_in_limit_counted_across_both_hosts_answers_429_on_either(cluster):  # AUTH-11
    browser = Browser()
    hosts = [cluster.a, cluster.b] * (LOGIN_LIMIT // 2)
    answers = [browser.sign_in(host, "nobody@example.org", "not the password") for host in hosts]
    assert [answer.status for answer in answers] == [200] * LOGIN_LIMIT
    assert all(SIGN_IN_FAILED in answer.text for answer in answers)

    for host in (cluster.a, cluster.b):
        refused = browser.sign_in(host, "nobody@example.org", "not the password")
        assert refused.status == 429 and LIMITED in refused.text, host.name
    # Another address is not limited: the count is per address, shared by the hosts.
    assert Browser().sign_in(cluster.b, "nobody@example.org", "not the password").status == 200


# --- 4. shredding -----------------------------------------------------------------------------------------


def test_a_draft_deleted_on_a_is_404_on_b_and_its_object_is_gone_from_the_bucket(cluster):  # CRY-06
    partner, token = cluster.partner()
    api = ApiClient(token)
    report_id = api.create_report(cluster.b, "Draft to shred")
    uploaded = api.upload(cluster.b, report_id, "draft evidence.pdf", evidence(256 * 1024))
    assert uploaded.status == 201, uploaded.text
    document_id = uploaded.json()["documents"][0]["id"]
    key = f"{cluster.prefix}files/{document_id}"
    assert key in cluster.keys("files/")
    browser = Browser()
    signed_in = browser.sign_in(cluster.a, partner.email, code=partner.code())
    assert signed_in.status == 302, signed_in.text[:2000]

    deleted = browser.post(cluster.a, f"/intake/{report_id}/delete", {}, token_from="/intake")

    assert deleted.status == 302, deleted.text[:2000]
    assert api.request(cluster.b, "GET", f"/reports/{report_id}").status == 404
    assert api.download(cluster.b, report_id, document_id).status == 404
    assert key not in cluster.keys("files/")  # deleted once the deletion committed, by the host that shredded
    assert cluster.query(select(Case.id).where(Case.uuid == report_id)) == []


# --- 8. the audit chain -----------------------------------------------------------------------------------


def test_the_audit_chain_is_intact_after_a_burst_of_writes_across_both_hosts(cluster):  # LOG-01, REL-04
    _partner, token = cluster.partner()
    api = ApiClient(token)
    submissions = 16

    def submit(number: int) -> int:
        host = (cluster.a, cluster.b)[number % 2]
        report_id = api.create_report(host, f"Burst report {number}", submit=True)
        other = (cluster.b, cluster.a)[number % 2]  # the evidence through the other host
        uploaded = api.upload(other, report_id, f"burst-{number}.pdf", evidence(96 * 1024))
        assert uploaded.status == 201, uploaded.text
        shown = api.request(host, "GET", f"/reports/{report_id}")
        assert shown.status == 200 and len(shown.json()["documents"]) == 1
        return number

    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="burst") as pool:
        assert sorted(pool.map(submit, range(submissions), timeout=300)) == list(range(submissions))

    verified = cluster.flask("audit", "verify")
    found = CHAIN_INTACT.search(verified)
    assert found, verified
    assert int(found.group(1)) >= 2 * submissions
    references = [row[0] for row in cluster.query(select(Case.reference).where(Case.reference.is_not(None)))]
    assert len(references) == len(set(references)) >= submissions  # each numbered once, across hosts


# --- 9. Redis down ----------------------------------------------------------------------------------------


def test_with_redis_down_sign_in_works_on_both_hosts_and_the_account_throttle_still_locks(cluster):  # AUTH-07
    cluster.redis.stop()
    try:
        for host in (cluster.a, cluster.b):
            person = cluster.person(roles.LAWYER)
            signed_in = Browser().sign_in(host, person.email, code=person.code())
            assert signed_in.status == 302 and "/login" not in signed_in.headers["location"], host.name

        target = cluster.person(roles.LAWYER)
        # Wrong passwords from different addresses through both hosts: the per-address limit (each process's
        # memory now) never comes into it; the per-account count in the database does.
        hosts = [cluster.a, cluster.b] * 3
        for host in hosts[:5]:
            failed = Browser().sign_in(host, target.email, "not the password")
            assert failed.status == 200 and SIGN_IN_FAILED in failed.text
        for host in (cluster.a, cluster.b):
            locked = Browser().sign_in(host, target.email, code=target.code())
            assert locked.status == 200 and SIGN_IN_FAILED in locked.text, host.name
        failures = cluster.query(select(func.count()).select_from(LoginFailure)
                                 .where(LoginFailure.user_id == target.id))
        assert failures[0][0] >= 5
    finally:
        cluster.redis.start()
    for host in (cluster.a, cluster.b):  # each host said so, without the URL's password
        assert "rate_limit.storage_unreachable" in host.log(), host.name
        assert cluster.redis.password not in host.log()
# --- 5. a host killed mid-upload --------------------------------------------------------------------------


def test_a_host_killed_mid_upload_leaves_no_row_and_the_sweep_removes_the_orphan(cluster):  # REL-01, REL-03
    _partner, token = cluster.partner()
    api = ApiClient(token)
    doomed = cluster.host("C").start()
    try:
        report_id = api.create_report(doomed, "Upload cut short")
        content = evidence(96 * MIB)  # twelve parts: seconds of streaming to the bucket
        outcome: dict = {}

        def upload() -> None:
            try:
                outcome["reply"] = api.upload(doomed, report_id, "large.pdf", content)
            except OSError as exc:  # the connection dies with the host
                outcome["error"] = exc

        sender = threading.Thread(target=upload)
        sender.start()
        deadline = time.monotonic() + 120
        while not cluster.pending_multipart_uploads():
            assert time.monotonic() < deadline and sender.is_alive(), f"no multipart upload began: {outcome}"
            time.sleep(0.05)
        doomed.kill()
        sender.join(timeout=60)
        assert "reply" not in outcome, outcome["reply"].status
    finally:
        doomed.kill()

    assert cluster.query(select(Document.id).join(Case).where(Case.uuid == report_id)) == []
    [orphan] = cluster.pending_multipart_uploads()  # what the crash left: parts, under incoming/
    assert orphan["Key"].startswith(f"{cluster.prefix}incoming/")
    swept = cluster.flask("store", "sweep", "--grace-minutes", "0")
    assert "discarded 1 incoming, removed 0 orphaned" in swept, swept
    assert cluster.pending_multipart_uploads() == [] and cluster.keys("incoming/") == []


# --- 6. one event, one e-mail -----------------------------------------------------------------------------

MAIL_TIMEOUT = 30.0  # seconds for an e-mail to arrive once a worker runs
SETTLE = 3.0  # seconds to wait after the expected e-mail, for a copy that would come late


@pytest.fixture
def celery_processes(cluster):
    """Start workers and schedulers with ``celery_processes("worker", "w1")``; all are stopped at the end."""
    started: list[CeleryProcess] = []

    def start(kind: str, name: str, schedule: dict | None = None) -> CeleryProcess:
        started.append(cluster.celery(kind, name, schedule))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def information_requested(cluster, lawyer_browser: Browser, host: Host, api: ApiClient, title: str) -> None:
    """The event, made through a host: a lawyer asks the partner for information on a submitted report."""
    report_id = api.create_report(host, title, submit=True)
    path = f"/screening/{report_id}/request-information"
    asked = lawyer_browser.post(host, path, {"body": f"Send the court order for {title}."}, token_from=path)
    assert asked.status == 302, asked.text[:2000]


def wait_for_mail(mail: MailServer, number: int) -> None:
    deadline = time.monotonic() + MAIL_TIMEOUT
    while len(mail.messages) < number:
        assert time.monotonic() < deadline, f"{len(mail.messages)} of {number} e-mails arrived"
        time.sleep(0.1)
    time.sleep(SETTLE)  # a second copy would arrive meanwhile


def test_one_event_on_a_host_gives_one_email_with_a_late_worker_and_with_two_workers(cluster, celery_processes):
    partner, token = cluster.partner()
    api = ApiClient(token)
    lawyer = cluster.person(roles.LAWYER)
    browser = Browser()
    assert browser.sign_in(cluster.b, lawyer.email, code=lawyer.code()).status == 302
    with cluster.redis.client() as client:
        client.delete(jobs.QUEUE)  # jobs of earlier tests' events, which no worker ran
    cluster.mail.messages.clear()

    information_requested(cluster, browser, cluster.b, api, "Late worker")
    assert len(cluster.queued()) == 1  # enqueued by host B after its commit, with no worker yet
    late = celery_processes("worker", "late")
    late.wait_for("ready.")
    wait_for_mail(cluster.mail, 1)
    assert [message["To"] for message in cluster.mail.messages] == [partner.email]
    assert cluster.queued() == []
    late.stop()

    # The next event through host A, its job given twice (as a broker may redeliver), and two workers racing.
    information_requested(cluster, browser, cluster.a, api, "Two workers")
    [job] = cluster.queued()
    with cluster.redis.client() as client:
        client.rpush(jobs.QUEUE, job)
    celery_processes("worker", "first").wait_for("ready.")
    celery_processes("worker", "second").wait_for("ready.")
    wait_for_mail(cluster.mail, 2)
    assert [message["To"] for message in cluster.mail.messages] == [partner.email, partner.email]
    assert len({message["Message-ID"] for message in cluster.mail.messages}) == 2
    assert cluster.queued() == []  # both copies were taken; the second sent nothing


# --- 7. two schedulers ------------------------------------------------------------------------------------


def test_with_two_schedulers_a_daily_job_is_sent_once(cluster, celery_processes):
    with cluster.redis.client() as client:
        client.delete(jobs.QUEUE)
    # A daily job at a set time: the next minute (or the one after, should this one end before the schedulers
    # are up), in UTC like every crontab line of JOBS_SCHEDULE.
    now = datetime.now(UTC)
    at = now + timedelta(minutes=1 if now.second < 45 else 2)
    schedule = {"digests": f"{at.minute} {at.hour} * * *"}
    first = celery_processes("beat", "first", schedule)
    first.wait_for("Acquired lock")
    second = celery_processes("beat", "second", schedule)
    second.wait_for("beat: Starting...")
    first.wait_for("Sending due task digests", timeout=150)
    time.sleep(3)  # the second scheduler looks every second: it would have sent its copy by now

    sent = [json.loads(item)["headers"]["task"] for item in cluster.queued()]  # no worker runs: all still there
    assert sent == [jobs.DIGESTS]
    assert "Acquired lock" not in second.log() and "Sending due task" not in second.log()
