"""The per-report total and the per-organisation quota of evidence files (UP-01).

Both are set in config.py (``UPLOAD_MAX_REPORT_SIZE``, ``UPLOAD_ORGANISATION_QUOTA``, next to the
per-file size and the number of files per report, which tests/web/test_api.py covers). A file that
would take a report or an organisation past its limit is refused with a message that names the limit,
in the browser's report form and in the JSON API alike, and nothing of the request is kept: no
document row, no file in the store, not even the other fields of the refused form.
"""

import pytest
from markupsafe import escape

from caseapp.domain import roles
from tests.factories import login, make_user
from tests.web.test_api import assert_error, auth, new_token, snapshot, upload
from tests.web.test_intake import PDF, new_draft, post_report, report_form

MIB = 1024 * 1024
FILE = PDF + b"0" * (600 * 1024)  # 600 KiB: one fits in 1 MiB, two do not
LIMITS = {
    "report total": ("UPLOAD_MAX_REPORT_SIZE", "The files of one report may total at most 1 MB."),
    "organisation quota": ("UPLOAD_ORGANISATION_QUOTA",
                           "Your organisation's storage quota is full; ask the coordinators."),
}


@pytest.fixture(params=LIMITS)
def limit(request, app):
    """One of the two limits, set to 1 MiB; returns its name and the message a refusal shows."""
    setting, message = LIMITS[request.param]
    app.config[setting] = MIB
    return request.param, message


@pytest.fixture
def partner(app, org_a):
    return make_user(app, roles.PARTNER, org_a).user


def test_form_upload_past_the_limit_is_refused_and_keeps_nothing(app, client, partner, limit):  # UP-01
    name, message = limit
    login(app, client, partner)
    first = new_draft(client)
    assert post_report(client, first, report_form(), files=[("first.pdf", FILE)]).status_code == 302
    # The same report for its total; another report of the organisation for the quota.
    target = first if name == "report total" else new_draft(client)
    before = snapshot()

    response = post_report(client, target, report_form(title="Renamed with more evidence"),
                           files=[("second.pdf", FILE)])

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="evidence-error"' in page and str(escape(message)) in page  # next to the file field
    assert snapshot() == before
    # Control: a file that fits is accepted on the same report.
    assert post_report(client, target, report_form(), files=[("small.pdf", PDF)]).status_code == 302
    assert snapshot() != before


def test_api_upload_past_the_limit_is_refused_and_keeps_nothing(app, client, partner, limit):  # UP-01
    _name, message = limit
    secret = new_token(partner)
    first = client.post("/api/v1/reports", json={"title": "First", "narrative": "n"},
                        headers=auth(secret)).get_json()["id"]
    assert upload(client, secret, first, [("first.pdf", FILE)]).status_code == 201
    target = first if _name == "report total" else \
        client.post("/api/v1/reports", json={"title": "Second", "narrative": "n"},
                    headers=auth(secret)).get_json()["id"]
    before = snapshot()

    error = assert_error(upload(client, secret, target, [("second.pdf", FILE)]), 413, "too_large", {"file.0"})

    assert error["fields"]["file.0"] == message
    assert snapshot() == before
    assert upload(client, secret, target, [("small.pdf", PDF)]).status_code == 201


def test_an_upload_committed_meanwhile_counts_once_the_lock_is_taken(app, client, partner, monkeypatch):  # UP-01
    """The files are scanned and encrypted before the write lock (REL-04), so the limits are checked again
    under it with what is committed then: here the organisation's use grows by one file between the two
    checks, as when another member's upload commits meanwhile. This one is refused with the quota's message,
    and nothing of it is kept — not the file encrypted before the lock, not the form's other fields."""
    from caseapp.core.database import write_intent
    from caseapp.services import documents

    app.config["UPLOAD_ORGANISATION_QUOTA"] = MIB
    login(app, client, partner)
    draft = new_draft(client)
    before = snapshot()
    used = documents.organisation_storage_used
    monkeypatch.setattr(documents, "organisation_storage_used",
                        lambda session, organisation_id: used(session, organisation_id)
                        + (len(FILE) if write_intent() else 0))

    response = post_report(client, draft, report_form(title="Renamed with evidence"), files=[("late.pdf", FILE)])

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="evidence-error"' in page and str(escape(LIMITS["organisation quota"][1])) in page
    assert snapshot() == before


def test_a_draft_deleted_in_another_tab_while_its_file_is_scanned_gets_the_404_page(app, client, partner,
                                                                                   monkeypatch):  # REL-04
    """The report form scans and encrypts a file before it takes the write lock; a draft deleted meanwhile (in
    another tab) is then answered with the "Not found" page in the app's layout, not an error, and the file
    encrypted for it is not kept."""
    from caseapp.core.resources import file_store
    from tests.write_lock import delete_the_case_once_its_files_are_stored

    login(app, client, partner)
    draft = new_draft(client)
    delete_the_case_once_its_files_are_stored(monkeypatch)
    response = post_report(client, draft, report_form(title="Saved too late"), files=[("late.pdf", PDF)])
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "There is nothing here, or you do not have access to it." in page and 'class="navbar' in page
    assert [path for path in file_store().root.rglob("*") if path.is_file()] == []
