"""The JSON API v1 (issue 4, item 5): personal access tokens, reports in and out, evidence files,
isolation between organisations, strict input checks, errors as JSON, CSRF scope and rate limits.

Requirements: AC-03/AC-04 (scoped loaders, 404 for another organisation's ids), AC-05 (posted fields
the API does not take are refused), CSRF-01 (the exemption covers token requests only), IN-01/IN-02
(types, enums, lengths; never a 500), UP-01…04 and UP-07 (the browser's upload checks and download
headers), CRY-01 (no marker in plaintext on disk), CRY-09 (token secrets from ``secrets``), LOG-04
(errors never a page or a traceback).
"""

import copy
import hashlib
import io
import json
import re
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.core.resources import file_store
from caseapp.domain import roles
from caseapp.models import ApiToken, Base, User, UserSession
from caseapp.models.base import utcnow
from caseapp.services import accounts, tokens
from tests.factories import login, make_case, make_user, running_app
from tests.write_lock import delete_the_case_once_its_files_are_stored, inside_the_lock, spy_on_sealing

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MARKERS = ("APIMARKTITLE1", "APIMARKNARR2", "APIMARKVICTIM3", "APIMARKCOURT4", "APIMARKFILE5")
TOKEN_PATTERN = re.compile(r"escr_[A-Za-z0-9_-]{43}")

FULL_REPORT = {
    "title": f"Eviction of the Calle Mayor tenants {MARKERS[0]}",
    "summary": "Forty families evicted without alternative housing.",
    "narrative": f"On 3 March 2024 the tenants were evicted by the police. {MARKERS[1]}",
    "state": "ES",
    "rights_invoked": ["11(1)", "2(2)"],
    "other_instruments_invoked": ["ICCPR art. 26"],
    "facts_start": "2024-03-03",
    "facts_end": "2024-03-10",
    "continuing": "no",
    "author_is_victim": False,
    "acting_on_behalf": True,
    "consent": "yes",
    "consent_justification": "Every family signed an authorisation.",
    "victims": [
        {"name": f"Ana Pérez {MARKERS[2]}", "kind": "individual", "contact": "+34 600 000 001",
         "identity_number": "X-1234567", "consent": "yes", "confidential": True},
        {"name": "Luis Gómez", "kind": "individual", "contact": "luis@example.org", "identity_number": "Y-7654321",
         "consent": "yes", "confidential": False},
        {"name": "Calle Mayor Residents' Association", "kind": "group", "contact": "", "identity_number": "",
         "consent": "yes", "confidential": True},
    ],
    "remedies": [
        {"body": f"Juzgado de Primera Instancia nº 3 {MARKERS[3]}", "kind": "judicial", "filed": "2024-04-01",
         "decided": "2024-06-01", "notified": "2024-06-05", "outcome": "rejected", "final": False,
         "addressed_substance": True},
        {"body": "Audiencia Provincial de Madrid", "kind": "appeal", "filed": "2024-07-01", "decided": "2024-09-01",
         "notified": "2024-09-03", "outcome": "rejected", "final": True, "addressed_substance": None},
    ],
    "unused_remedies": [
        {"name": "Constitutional appeal (amparo)", "reason": "ineffective",
         "explanation": "The Constitutional Court admits under 2% of such appeals."},
    ],
    "remedies_exception": {"reason": "ineffective", "explanation": "Amparo cannot stop an eviction in time."},
    "one_year_exception": None,
    "other_procedures": [
        {"body": "European Court of Human Rights", "same_matter": False, "status": "declared_inadmissible_unreasoned",
         "date": "2024-11-14"},
    ],
    "only_mass_media_reports": False,
    # The rest of DESIGN.md §5's CaseFacts: the partner's view, and the fields the server sets.
    "victims_under_jurisdiction": True,
    "substantiated": "yes",
    "abuse": "no",
    "clear_disadvantage": "yes",
    "general_importance": "unknown",
    "in_writing": True,
    "anonymous": False,
    "urgent": {"risk": "yes", "date": "2099-12-15", "explanation": "A second eviction is ordered."},
    "submit": True,
}


def full_report(**changes) -> dict:
    body = copy.deepcopy(FULL_REPORT)
    body.update(changes)
    return body


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def new_token(user: User, name: str = "Test system") -> str:
    secret = tokens.create(db.session, user, name).secret
    db.session.commit()
    return secret


