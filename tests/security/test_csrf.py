"""CSRF suite, run with CSRFProtect ON (CSRF-01, CSRF-02, CSRF-03).

The rest of the suite runs with ``WTF_CSRF_ENABLED=False`` (as SecureDrop's does), so this module
overrides the ``app`` fixture to build the app with CSRF on; ``people``, ``client`` and the other
conftest fixtures then use this app.

Routes are discovered from ``app.url_map``: every state-changing rule is tested automatically, and a
new one fails ``test_every_state_changing_route_has_form_data`` until it is given the form data a
legitimate user would send (needed for the control request, which must succeed).
"""

import hashlib
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import MetaData, select, update

import config as config_module
from caseapp.domain import permissions
from caseapp.domain.admissibility import CRITERIA
from caseapp.domain.screening import STRATEGIC_FACTORS
from caseapp.extensions import csrf, db
from caseapp.models import AuditEvent, Case, UserSession
from caseapp.runtime import keyring
from caseapp.services import accounts, screening, tokens, two_factor
from caseapp.services.vault import open_vault
from tests.conftest import (
    PASSWORD,
    Account,
    build_app,
    login,
    make_case,
    make_tracked_case,
    record_screening,
    running_app,
)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NEW_PASSWORD = "violet tractor mango umbrella 77"


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


def _csrf_exempt_by_design(endpoint: str) -> bool:
    return endpoint.startswith(CSRF_EXEMPT_BLUEPRINT + ".")


STATE_CHANGING = sorted({(endpoint, method) for endpoint, methods in RULES for method in methods & UNSAFE_METHODS
                         if not _csrf_exempt_by_design(endpoint)})
GET_ENDPOINTS = sorted({endpoint for endpoint, methods in RULES if "GET" in methods})

# The narrowest principal the policy table lets use a route: the CSRF check must hold for them.
PRINCIPAL_FOR_LEVEL = {
    permissions.PUBLIC: "anonymous",
    permissions.SESSION: "pending_2fa",
    permissions.USER: "partner_a",
    permissions.STAFF: "lawyer",
    permissions.PARTNERS: "partner_a",
    permissions.LAWYERS: "lawyer",
    permissions.CASE_TEAM: "coordinator",
    permissions.COORDINATORS: "coordinator",
    permissions.ADMIN_ONLY: "admin",
}
# Every kind of principal, for GET safety.
PRINCIPALS = ("anonymous", "partner_a", "lawyer", "coordinator", "admin", "pending_2fa")
# A page each principal can open that carries a CSRF token.
TOKEN_PAGE = {"anonymous": "auth.login", "pending_2fa": "auth.enrol_two_factor"}
DEFAULT_TOKEN_PAGE = "account.show"


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path, database_url):
    """The conftest ``app``, with CSRF protection switched back on."""
    with running_app(tmp_path, database_url, WTF_CSRF_ENABLED=True) as app:
        yield app


# Routes that act on a submitted report rather than a draft.
SUBMITTED_REPORT_ENDPOINTS = frozenset({"messages.post_message", "inbox.assess_report", "inbox.request_information",
                                        "inbox.decline_report", "inbox.accept_report", "inbox.reopen_report"})


@dataclass
class Scene:
    """Real objects to fill URL arguments with: a target account, a setup link, spare sessions."""

    app: object
    people: dict[str, Account]
    setup_token: str
    case_uuid: str
    document_uuid: str
    submitted_uuid: str
    tracked_uuid: str = ""
    measure: dict = field(default_factory=dict)  # uuid and id of the tracked case's interim measures request
    media_uuid: str = ""
    spare_handles: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, principal: str):
        return self.people[principal].user

    def url(self, endpoint: str, principal: str, method: str = "GET") -> str:
        rule = next(r for r in self.app.url_map.iter_rules(endpoint) if method in (r.methods or ()))
        values = {name: self._value(name, endpoint, principal) for name in rule.arguments}
        return self.app.url_map.bind("localhost", url_scheme="https").build(endpoint, values, method=method)

    def _value(self, name: str, endpoint: str, principal: str) -> str:
        if name == "user_uuid":  # an account an admin may change
            return str(self.user("partner_b").uuid)
        if name == "token" and endpoint == "deadlines.calendar_feed":
            # A made-up feed secret (404). A live one would record its use ("last used", at most hourly),
            # bookkeeping like a session's last activity; tests/web/test_deadlines.py covers live feeds.
            return "not-a-feed-secret"
        if name == "token":  # a live setup link
            return self.setup_token
        if name == "case_uuid" and endpoint in SUBMITTED_REPORT_ENDPOINTS:
            return self.submitted_uuid
        if name == "case_uuid" and endpoint.startswith("tracking."):
            return self.tracked_uuid
        if name == "measure_uuid":
            return self.measure["uuid"]
        if name == "item_uuid":
            return self.media_uuid
        if name in ("case_uuid", "document_uuid"):  # a draft of partner_a's organisation, with a document
            return getattr(self, name)
        if name in ("id", "doc_id"):  # the JSON API's names for a report and its document
            return getattr(self, {"id": "case_uuid", "doc_id": "document_uuid"}[name])
        if name == "token_uuid":  # an API token of the acting user
            if principal not in self.tokens:
                self.tokens[principal] = str(tokens.create(db.session, self.user(principal), "CSRF suite").token.uuid)
                db.session.commit()
            return self.tokens[principal]
        if name == "handle":  # another session of the acting user
            if principal not in self.spare_handles:
                self.spare_handles[principal] = login(self.app, self.app.test_client(), self.user(principal))
            return self.spare_handles[principal]
        if name == "iso2":  # a State of the seeded register
            return "FI"
        if name == "filename":  # a real file in the static folder this endpoint serves
            blueprint = endpoint.rpartition(".")[0]
            folder = Path(self.app.blueprints[blueprint].static_folder if blueprint else self.app.static_folder)
            return sorted(p for p in folder.rglob("*") if p.is_file())[0].relative_to(folder).as_posix()
        pytest.fail(f"No real object for URL argument {name!r} of {endpoint}: teach Scene._value about it")


