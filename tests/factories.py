"""Test factories: the apps, people, cases and sign-ins the tests build (ESCR issue 13, point 4).

Plain functions and classes, imported by the test modules (``from tests.factories import make_case``).
The ``conftest.py`` files hold only pytest fixtures and hooks, which build on what is here; no module
imports from a conftest (``tests/unit/test_test_layout.py``).

Everything is written through the services where a service exists, and committed, as a request or a
command would leave it. Signing in writes a server-side session row directly (``login``), so the suite
never pays argon2's cost except in the tests about passwords themselves.
"""

import base64
import hashlib
import io
import os
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

from flask.testing import FlaskClient
from itsdangerous import Signer
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, event, text

import config
from caseapp import create_app
from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer, file_store, keyring
from caseapp.domain import roles
from caseapp.domain.report import RemedyInput, ReportInput, VictimInput
from caseapp.models import Base, Organisation, User, UserSession
from caseapp.models.base import utcnow
from caseapp.services import accounts, cases, intake, register, screening
from caseapp.services.register import seed_shipped

TEST_KEK = base64.urlsafe_b64encode(b"\x11" * 32).decode().rstrip("=")
TEST_INDEX_SECRET = base64.urlsafe_b64encode(b"\x22" * 32).decode().rstrip("=")
PASSWORD = "correct horse battery staple 42"

RAM_DISK = Path("/dev/shm")  # noqa: S108 — only the parent of a private mkdtemp directory


def ram_disk() -> Path | None:
    """The folder to make scratch instance folders in when the host has a writable RAM disk, else None.

    The suite builds hundreds of fresh SQLite databases; on a disk most of their time goes to fsync at
    each commit. The databases behave the same; only durability across a power cut differs.
    """
    return RAM_DISK if RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK) else None


# --- apps -----------------------------------------------------------------------------------------


def worker_database_url(base_url: str, suffix: str) -> str:
    """A database of our own on the PostgreSQL server of TEST_DATABASE_URL, created when missing."""
    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'caseapp_test'}_{suffix}"
    admin_url = urlunsplit(parts._replace(path="/postgres", scheme="postgresql+psycopg"))
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return urlunsplit(parts._replace(path=f"/{name}", scheme="postgresql+psycopg"))


def empty_worker_database(base_url: str, suffix: str) -> str:
    """``worker_database_url``, emptied: a database survives between runs, so its schema starts from nothing."""
    url = worker_database_url(base_url, suffix)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def drop_database(url: str) -> None:
    """Remove a database of ``worker_database_url`` from its server, closing its connections (a test that
    started servers of its own leaves nothing behind)."""
    parts = urlsplit(url)
    admin = create_engine(urlunsplit(parts._replace(path="/postgres")), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)'))
    admin.dispose()


class HTTPSClient(FlaskClient):
    """Requests go to https://localhost, as behind the TLS proxy in production, each in an app context
    of its own as on a real server: otherwise Flask reuses the test's context, and ``g`` and the
    database session would carry over from one request to the next."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.commit()  # the test's own session starts afresh and sees what the request wrote
        return response


class SharedTemplateCache(BytecodeCache):
    """Compiled templates kept for the whole worker, so each fresh test app does not compile them again."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedTemplateCache()


def build_app(tmp_path, database_url, *, require_keys=True, **overrides):
    """The testing app with its instance folder under ``tmp_path`` (no schema, nothing seeded)."""
    instance = tmp_path / "instance"
    config = {
        "CONFIG": "testing",
        "INSTANCE_PATH": str(instance),
        "KEKS": f"k1:{TEST_KEK}",
        "INDEX_SECRET": TEST_INDEX_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance / 'test.sqlite3'}",
    }
    config.update(overrides)
    app = create_app(config, require_keys=require_keys)
    app.test_client_class = HTTPSClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return app


def seed_register() -> None:
    """The States register as `flask states seed` leaves it, so every page sees the database register."""
    seed_shipped(db.session)
    db.session.commit()


@contextmanager
def running_app(tmp_path, database_url, *, prepare=None, **overrides):
    """An app with an empty schema (but for the seeded States register) and its app context pushed;
    emptied and closed afterwards.
    ``prepare(app)`` runs before the first request (e.g. to add a route)."""
    app = build_app(tmp_path, database_url, **overrides)
    if prepare is not None:
        prepare(app)
    with app.app_context():
        if database_url is None:
            Base.metadata.create_all(db.engine)
        try:
            seed_register()
            yield app
        finally:
            db.session.remove()
            if database_url is not None:
                with db.engine.begin() as connection:
                    for table in reversed(Base.metadata.sorted_tables):
                        if table.name == "audit_events":  # append-only: a trigger refuses DELETE, not TRUNCATE
                            connection.execute(text("TRUNCATE audit_events"))
                        else:
                            connection.execute(table.delete())
            db.engine.dispose()