def assert_error(response, status: int, code: str, fields: set[str] | None = None) -> dict:
    """The API's one error shape (LOG-04: JSON, never a page or a traceback)."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code and error["message"]
    assert set(error) <= {"code", "message", "fields"}
    if fields is not None:
        assert set(error.get("fields", {})) == fields, error
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "<html" not in text.lower()
    return error


def snapshot() -> dict[str, list]:
    """Every row of every table, and the file store, with the columns reading legitimately touches left out."""
    db.session.rollback()
    skipped = {("user_sessions", "data"), ("user_sessions", "last_seen_at"), ("api_tokens", "last_used_at")}
    state = {}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in skipped]
        state[table.name] = sorted((tuple(r) for r in db.session.execute(select(*columns)).all()), key=repr)
    store = file_store()
    state["files"] = sorted(p.name for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []
    db.session.rollback()
    return state


def upload(client, secret: str, report_id: str, files, **extra):
    data = {"file": [(io.BytesIO(content), name) for name, content in files], **extra}
    return client.post(f"/api/v1/reports/{report_id}/documents", data=data, headers=auth(secret),
                       content_type="multipart/form-data")


@pytest.fixture
def partner(app, org_a):
    return make_user(app, roles.PARTNER, org_a, email="ana@ngo-a.org").user


@pytest.fixture
def secret(partner):
    return new_token(partner)


# --- tokens: the account page --------------------------------------------------------------------


def test_partner_creates_a_token_on_the_account_page_shown_once_and_stored_hashed(app, client, partner):  # CRY-09
    login(app, client, partner)
    page = client.get("/account").get_data(as_text=True)
    assert "API tokens" in page and "You have no API tokens." in page

    response = client.post("/account/tokens", data={"name": "Field survey app"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "it will not be shown again" in html
    secret = TOKEN_PATTERN.search(html).group()
    assert response.headers["Cache-Control"] == "no-store"

    row = db.session.execute(select(ApiToken)).scalar_one()
    assert row.user_id == partner.id and row.name == "Field survey app"
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.prefix == secret[:8] and row.revoked_at is None and row.last_used_at is None
    # Never stored: in no column of any table (sessions and flash messages included) …
    for table in Base.metadata.sorted_tables:
        for stored_row in db.session.execute(select(table)).all():
            assert not any(secret in str(value) for value in stored_row), table.name
    # … nor anywhere in the database files, and never shown again.
    if db.engine.dialect.name == "sqlite":
        raw = b"".join(p.read_bytes() for p in Path(app.instance_path).rglob("*") if p.is_file())
        assert secret.encode() not in raw
    later = client.get("/account").get_data(as_text=True)
    assert secret not in later and "Field survey app" in later and f"{secret[:8]}…" in later

    assert client.get("/api/v1/reports", headers=auth(secret)).status_code == 200
    db.session.refresh(row)
    assert row.last_used_at is not None
    assert "Never" not in client.get("/account").get_data(as_text=True).split("API tokens")[1]


def test_partner_revokes_a_token_and_it_stops_working(app, client, partner, secret):
    login(app, client, partner)
    token = db.session.execute(select(ApiToken)).scalar_one()
    page = client.get("/account").get_data(as_text=True)
    assert f'action="/account/tokens/{token.uuid}/revoke"' in page and "data-confirm=" in page

    response = client.post(f"/account/tokens/{token.uuid}/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account#api-tokens")
    assert "is revoked" in client.get("/account").get_data(as_text=True)
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert_error(client.get("/api/v1/reports", headers=auth(secret)), 401, "unauthorized")
    again = client.post(f"/account/tokens/{token.uuid}/revoke")  # already revoked: nothing more happens
    assert again.status_code == 302


def test_a_token_needs_a_name(app, client, partner):
    login(app, client, partner)
    response = client.post("/account/tokens", data={"name": "  "})
    assert response.status_code == 400
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(ApiToken)).scalar_one() == 0


@pytest.mark.parametrize("role", [roles.LAWYER, roles.COORDINATOR, roles.ADMIN])
def test_only_partners_hold_tokens(app, client, role):
    user = make_user(app, role).user
    login(app, client, user)
    assert "API tokens" not in client.get("/account").get_data(as_text=True)
    assert client.post("/account/tokens", data={"name": "Mine"}).status_code == 403
    with pytest.raises(tokens.ServiceError):
        tokens.create(db.session, user, "Mine")
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(ApiToken)).scalar_one() == 0


# --- tokens: the command line --------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_cli_creates_lists_and_revokes_tokens(app, client, partner):
    result = run(app, "tokens", "create", "ana@ngo-a.org", "--name", "Case database")
    assert result.exit_code == 0, result.output
    secrets_printed = TOKEN_PATTERN.findall(result.output)
    assert len(secrets_printed) == 1
    secret = secrets_printed[0]
    row = db.session.execute(select(ApiToken)).scalar_one()
    assert row.name == "Case database" and row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert client.get("/api/v1/reports", headers=auth(secret)).status_code == 200

    listing = run(app, "tokens", "list", "ana@ngo-a.org")
    assert listing.exit_code == 0 and str(row.uuid) in listing.output and secret not in listing.output
    assert "Case database" in listing.output and "active" in listing.output

    revoked = run(app, "tokens", "revoke", "ana@ngo-a.org", str(row.uuid))
    assert revoked.exit_code == 0 and "Revoked." in revoked.output
    assert client.get("/api/v1/reports", headers=auth(secret)).status_code == 401
    assert "revoked" in run(app, "tokens", "list", "ana@ngo-a.org").output


def test_cli_refuses_tokens_for_staff_and_unknown_accounts(app):
    make_user(app, roles.LAWYER, email="lawyer@coalition.org")
    staff = run(app, "tokens", "create", "lawyer@coalition.org")
    assert staff.exit_code != 0 and "Only members of a partner organisation" in staff.output
    unknown = run(app, "tokens", "create", "nobody@example.org")
    assert unknown.exit_code != 0 and "No account" in unknown.output
    assert db.session.execute(select(func.count()).select_from(ApiToken)).scalar_one() == 0


# --- authentication ------------------------------------------------------------------------------

API_ROUTES = [("GET", "/api/v1/reports"), ("POST", "/api/v1/reports"), ("GET", "/api/v1/reports/{id}"),
              ("POST", "/api/v1/reports/{id}/documents"), ("GET", "/api/v1/reports/{id}/documents/{doc_id}")]


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
@pytest.mark.parametrize("credential", ["none", "wrong", "malformed", "revoked", "session_cookie", "disabled",
                                        "basic_scheme"])
def test_requests_without_a_live_token_get_401(app, client, partner, org_a, secret, method, path, credential):
    case, document = make_case(app, org_a, partner)
    url = path.format(id=case.uuid, doc_id=document.uuid)
    headers = {}
    if credential == "wrong":
        headers = auth("escr_" + "A" * 43)
    elif credential == "malformed":
        headers = auth("not-a-token")
    elif credential == "revoked":
        tokens.revoke(db.session, db.session.execute(select(ApiToken)).scalar_one())
        db.session.commit()
        headers = auth(secret)
    elif credential == "session_cookie":  # a signed-in browser session is no credential here
        login(app, client, partner)
    elif credential == "disabled":
        partner.disabled_at = utcnow()
        db.session.commit()
        headers = auth(secret)
    elif credential == "basic_scheme":
        headers = {"Authorization": f"Basic {secret}"}
    before = snapshot()

    response = client.open(url, method=method, headers=headers, json={"title": "t", "narrative": "n"})

    error = assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="ESCR Case Desk API"')
    assert ("invalid_token" in response.headers["WWW-Authenticate"]) == (credential in ("wrong", "malformed",
                                                                                       "revoked", "disabled"))
    assert "Bearer" in error["message"] or "token" in error["message"]
    assert snapshot() == before


def test_api_requests_neither_read_nor_write_browser_sessions(app, client, partner, secret):
    handle = login(app, client, partner)
    row = db.session.execute(select(UserSession).where(UserSession.handle == handle)).scalar_one()
    seen_before = row.last_seen_at
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/reports", headers=auth(secret)).status_code == 200
    assert "Set-Cookie" not in anonymous.get("/api/v1/reports", headers=auth(secret)).headers
    assert client.get("/api/v1/reports", headers=auth(secret)).status_code == 200
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(UserSession)).scalar_one() == 1
    assert db.session.get(UserSession, row.id_hash).last_seen_at == seen_before


def test_a_change_of_organisation_or_role_and_disabling_revoke_tokens(app, partner, org_b, secret):
    admin = make_user(app, roles.ADMIN).user
    other_secret = new_token(partner, "second")
    accounts.update_user(db.session, admin, partner, role=roles.PARTNER, organisation=org_b, display_name="")
    db.session.commit()
    assert all(t.revoked_at is not None for t in db.session.execute(select(ApiToken)).scalars())
    client = app.test_client()
    for old in (secret, other_secret):
        assert client.get("/api/v1/reports", headers=auth(old)).status_code == 401
    fresh = new_token(partner, "after the move")
    accounts.set_disabled(db.session, admin, partner, True)
    accounts.set_disabled(db.session, admin, partner, False)  # re-enabling does not revive it
    db.session.commit()
    assert client.get("/api/v1/reports", headers=auth(fresh)).status_code == 401


# --- reports in and out --------------------------------------------------------------------------


def test_a_complete_report_goes_in_and_comes_back_identical_with_its_files(app, client, partner, secret):
    """Issue 4 "done when": three victims, two remedies, two files; the same report out, files byte for byte."""
    response = client.post("/api/v1/reports", json=FULL_REPORT, headers=auth(secret))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert set(created) == {"id", "reference", "status"}
    assert re.fullmatch(rf"ESCR-{utcnow().year}-\d{{4}}", created["reference"])
    assert created["status"] == "submitted"
    assert response.headers["Location"] == f"/api/v1/reports/{created['id']}"

    files = [("eviction-order.pdf", PDF + MARKERS[4].encode()), ("witness statement.txt",
                                                                 f"Statement {MARKERS[4]}\n".encode())]
    uploaded = upload(client, secret, created["id"], files)
    assert uploaded.status_code == 201, uploaded.get_json()
    documents = uploaded.get_json()["documents"]
    assert [(d["name"], d["content_type"], d["size"]) for d in documents] == [
        ("eviction-order.pdf", "application/pdf", len(files[0][1])), ("witness statement.txt", "text/plain",
                                                                    len(files[1][1]))]

    shown = client.get(f"/api/v1/reports/{created['id']}", headers=auth(secret))
    assert shown.status_code == 200
    report = shown.get_json()
    sent = {key: value for key, value in FULL_REPORT.items() if key != "submit"}
    assert {key: report[key] for key in sent} == sent  # every field sent comes back identical
    assert (report["id"], report["reference"], report["status"]) == (created["id"], created["reference"], "submitted")
    assert report["documents"] == documents

    for document, (_name, content) in zip(documents, files, strict=True):
        download = client.get(f"/api/v1/reports/{created['id']}/documents/{document['id']}", headers=auth(secret))
        assert download.status_code == 200 and download.data == content  # byte for byte
        assert download.headers["Content-Disposition"].startswith("attachment;")  # UP-07, as in the browser
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Security-Policy"].startswith("sandbox")

    # The browser shows the same report to its organisation.
    login(app, browser := app.test_client(), partner)
    assert created["reference"] in browser.get(f"/intake/{created['id']}").get_data(as_text=True)
    if db.engine.dialect.name == "sqlite":  # CRY-01: nothing sent is readable on disk (DB, WAL, store)
        raw = b"".join(p.read_bytes() for p in Path(app.instance_path).rglob("*") if p.is_file())
        for marker in MARKERS:
            assert marker.encode() not in raw, marker


def test_a_draft_keeps_no_reference_and_partial_fields_default(app, client, secret):
    response = client.post("/api/v1/reports", json={"title": "Half-written", "narrative": "To be completed."},
                           headers=auth(secret))
    assert response.status_code == 201
    created = response.get_json()
    assert created["reference"] is None and created["status"] == "draft"
    report = client.get(f"/api/v1/reports/{created['id']}", headers=auth(secret)).get_json()
    assert report["title"] == "Half-written" and report["victims"] == [] and report["state"] is None
    assert report["urgent"] == {"risk": "unknown", "date": None, "explanation": ""}
    assert report["author_is_victim"] is None and report["remedies_exception"] is None
    # A draft takes files too, and so does a submitted report (partners send documents when asked).
    assert upload(client, secret, created["id"], [("a.pdf", PDF)]).status_code == 201


def test_case_facts_sent_as_null_are_unknown_as_in_the_contract(app, client, secret):
    """DESIGN.md §5: a CaseFacts field may be null, the same as left out; the report's own fields may not."""
    nulls = dict.fromkeys(("state", "rights_invoked", "continuing", "consent", "remedies", "other_procedures",
                           "remedies_exception", "substantiated", "in_writing", "anonymous", "author_is_victim"))
    response = client.post("/api/v1/reports", json={"title": "t", "narrative": "n", **nulls}, headers=auth(secret))
    assert response.status_code == 201, response.get_json()
    report = client.get(f"/api/v1/reports/{response.get_json()['id']}", headers=auth(secret)).get_json()
    assert (report["rights_invoked"], report["remedies"], report["other_procedures"]) == ([], [], [])
    assert report["continuing"] == report["substantiated"] == report["consent"] == "unknown"
    assert report["author_is_victim"] is None and report["in_writing"] is True and report["anonymous"] is False
    for name in ("summary", "victims", "urgent", "submit"):
        assert_error(client.post("/api/v1/reports", json={"title": "t", "narrative": "n", name: None},
                                 headers=auth(secret)), 422, "invalid", {name})


