"""Partner intake through the browser-facing routes: drafts, submission, evidence, isolation, the inbox."""

import io
import logging
import re
import sqlite3
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.domain import roles
from caseapp.domain.admissibility import one_year_last_day
from caseapp.domain.report import RemedyInput, ReportInput
from caseapp.domain.screening import case_facts
from caseapp.models import Case, Document
from caseapp.models.base import utcnow
from caseapp.services import cases, intake
from caseapp.services.vault import open_vault
from tests.factories import login, make_case, make_user, text_of
from tests.write_lock import inside_the_lock, spy_on_sealing

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MARKERS = ("MARKERTITLE1a", "MARKERNARR2b", "MARKERVICTIM3c", "MARKERCOURT4d", "MARKERFILE5e")


def report_form(action="save", victims=(), remedies=(), **overrides):
    data = {
        "action": action, "title": f"Eviction of the Calle Mayor tenants {MARKERS[0]}", "state": "ES",
        "rights_invoked": ["11(1)", "2(2)"], "other_instruments": "ICCPR art. 26",
        "summary": "Forty families evicted.", "narrative": f"On 3 March 2024 the tenants were evicted. {MARKERS[1]}",
        "facts_start": "2024-03-03", "facts_end": "", "continuing": "no", "only_mass_media_reports": "no",
        "author_is_victim": "no", "acting_on_behalf": "yes", "consent_justification": "",
        "remedies_exception_reason": "", "remedies_exception_explanation": "", "one_year_exception": "",
        "urgent_risk": "yes", "urgent_date": "2026-12-15", "urgent_explanation": "A second eviction is ordered.",
        "victims_under_jurisdiction": "yes", "clear_disadvantage": "yes", "general_importance": "unknown",
    }
    for index, name in enumerate(victims):
        data.update({f"victims-{index}-name": name, f"victims-{index}-kind": "individual",
                     f"victims-{index}-contact": "+34 600 000 00{index}",
                     f"victims-{index}-identity_number": f"X-{index}", f"victims-{index}-consent": "yes",
                     f"victims-{index}-consent_record": "signed form", f"victims-{index}-confidential": "y"})
    for index, body in enumerate(remedies):
        data.update({f"remedies-{index}-body": body, f"remedies-{index}-kind": "judicial",
                     f"remedies-{index}-filed": "2024-04-01", f"remedies-{index}-decided": "2024-06-01",
                     f"remedies-{index}-notified": "2024-06-05", f"remedies-{index}-outcome": "rejected",
                     f"remedies-{index}-final": "yes", f"remedies-{index}-addressed_substance": "yes"})
    data.update(overrides)
    return data


def new_draft(client, **first_answers) -> str:
    """A draft started the way a partner starts one: a first answer on the first step (an empty step starts
    nothing). ``first_answers`` replace the default title."""
    response = client.post("/intake/new", data={"action": "next", **(first_answers or {"title": "A draft"})})
    assert response.status_code == 302
    return re.search(r"/intake/([0-9a-f-]{36})/edit", response.headers["Location"]).group(1)