@pytest.fixture
def scene(app, people):
    token = accounts.issue_setup_token(db.session, people["partner_b"].user, timedelta(hours=24))
    db.session.commit()
    case, document = make_case(app, people["partner_a"].user.organisation, people["partner_a"].user)
    submitted, _ = make_case(app, people["partner_a"].user.organisation, people["partner_a"].user, submit=True)
    tracked, measure, media = make_tracked_case(app, people["partner_a"].user.organisation, people["partner_a"].user)
    return Scene(app, people, token, str(case.uuid), str(document.uuid), str(submitted.uuid), str(tracked.uuid),
                 {"uuid": str(measure.uuid), "id": measure.id}, str(media.uuid))


# --- what a legitimate user would send to each state-changing route (the control request) --------


def _secret_on(page: str) -> str:
    match = re.search(r'class="secret-code[^"]*"[^>]*>([A-Z2-7 ]+)<', page)
    assert match, "the enrolment page shows no setup key"
    return match.group(1).replace(" ", "")


FORM_DATA = {
    "auth.login": lambda s, page: {"email": s.user("partner_a").email, "password": PASSWORD},
    "auth.logout": lambda s, page: {},
    "auth.setup_account": lambda s, page: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    "auth.enrol_two_factor": lambda s, page: {"code": two_factor.current_code(_secret_on(page))},
    "account.change_password": lambda s, page: {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "code": "",
    },
    "account.end_session": lambda s, page: {},
    "account.end_other_sessions": lambda s, page: {},
    "account.create_token": lambda s, page: {"name": "Made by the control request"},
    "account.revoke_token": lambda s, page: {},
    "account.create_calendar_feed": lambda s, page: {},
    "account.revoke_calendar_feed": lambda s, page: {},
    "admin.list_users": lambda s, page: {"q": "", "role": "", "status": "", "sort": "email"},
    "admin.new_user": lambda s, page: {
        "email": "new-person@example.org", "display_name": "New Person", "role": "lawyer", "organisation": "",
    },
    "admin.update_user": lambda s, page: {
        "display_name": "Renamed", "role": "partner", "organisation": str(s.user("partner_b").organisation_id),
    },
    "admin.disable_user": lambda s, page: {},
    "admin.enable_user": lambda s, page: {},
    "admin.end_user_sessions": lambda s, page: {},
    "admin.reset_two_factor": lambda s, page: {},
    "admin.issue_setup_link": lambda s, page: {},
    "admin.new_organisation": lambda s, page: {"name": "Organisation C"},
    "admin.new_state": lambda s, page: {
        "iso2": "NZ", "name": "", "listing": "signatory", "verified": "no", "source": "CSRF suite control request",
    },
    "admin.edit_state": lambda s, page: {
        "name": "Finland", "listing": "party", "signature": "2009-09-24", "instrument_type": "ratification",
        "instrument_date": "2014-01-31", "instrument_year": "", "entry_into_force": "2014-04-30",
        "eif_basis": "art18(2) deposit+3 months (control request)", "art10_declaration": "unknown",
        "art11_declaration": "unknown", "verified": "partly", "source_note": "UNTC", "source": "CSRF suite control request",
    },
    "admin.check_register": lambda s, page: {"as_of": "2025-06-30", "reported_parties": "29", "source": "CSRF suite"},
    "reports.list_reports": lambda s, page: {"q": "", "status": ""},
    "reports.new_report": lambda s, page: {},
    "reports.edit_report": lambda s, page: {
        "action": "save", "title": "Saved by the control request", "state": "", "continuing": "unknown",
        "only_mass_media_reports": "unknown", "author_is_victim": "unknown", "acting_on_behalf": "unknown",
        "remedies_exception_reason": "", "urgent_risk": "unknown", "victims_under_jurisdiction": "unknown",
        "clear_disadvantage": "unknown", "general_importance": "unknown",
    },
    "reports.delete_document": lambda s, page: {},
    "reports.delete_draft": lambda s, page: {},
    "messages.post_message": lambda s, page: {"body": "Hello from the control request"},
    "inbox.assess_report": lambda s, page: {
        **{f"status_{criterion}": "met" for criterion, _article in CRITERIA},
        **{f"reason_{criterion}": "Control request" for criterion, _article in CRITERIA},
        **{f"score_{factor}": "3" for factor, _name in STRATEGIC_FACTORS},
    },
    "inbox.request_information": lambda s, page: {"body": "When was the final decision notified?"},
    "inbox.decline_report": lambda s, page: {"reason": "Outside the Committee's competence."},
    "inbox.accept_report": lambda s, page: _screened(s) or {"note": ""},
    "inbox.reopen_report": lambda s, page: _declined(s) or {"note": "New facts arrived."},
    "tracking.edit_record": lambda s, page: {"submitted_on": "2024-03-01", "decision_type": "inadmissible",
                                             "decision_adopted_on": "2025-01-10"},
    "tracking.move_case": lambda s, page: {"target": "closed", "note": "Control request"},
    "tracking.add_interim_measure": lambda s, page: {"requested_on": "2024-04-01"},
    "tracking.update_interim_measure": lambda s, page: {
        f"m{s.measure['id']}-outcome": "granted", f"m{s.measure['id']}-outcome_on": "2024-03-05",
        f"m{s.measure['id']}-compliance": "complied"},
    "tracking.add_follow_up_assessment": lambda s, page: {"assessed_on": "2025-06-01", "grade": "no_response",
                                                          "procedure": "continued"},
    "tracking.add_follow_up_submission": lambda s, page: {"submitted_on": "2025-06-01"},
    "tracking.record_publicity": lambda s, page: {"kind": "press_release", "done_on": "2025-02-01"},
    "tracking.add_media": lambda s, page: {"outlet": "Control Daily", "published_on": "2025-02-01"},
    "tracking.delete_media": lambda s, page: {},
    "tracking.publish": lambda s, page: {"summary": "A summary for the public."},
    "tracking.withdraw_publication": lambda s, page: _published(s) or {},
}