def test_the_report_consent_is_the_default_for_victims_and_must_agree_with_them(app, client, secret):
    body = full_report(submit=False, victims=[{"name": "Ana"}, {"name": "Luis", "consent": "yes"}])
    response = client.post("/api/v1/reports", json=body, headers=auth(secret))
    report = client.get(f"/api/v1/reports/{response.get_json()['id']}", headers=auth(secret)).get_json()
    assert [v["consent"] for v in report["victims"]] == ["yes", "yes"] and report["consent"] == "yes"
    mixed = full_report(victims=[{"name": "Ana", "consent": "no"}, {"name": "Luis"}])
    assert_error(client.post("/api/v1/reports", json=mixed, headers=auth(secret)), 422, "invalid", {"consent"})


def test_list_shows_own_organisation_only_paginated(app, client, partner, org_a, org_b, secret):
    for index in range(3):
        client.post("/api/v1/reports", json={"title": f"Report {index}", "narrative": "n"}, headers=auth(secret))
    make_case(app, org_b)  # another organisation's report
    first = client.get("/api/v1/reports?per_page=2", headers=auth(secret)).get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 3, 2)
    assert [item["title"] for item in first["items"]] == ["Report 2", "Report 1"]  # newest first
    assert set(first["items"][0]) == {"id", "reference", "status", "title", "created_at", "submitted_at"}
    second = client.get("/api/v1/reports?page=2&per_page=2", headers=auth(secret)).get_json()
    assert [item["title"] for item in second["items"]] == ["Report 0"]
    assert client.get("/api/v1/reports?page=9", headers=auth(secret)).get_json()["items"] == []
    for query, field in [("per_page=101", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"),
                         ("page=x", "page"), ("page=-1", "page"), ("sort=title", "sort")]:
        assert_error(client.get(f"/api/v1/reports?{query}", headers=auth(secret)), 422, "invalid", {field})


# --- isolation (AC-03, AC-04) --------------------------------------------------------------------


def test_another_organisations_partner_gets_404_on_every_id(app, client, partner, people, org_a, secret):
    draft, draft_document = make_case(app, org_a, partner)
    submitted, submitted_document = make_case(app, org_a, partner, submit=True)
    intruder = new_token(people["partner_b"].user)
    before = snapshot()
    urls = []
    for case, document in ((draft, draft_document), (submitted, submitted_document)):
        urls += [("GET", f"/api/v1/reports/{case.uuid}"),
                 ("GET", f"/api/v1/reports/{case.uuid}/documents/{document.uuid}"),
                 ("POST", f"/api/v1/reports/{case.uuid}/documents")]
    for method, url in urls:
        response = client.open(url, method=method, headers=auth(intruder),
                               data={"file": (io.BytesIO(PDF), "x.pdf")} if method == "POST" else None)
        assert_error(response, 404, "not_found")
    listing = client.get("/api/v1/reports", headers=auth(intruder)).get_json()
    assert listing["items"] == [] and listing["total"] == 0
    assert snapshot() == before
    # The owner reaches them all (the control case).
    for method, url in urls:
        if method == "GET":
            assert client.get(url, headers=auth(secret)).status_code == 200


@pytest.mark.parametrize("path", [
    "/api/v1/reports/not-a-uuid", "/api/v1/reports/00000000-0000-0000-0000-000000000000",
    "/api/v1/reports/{case}/documents/not-a-uuid", "/api/v1/reports/{case}/documents/{other_document}",
    "/api/v1/reports/{case}/documents/00000000-0000-0000-0000-000000000000", "/api/v1/no-such-route",
])
def test_malformed_and_unknown_ids_get_the_json_404(app, client, partner, org_a, secret, path):
    case, _document = make_case(app, org_a, partner)
    _other_case, other_document = make_case(app, org_a, partner)  # a document, but of another report
    url = path.format(case=case.uuid, other_document=other_document.uuid)
    assert_error(client.get(url, headers=auth(secret)), 404, "not_found")


def test_staff_session_cookies_reach_nothing_either(app, client, people, org_a):
    submitted, _ = make_case(app, org_a, submit=True)
    login(app, client, people["lawyer"].user)
    assert_error(client.get(f"/api/v1/reports/{submitted.uuid}"), 401, "unauthorized")


# --- bad input (IN-01, IN-02, AC-05) ---------------------------------------------------------------


def _without(key):
    body = full_report()
    del body[key]
    return body


def _victim(**changes):
    body = full_report()
    body["victims"][0].update(changes)
    return body


def _remedy(**changes):
    body = full_report()
    body["remedies"][0].update(changes)
    return body


BAD_BODIES = [
    pytest.param(_without("title"), {"title"}, id="missing-title"),
    pytest.param(full_report(narrative="   "), {"narrative"}, id="blank-narrative"),
    pytest.param(full_report(facts_start="2024-02-30"), {"facts_start"}, id="impossible-date"),
    pytest.param(full_report(facts_start="03/03/2024"), {"facts_start"}, id="non-iso-date"),
    pytest.param(full_report(facts_start="20240303"), {"facts_start"}, id="compact-date"),
    pytest.param(full_report(facts_start="2099-01-01", facts_end=None), {"facts_start"}, id="future-date"),
    pytest.param(full_report(facts_end="2024-01-01"), {"facts_end"}, id="facts-end-before-start"),
    pytest.param(_remedy(decided="2024-03-01"), {"remedies.0.decided"}, id="remedy-decided-before-filed"),
    pytest.param(_remedy(notified="2024-05-01"), {"remedies.0.notified"}, id="remedy-notified-before-decided"),
    pytest.param(full_report(continuing="maybe"), {"continuing"}, id="unknown-enum"),
    pytest.param(_victim(kind="family"), {"victims.0.kind"}, id="unknown-victim-kind"),
    pytest.param(_remedy(outcome="lost"), {"remedies.0.outcome"}, id="unknown-outcome"),
    pytest.param(full_report(title=42), {"title"}, id="number-for-text"),
    pytest.param(full_report(victims="Ana"), {"victims"}, id="text-for-list"),
    pytest.param(full_report(victims=["Ana"]), {"victims.0"}, id="text-for-object"),
    pytest.param(_victim(confidential="yes"), {"victims.0.confidential"}, id="text-for-boolean"),
    pytest.param(full_report(author_is_victim="yes"), {"author_is_victim"}, id="tri-state-for-boolean"),
    pytest.param(full_report(rights_invoked="11(1)"), {"rights_invoked"}, id="text-for-list-of-rights"),
    pytest.param(full_report(submit="true"), {"submit"}, id="text-for-submit"),
    pytest.param(full_report(urgent=None), {"urgent"}, id="null-for-object"),
    pytest.param(_victim(name=None), {"victims.0.name"}, id="victim-without-name"),
    pytest.param(full_report(title="x" * 201), {"title"}, id="title-too-long"),
    pytest.param(full_report(victims=[{"name": "A"}] * 201), {"victims"}, id="too-many-victims"),
    pytest.param(full_report(state="XX"), {"state"}, id="unknown-state"),
    pytest.param(full_report(state="es"), {"state"}, id="state-not-a-code"),
    pytest.param(full_report(rights_invoked=["99"]), {"rights_invoked"}, id="not-a-covenant-right"),
    pytest.param(full_report(narrative="before\x00after"), {"narrative"}, id="nul-character"),
    pytest.param(full_report(status="submitted", organisation_id=1), {"status", "organisation_id"},
                 id="mass-assignment"),
    pytest.param(full_report(substantiated="perhaps", submission_date="yesterday"),
                 {"substantiated", "submission_date"}, id="casefacts-fields-with-wrong-values"),
    pytest.param(full_report(in_writing=False, anonymous=True), {"in_writing", "anonymous"},
                 id="server-set-fields-contradicted"),
    pytest.param(_victim(role="admin"), {"victims.0.role"}, id="unknown-nested-field"),
    pytest.param(full_report(victims=[], state=None, facts_start=None, rights_invoked=[]),
                 {"victims", "state", "facts_start", "rights_invoked"}, id="incomplete-submission"),
    pytest.param(full_report(urgent={"risk": "yes", "date": None, "explanation": ""}), {"urgent.explanation"},
                 id="urgent-without-explanation"),
    pytest.param(full_report(remedies_exception={"reason": "ineffective", "explanation": ""}),
                 {"remedies_exception.explanation"}, id="exception-without-explanation"),
    pytest.param([FULL_REPORT], {"body"}, id="array-body"),
]


@pytest.mark.parametrize(("body", "fields"), BAD_BODIES)
def test_bad_reports_get_422_with_field_names_and_leave_nothing(app, client, secret, body, fields):
    before = snapshot()
    response = client.post("/api/v1/reports", json=body, headers=auth(secret))
    error = assert_error(response, 422, "invalid", fields)
    assert all(isinstance(message, str) and message for message in error["fields"].values())
    assert snapshot() == before


def test_a_lone_surrogate_is_refused_not_a_500(app, client, secret):
    raw = json.dumps(full_report()).replace("Forty families", "\\ud800 families")
    before = snapshot()
    response = client.post("/api/v1/reports", data=raw, content_type="application/json", headers=auth(secret))
    assert_error(response, 422, "invalid", {"summary"})
    assert snapshot() == before


@pytest.mark.parametrize(("data", "content_type"), [
    ("{not json", "application/json"),
    (b"\xff\xfe\xfd", "application/json"),
    ("[" * 100_000, "application/json"),
    ("title=x&narrative=y", "application/x-www-form-urlencoded"),
    (json.dumps(FULL_REPORT), "text/plain"),
])
def test_malformed_bodies_get_400(app, client, secret, data, content_type):
    before = snapshot()
    response = client.post("/api/v1/reports", data=data, content_type=content_type, headers=auth(secret))
    assert_error(response, 400, "bad_request")
    assert snapshot() == before


def test_ten_megabytes_of_text_get_413_and_change_nothing(app, client, secret):
    before = snapshot()
    response = client.post("/api/v1/reports", json=full_report(narrative="x" * (10 * 1024 * 1024)),
                           headers=auth(secret))
    assert_error(response, 413, "too_large")
    assert snapshot() == before


# --- evidence files (UP-01…04, UP-07) ------------------------------------------------------------


@pytest.fixture
def draft_id(client, secret):
    response = client.post("/api/v1/reports", json={"title": "With evidence", "narrative": "n"}, headers=auth(secret))
    return response.get_json()["id"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("order.pdf", b"MZ\x90\x00\x03 a Windows program", "Windows program"),
    ("photo.jpg", b"<html><script>alert(1)</script></html>", "cannot be uploaded"),
    ("archive.zip", b"PK\x03\x04" + b"\x00" * 40, "cannot be uploaded"),
    ("script.exe", b"MZ\x90\x00", "cannot be uploaded"),
    ("empty.pdf", b"", "empty"),
    ("notes", b"plain words\n", "no extension"),
])
def test_wrong_files_are_refused_and_none_is_kept(app, client, secret, draft_id, name, content, message):
    before = snapshot()
    response = upload(client, secret, draft_id, [("good.pdf", PDF), (name, content)])
    error = assert_error(response, 422, "invalid", {"file.1"})
    assert message in error["fields"]["file.1"]
    assert snapshot() == before  # not even the good file: nothing is half-saved
    store = file_store()
    assert not list(store.incoming_dir.glob("*")) if store.incoming_dir.exists() else True


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "C:\\evil\\x.pdf", "\u202eexe.pdf",
                                  "a\x00b.pdf", "/etc/passwd.pdf"])