def post_report(client, draft: str, data: dict, files=()):
    payload = dict(data)
    if files:
        payload["evidence"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/intake/{draft}/edit", data=payload, content_type="multipart/form-data")


def load(case_uuid: str):
    case = db.session.execute(select(Case).where(Case.uuid == UUID(case_uuid))).scalar_one()
    return case, open_vault(db.session, keyring(), case)


@pytest.fixture
def partner(app, org_a, client):
    user = make_user(app, roles.PARTNER, org_a).user
    login(app, client, user)
    return user


def test_partner_submits_a_complete_report_with_victims_remedies_and_files(app, client, partner):
    draft = new_draft(client)
    files = [("eviction-order.pdf", PDF + MARKERS[4].encode()), ("witness.txt", f"Statement {MARKERS[4]}\n".encode())]
    data = report_form("submit", victims=[f"Ana {MARKERS[2]}", "Luis Gómez", "Residents' association"],
                       remedies=[f"Juzgado nº 3 {MARKERS[3]}", "Audiencia Provincial"])
    response = post_report(client, draft, data, files)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/intake/{draft}/submitted")
    confirmation = client.get(f"/intake/{draft}/submitted").get_data(as_text=True)
    reference = re.search(r'id="reference">(ESCR-\d{4}-\d{4})<', confirmation).group(1)

    case, vault = load(draft)
    assert case.reference == reference and case.stage == "submitted"
    report = intake.load_report(vault)
    assert [v.name for v in report.victims] == [f"Ana {MARKERS[2]}", "Luis Gómez", "Residents' association"]
    assert [r.body for r in report.remedies] == [f"Juzgado nº 3 {MARKERS[3]}", "Audiencia Provincial"]
    assert report.rights_invoked == ["11(1)", "2(2)"] and report.other_instruments == ["ICCPR art. 26"]
    assert report.urgent_risk == "yes"
    assert (report.victims_under_jurisdiction, report.clear_disadvantage, report.general_importance) == (
        "yes", "yes", "unknown")
    stored = {vault.get(d, "original_name"): b"".join(file_store().decrypt(d.uuid, cases.document_key(vault, d)))
              for d in case.documents}
    assert stored == dict(files)
    assert {d.content_type for d in case.documents} == {"application/pdf", "text/plain"}
    assert client.get(f"/intake/{draft}").status_code == 200

    if db.engine.dialect.name == "sqlite":  # CRY-01: nothing typed or uploaded is readable on disk
        raw = b"".join(p.read_bytes() for p in Path(app.instance_path).rglob("*") if p.is_file())
        for marker in MARKERS:
            assert marker.encode() not in raw, marker


def test_a_draft_is_saved_and_resumed(app, client, partner):
    draft = new_draft(client)
    response = post_report(client, draft, report_form(title="Half-written", victims=["Ana"], narrative=""))
    assert response.status_code == 302
    page = client.get(f"/intake/{draft}/edit").get_data(as_text=True)
    assert 'value="Half-written"' in page and "Draft saved" in page
    assert 'value="Ana"' in client.get(f"/intake/{draft}/edit/victims").get_data(as_text=True)
    case, _ = load(draft)
    assert case.stage == "draft" and case.reference is None


def test_add_and_remove_buttons_save_the_draft_and_work_without_javascript(app, client, partner):
    draft = new_draft(client)
    post_report(client, draft, report_form("add-victims", victims=["First"]))
    case, vault = load(draft)
    assert [vault.get(v, "name") for v in case.victims] == ["First", None]
    post_report(client, draft, report_form("remove-victims-0", victims=["First", "Second"]))
    case, vault = load(draft)
    assert [vault.get(v, "name") for v in case.victims] == ["Second"]


def test_submitting_an_incomplete_report_shows_each_error_and_saves_nothing(app, client, partner):
    draft = new_draft(client)
    post_report(client, draft, report_form(title="Before", victims=["Ana"]))
    response = post_report(client, draft, report_form("submit", title="", state="", rights_invoked=[], narrative="",
                                                      facts_start="", urgent_explanation="", victims=[]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("title", "state", "narrative", "facts_start", "urgent_explanation"):
        assert f'id="{field}-error"' in page, field
    assert 'id="rights_invoked-error"' in page
    assert "Add at least one victim" in page
    case, vault = load(draft)
    assert case.stage == "draft" and vault.get(case, "title") == "Before" and len(case.victims) == 1


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"remedies-0-decided": "2024-03-01"}, "remedies-0-decided", "cannot be decided before it was filed"),
    ({"remedies-0-notified": "2024-05-01"}, "remedies-0-notified", "cannot be notified before it was taken"),
    ({"facts_start": "2024-02-30"}, "facts_start", "Not a valid date"),
    ({"facts_start": "2099-01-01"}, "facts_start", "in the future"),
    ({"facts_end": "2024-01-01"}, "facts_end", "cannot end before they began"),
    ({"victims-0-consent": "maybe"}, "victims-0-consent", "Not a valid choice"),
    ({"title": "x" * 201}, "title", "200"),
    ({"state": "XX"}, "state", "Choose a State"),
    ({"rights_invoked": ["99"]}, "rights_invoked", "Choose rights from the list"),
])
def test_bad_values_are_refused_next_to_their_field(app, client, partner, overrides, field, message):
    draft = new_draft(client)
    post_report(client, draft, report_form(title="Kept", victims=["Ana"], remedies=["Court"]))
    response = post_report(client, draft, report_form(victims=["Changed"], remedies=["Court"], **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
    assert error and message in error.group(1), (field, error.group(1) if error else page[:0])
    case, vault = load(draft)
    assert vault.get(case, "title") == "Kept" and vault.get(case.victims[0], "name") == "Ana"


def test_ten_megabytes_of_text_get_a_clear_error_and_change_nothing(app, client, partner):
    draft = new_draft(client)
    post_report(client, draft, report_form(title="Kept"))
    huge = "x" * (10 * 1024 * 1024)
    multipart = post_report(client, draft, report_form(narrative=huge))
    assert multipart.status_code == 413
    assert "larger than the limit" in multipart.get_data(as_text=True)
    urlencoded = client.post(f"/intake/{draft}/edit", data=report_form(narrative=huge))
    assert urlencoded.status_code in (400, 413)
    case, vault = load(draft)
    assert vault.get(case, "title") == "Kept"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("order.pdf", b"MZ\x90\x00\x03 a Windows program", "Windows program"),
    ("photo.jpg", b"<html><script>alert(1)</script></html>", "cannot be uploaded"),
    ("archive.zip", b"PK\x03\x04" + b"\x00" * 40, "cannot be uploaded"),
    ("script.exe", b"MZ\x90\x00", "cannot be uploaded"),
    ("empty.pdf", b"", "empty"),
])
def test_wrong_files_are_refused_and_nothing_is_stored(app, client, partner, name, content, message):
    draft = new_draft(client)
    response = post_report(client, draft, report_form(title="With files"), files=[("good.pdf", PDF), (name, content)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="evidence-error"' in page and message in page
    assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 0
    store = file_store()
    assert not list(store.files_dir.glob("*")) if store.files_dir.exists() else True
    assert not list(store.incoming_dir.glob("*")) if store.incoming_dir.exists() else True
    case, vault = load(draft)
    assert vault.get(case, "title") != "With files"  # the whole save was refused


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "C:\\evil\\x.pdf", "\u202eexe.pdf",
                                  "a\x00b.pdf"])
