"""CSRF suite, run with CSRFProtect ON (CSRF-01, CSRF-02, CSRF-03).

The rest of the suite runs with ``WTF_CSRF_ENABLED=False`` (as SecureDrop's does), so this module
overrides the ``app`` fixture to build the app with CSRF on; ``people``, ``client`` and the other
conftest fixtures then use this app.

Routes are discovered from ``app.url_map``: every state-changing rule is tested automatically, and a
new one fails ``test_every_state_changing_route_has_form_data`` until it is given the form data a
legitimate user would send (needed for the control request, which must succeed) in
``tests/security/forms.py``, which the form fuzzing (IN-02) shares.
"""

import hashlib
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import MetaData, select, update

import config as config_module
from caseapp.core.extensions import csrf, db
from caseapp.models import AuditEvent, UserSession
from tests.factories import build_app, running_app
from tests.security.forms import (
    DEFAULT_TOKEN_PAGE,
    FORM_DATA,
    TOKEN_PAGE,
    Scene,
    make_scene,
)
from tests.security.forms import client_for as _client_for
from tests.security.forms import principal_for as _principal_for
from tests.security.forms import submitted_case as _submitted_case

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _discover_rules() -> list[tuple[str, frozenset[str]]]:
    """(endpoint, methods) of every rule in the URL map of a freshly built app."""
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp), None)
        return [(rule.endpoint, frozenset(rule.methods or ())) for rule in app.url_map.iter_rules()]


RULES = _discover_rules()
# The JSON API blueprint is exempt from CSRF by design (caseapp/api/__init__.py): it ignores the session
# cookie and accepts only an ``Authorization: Bearer`` token, which a browser never sends by itself, so a
# forged cross-site request carries no credential. Its routes are skipped here explicitly;
# tests/web/test_api.py proves that the exemption covers token requests only (a cookie-authenticated POST
# is refused) and ``test_only_the_api_blueprint_is_exempt`` below that nothing else is exempt.
CSRF_EXEMPT_BLUEPRINT = "api"
# One view is exempt for the same reason: the RFC 8058 one-click unsubscribe POST a mail client sends carries
# no cookie and no form, only the URL's signed, expiring token naming one person and one kind of e-mail,
# which is the credential (a forger would need the token itself). It can only turn that one kind of e-mail off.
# tests/integration/test_notifications.py::test_the_unsubscribe_link_turns_one_kind_off covers forged tokens.
CSRF_EXEMPT_VIEWS = frozenset({"notifications.confirm_unsubscribe"})


def _csrf_exempt_by_design(endpoint: str) -> bool:
    return endpoint.startswith(CSRF_EXEMPT_BLUEPRINT + ".") or endpoint in CSRF_EXEMPT_VIEWS


STATE_CHANGING = sorted({(endpoint, method) for endpoint, methods in RULES for method in methods & UNSAFE_METHODS
                         if not _csrf_exempt_by_design(endpoint)})
GET_ENDPOINTS = sorted({endpoint for endpoint, methods in RULES if "GET" in methods})

# Every kind of principal, for GET safety.
PRINCIPALS = ("anonymous", "partner_a", "lawyer", "coordinator", "admin", "pending_2fa")


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path, database_url):
    """The conftest ``app``, with CSRF protection switched back on."""
    with running_app(tmp_path, database_url, WTF_CSRF_ENABLED=True) as app:
        yield app


@pytest.fixture
def scene(app, people):
    return make_scene(app, people)


# --- helpers -------------------------------------------------------------------------------------




def _token_in(html: str) -> str:
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    assert match, "the page carries no CSRF token"
    return re.search(r'value="([^"]+)"', match.group()).group(1)


def _fresh_token(scene: Scene, client, principal: str) -> tuple[str, str]:
    """Open the principal's token page in this session: (its CSRF token, the page)."""
    response = client.get(scene.url(TOKEN_PAGE.get(principal, DEFAULT_TOKEN_PAGE), principal))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return _token_in(html), html


def _send(client, method: str, url: str, data: dict, token: str | None = None):
    if token is not None:
        data = {**data, "csrf_token": token}
    # No Referer, as browsers send none under HDR-01's `Referrer-Policy: no-referrer`.
    return client.open(url, method=method, data=data)


def _assert_refused(response) -> None:  # CSRF-01, CSRF-03
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "This form has expired" in text
    assert "reload the page" in text
    assert "sign in again" in text
    assert "ESCR Case Desk" in text  # the app's own error page, inside the layout


def _assert_accepted(response) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code < 400, f"control request failed with {response.status_code}"
    assert "This form has expired" not in text


# Reading case content writes an audit event (AC-08, LOG-01): legitimate bookkeeping, like the session
# touch below. The GET-safety test leaves ``audit_events`` out of its comparison and checks instead that
# events are only ever appended; the refusal tests keep it in (a refused request records nothing).
AUDIT_TABLE = "audit_events"