def test_traversal_and_tricky_names_are_neutralised(app, client, secret, draft_id, name):  # UP-04
    response = upload(client, secret, draft_id, [(name, PDF)])
    assert response.status_code == 201, response.get_json()
    document = response.get_json()["documents"][0]
    shown = document["name"]
    assert "/" not in shown and "\\" not in shown and ".." not in shown and "\x00" not in shown
    assert "\u202e" not in shown and shown.endswith(".pdf")
    stored = file_store().path(UUID(document["id"]))
    assert stored.name == document["id"] and stored.resolve().is_relative_to(file_store().root)
    download = client.get(f"/api/v1/reports/{draft_id}/documents/{document['id']}", headers=auth(secret))
    assert download.data == PDF and "/" not in download.headers["Content-Disposition"].split("filename*=")[1]


def test_a_new_report_is_checked_and_encrypted_before_the_write_lock(app, client, partner, secret,
                                                                     monkeypatch):  # REL-04
    """A report sent whole gets its case key and every value encrypted, and its victims' names blind-indexed,
    before the view takes the write lock; what it refuses costs no lock at all."""
    calls = spy_on_sealing(monkeypatch)
    response = client.post("/api/v1/reports", json=full_report(), headers=auth(secret))
    assert response.status_code == 201, response.get_json()
    assert {"key", "encrypt", "index"} <= {what for what, _inside in calls} and inside_the_lock(calls) == []
    back = client.get(response.headers["Location"], headers=auth(secret)).get_json()
    assert back["title"] == full_report()["title"] and back["reference"] == response.get_json()["reference"]
    calls.clear()
    before = snapshot()
    refused = client.post("/api/v1/reports", json=full_report(facts_start="2999-01-01"), headers=auth(secret))
    assert_error(refused, 422, "invalid", {"facts_start", "facts_end"})
    assert calls == [] and snapshot() == before


