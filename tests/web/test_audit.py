"""The audit log through the browser and the API (LOG-01, AC-08, LOG-02), and the admins' viewer.

Each wired event writes exactly one row with the right actor, action and target; nothing typed by a user
(titles, victims' names, notes, passwords, two-factor codes, search words) reaches any audit column; and
the chain stays intact through all of it.
"""

import re
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import select

from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.domain import audit as rules
from caseapp.domain import roles
from caseapp.domain.report import VictimInput
from caseapp.models import AuditEvent, Case
from caseapp.models.base import utcnow
from caseapp.services import accounts, audit, tokens
from tests.factories import PASSWORD, login, make_case, make_tracked_case, make_user, signed_in
from tests.web.test_api import auth, full_report, new_token

NEW_PASSWORD = "violet tractor mango umbrella 77"
MARKERS = {"title": "AUDMARKTITLE1", "narrative": "AUDMARKNARR2", "victim": "AUDMARKVICTIM3", "note": "AUDMARKNOTE4",
           "file": "AUDMARKFILE5"}


# --- helpers -----------------------------------------------------------------------------------------


def last_id() -> int:
    db.session.rollback()
    return db.session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar() or 0


def events_after(mark: int) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.id > mark).order_by(AuditEvent.id)).scalars())


def summary(event: AuditEvent) -> tuple:
    return event.action, event.actor_id, event.target_type, event.target_id


def all_values() -> list[str]:
    """Every value of every audit column, as text."""
    db.session.rollback()
    table = AuditEvent.__table__
    return [str(value) for row in db.session.execute(select(table)).all() for value in row if value is not None]


def assert_no_content(*extra: str) -> None:  # LOG-02
    values = all_values()
    for marker in (*MARKERS.values(), PASSWORD, NEW_PASSWORD, *extra):
        assert not any(marker in value for value in values), marker


def assert_chain_intact() -> None:  # LOG-01
    result = audit.verify(db.session)
    assert result.ok, result



@pytest.fixture
def marked_case(app, people):
    """A submitted report of Organisation A whose title, narrative, victim and file name are markers."""
    partner = people["partner_a"].user
    case, document = make_case(app, partner.organisation, partner, submit=True, title=MARKERS["title"],
                               narrative=MARKERS["narrative"], victim=VictimInput(name=MARKERS["victim"]),
                               name=f"{MARKERS['file']}.pdf")
    return case, document


@pytest.fixture
def draft(app, people):
    partner = people["partner_a"].user
    return make_case(app, partner.organisation, partner, title=MARKERS["title"], narrative=MARKERS["narrative"])


# --- sign-in and two-factor ------------------------------------------------------------------------------


def test_successful_sign_in_records_the_account_and_address(app, client, people):  # LOG-01
    lawyer = people["lawyer"]
    mark = last_id()
    code = two_factor.current_code(lawyer.totp_secret)
    response = client.post("/login", data={"email": lawyer.user.email, "password": PASSWORD, "code": code})
    assert response.status_code == 302
    [event] = events_after(mark)
    assert summary(event) == ("login_succeeded", lawyer.user.id, "user", str(lawyer.user.uuid))
    assert event.actor_label == lawyer.user.email and event.ip == "127.0.0.1"
    assert_no_content(code)


def test_failed_sign_in_of_an_unknown_address_keeps_nothing_typed(app, client, people):  # LOG-01, LOG-02
    typed = "nobody.typo.x9@example.org"
    mark = last_id()
    client.post("/login", data={"email": typed, "password": "MARKPASSWORD-typed-here", "code": ""})
    [event] = events_after(mark)
    assert summary(event) == ("login_failed", None, None, None)
    assert event.actor_label == rules.UNKNOWN_ACCOUNT and event.ip == "127.0.0.1"
    assert_no_content(typed, "nobody.typo", "MARKPASSWORD")