# --- people ---------------------------------------------------------------------------------------


@dataclass
class Account:
    user: User
    totp_secret: str | None = None


def make_organisation(name: str) -> Organisation:
    organisation = accounts.create_organisation(db.session, name)
    db.session.commit()
    return organisation


def make_user(app, role: str, organisation: Organisation | None = None, *, email: str | None = None,
              password: str | None = PASSWORD, totp: bool | None = None) -> Account:
    """An account with a password and — unless ``totp=False`` — an enrolled TOTP secret: every role must
    have a second factor by default (AUTH-01, ``TWO_FACTOR_REQUIRED_ROLES``)."""
    email = email or f"{role}-{secrets.token_hex(4)}@example.org"
    user = accounts.create_user(
        db.session, app.extensions["caseapp.keyring"], email=email, role=role, organisation=organisation,
        password=password, hasher=app.extensions["caseapp.hasher"],
    )
    secret = None
    if totp if totp is not None else role in config.Config.TWO_FACTOR_REQUIRED_ROLES:
        secret = two_factor.new_secret()
        assert accounts.enrol_two_factor(db.session, app.extensions["caseapp.keyring"], user, secret,
                                         two_factor.current_code(secret), window=1)
        user.totp_last_step = None
    db.session.commit()
    return Account(user, secret)


def make_people(app, org_a: Organisation, org_b: Organisation) -> dict[str, Account]:
    """One account per kind of principal the authorisation matrix knows."""
    return {
        "partner_a": make_user(app, roles.PARTNER, org_a),
        "partner_b": make_user(app, roles.PARTNER, org_b),
        "lawyer": make_user(app, roles.LAWYER),
        "coordinator": make_user(app, roles.COORDINATOR),
        "admin": make_user(app, roles.ADMIN),
        "pending_2fa": make_user(app, roles.LAWYER, totp=False),
    }


def login(app, client, user: User, *, two_factor_done: bool = True) -> str:
    """Sign ``user`` in on ``client`` by writing a session row; returns the session's handle."""
    session_id = secrets.token_urlsafe(32)
    handle = secrets.token_hex(16)
    now = utcnow()
    db.session.add(UserSession(
        id_hash=hashlib.sha256(session_id.encode()).hexdigest(), handle=handle, user_id=user.id,
        two_factor_done=two_factor_done, data="{}", created_at=now, last_seen_at=now,
    ))
    db.session.commit()
    signer = Signer(app.secret_key, salt="caseapp.session", digest_method=hashlib.sha256)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], signer.sign(session_id.encode()).decode())
    return handle


def signed_in(app, user: User):
    """A test client signed in as ``user`` (a session row written directly, two-factor done)."""
    client = app.test_client()
    login(app, client, user)
    return client


@contextmanager
def counting():
    """The SQL statements the app's engine sends inside the block, in order (a list filled as they go)."""
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def text_of(html: str) -> str:
    """What the reader sees of a page: text without tags, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form on a rendered page."""
    marker = 'name="csrf_token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


# --- reports and cases ----------------------------------------------------------------------------


def make_case(app, organisation, author=None, *, body: bytes = b"%PDF-1.7 evidence", name: str = "evidence.pdf",
              victim: VictimInput | None = None, narrative: str = "What happened.", submit: bool = False,
              title: str = "A title"):
    """A committed draft (or, with ``submit``, a submitted report) with one victim and one document,
    written through the services."""
    upload = cases.store_upload(db.session, file_store(), io.BytesIO(body))
    case, vault = cases.create_case(db.session, keyring(), organisation=organisation, author=author,
                                    title=title, summary="A summary", narrative=narrative)
    cases.add_victim(db.session, vault, blind_indexer(), victim or VictimInput(name="Ana Pérez", identity_number="X-1"))
    document = cases.record_document(db.session, vault, upload, original_name=name, content_type="application/pdf",
                                     uploaded_by=author)
    if submit:
        cases.submit_case(db.session, case)
    db.session.commit()
    return case, document