def test_an_upload_is_scanned_encrypted_and_sealed_before_the_write_lock(app, client, secret, draft_id,
                                                                        monkeypatch):  # REL-04
    """The files are encrypted into the store and their rows' keys wrapped and names encrypted before the view
    takes the write lock: a large file never holds the other writers. The rows still commit, the files with them."""
    calls = spy_on_sealing(monkeypatch)
    response = upload(client, secret, draft_id, [("order.pdf", PDF), ("appeal.pdf", PDF)])
    assert response.status_code == 201, response.get_json()
    assert calls.count(("file", False)) == 2 and calls.count(("wrap", False)) == 2
    assert inside_the_lock(calls) == []
    listed = client.get(f"/api/v1/reports/{draft_id}", headers=auth(secret)).get_json()["documents"]
    assert sorted(document["name"] for document in listed) == ["appeal.pdf", "order.pdf"]
    for document in listed:
        download = client.get(f"/api/v1/reports/{draft_id}/documents/{document['id']}", headers=auth(secret))
        assert download.data == PDF
        assert not file_store().is_incoming(UUID(document["id"]))


def test_a_draft_deleted_while_its_upload_is_scanned_gets_the_404_and_keeps_no_file(app, client, secret, draft_id,
                                                                                   monkeypatch):  # REL-04
    """The files are scanned and encrypted before the write lock, so the draft can be deleted in another tab
    meanwhile: the upload then answers as if the draft had never been found, and leaves no file behind."""
    delete_the_case_once_its_files_are_stored(monkeypatch)
    assert_error(upload(client, secret, draft_id, [("order.pdf", PDF)]), 404, "not_found")
    assert client.get(f"/api/v1/reports/{draft_id}", headers=auth(secret)).status_code == 404
    assert not list(file_store().incoming_dir.glob("*")) if file_store().incoming_dir.exists() else True
    assert [path for path in file_store().root.rglob("*") if path.is_file()] == []