def test_traversal_and_tricky_names_are_neutralised(app, client, partner, name):  # UP-04
    draft = new_draft(client)
    assert post_report(client, draft, report_form(), files=[(name, PDF)]).status_code == 302
    case, vault = load(draft)
    document = case.documents[0]
    shown = vault.get(document, "original_name")
    assert not any(part in shown for part in ("/", "\\", "..", "\x00", "\u202e"))
    stored_path = file_store().path(document.uuid)
    assert stored_path.name == str(document.uuid) and stored_path.resolve().is_relative_to(file_store().root)
    download = client.get(f"/documents/{case.uuid}/{document.uuid}/download")
    assert download.headers["Content-Disposition"].startswith("attachment;") and download.data == PDF


def test_another_organisation_reaches_nothing(app, client, partner, org_b):  # AC-04
    draft = new_draft(client)
    post_report(client, draft, report_form("submit", victims=["Ana"]), files=[("order.pdf", PDF)])
    case, _ = load(draft)
    document = case.documents[0]
    other = app.test_client()
    login(app, other, make_user(app, roles.PARTNER, org_b).user)
    for method, url in [("GET", f"/intake/{draft}"), ("GET", f"/intake/{draft}/edit"),
                        ("GET", f"/intake/{draft}/submitted"), ("POST", f"/intake/{draft}/delete"),
                        ("POST", f"/intake/{draft}/documents/{document.uuid}/delete"),
                        ("GET", f"/documents/{draft}/{document.uuid}/download")]:
        assert other.open(url, method=method).status_code == 404, url
    assert case.reference not in other.get("/intake").get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 1


def test_a_submitted_report_can_no_longer_be_edited(app, client, partner):
    draft = new_draft(client)
    post_report(client, draft, report_form("submit", victims=["Ana"]))
    assert client.get(f"/intake/{draft}/edit").headers["Location"].endswith(f"/intake/{draft}")
    post_report(client, draft, report_form(title="Rewritten", victims=["Ana"]))
    case, vault = load(draft)
    assert vault.get(case, "title") != "Rewritten"


def test_deleting_a_draft_shreds_it(app, client, partner):
    draft = new_draft(client)
    post_report(client, draft, report_form(), files=[("order.pdf", PDF)])
    case, _ = load(draft)
    stored = file_store().path(case.documents[0].uuid)
    assert client.post(f"/intake/{draft}/delete").headers["Location"].endswith("/intake")
    assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 0
    assert not stored.exists()


def test_lawyers_inbox_lists_submitted_reports_with_a_duplicate_flag(app, client, partner, people, org_b):
    first = new_draft(client)
    post_report(client, first, report_form("submit", victims=["José  Pérez"]))
    second_client = app.test_client()
    login(app, second_client, people["partner_b"].user)
    second = new_draft(second_client)
    post_report(second_client, second, report_form("submit", title="Another eviction", victims=["jose perez"],
                                                   **{"victims-0-identity_number": "Y-9"}))
    draft = new_draft(client)  # drafts never reach the inbox
    post_report(client, draft, report_form(title="Unfinished MARKERDRAFT"))

    first_case, _ = load(first)
    lawyer = app.test_client()
    login(app, lawyer, people["lawyer"].user)
    inbox = lawyer.get("/screening").get_data(as_text=True)
    assert first_case.reference in inbox and "MARKERDRAFT" not in inbox
    assert f"Possible duplicate of {first_case.reference} (name)" in inbox
    assert "Urgent" in inbox and "Spain" in inbox
    second_case, _ = load(second)
    page = lawyer.get(f"/screening/{second_case.uuid}").get_data(as_text=True)
    assert "jose perez" in page and first_case.reference in page
    # partners never learn that another organisation reported the same person
    assert first_case.reference not in second_client.get(f"/intake/{second}").get_data(as_text=True)