def make_staged_case(app, organisation, *, stage: str, one_year: tuple[date, date] | None = None,
                     title: str = "A title", victim: VictimInput | None = None, **dates):
    """A submitted report moved to ``stage``, with its one-year limit (basis, last day) and a communication
    holding ``dates`` when any are given — written directly, as the tracking pages would leave them."""
    from caseapp.models import Communication
    case, _document = make_case(app, organisation, submit=True, title=title, victim=victim)
    case.stage = stage
    if one_year:
        case.one_year_basis_date, case.one_year_last_day = one_year
    if dates:
        db.session.add(Communication(uuid=uuid4(), case_id=case.id, articles_violated=[], public_links=[], **dates))
    db.session.commit()
    return case


def submit_report(app, partner, *, notified, **changes):
    """A submitted report of ``partner``'s organisation whose final decision was notified on ``notified``."""
    case, vault = intake.new_draft(db.session, keyring(), partner)
    report = ReportInput(
        title="Eviction", narrative="What happened", state="ES", rights_invoked=["11(1)"],
        other_instruments=["ICCPR art. 26"], facts_start=date(2024, 3, 3), continuing="no",
        author_is_victim="yes", acting_on_behalf="no", victims_under_jurisdiction="yes",
        victims=[VictimInput(name="Ana", consent="yes")],
        remedies=[RemedyInput(body="Tribunal Constitucional", kind="constitutional",
                              filed=notified - timedelta(days=90), decided=notified - timedelta(days=5),
                              notified=notified, outcome="rejected", final="yes", addressed_substance="yes")],
    )
    for name, value in changes.items():
        setattr(report, name, value)
    intake.save_report(db.session, vault, intake.seal_report(vault, blind_indexer(), report), keyring=keyring(),
                       today=utcnow().date(), submit=True)
    db.session.commit()
    return case, vault


def make_tracked_case(app, organisation, author):
    """A submitted case the Committee has decided (inadmissible, adopted 10 Jan 2025), with one interim
    measures request and one media item: the objects behind the tracking routes' URLs."""
    from caseapp.models import Communication, InterimMeasure, MediaCoverage

    case, _document = make_case(app, organisation, author, submit=True)
    case.stage = "decided"
    db.session.add(Communication(case_id=case.id, submitted_on=date(2024, 3, 1), decision_type="inadmissible",
                                 decision_adopted_on=date(2025, 1, 10), articles_violated=[], public_links=[]))
    measure = InterimMeasure(case_id=case.id, requested_on=date(2024, 3, 2), outcome="pending", compliance="unknown")
    media = MediaCoverage(case_id=case.id, outlet="Matrix Daily", published_on=date(2025, 1, 20))
    db.session.add_all([measure, media])
    db.session.commit()
    return case, measure, media


def add_to_team(case, *users: User) -> None:
    """Put ``users`` on ``case``'s team directly (no timeline entry or audit event: a fixture, not the feature)."""
    from caseapp.models import CaseTeamMember

    db.session.add_all([CaseTeamMember(case_id=case.id, user_id=user.id, added_at=utcnow()) for user in users])
    db.session.commit()


def request_information(case, lawyer: User, body: str = "Please send the eviction order.") -> None:
    """``lawyer`` asks the partner for information through the service: the report moves to "information
    requested", with the question in its thread (both committed)."""
    from caseapp.services.vault import open_vault

    vault = open_vault(db.session, keyring(), db.session.merge(case))
    screening.request_information(db.session, vault, db.session.merge(lawyer), body)
    db.session.commit()


def record_screening(case, lawyer: User, *, status: str = "met", score: int | None = 3,
                     reason: str = "Checked against the file.") -> None:
    """A committed screening version of ``case`` by ``lawyer``: every criterion determined ``status``
    (with ``reason`` where that differs from the engine) and every strategic factor scored ``score``."""
    from caseapp.domain.admissibility import CRITERIA
    from caseapp.domain.screening import (
        STRATEGIC_FACTORS,
        Determination,
        FactorScore,
        ScreeningContent,
        engine_statuses,
    )
    from caseapp.services.vault import open_vault

    vault = open_vault(db.session, keyring(), case)
    assessment = screening.assess_report(vault, today=utcnow().date(), register=register.load_register(db.session))
    engine = assessment.to_json()
    statuses = engine_statuses(engine)
    content = ScreeningContent(
        tuple(Determination(criterion, statuses[criterion], status, "" if statuses[criterion] == status else reason)
              for criterion, _article in CRITERIA),
        tuple(FactorScore(factor, score, "") for factor, _name in STRATEGIC_FACTORS), "", engine)
    screening.record_screening(db.session, vault, lawyer, content)
    db.session.commit()