def _published(scene: Scene) -> None:
    """Withdrawing needs a published decision: publish the tracked one (once)."""
    from caseapp.models import Communication

    communication = db.session.execute(select(Communication).join(Case, Case.id == Communication.case_id)
                                       .where(Case.uuid == uuid.UUID(scene.tracked_uuid))).scalar_one()
    if communication.published_at is None:
        communication.public_summary = "Published by the control request."
        communication.published_at = datetime.now(UTC)
        db.session.commit()


def _submitted_case(scene: Scene) -> Case:
    return db.session.execute(select(Case).where(Case.uuid == uuid.UUID(scene.submitted_uuid))).scalar_one()


def _screened(scene: Scene) -> None:
    """Accepting needs a screening on record: give the submitted report one (once)."""
    case = _submitted_case(scene)
    if case.stage == "submitted":
        record_screening(case, scene.user("lawyer"))


def _declined(scene: Scene) -> None:
    """Reopening needs a declined report: decline the submitted one (once)."""
    case = _submitted_case(scene)
    if case.stage != "declined":
        screening.decline(db.session, open_vault(db.session, keyring(), case), scene.user("lawyer"), "Out of time.")
        db.session.commit()


# --- helpers -------------------------------------------------------------------------------------


def _principal_for(endpoint: str, method: str) -> str:
    level = permissions.access_level(endpoint, method)
    assert level is not None, f"{method} {endpoint} is missing from the policy table (AC-01)"
    return PRINCIPAL_FOR_LEVEL[level]


def _client_for(scene: Scene, principal: str):
    client = scene.app.test_client()
    if principal != "anonymous":
        login(scene.app, client, scene.user(principal), two_factor_done=principal != "pending_2fa")
    return client


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
    assert FORM_DATA.keys() - endpoints == set(), "FORM_DATA names routes that no longer exist"


def test_only_the_api_blueprint_is_exempt(app):  # CSRF-01: the exemption is one blueprint, by design
    assert {bp.name for bp in csrf._exempt_blueprints} == {CSRF_EXEMPT_BLUEPRINT}
    assert csrf._exempt_views == set()
    exempt = {endpoint for endpoint, methods in RULES if methods & UNSAFE_METHODS and _csrf_exempt_by_design(endpoint)}
    assert exempt == {"api.create_report", "api.upload_documents"}


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
        assert "other session(s) ended" in client.get(response.headers["Location"]).get_data(as_text=True)


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

    response = client.get(f"/inbox/{scene.submitted_uuid}")  # the lawyers' page of a submitted report

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