def test_inbox_pages_keep_their_filters(app, people, org_a):
    app.config["PAGE_SIZE"] = 2
    for _ in range(3):
        case, _document = make_case(app, org_a, people["partner_a"].user, submit=True)
        case.state_code = "ES"
    make_case(app, org_a, people["partner_a"].user, submit=True)  # no State given
    db.session.commit()
    lawyer = app.test_client()
    login(app, lawyer, people["lawyer"].user)
    page = lawyer.get("/screening?state=ES").get_data(as_text=True)
    case_links = re.compile(r'href="/screening/[0-9a-f-]{36}"')  # the queue's rows (not the search link)
    assert len(case_links.findall(page)) == 2 and "3 in all" in page
    assert 'href="/screening?state=ES&amp;page=2"' in page  # page 2 keeps the filter
    assert len(case_links.findall(lawyer.get("/screening?state=ES&page=2").get_data(as_text=True))) == 1
    assert "No report matches these filters." in lawyer.get("/screening?state=PT").get_data(as_text=True)


def test_a_refused_file_and_bad_fields_are_reported_together(app, client, partner):
    draft = new_draft(client)
    response = post_report(client, draft, report_form(facts_start="2099-01-01"),
                           files=[("notes.txt", b"<html><body>not text</body></html>")])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="evidence-error"' in page and 'id="facts_start-error"' in page