def test_wrong_password_and_wrong_code_are_told_apart_for_a_known_account(app, client, people):  # LOG-01
    lawyer = people["lawyer"]
    mark = last_id()
    client.post("/login", data={"email": lawyer.user.email, "password": "MARKPASSWORD wrong one", "code": ""})
    good_code = two_factor.current_code(lawyer.totp_secret)
    wrong_code = f"{(int(good_code) + 1) % 1_000_000:06d}"
    client.post("/login", data={"email": lawyer.user.email, "password": PASSWORD, "code": wrong_code})
    failed, wrong_totp = events_after(mark)
    assert summary(failed) == ("login_failed", lawyer.user.id, "user", str(lawyer.user.uuid))
    assert summary(wrong_totp) == ("login_two_factor_failed", lawyer.user.id, "user", str(lawyer.user.uuid))
    assert_no_content("MARKPASSWORD", wrong_code)


def test_throttled_sign_in_is_recorded(app, client, people):  # LOG-01 with AUTH-07
    partner = people["partner_a"].user
    for _ in range(app.config["LOGIN_THROTTLE_ATTEMPTS"]):
        client.post("/login", data={"email": partner.email, "password": "not the password at all"})
    mark = last_id()
    client.post("/login", data={"email": partner.email, "password": PASSWORD})
    [event] = events_after(mark)
    assert summary(event) == ("login_throttled", partner.id, "user", str(partner.uuid))


def test_sign_out_is_recorded(app, people):
    partner = people["partner_a"].user
    client = signed_in(app, partner)
    mark = last_id()
    assert client.post("/logout").status_code == 302
    assert [summary(e) for e in events_after(mark)] == [("logout", partner.id, "user", str(partner.uuid))]


