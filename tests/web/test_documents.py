"""Evidence files downloaded through the documents blueprint: attachment headers and sandbox CSP (UP-07),
each chunk authenticated (CRY-03), a tampered file refused without leaking content (CRY-08), and only
for those who may see the case (AC-04, AC-06)."""

import logging

import pytest

from caseapp.core.extensions import db
from caseapp.core.resources import file_store
from caseapp.crypto.files import CHUNK_SIZE, HEADER_SIZE, TAG_SIZE
from caseapp.domain import roles
from tests.factories import add_to_team, login, make_case, make_user
from tests.markers import MARKERS


def test_partner_downloads_their_file_with_safe_headers(app, client, org_a):  # UP-07, CRY-03
    partner = make_user(app, roles.PARTNER, org_a).user
    body = b"%PDF-1.7 " + b"x" * 200_000
    case, document = make_case(app, org_a, partner, body=body, name='résumé "final".pdf')
    login(app, client, partner)
    response = client.get(f"/documents/{case.uuid}/{document.uuid}/download")
    assert response.status_code == 200
    assert response.data == body
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"resume _final_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf"
    )
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("who", ["partner_b", "admin"])
def test_others_cannot_download(app, client, people, org_a, who):  # AC-04, AC-06
    case, document = make_case(app, org_a, people["partner_a"].user)
    login(app, client, people[who].user)
    assert client.get(f"/documents/{case.uuid}/{document.uuid}/download").status_code == 404


@pytest.mark.parametrize("who", ["lawyer", "coordinator"])
def test_staff_can_download_submitted_reports_only(app, client, people, org_a, who):  # AC-06
    submitted, document = make_case(app, org_a, people["partner_a"].user, submit=True)
    draft, draft_document = make_case(app, org_a, people["partner_a"].user)
    add_to_team(submitted, people["coordinator"].user)  # a coordinator reads a case's files on its team only
    login(app, client, people[who].user)
    assert client.get(f"/documents/{submitted.uuid}/{document.uuid}/download").data == b"%PDF-1.7 evidence"
    assert client.get(f"/documents/{draft.uuid}/{draft_document.uuid}/download").status_code == 404


def test_a_coordinator_off_the_case_team_downloads_no_evidence_file(app, client, people, org_a, org_b):  # AC-04
    """Issue 15: a coordinator downloaded any file of any report, even another organisation's report still in
    screening. Off the case's team the file is not found, as another organisation's file is; on it, it is sent."""
    coordinator = people["coordinator"].user
    screened, document = make_case(app, org_b, people["partner_b"].user, submit=True)
    tracked, tracked_document = make_case(app, org_a, people["partner_a"].user, submit=True)
    tracked.stage = "candidate"
    db.session.commit()
    login(app, client, coordinator)
    for case, file in ((screened, document), (tracked, tracked_document)):
        response = client.get(f"/documents/{case.uuid}/{file.uuid}/download")
        assert response.status_code == 404
        assert b"%PDF" not in response.data
    add_to_team(tracked, coordinator)
    assert client.get(f"/documents/{tracked.uuid}/{tracked_document.uuid}/download").data == b"%PDF-1.7 evidence"


def test_a_tampered_file_gives_the_generic_error_and_a_log_without_content(app, client, org_a, caplog):  # CRY-08
    partner = make_user(app, roles.PARTNER, org_a).user
    case, document = make_case(app, org_a, partner, body=b"%PDF-1.7 " + MARKERS["file_body"].encode())
    path = file_store().path(document.uuid)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    login(app, client, partner)
    with caplog.at_level(logging.ERROR, logger="caseapp"):
        response = client.get(f"/documents/{case.uuid}/{document.uuid}/download")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and MARKERS["file_body"] not in page and "Traceback" not in page
    assert MARKERS["file_body"] not in caplog.text


def test_a_file_cut_at_a_chunk_boundary_sends_no_byte_and_gives_the_error_page(app, client, org_a):  # CRY-08
    """Issue 15, point 6: a stored file cut after a whole chunk streamed every chunk before the cut (589,824 bytes
    of a 2.3 MB file) before the connection dropped. The missing final chunk is now found before the first byte."""
    partner = make_user(app, roles.PARTNER, org_a).user
    body = b"%PDF-1.7 " + MARKERS["file_body"].encode() * (300_000 // len(MARKERS["file_body"]))
    case, document = make_case(app, org_a, partner, body=body)
    path = file_store().path(document.uuid)
    data = path.read_bytes()
    record = 4 + CHUNK_SIZE + TAG_SIZE  # every record but the last holds a whole chunk
    path.write_bytes(data[:HEADER_SIZE + 2 * record])  # two whole chunks kept, the rest (and the final one) cut
    login(app, client, partner)
    response = client.get(f"/documents/{case.uuid}/{document.uuid}/download")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and MARKERS["file_body"] not in page
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response.headers
