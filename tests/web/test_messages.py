"""The encrypted thread between a report's organisation and the lawyers."""

import io
import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.models import Message
from tests.factories import login, make_case
from tests.write_lock import inside_the_lock, spy_on_sealing

MARKER = "MARKERMESSAGE9f"


@pytest.fixture
def report(app, people, org_a):
    case, _document = make_case(app, org_a, people["partner_a"].user, submit=True)
    return case


def message_box(page: str) -> tuple[str, str]:
    """The thread's message box as the page shows it: its opening tag and the text waiting in it."""
    box = re.search(r'(<textarea[^>]*\bid="body"[^>]*>)(.*?)</textarea>', page, re.S)
    return box.group(1), unescape(box.group(2)).removeprefix("\r\n")  # WTForms opens the box with a line break


def error_beside(page: str, field: str) -> str:
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(unescape(error.group(1)).split()) if error else ""


def signed_in(app, people, who):
    client = app.test_client()
    login(app, client, people[who].user)
    return client


def test_lawyer_asks_and_the_partner_answers(app, people, report):
    lawyer, partner = signed_in(app, people, "lawyer"), signed_in(app, people, "partner_a")
    asked = lawyer.post(f"/screening/{report.uuid}/request-information",
                        data={"body": f"Please send the eviction order. {MARKER}"})
    assert asked.headers["Location"].endswith(f"/screening/{report.uuid}#thread")
    page = partner.get(f"/intake/{report.uuid}").get_data(as_text=True)
    assert "The lawyers have asked for more information" in page
    assert "Please send the eviction order." in page and "Request for information" in page

    answered = partner.post(f"/cases/{report.uuid}/messages", data={"body": "Attached next week."})
    assert answered.headers["Location"].endswith(f"/intake/{report.uuid}#thread")
    page = partner.get(f"/intake/{report.uuid}").get_data(as_text=True)
    assert "The lawyers have asked for more information" not in page  # answered
    assert "Attached next week." in lawyer.get(f"/screening/{report.uuid}").get_data(as_text=True)

    if db.engine.dialect.name == "sqlite":  # CRY-01
        raw = b"".join(p.read_bytes() for p in Path(app.instance_path).rglob("*") if p.is_file())
        assert MARKER.encode() not in raw


def test_a_partners_message_is_never_a_request_for_information(app, people, report):  # AC-05
    partner = signed_in(app, people, "partner_a")
    partner.post(f"/cases/{report.uuid}/messages", data={"body": "Hello", "information_request": "y"})
    assert db.session.execute(select(Message.kind)).scalars().all() == ["message"]


@pytest.mark.parametrize("who", ["partner_b", "coordinator", "admin"])
def test_others_cannot_write_or_read_the_thread(app, people, report, who):  # AC-04
    response = signed_in(app, people, who).post(f"/cases/{report.uuid}/messages", data={"body": "Intrusion"})
    assert response.status_code == 404
    assert db.session.execute(select(func.count()).select_from(Message)).scalar_one() == 0


def test_no_thread_on_drafts(app, people, org_a):
    draft, _ = make_case(app, org_a, people["partner_a"].user)
    response = signed_in(app, people, "partner_a").post(f"/cases/{draft.uuid}/messages", data={"body": "Early"})
    assert response.status_code == 404


def test_empty_and_oversized_messages_are_refused_beside_the_field(app, people, report):
    partner = signed_in(app, people, "partner_a")
    for body, problem in (("", "This field is required."), ("   ", "This field is required."),
                          ("x" * 20_001, "Field cannot be longer than 20000 characters.")):
        response = partner.post(f"/cases/{report.uuid}/messages", data={"body": body})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert problem in error_beside(page, "body")
        tag, waiting = message_box(page)
        assert 'aria-invalid="true"' in tag and waiting == body  # what was typed is still there to correct
        assert re.search(r'id="error-summary".*href="#body"', page, re.S)
    assert db.session.execute(select(func.count()).select_from(Message)).scalar_one() == 0


def test_keys_check_covers_messages(app, people, report):
    signed_in(app, people, "lawyer").post(f"/cases/{report.uuid}/messages", data={"body": "Checked"})
    assert app.test_cli_runner().invoke(args=["keys", "check"]).exit_code == 0
    message = db.session.execute(select(Message)).scalar_one()
    message.body_encrypted = message.body_encrypted[:-1] + bytes([message.body_encrypted[-1] ^ 1])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["keys", "check"])
    assert result.exit_code == 1 and f"messages {message.uuid}" in result.output


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_partner_answers_with_documents(app, people, report):
    partner = signed_in(app, people, "partner_a")
    response = partner.post(f"/cases/{report.uuid}/messages", content_type="multipart/form-data",
                            data={"body": "Here is the decision.", "files": [(io.BytesIO(PDF), "decision.pdf")]})
    assert response.status_code == 302
    message = db.session.execute(select(Message)).scalar_one()
    db.session.refresh(report)
    attached = [d for d in report.documents if d.message_id == message.id]
    assert len(attached) == 1
    lawyer_page = signed_in(app, people, "lawyer").get(f"/screening/{report.uuid}").get_data(as_text=True)
    assert "decision.pdf" in lawyer_page
    download = signed_in(app, people, "lawyer").get(f"/documents/{report.uuid}/{attached[0].uuid}/download")
    assert download.data == PDF


def test_a_message_and_its_files_are_encrypted_before_the_write_lock(app, people, report, monkeypatch):  # REL-04
    """The body is encrypted, each file scanned and encrypted into the store, and its row sealed before the view
    takes the write lock; under it the rows are only added."""
    partner = signed_in(app, people, "partner_a")
    calls = spy_on_sealing(monkeypatch)
    response = partner.post(f"/cases/{report.uuid}/messages", content_type="multipart/form-data",
                            data={"body": "The appeal court's order.", "files": [(io.BytesIO(PDF), "order.pdf")]})
    assert response.status_code == 302
    assert ("encrypt", False) in calls and ("file", False) in calls and ("wrap", False) in calls
    assert inside_the_lock(calls) == []
    page = signed_in(app, people, "lawyer").get(f"/screening/{report.uuid}").get_data(as_text=True)
    assert "The appeal court&#39;s order." in page and "order.pdf" in page


def test_a_refused_attachment_keeps_nothing_and_the_message_as_typed(app, people, report):  # UP-03
    partner = signed_in(app, people, "partner_a")
    typed = "See attached: the court's order of 3 March.\nLa orden del juzgado."
    response = partner.post(f"/cases/{report.uuid}/messages", content_type="multipart/form-data",
                            data={"body": typed, "files": [(io.BytesIO(b"MZ\x90\x00"), "decision.pdf")]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    # The message waits in its box, on the page it was written on; the file's problem is beside the file field.
    assert message_box(page)[1] == typed
    assert "decision.pdf" in error_beside(page, "files")
    assert re.search(r'id="error-summary".*href="#files"', page, re.S)
    assert "Messages with the lawyers" in page
    assert db.session.execute(select(func.count()).select_from(Message)).scalar_one() == 0
    db.session.refresh(report)
    assert len(report.documents) == 1  # only the one the report was made with


def test_a_lawyers_refused_message_comes_back_on_the_workspace(app, people, report):
    lawyer = signed_in(app, people, "lawyer")
    response = lawyer.post(f"/cases/{report.uuid}/messages", data={"body": " "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Messages with the partner" in page and "This field is required." in error_beside(page, "body")