def test_upload_needs_a_file_in_the_file_field(app, client, secret, draft_id):
    before = snapshot()
    assert_error(client.post(f"/api/v1/reports/{draft_id}/documents", headers=auth(secret), data={},
                             content_type="multipart/form-data"), 422, "invalid", {"file"})
    wrong_field = client.post(f"/api/v1/reports/{draft_id}/documents", headers=auth(secret),
                              data={"evidence": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert_error(wrong_field, 422, "invalid", {"evidence"})
    assert snapshot() == before


def test_size_count_and_request_limits(app, client, secret, draft_id):  # UP-01, UP-02
    before = snapshot()
    app.config["UPLOAD_MAX_FILE_SIZE"] = 1024
    assert_error(upload(client, secret, draft_id, [("big.pdf", PDF + b"0" * 2000)]), 413, "too_large", {"file.0"})
    app.config["UPLOAD_MAX_FILE_SIZE"] = 10 * 1024 * 1024
    app.config["UPLOAD_MAX_FILES_PER_REPORT"] = 2
    assert_error(upload(client, secret, draft_id, [("a.pdf", PDF)] * 3), 422, "invalid", {"file"})
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # UP-02: Werkzeug's 413, as JSON, before anything is kept
    assert_error(upload(client, secret, draft_id, [("huge.pdf", PDF + b"0" * 100_000)]), 413, "too_large")
    assert snapshot() == before
    assert not list(file_store().incoming_dir.glob("*")) if file_store().incoming_dir.exists() else True


# --- errors are JSON, CSRF applies to cookies only, rate limits -----------------------------------


def test_routing_errors_under_the_api_are_json_too(app, client, secret):  # LOG-04
    assert_error(client.delete("/api/v1/reports", headers=auth(secret)), 405, "method_not_allowed")
    assert "GET" in client.delete("/api/v1/reports", headers=auth(secret)).headers["Allow"]
    options = client.options("/api/v1/reports", headers=auth(secret))  # AC-01: Flask's automatic answer
    assert options.status_code == 200 and {"GET", "POST", "OPTIONS"} <= set(options.headers["Allow"].split(", "))
    assert_error(client.get("/api/v2/reports", headers=auth(secret)), 404, "not_found")
    assert "<html" in client.get("/no-such-page").get_data(as_text=True).lower()  # the browser keeps its pages


def test_api_responses_carry_the_security_headers(app, client, secret):  # HDR-01, SESS-08
    for response in (client.get("/api/v1/reports", headers=auth(secret)), client.get("/api/v1/reports"),
                     client.get("/api/v1/openapi.json"), client.get("/api/v1/nowhere")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_an_unexpected_error_is_a_json_500_with_a_reference(app, client, secret, monkeypatch, caplog):  # LOG-04
    def explode(*_args, **_kwargs):
        raise RuntimeError("APIMARKSECRET in an exception message")

    monkeypatch.setattr("caseapp.services.intake.report_page", explode)
    response = client.get("/api/v1/reports", headers=auth(secret))
    error = assert_error(response, 500, "server_error")
    reference = re.search(r"reference ([0-9a-f]{8})", error["message"]).group(1)
    assert "APIMARKSECRET" not in response.get_data(as_text=True)
    assert any(getattr(record, "reference", None) == reference for record in caplog.records)


def test_csrf_exemption_covers_token_requests_only(tmp_path, database_url):  # CSRF-01
    with running_app(tmp_path / "csrf", database_url, WTF_CSRF_ENABLED=True) as app:
        org = accounts.create_organisation(db.session, "Organisation A")
        db.session.commit()
        partner = make_user(app, roles.PARTNER, org).user
        client = app.test_client()
        login(app, client, partner)
        before = snapshot()
        # With only the browser's cookie, an API POST is refused (401) and writes nothing …
        assert_error(client.post("/api/v1/reports", json={"title": "t", "narrative": "n"}), 401, "unauthorized")
        # … and the browser's own routes still demand their CSRF token.
        assert client.post("/intake/new").status_code == 400
        assert client.post("/account/tokens", data={"name": "x"}).status_code == 400
        assert snapshot() == before
        # A token request needs no CSRF token: it carries no ambient credential.
        secret = new_token(partner)
        created = client.post("/api/v1/reports", json={"title": "t", "narrative": "n"}, headers=auth(secret))
        assert created.status_code == 201
        case_id = created.get_json()["id"]
        assert upload(client, secret, case_id, [("a.pdf", PDF)]).status_code == 201


def test_rate_limit_answers_429_json(tmp_path, database_url):
    with running_app(tmp_path / "limits", database_url, RATELIMIT_ENABLED=True, RATELIMIT_API="3 per minute",
                     RATELIMIT_API_AUTH_FAILURES="2 per minute") as app:
        org = accounts.create_organisation(db.session, "Organisation A")
        db.session.commit()
        secret = new_token(make_user(app, roles.PARTNER, org).user)
        other = new_token(make_user(app, roles.PARTNER, org).user)
        client = app.test_client()
        for _ in range(3):
            assert client.get("/api/v1/reports", headers=auth(secret)).status_code == 200
        assert_error(client.get("/api/v1/reports", headers=auth(secret)), 429, "rate_limited")
        assert_error(client.post("/api/v1/reports", json={}, headers=auth(secret)), 429, "rate_limited")
        # Counted per token: another token is not slowed down by the first.
        assert client.get("/api/v1/reports", headers=auth(other)).status_code == 200
        # Made-up tokens are counted per address, whatever token each one tries.
        for attempt in range(2):
            assert client.get("/api/v1/reports", headers=auth(f"escr_{attempt:043d}")).status_code == 401
        assert_error(client.get("/api/v1/reports", headers=auth("escr_" + "9" * 43)), 429, "rate_limited")