def test_two_factor_enrolment_is_recorded(app, people):
    user = people["pending_2fa"].user
    client = app.test_client()
    login(app, client, user, two_factor_done=False)
    page = client.get("/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'class="secret-code[^"]*"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    mark = last_id()
    code = two_factor.current_code(secret)
    assert client.post("/two-factor/setup", data={"code": code}).status_code == 200  # the recovery codes page
    assert [summary(e) for e in events_after(mark)] == [("two_factor_enrolled", user.id, "user", str(user.uuid)),
                                                        ("recovery_codes_generated", user.id, "user", str(user.uuid))]
    assert_no_content(secret, code)


def test_password_change_and_refused_credentials_there_are_recorded(app, people):  # LOG-01
    lawyer = people["lawyer"]
    client = signed_in(app, lawyer.user)
    good_code = two_factor.current_code(lawyer.totp_secret)
    wrong_code = f"{(int(good_code) + 1) % 1_000_000:06d}"
    form = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    mark = last_id()
    wrong_password = "Not-the-password-42"
    assert client.post("/account/password",
                       data=form | {"current_password": wrong_password, "code": good_code}).status_code == 400
    assert client.post("/account/password", data=form | {"code": wrong_code}).status_code == 400
    assert client.post("/account/password", data=form | {"code": good_code}).status_code == 302
    assert [summary(e) for e in events_after(mark)] == [
        ("password_change_refused", lawyer.user.id, "user", str(lawyer.user.uuid)),
        ("two_factor_failed", lawyer.user.id, "user", str(lawyer.user.uuid)),
        ("password_changed", lawyer.user.id, "user", str(lawyer.user.uuid)),
    ]
    assert_no_content(wrong_code, good_code, wrong_password)


def test_password_set_with_a_setup_link_is_recorded(app, client, org_a):
    invitee = make_user(app, roles.PARTNER, org_a, password=None).user
    token = accounts.issue_setup_token(db.session, invitee, timedelta(hours=1))
    db.session.commit()
    mark = last_id()
    assert client.post(f"/setup/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert [summary(e) for e in events_after(mark)] == [("password_set", invitee.id, "user", str(invitee.uuid))]
    assert_no_content(token)


# --- accounts, by admins --------------------------------------------------------------------------------


def test_admin_account_changes_are_recorded_with_the_admin_as_actor(app, people, org_b):  # LOG-01
    admin = people["admin"].user
    client = signed_in(app, admin)
    target = people["partner_a"].user
    page = f"/admin/users/{target.uuid}"
    target_ref = ("user", str(target.uuid))

    steps = [
        (lambda: client.post(f"{page}/update", data={"email": target.email, "role": "partner",
                                                      "organisation": str(org_b.id), "display_name": "Renamed"}),
         ["organisation_changed", "account_updated"]),
        (lambda: client.post(f"{page}/disable"), ["account_disabled"]),
        (lambda: client.post(f"{page}/enable"), ["account_enabled"]),
        (lambda: client.post(f"{page}/setup-link"), ["setup_link_requested"]),  # issued when mailed
        (lambda: client.post(f"{page}/sessions/end"), ["sessions_ended"]),
    ]
    for step, expected in steps:
        mark = last_id()
        assert step().status_code in (200, 302)
        recorded = events_after(mark)
        assert [(e.action, e.actor_id, e.target_type, e.target_id) for e in recorded] == [
            (action, admin.id, *target_ref) for action in expected]

    lawyer = people["lawyer"].user
    mark = last_id()
    client.post(f"/admin/users/{lawyer.uuid}/update",
                data={"email": lawyer.email, "role": "coordinator", "organisation": "", "display_name": ""})
    client.post(f"/admin/users/{lawyer.uuid}/two-factor/reset")
    assert [summary(e) for e in events_after(mark)] == [  # each reset of a staff account asks a second admin
        (action, admin.id, "user", str(lawyer.uuid))
        for action in ("role_changed", "approval_requested", "two_factor_reset", "approval_requested")]


def test_new_account_and_organisation_are_recorded(app, people):
    admin = people["admin"].user
    client = signed_in(app, admin)
    mark = last_id()
    response = client.post("/admin/users/new", data={"email": "new.person@example.org", "display_name": "",
                                                      "role": "lawyer", "organisation": ""})
    assert response.status_code == 302
    created = accounts.find_user(db.session, "new.person@example.org")
    assert [summary(e) for e in events_after(mark)] == [  # the link itself is issued when mailed
        ("account_created", admin.id, "user", str(created.uuid)),
        ("approval_requested", admin.id, "user", str(created.uuid))]
    mark = last_id()
    client.post("/admin/organisations/new", data={"name": "Organisation C"})
    [event] = events_after(mark)
    assert (event.action, event.actor_id, event.target_type) == ("organisation_created", admin.id, "organisation")
    assert_no_content("Organisation C")


def test_states_register_correction_is_recorded(app, people):
    admin = people["admin"].user
    client = signed_in(app, admin)
    mark = last_id()
    response = client.post("/admin/states/FI/edit", data={
        "name": "Finland", "listing": "party", "signature": "2009-09-24", "instrument_type": "ratification",
        "instrument_date": "2014-01-31", "instrument_year": "", "entry_into_force": "2014-04-30",
        "eif_basis": "art18(2) deposit+3 months (audit test)", "art10_declaration": "unknown",
        "art11_declaration": "unknown", "verified": "partly", "source_note": "UNTC", "source": "Audit test source"})
    assert response.status_code == 302
    assert [summary(e) for e in events_after(mark)] == [("state_corrected", admin.id, "state", "FI")]
    assert_no_content("Audit test source")


# --- tokens and feeds -----------------------------------------------------------------------------------


def test_api_token_and_calendar_feed_creation_and_revocation_are_recorded(app, people):
    partner = people["partner_a"].user
    client = signed_in(app, partner)
    mark = last_id()
    html = client.post("/account/tokens", data={"name": "Survey app"}).get_data(as_text=True)
    token = tokens.list_tokens(db.session, partner)[0]
    client.post(f"/account/tokens/{token.uuid}/revoke")
    assert [summary(e) for e in events_after(mark)] == [
        ("api_token_created", partner.id, "token", str(token.uuid)),
        ("api_token_revoked", partner.id, "token", str(token.uuid))]
    secret = re.search(r"escr_[A-Za-z0-9_-]{43}", html).group()
    assert_no_content(secret, "Survey app")

    lawyer = people["lawyer"].user
    client = signed_in(app, lawyer)
    mark = last_id()
    assert client.post("/account/calendar-feed").status_code == 200
    client.post("/account/calendar-feed/revoke")
    assert [e.action for e in events_after(mark)] == ["calendar_feed_created", "calendar_feed_revoked"]
    assert {e.actor_id for e in events_after(mark)} == {lawyer.id}


# --- case content (AC-08) -----------------------------------------------------------------------------

VIEWS = [
    pytest.param("partner_a", "/intake/{case}", id="partner-report-page"),
    pytest.param("lawyer", "/screening/{case}", id="lawyer-report-page"),
    pytest.param("lawyer", "/screening/{case}/assessment", id="lawyer-assessment-form"),
    pytest.param("lawyer", "/screening/{case}/request-information", id="lawyer-information-request-form"),
]


@pytest.mark.parametrize(("who", "url"), VIEWS)
def test_each_view_of_a_report_writes_one_event(app, people, marked_case, who, url):  # AC-08
    case, _document = marked_case
    user = people[who].user
    client = signed_in(app, user)
    mark = last_id()
    response = client.get(url.format(case=case.uuid))
    assert response.status_code == 200
    assert MARKERS["title"] in response.get_data(as_text=True)  # decrypted content was shown …
    [event] = events_after(mark)  # … and its reading logged, once
    assert summary(event) == ("report_viewed", user.id, "case", str(case.uuid))
    assert (event.case_uuid, event.case_reference, event.ip) == (str(case.uuid), case.reference, "127.0.0.1")
    assert_no_content()


def test_partner_draft_form_view_is_recorded(app, people, draft):  # AC-08: the form shows the decrypted report
    case, _document = draft
    partner = people["partner_a"].user
    client = signed_in(app, partner)
    mark = last_id()
    assert client.get(f"/intake/{case.uuid}/edit").status_code == 200
    [event] = events_after(mark)
    assert summary(event) == ("report_viewed", partner.id, "case", str(case.uuid))
    assert event.case_reference is None  # a draft has no reference yet


@pytest.mark.parametrize("suffix", ["", "/record"])
def test_caseworkers_views_of_a_tracked_case_are_recorded(app, people, suffix):  # AC-08
    partner = people["partner_a"].user
    tracked, _measure, _media = make_tracked_case(app, partner.organisation, partner)
    coordinator = people["coordinator"].user
    client = signed_in(app, coordinator)
    mark = last_id()
    assert client.get(f"/committee/{tracked.uuid}{suffix}").status_code == 200
    assert [summary(e) for e in events_after(mark)] == [("report_viewed", coordinator.id, "case", str(tracked.uuid))]


def test_a_refused_view_records_nothing(app, people, marked_case):  # AC-04: a 404 is not an access
    case, document = marked_case
    client = signed_in(app, people["partner_b"].user)
    mark = last_id()
    assert client.get(f"/intake/{case.uuid}").status_code == 404
    assert client.get(f"/documents/{case.uuid}/{document.uuid}/download").status_code == 404
    assert events_after(mark) == []


def test_document_download_is_recorded(app, people, marked_case):  # AC-08
    case, document = marked_case
    lawyer = people["lawyer"].user
    client = signed_in(app, lawyer)
    mark = last_id()
    response = client.get(f"/documents/{case.uuid}/{document.uuid}/download", buffered=True)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    [event] = events_after(mark)
    assert summary(event) == ("document_downloaded", lawyer.id, "document", str(document.uuid))
    assert (event.case_uuid, event.case_reference) == (str(case.uuid), case.reference)
    assert_no_content()


@pytest.mark.parametrize("kind", ["cases", "decisions"])
def test_csv_exports_are_recorded(app, people, marked_case, kind):  # AC-08
    coordinator = people["coordinator"].user
    client = signed_in(app, coordinator)
    mark = last_id()
    response = client.get(f"/exports/{kind}.csv", buffered=True)  # the whole body, inside the request
    assert response.status_code == 200
    assert [summary(e) for e in events_after(mark)] == [("export_downloaded", coordinator.id, "export", kind)]
    assert_no_content()


def test_report_creation_edit_and_deletion_are_recorded(app, people):  # LOG-01
    partner = people["partner_a"].user
    client = signed_in(app, partner)
    mark = last_id()
    assert client.post("/intake/new", data={"action": "next", "title": "A draft"}).status_code == 302
    case_uuid = str(db.session.execute(select(Case.uuid).order_by(Case.id.desc()).limit(1)).scalar_one())
    response = client.post(f"/intake/{case_uuid}/edit", data={
        "action": "save", "title": MARKERS["title"], "state": "", "continuing": "unknown",
        "only_mass_media_reports": "unknown", "author_is_victim": "unknown", "acting_on_behalf": "unknown",
        "remedies_exception_reason": "", "urgent_risk": "unknown", "victims_under_jurisdiction": "unknown",
        "clear_disadvantage": "unknown", "general_importance": "unknown"})
    assert response.status_code == 302
    assert client.post(f"/intake/{case_uuid}/delete").status_code == 302
    assert [summary(e) for e in events_after(mark)] == [
        ("report_created", partner.id, "case", case_uuid),
        ("report_edited", partner.id, "case", case_uuid),
        ("case_deleted", partner.id, "case", case_uuid),
    ]
    assert_no_content()


def test_document_deletion_is_recorded(app, people, draft):
    case, document = draft
    document_uuid = str(document.uuid)
    partner = people["partner_a"].user
    client = signed_in(app, partner)
    mark = last_id()
    assert client.post(f"/intake/{case.uuid}/documents/{document_uuid}/delete").status_code == 302
    assert [summary(e) for e in events_after(mark)] == [("document_deleted", partner.id, "document", document_uuid)]


def test_stage_moves_and_record_updates_are_recorded(app, people):  # LOG-01
    partner = people["partner_a"].user
    tracked, _measure, _media = make_tracked_case(app, partner.organisation, partner)
    coordinator = people["coordinator"].user
    client = signed_in(app, coordinator)
    mark = last_id()
    response = client.post(f"/committee/{tracked.uuid}/move", data={"target": "closed", "note": MARKERS["note"]})
    assert response.status_code == 302
    client.post(f"/committee/{tracked.uuid}/media",
                data={"outlet": MARKERS["note"] + " Daily", "published_on": "2025-02-01"})
    assert [summary(e) for e in events_after(mark)] == [
        ("stage_changed", coordinator.id, "case", str(tracked.uuid)),
        ("case_updated", coordinator.id, "case", str(tracked.uuid)),
    ]
    assert_no_content()


def test_screening_and_messages_are_recorded(app, people, marked_case):
    case, _document = marked_case
    lawyer = people["lawyer"].user
    client = signed_in(app, lawyer)
    mark = last_id()
    response = client.post(f"/cases/{case.uuid}/messages", data={"body": MARKERS["note"]})
    assert response.status_code == 302
    assert [summary(e) for e in events_after(mark)] == [("message_posted", lawyer.id, "case", str(case.uuid))]
    assert_no_content()


# --- the JSON API ---------------------------------------------------------------------------------------


def test_api_creation_view_and_download_are_recorded(app, client, people):  # AC-08
    partner = people["partner_a"].user
    secret = new_token(partner)
    mark = last_id()
    created = client.post("/api/v1/reports", json=full_report(), headers=auth(secret))
    assert created.status_code == 201, created.get_data(as_text=True)
    report_id = created.get_json()["id"]
    case = db.session.execute(select(Case).where(Case.uuid == UUID(report_id))).scalar_one()
    assert client.get(f"/api/v1/reports/{report_id}", headers=auth(secret)).status_code == 200
    partner_case, document = make_case(app, partner.organisation, partner, submit=True)
    after_setup = last_id()
    download = client.get(f"/api/v1/reports/{partner_case.uuid}/documents/{document.uuid}", headers=auth(secret))
    assert download.status_code == 200
    recorded = [summary(e) for e in events_after(mark)]
    assert ("report_created", partner.id, "case", report_id) in recorded
    assert ("report_submitted", partner.id, "case", report_id) in recorded
    assert ("report_viewed", partner.id, "case", report_id) in recorded
    assert [summary(e) for e in events_after(after_setup)] == [
        ("document_downloaded", partner.id, "document", str(document.uuid))]
    submitted = next(e for e in events_after(mark) if e.action == "report_submitted")
    assert submitted.case_reference == case.reference
    assert_no_content(secret, "APIMARKTITLE1", "APIMARKVICTIM3", "APIMARKNARR2")


# --- the whole log --------------------------------------------------------------------------------------


def test_the_chain_stays_intact_and_free_of_content_through_a_working_day(app, people, marked_case):  # LOG-01, LOG-02
    case, document = marked_case
    lawyer, coordinator = people["lawyer"].user, people["coordinator"].user
    signed_in(app, people["partner_a"].user).get(f"/intake/{case.uuid}")
    lawyer_client = signed_in(app, lawyer)
    lawyer_client.get(f"/screening/{case.uuid}")
    lawyer_client.get(f"/documents/{case.uuid}/{document.uuid}/download", buffered=True)
    lawyer_client.post(f"/cases/{case.uuid}/messages", data={"body": MARKERS["note"]})
    signed_in(app, coordinator).get("/exports/cases.csv", buffered=True)
    assert len(all_values()) > 0
    assert_no_content()
    assert_chain_intact()


# --- the viewer -----------------------------------------------------------------------------------------


@pytest.fixture
def history(app, people, marked_case):
    """Events of two actors on the marked case (some from before it was submitted), plus others."""
    case, document = marked_case
    partner, lawyer = people["partner_a"].user, people["lawyer"].user
    draft_event = audit.record(db.session, action="report_created", actor=partner, case=case)
    db.session.commit()
    signed_in(app, partner).get(f"/intake/{case.uuid}")
    signed_in(app, lawyer).get(f"/documents/{case.uuid}/{document.uuid}/download", buffered=True)
    return case, draft_event


def viewer(app, people, query: str = ""):
    return signed_in(app, people["admin"].user).get(f"/admin/audit{query}")


def rows_shown(html: str) -> list[str]:
    return re.findall(r"\((\w+)\)</span></td>", html)


def test_viewer_lists_events_newest_first_with_count(app, people, history):  # LOG-01
    response = viewer(app, people)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    actions = rows_shown(html)
    assert actions[:2] == ["document_downloaded", "report_viewed"]
    total = db.session.execute(select(AuditEvent)).scalars().all()
    assert f"{len(total)} events recorded" in html
    assert "Time (UTC)" in html and "127.0.0.1" in html
    for marker in MARKERS.values():
        assert marker not in html


def test_viewer_filters_by_actor(app, people, history):
    lawyer = people["lawyer"].user
    html = viewer(app, people, f"?actor={lawyer.uuid}").get_data(as_text=True)
    assert rows_shown(html) == [action for (action,) in db.session.execute(
        select(AuditEvent.action).where(AuditEvent.actor_id == lawyer.id).order_by(AuditEvent.id.desc())).all()]
    assert "document_downloaded" in rows_shown(html) and "report_viewed" not in rows_shown(html)


def test_viewer_filters_by_case_reference_including_its_draft_days(app, people, history):
    case, _draft_event = history
    html = viewer(app, people, f"?case={case.reference}").get_data(as_text=True)
    assert rows_shown(html) == ["document_downloaded", "report_viewed", "report_created"]
    assert "No event matches these filters." in viewer(app, people, "?case=ESCR-1999-0001").get_data(as_text=True)


def test_viewer_filters_by_action_and_dates(app, people, history):
    assert rows_shown(viewer(app, people, "?action=report_viewed").get_data(as_text=True)) == ["report_viewed"]
    today = utcnow().date()
    assert rows_shown(viewer(app, people, f"?since={today}&until={today}&action=document_downloaded")
                      .get_data(as_text=True)) == ["document_downloaded"]
    tomorrow = today + timedelta(days=1)
    html = viewer(app, people, f"?since={tomorrow}").get_data(as_text=True)
    assert rows_shown(html) == [] and "No event matches these filters." in html


@pytest.mark.parametrize("query", ["?case=Ana+P%C3%A9rez", "?action=made_up", "?actor=not-a-user", "?since=yesterday"])
def test_viewer_refuses_malformed_filters(app, people, history, query):
    assert viewer(app, people, query).status_code == 400


@pytest.mark.parametrize("who", ["partner_a", "lawyer", "coordinator"])
def test_viewer_is_for_admins_only(app, people, who):  # AC-06 (the matrix covers every principal)
    assert signed_in(app, people[who].user).get("/admin/audit").status_code == 403


def test_viewer_paginates(app, people):
    for i in range(55):
        audit.record(db.session, action="key_rotated", target_type="key", target_id=f"k{i}")
    db.session.commit()
    first = viewer(app, people).get_data(as_text=True)
    second = viewer(app, people, "?page=2").get_data(as_text=True)
    assert len(rows_shown(first)) == 50
    assert 0 < len(rows_shown(second)) < 50
    newest = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    assert f"<td data-label=\"#\">{newest.id}</td>" in first


def test_viewing_the_log_is_not_itself_case_content(app, people, history):
    mark = last_id()
    viewer(app, people)
    assert events_after(mark) == []