def _table_rows(*, skip: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every row of every table but ``user_sessions`` (and the tables in ``skip``).

    ``user_sessions`` is left out because reading a page legitimately writes it: the session's
    ``last_seen_at`` is touched (at most once a minute, SESS-04 idle timeout), the CSRF token and flash
    messages live in its ``data``, and an anonymous visitor who opens a form gets a row to hold the
    token. ``_session_identities`` checks what must not change there.
    """
    with db.engine.connect() as connection:
        return {
            name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
            for name, table in _reflected_tables(connection).items()
            if name != "user_sessions" and name not in skip
        }


_REFLECTED: dict[str, dict] = {}


def _reflected_tables(connection) -> dict:
    """The tables as found in the database (not as the models say), reflected once per database."""
    key = connection.engine.url.render_as_string()
    if key not in _REFLECTED:
        metadata = MetaData()
        metadata.reflect(bind=connection)
        _REFLECTED[key] = dict(metadata.tables)
    return _REFLECTED[key]


def _session_identities() -> set[tuple]:
    """Who is signed in where: sessions without their touch time and payload."""
    table = UserSession.__table__
    columns = (table.c.id_hash, table.c.handle, table.c.user_id, table.c.two_factor_done, table.c.created_at)
    with db.engine.connect() as connection:
        return set(connection.execute(select(*columns)).all())


def _instance_files(app) -> dict[str, str]:
    """Path → SHA-256 of everything in the instance folder but the SQLite database itself, whose bytes
    change with the session touch above and whose content ``_table_rows`` compares."""
    root = Path(app.instance_path)
    database = db.engine.url.database if db.engine.url.get_backend_name() == "sqlite" else None
    snapshot = {}
    for path in sorted(root.rglob("*")):
        if database and str(path).startswith(database):
            continue
        relative = path.relative_to(root).as_posix()
        snapshot[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return snapshot


def _state() -> tuple:
    return _table_rows(), _session_identities()


def _keep_sessions_alive() -> None:
    """Move every session's start and last activity to now.

    A token can only outlive its session when the session is kept alive past the token's time limit;
    CSRF-03 makes the limit at least the session lifetime, so the test stretches the session instead,
    and only the token's own age decides the answer.
    """
    now = datetime.now(UTC)
    with db.engine.begin() as connection:
        connection.execute(update(UserSession.__table__).values(created_at=now, last_seen_at=now))


STATE_CHANGING_IDS = [f"{method} {endpoint}" for endpoint, method in STATE_CHANGING]


# --- CSRF-01 / CSRF-03 ---------------------------------------------------------------------------


def test_discovery_finds_the_state_changing_routes():  # CSRF-01: the parametrisation is not empty
    endpoints = {endpoint for endpoint, _ in STATE_CHANGING}
    assert {"auth.login", "auth.logout", "account.change_password", "admin.new_user"} <= endpoints


def test_every_state_changing_route_has_form_data():  # CSRF-01: new routes cannot slip through
    endpoints = {endpoint for endpoint, _ in STATE_CHANGING}
    assert endpoints - FORM_DATA.keys() == set(), "add the form data a legitimate user sends to FORM_DATA"
    # The exempt view keeps its valid request there for the fuzzing (tests/security/test_form_fuzzing.py).
    assert FORM_DATA.keys() - endpoints - CSRF_EXEMPT_VIEWS == set(), "FORM_DATA names routes that no longer exist"


def test_only_the_api_blueprint_is_exempt(app):  # CSRF-01: the exemption is one blueprint, by design
    assert {bp.name for bp in csrf._exempt_blueprints} == {CSRF_EXEMPT_BLUEPRINT}
    assert csrf._exempt_views == {"caseapp.notifications.routes.confirm_unsubscribe"}
    exempt = {endpoint for endpoint, methods in RULES if methods & UNSAFE_METHODS and _csrf_exempt_by_design(endpoint)}
    assert exempt == {"api.create_report", "api.upload_documents", "notifications.confirm_unsubscribe"}


@pytest.mark.parametrize(("endpoint", "method"), STATE_CHANGING, ids=STATE_CHANGING_IDS)
def test_missing_token_is_refused(scene, endpoint, method):  # CSRF-01, CSRF-03
    principal = _principal_for(endpoint, method)
    client = _client_for(scene, principal)
    token, page = _fresh_token(scene, client, principal)
    url = scene.url(endpoint, principal, method)
    data = FORM_DATA[endpoint](scene, page)
    before = _state()

    _assert_refused(_send(client, method, url, data))
    assert _state() == before, "a refused request changed the database"

    # Control: the same request with this session's own token goes through.
    _assert_accepted(_send(client, method, url, data, token))


@pytest.mark.parametrize(("endpoint", "method"), STATE_CHANGING, ids=STATE_CHANGING_IDS)
def test_token_from_another_session_is_refused(scene, endpoint, method):  # CSRF-01
    principal = _principal_for(endpoint, method)
    client = _client_for(scene, principal)
    own_token, page = _fresh_token(scene, client, principal)
    # A valid token from another session of the same kind of principal (the same user when signed in).
    foreign_token, _ = _fresh_token(scene, _client_for(scene, principal), principal)
    assert foreign_token != own_token
    url = scene.url(endpoint, principal, method)
    data = FORM_DATA[endpoint](scene, page)
    before = _state()

    _assert_refused(_send(client, method, url, data, foreign_token))
    assert _state() == before, "a refused request changed the database"

    _assert_accepted(_send(client, method, url, data, own_token))


@pytest.mark.parametrize(("endpoint", "method"), STATE_CHANGING, ids=STATE_CHANGING_IDS)
def test_expired_token_is_refused(scene, endpoint, method):  # CSRF-01, CSRF-03
    limit = scene.app.config["WTF_CSRF_TIME_LIMIT"]
    principal = _principal_for(endpoint, method)
    url = scene.url(endpoint, principal, method)
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        client = _client_for(scene, principal)
        old_token, page = _fresh_token(scene, client, principal)
        traveller.shift(timedelta(seconds=limit + 1))
        _keep_sessions_alive()
        data = FORM_DATA[endpoint](scene, page)
        before = _state()

        _assert_refused(_send(client, method, url, data, old_token))
        assert _state() == before, "a refused request changed the database"

        # Control: the same session, still alive, with a token fetched now.
        fresh_token, page = _fresh_token(scene, client, principal)
        _assert_accepted(_send(client, method, url, FORM_DATA[endpoint](scene, page), fresh_token))


def test_csrf_token_lifetime_covers_the_idle_timeout(app):  # CSRF-03
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    assert isinstance(limit, int), "tokens must expire (CSRF-01), so the limit is a number of seconds"
    assert limit >= app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    for name, settings in config_module.CONFIGS.items():  # the deployed configurations too
        idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        assert idle <= settings.WTF_CSRF_TIME_LIMIT, name


def test_form_left_open_for_almost_the_idle_timeout_still_works(scene):  # CSRF-03 (SecureDrop #2290)
    """A user who opens a form and comes back just before their session would time out is not told
    their form expired."""
    idle = scene.app.config["SESSION_IDLE_TIMEOUT"]
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        client = _client_for(scene, "partner_a")
        token, _ = _fresh_token(scene, client, "partner_a")
        traveller.shift(idle - timedelta(minutes=1))
        response = _send(client, "POST", scene.url("account.end_other_sessions", "partner_a", "POST"), {}, token)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(scene.url("account.show", "partner_a"))
        assert re.search(r"\d+ other sessions? ended", client.get(response.headers["Location"]).get_data(as_text=True))


# --- CSRF-02 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_get_and_head_change_nothing(scene, principal):  # CSRF-02
    client = _client_for(scene, principal)
    urls = [scene.url(endpoint, principal) for endpoint in GET_ENDPOINTS]
    skip = frozenset({AUDIT_TABLE})
    rows, sessions, files = _table_rows(skip=skip), _session_identities(), _instance_files(scene.app)
    events = _audit_events()
    assert rows["users"], "the snapshot must see the accounts"

    for url in urls:
        for method in ("GET", "HEAD"):
            response = client.open(url, method=method)
            assert response.status_code < 500, f"{method} {url} as {principal}: {response.status_code}"
            assert _table_rows(skip=skip) == rows, f"{method} {url} as {principal} changed the database"
            assert _instance_files(scene.app) == files, f"{method} {url} as {principal} changed the instance folder"
            later = _audit_events()
            assert later[:len(events)] == events, f"{method} {url} as {principal} altered earlier audit events"
            events = later
    # Reading may add a session (an anonymous visitor's CSRF token) but never ends or alters one.
    assert sessions <= _session_identities()


def _audit_events() -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(AuditEvent.__table__).order_by(AuditEvent.id))]


def test_reading_a_case_page_appends_one_audit_event_without_content(scene):  # CSRF-02, AC-08, LOG-02
    """The one write a GET may make: the audit event of a view of case content, with ids only."""
    client = _client_for(scene, "lawyer")
    before = _audit_events()

    response = client.get(f"/screening/{scene.submitted_uuid}")  # the lawyers' page of a submitted report

    assert response.status_code == 200
    assert "A title" in response.get_data(as_text=True)  # the page did show decrypted content
    added = _audit_events()[len(before):]
    assert len(added) == 1
    event = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    submitted = _submitted_case(scene)
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        "report_viewed", scene.user("lawyer").id, "case", scene.submitted_uuid)
    assert event.case_uuid == scene.submitted_uuid and event.case_reference == submitted.reference
    for marker in ("A title", "A summary", "What happened", "Ana Pérez", "X-1", "evidence.pdf"):
        assert not any(marker in str(value) for value in added[0]), marker