def test_adding_a_victim_to_a_refused_draft_still_offers_the_new_entry(app, client, partner):
    draft = new_draft(client)
    response = post_report(client, draft, report_form("add-victims", victims=["Ana"], facts_start="2099-01-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="facts_start-error"' in page
    assert 'id="victims-1-name"' in page and 'value="Ana"' in page


def test_partner_list_pages_by_last_change_and_searches_every_title(app, client, partner, org_a):
    """The list is cut into pages in the database, newest change first; search words still reach every
    decrypted title, on any page, and the filter stays out of the URL (DATA-01)."""
    app.config["PAGE_SIZE"] = 2
    for number in range(5):
        case, _document = make_case(app, org_a, partner, title=f"Report number {number}", submit=number != 2)
        case.updated_at = case.updated_at.replace(year=2020 + number)  # number 4 changed last
    db.session.commit()

    def titles(path: str) -> list[str]:
        return re.findall(r'>(Report number \d)</a>', client.get(path).get_data(as_text=True))

    assert titles("/intake") == ["Report number 4", "Report number 3"]
    assert titles("/intake?page=2") == ["Report number 2", "Report number 1"]
    assert titles("/intake?page=3") == ["Report number 0"]
    assert "5 in all" in client.get("/intake").get_data(as_text=True)

    client.post("/intake", data={"q": "number 0", "status": ""})
    assert titles("/intake") == ["Report number 0"]  # found though it lies on the last page unfiltered
    client.post("/intake", data={"q": "", "status": "draft"})
    assert titles("/intake") == ["Report number 2"]
    assert "1 in all" in client.get("/intake").get_data(as_text=True)


def test_a_long_partner_list_links_a_window_of_pages_not_every_page(app, client, partner, org_a):
    """Thousands of reports made a link per page (about 240 at 100,000 cases); now the lists' one pagination:
    Previous, the first and last pages, the pages around this one, and Next."""
    app.config["PAGE_SIZE"] = 1
    for number in range(12):
        make_case(app, org_a, partner, title=f"Report number {number}", submit=True)
    db.session.commit()

    html = client.get("/intake?page=6").get_data(as_text=True)
    link = r'<a class="page-link"\s+href="/intake\?page=\d+"\s*(?:aria-current="page")?>(\d+)</a>'
    numbers = [int(n) for n in re.findall(link, html)]
    assert numbers == [1, 4, 5, 6, 7, 8, 12]
    assert 'aria-current="page">6</a>' in html and "…" in html
    assert ">Previous</a>" in html and ">Next</a>" in html and "12 in all" in html


# --- The stepped form (issue 17, points 1 and 2) -------------------------------------------------------------


def step_url(draft: str, step: str) -> str:
    return f"/intake/{draft}/edit/{step}"


def post_step(client, draft: str, step: str, data: dict, files=()):
    payload = dict(data)
    if files:
        payload["evidence"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(step_url(draft, step), data=payload, content_type="multipart/form-data")


def drafts_of(org) -> int:
    return db.session.execute(select(func.count()).select_from(Case).where(Case.organisation_id == org.id)
                              ).scalar_one()


def test_opening_report_a_violation_leaves_no_draft_until_the_first_save(app, client, partner, org_a):
    listing = client.get("/intake").get_data(as_text=True)
    assert 'href="/intake/new"' in listing  # a link: opening the form posts nothing
    page = client.get("/intake/new")
    assert page.status_code == 200 and 'id="title"' in page.get_data(as_text=True)
    assert drafts_of(org_a) == 0
    assert "(untitled draft)" not in client.get("/intake").get_data(as_text=True)
    # Leaving an untouched first step keeps nothing either.
    left = client.post("/intake/new", data={"action": "leave", "title": "", "state": ""})
    assert left.headers["Location"].endswith("/intake") and drafts_of(org_a) == 0
    # Nor does "Next" on an untouched first step: it asks for a first answer, linked from the summary.
    empty = client.post("/intake/new", data={"action": "next", "title": "", "state": ""})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 400 and drafts_of(org_a) == 0
    assert 'href="#title"' in text and "Give the report a title, or choose the State, to start it." in text

    saved = client.post("/intake/new", data={"action": "next", "title": "Riverside eviction", "state": "ES",
                                             "rights_invoked": ["11(1)"]})
    assert saved.status_code == 302 and re.search(r"/intake/[0-9a-f-]{36}/edit/facts$", saved.headers["Location"])
    assert drafts_of(org_a) == 1
    draft = re.search(r"/intake/([0-9a-f-]{36})/", saved.headers["Location"]).group(1)
    case, vault = load(draft)
    assert vault.get(case, "title") == "Riverside eviction" and case.rights_invoked == ["11(1)"]


STEP_ANSWERS = {
    "facts": ({"summary": "Forty families.", "narrative": "On 3 March 2024 the tenants were evicted.",
               "facts_start": "2024-03-03", "facts_end": "", "continuing": "no", "only_mass_media_reports": "no",
               "clear_disadvantage": "yes", "general_importance": "unknown", "urgent_risk": "no", "urgent_date": "",
               "urgent_explanation": ""}, "narrative", "On 3 March 2024 the tenants were evicted."),
    "victims": ({"author_is_victim": "no", "acting_on_behalf": "yes", "victims_under_jurisdiction": "yes",
                 "victims-0-name": "Ana Pérez", "victims-0-kind": "individual", "victims-0-consent": "yes",
                 "consent_justification": ""}, None, "Ana Pérez"),
    "remedies": ({"remedies-0-body": "Juzgado nº 3", "remedies-0-kind": "judicial", "remedies-0-outcome": "rejected",
                  "remedies-0-final": "yes", "remedies-0-addressed_substance": "yes",
                  "remedies-0-notified": "2024-06-05", "remedies_exception_reason": "",
                  "remedies_exception_explanation": "", "one_year_exception": "", "one_year_reason_shown": "1"},
                 None, "Juzgado nº 3"),
    "procedures": ({"other_procedures-0-body": "Human Rights Committee", "other_procedures-0-same_matter": "no",
                    "other_procedures-0-status": "pending"}, None, "Human Rights Committee"),
}


@pytest.mark.parametrize("step", list(STEP_ANSWERS))
def test_each_step_saves_its_own_answers_and_keeps_the_others_without_javascript(app, client, partner, step):
    draft = new_draft(client)
    post_report(client, draft, report_form(title="Kept from step one"))
    data, _field, shown = STEP_ANSWERS[step]
    response = post_step(client, draft, step, {"action": "next", **data})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(step_url(draft, step)).get_data(as_text=True)
    assert shown in text_of(page) or f'value="{shown}"' in page
    assert 'aria-current="step"' in page
    case, vault = load(draft)
    assert vault.get(case, "title") == "Kept from step one"  # a step posts only its fields; the others stay


def test_next_back_and_the_progress_list_move_between_steps_and_mark_them_in_words(app, client, partner):
    draft = new_draft(client)
    response = post_step(client, draft, "facts", {"action": "back", **STEP_ANSWERS["facts"][0]})
    assert response.headers["Location"].endswith(step_url(draft, "state"))
    response = post_step(client, draft, "state", {"action": "go-review", "title": "T", "state": "ES",
                                                  "rights_invoked": ["11(1)"]})
    assert response.headers["Location"].endswith(step_url(draft, "review"))
    page = text_of(client.get(step_url(draft, "review")).get_data(as_text=True))
    assert "The State and the rights done" in page and "What happened done" in page
    assert "Victims not started" in page and "Review and submit current step" in page
    assert "Evidence files optional" in page
    left = post_step(client, draft, "victims", {**STEP_ANSWERS["victims"][0], "action": "leave"})
    assert left.headers["Location"].endswith("/intake")


def test_required_answers_are_marked_in_words_and_for_assistive_technology(app, client, partner):
    page = client.get("/intake/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="title"[^>]*required', page)
    assert re.search(r'Title</label>\s*<span class="required-marker" aria-hidden="true">\(required\)</span>', page)
    assert re.search(r"Covenant rights violated\s*<span class=\"required-marker\">\(required\)</span></legend>", page)
    draft = new_draft(client)
    post_report(client, draft, report_form(victims=["Ana"]))
    victims = client.get(step_url(draft, "victims")).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="victims-0-name"[^>]*required', victims)
    assert not re.search(r'<input[^>]*id="victims-0-contact"[^>]*required', victims)
    # An answer needed only after another says when, and its input stays optional.
    assert "(required if you act for victims who have not all consented)" in victims
    assert not re.search(r'<textarea[^>]*id="consent_justification"[^>]*required', victims)


def test_the_error_summary_links_to_every_field_in_error(app, client, partner):
    draft = new_draft(client, other_instruments="ICCPR art. 26")  # no title, State or right: the review asks
    response = post_step(client, draft, "facts", {**STEP_ANSWERS["facts"][0], "facts_start": "2099-01-01",
                                                  "urgent_date": "2024-02-30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = re.search(r'<div [^>]*id="error-summary".*?</div>', page, re.S).group(0)
    assert 'href="#facts_start"' in summary and 'href="#urgent_date"' in summary
    assert 'id="facts_start-error"' in page and 'id="urgent_date-error"' in page
    # The review lists every answer missing to submit, each linked to its step and field.
    response = client.post(step_url(draft, "review"), data={"action": "submit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = re.search(r'id="error-summary".*?</div>', page, re.S).group(0)
    for step, anchor in (("state", "title"), ("state", "state"), ("state", "rights_invoked-0"),
                         ("facts", "narrative"), ("facts", "facts_start"), ("victims", "add-victims")):
        assert f'href="/intake/{draft}/edit/{step}?check=1#{anchor}"' in summary, anchor
    case, _ = load(draft)
    assert case.stage == "draft"
    # Following a link, the step shows the same message beside its field, with a summary (nothing refused).
    arrived = client.get(f"/intake/{draft}/edit/facts?check=1")
    page = arrived.get_data(as_text=True)
    assert arrived.status_code == 200 and "To submit the report, answer these:" in page
    assert 'id="narrative-error"' in page and 'href="#narrative"' in page
    assert 'id="title-error"' not in page  # another step's problem stays on its own step


def test_the_review_submits_to_the_coalitions_lawyers(app, client, partner):
    draft = new_draft(client)
    post_report(client, draft, report_form(victims=["Ana"], remedies=["Juzgado"]))
    page = text_of(client.get(step_url(draft, "review")).get_data(as_text=True))
    assert "Submit to the coalition's lawyers" in page and "Last day to submit to the Committee" in page
    assert page.count("Your report:") == 1
    response = client.post(step_url(draft, "review"), data={"action": "submit"})
    assert response.headers["Location"].endswith(f"/intake/{draft}/submitted")
    assert load(draft)[0].stage == "submitted"


def test_a_refused_file_is_refused_alone_and_the_other_answers_stay(app, client, partner):
    draft = new_draft(client)
    post_step(client, draft, "state", {"title": "Title kept", "state": "ES", "rights_invoked": ["11(1)"]})
    post_step(client, draft, "victims", {"action": "next", **STEP_ANSWERS["victims"][0]})
    response = post_step(client, draft, "files", {"action": "next"},
                         files=[("notes.txt", b"<html><body>not text</body></html>")])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="evidence-error"' in page and 'aria-describedby="evidence-error"' in page
    assert 'href="#evidence"' in page
    case, vault = load(draft)
    assert vault.get(case, "title") == "Title kept" and [vault.get(v, "name") for v in case.victims] == ["Ana Pérez"]
    assert case.documents == []
    # The same step takes a good file.
    assert post_step(client, draft, "files", {"action": "save"}, files=[("order.pdf", PDF)]).status_code == 302
    assert len(load(draft)[0].documents) == 1


def test_adding_and_removing_a_victim_returns_to_the_row_with_its_first_field_focused(app, client, partner):
    draft = new_draft(client)
    victims = {**STEP_ANSWERS["victims"][0], "victims-1-name": "Luis", "victims-1-kind": "individual",
               "victims-1-consent": "yes"}
    response = post_step(client, draft, "victims", {**victims, "action": "add-victims"})
    assert response.headers["Location"].endswith(step_url(draft, "victims"))  # no #fragment: it would void autofocus
    page = client.get(step_url(draft, "victims")).get_data(as_text=True)
    assert re.search(r'<input[^>]*autofocus[^>]*id="victims-2-name"|<input[^>]*id="victims-2-name"[^>]*autofocus',
                     page)
    # The focus is given once: a reload does not take it again.
    assert "autofocus" not in client.get(step_url(draft, "victims")).get_data(as_text=True)

    response = post_step(client, draft, "victims", {**victims, "victims-2-name": "", "victims-2-kind": "group",
                                                    "victims-2-consent": "unknown", "action": "remove-victims-1"})
    assert response.headers["Location"].endswith(step_url(draft, "victims"))
    page = client.get(step_url(draft, "victims")).get_data(as_text=True)  # the row that took its place
    assert re.search(r'id="victims-1-name"[^>]*autofocus|autofocus[^>]*id="victims-1-name"', page)
    case, vault = load(draft)
    assert [vault.get(v, "name") for v in case.victims] == ["Ana Pérez", None]

    response = post_step(client, draft, "victims", {**STEP_ANSWERS["victims"][0], "action": "remove-victims-0"})
    assert response.headers["Location"].endswith(step_url(draft, "victims"))
    assert re.search(r'id="add-victims"\s+autofocus', client.get(step_url(draft, "victims")).get_data(as_text=True))


REMEDY_NOTIFIED_LONG_AGO = {"remedies-0-body": "Audiencia", "remedies-0-kind": "appeal",
                            "remedies-0-outcome": "rejected", "remedies-0-final": "yes",
                            "remedies-0-addressed_substance": "yes", "remedies_exception_reason": "",
                            "remedies_exception_explanation": ""}


def test_the_remedies_step_shows_the_engines_last_day_and_asks_why_when_it_has_passed(app, client, partner):
    draft = new_draft(client)
    notified = utcnow().date() - timedelta(days=425)  # about fourteen months ago
    last_day = one_year_last_day(case_facts_of(notified))
    data = {**REMEDY_NOTIFIED_LONG_AGO, "remedies-0-notified": notified.isoformat(), "one_year_exception": ""}
    # Without JavaScript the question was not on the page: the partner is brought back to answer it.
    response = post_step(client, draft, "remedies", {**data, "action": "next", "one_year_reason_shown": "0"})
    assert response.headers["Location"].endswith(step_url(draft, "remedies"))
    page = client.get(step_url(draft, "remedies")).get_data(as_text=True)
    words = text_of(page)
    assert f"Last day to submit to the Committee: {last_day.day} {last_day.strftime('%b')} {last_day.year}" in words
    assert "passed" in words and "submit to the Committee has passed or is close" in words
    assert re.search(r'<div id="one-year-reason">', page)  # shown, not hidden
    assert re.search(r'<textarea[^>]*autofocus[^>]*id="one_year_exception"|id="one_year_exception"[^>]*autofocus',
                     page)
    case, _ = load(draft)
    assert case.one_year_last_day == last_day  # the stored date is the engine's, the one shown
    # Once answered, Next moves on.
    response = post_step(client, draft, "remedies", {**data, "action": "next", "one_year_reason_shown": "1",
                                                     "one_year_exception": "The decision reached us late."})
    assert response.headers["Location"].endswith(step_url(draft, "procedures"))


def test_far_off_last_day_asks_no_reason(app, client, partner):
    draft = new_draft(client)
    notified = utcnow().date() - timedelta(days=30)
    data = {**REMEDY_NOTIFIED_LONG_AGO, "remedies-0-notified": notified.isoformat(), "one_year_exception": ""}
    response = post_step(client, draft, "remedies", {**data, "action": "next", "one_year_reason_shown": "0"})
    assert response.headers["Location"].endswith(step_url(draft, "procedures"))
    assert '<div id="one-year-reason" hidden>' in client.get(step_url(draft, "remedies")).get_data(as_text=True)


def test_the_live_one_year_answer_is_the_engines(app, client, partner):
    notified = utcnow().date() - timedelta(days=425)
    answer = client.post("/intake/one-year-limit",
                         data={**REMEDY_NOTIFIED_LONG_AGO, "remedies-0-notified": notified.isoformat()}).get_json()
    last_day = one_year_last_day(case_facts_of(notified))
    assert f"Last day to submit to the Committee: {last_day.day} {last_day.strftime('%b')} {last_day.year}" in \
        text_of(answer["html"])
    assert answer["ask_reason"] is True
    recent = client.post("/intake/one-year-limit", data={
        **REMEDY_NOTIFIED_LONG_AGO, "remedies-0-notified": (utcnow().date() - timedelta(days=10)).isoformat()}
    ).get_json()
    assert recent["ask_reason"] is False and "in 355 days" in text_of(recent["html"])
    nothing = client.post("/intake/one-year-limit",
                          data={**REMEDY_NOTIFIED_LONG_AGO, "remedies-0-notified": "2024-02-30"})
    assert nothing.status_code == 400 and nothing.get_json() == {"html": "", "ask_reason": False}


def case_facts_of(notified):
    """The engine's facts for one final rejected remedy notified on ``notified``."""
    return case_facts(ReportInput(remedies=[RemedyInput(body="Audiencia", kind="appeal", notified=notified,
                                                        outcome="rejected", final="yes", addressed_substance="yes")]))


def test_the_two_submissions_have_different_names_on_the_intake_pages(app, client, partner):
    draft = new_draft(client)
    post_report(client, draft, report_form("submit", victims=["Ana"], remedies=["Juzgado"]))
    pages = [client.get(f"/intake/{draft}").get_data(as_text=True), client.get(f"/intake/{draft}/submitted")
             .get_data(as_text=True)]
    for page in pages:
        words = text_of(page)
        assert "Last day to submit:" not in words and "Submit to the lawyers" not in words
    assert "Last day to submit to the Committee" in text_of(pages[0])
    templates = Path(app.root_path).parent / "templates" / "intake"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert "to the lawyers" not in text and "Last day to submit:" not in text, template


# --- the write lock (issue 20, point 3) ----------------------------------------------------------

def test_a_refused_report_is_answered_while_another_writer_holds_the_lock(app, client, partner):  # REL-04
    """The report form reads, decrypts and validates in a read transaction (``writes_late``): a refused
    post never queues for SQLite's write lock. Before, it waited the busy timeout, then failed."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock; PostgreSQL locks rows")
    draft = new_draft(client)
    assert client.get(f"/intake/{draft}/edit").status_code == 200  # the form, as the partner has it open
    other_writer = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        response = post_report(client, draft, report_form(title="x" * 201, victims=["Ana"]))
        assert response.status_code == 400
        assert "200" in re.search(r'id="title-error"[^>]*>([^<]*)<', response.get_data(as_text=True)).group(1)
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert post_report(client, draft, report_form(title="Saved now", victims=["Ana"])).status_code == 302
    case, vault = load(draft)
    assert vault.get(case, "title") == "Saved now"


def test_a_report_is_encrypted_before_its_write_transaction_begins(app, client, partner, monkeypatch):  # REL-04
    """Every value the partner typed is encrypted, each victim's name blind-indexed and each evidence file
    encrypted into the store before the view takes the write lock (``intake.seal_report``, then
    ``documents.store_before_the_lock``). Checked for a new report's first step (its case key made then too),
    the whole form submitted at once, a step saved, and the review's "submit"."""
    calls = spy_on_sealing(monkeypatch)

    draft = new_draft(client, title="Desalojo en Rosario")
    assert ("key", False) in calls and ("encrypt", False) in calls and inside_the_lock(calls) == []
    case, vault = load(draft)
    assert vault.get(case, "title") == "Desalojo en Rosario" and case.organisation_id == partner.organisation_id
    calls.clear()
    response = post_report(client, draft, report_form("submit", victims=["Ana", "Luis"], remedies=["Juzgado"]))
    assert response.status_code == 302
    assert ("index", False) in calls and ("encrypt", False) in calls
    assert inside_the_lock(calls) == []
    case, vault = load(draft)
    assert [vault.get(victim, "name") for victim in case.victims] == ["Ana", "Luis"]

    # An evidence file is scanned and encrypted into the store, and its row's key wrapped and name encrypted,
    # before the lock too.
    with_file = new_draft(client)
    calls.clear()
    assert post_report(client, with_file, report_form(), files=[("evidence.pdf", PDF)]).status_code == 302
    assert ("file", False) in calls and ("wrap", False) in calls and inside_the_lock(calls) == []
    case, vault = load(with_file)
    assert [vault.get(document, "original_name") for document in case.documents] == ["evidence.pdf"]
    # Promoted at the commit, not discarded by start_writing's rollback.
    assert not file_store().is_incoming(case.documents[0].uuid)
    assert file_store().stored_digest(case.documents[0].uuid)[1] > len(PDF)

    other = new_draft(client)
    calls.clear()
    assert post_step(client, other, "victims", {"action": "next", **STEP_ANSWERS["victims"][0]}).status_code == 302
    assert ("index", False) in calls and inside_the_lock(calls) == []
    post_report(client, other, report_form("save", victims=["Marta"], remedies=["Juzgado"]))
    calls.clear()
    response = client.post(step_url(other, "review"), data={"action": "submit"})
    assert response.status_code == 302
    assert ("encrypt", False) in calls and inside_the_lock(calls) == []
    case, vault = load(other)
    assert case.reference is not None and [vault.get(victim, "name") for victim in case.victims] == ["Marta"]


def test_the_report_form_cannot_write_before_it_takes_the_lock(app, client, partner, monkeypatch, caplog):
    """The guard behind ``writes_late``: a write in the read transaction would fail on SQLite whenever
    another writer committed meanwhile, so it is refused in every test, not only under load."""
    draft = new_draft(client)
    for module in ("caseapp.intake.routes", "caseapp.services.documents"):  # the whole form's lock: with its files
        monkeypatch.setattr(f"{module}.start_writing", lambda session: None)
    with caplog.at_level(logging.ERROR):
        response = post_report(client, draft, report_form(title="Not saved", victims=["Ana"]))
    assert response.status_code == 500
    assert "intake.edit_report wrote before start_writing()" in caplog.text
    case, vault = load(draft)
    assert vault.get(case, "title") == "A draft"
