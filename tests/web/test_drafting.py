"""Drafting a case's documents (issue 19): the communication in English, Spanish and French, opened with
python-docx and read for its sections, its fields, its language and its annexes; the annex bundle; the
request for interim measures; who may have them (the case team only, AC-04, AC-06); the audit of every
generation (AC-08); nothing in clear on disk (CRY-01)."""

import io
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.domain import roles
from caseapp.domain.report import RemedyInput, VictimInput
from caseapp.models import AuditEvent, Case
from caseapp.models.base import utcnow
from caseapp.services import cases, screening
from caseapp.services.vault import open_vault
from tests.factories import add_to_team, login, make_user, record_screening, submit_report, text_of
from tests.markers import MARKERS, bytes_under

EVIDENCE = [("eviction-order.pdf", b"%PDF-1.7 the eviction order " + b"x" * 70_000),
            ("photo of the street.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)]
# Each language's section headings, in the order of the model complaint form.
HEADINGS = {
    "en": ["1. Author(s) of the communication", "2. Victim(s)", "3. State party", "4. Facts",
           "5. Exhaustion of domestic remedies (article 3(1) of the Optional Protocol)",
           "6. Other procedures of international investigation or settlement (article 3(2)(c))", "7. Admissibility",
           "8. Articles of the Covenant violated", "9. Remedies sought", "10. List of annexes",
           "11. Authorisation and consent", "12. Date and signature"],
    "es": ["1. Autor o autores de la comunicación", "2. Víctima o víctimas", "3. Estado parte", "4. Hechos",
           "5. Agotamiento de los recursos internos (artículo 3, párrafo 1, del Protocolo Facultativo)",
           "6. Otros procedimientos de examen o arreglo internacionales (art. 3, párr. 2 c))",
           "7. Admisibilidad", "8. Artículos del Pacto vulnerados", "9. Reparaciones solicitadas",
           "10. Lista de anexos", "11. Autorización y consentimiento", "12. Fecha y firma"],
    "fr": ["1. Auteur(s) de la communication", "2. Victime(s)", "3. État partie", "4. Faits",
           "5. Épuisement des recours internes (article 3, paragraphe 1, du Protocole facultatif)",
           "6. Autres procédures internationales d'enquête ou de règlement (art. 3 (par. 2 c)))",
           "7. Recevabilité", "8. Articles du Pacte violés", "9. Réparations demandées", "10. Liste des annexes",
           "11. Autorisation et consentement", "12. Date et signature"],
}
STATE = {"en": "Spain", "es": "España", "fr": "Espagne"}
ANNEX = {"en": "Annex 01: eviction-order.pdf", "es": "Anexo 01: eviction-order.pdf",
         "fr": "Annexe 01 : eviction-order.pdf"}
PROOFING = {"en": "en-GB", "es": "es-ES", "fr": "fr-FR"}


@pytest.fixture
def accepted(app, people):
    """A report accepted as a strategic candidate, urgent, with a confidential victim, two evidence files and
    the lawyer and the coordinator on its team."""
    notified = utcnow().date() - timedelta(days=100)
    case, _ = submit_report(
        app, people["partner_a"].user, notified=notified, urgent_risk="yes", urgent_date=date(2026, 12, 20),
        urgent_explanation="The demolition of the block is set for 20 December.",
        narrative=f"On 3 March 2024 forty families were evicted. {MARKERS['narrative']}",
        victims=[VictimInput(name=MARKERS["name"], consent="yes", consent_record="Signed authorisation, 2 May 2025",
                             confidential=True),
                 VictimInput(name="Luis Gómez", consent="yes", confidential=False)],
        remedies=[RemedyInput(body="Tribunal Constitucional", kind="constitutional", filed=notified - timedelta(90),
                              decided=notified - timedelta(5), notified=notified, outcome="rejected", final="yes",
                              addressed_substance="yes")])
    vault = open_vault(db.session, keyring(), case)
    for name, body in EVIDENCE:
        upload = cases.store_upload(db.session, file_store(), io.BytesIO(body))
        cases.record_document(db.session, vault, upload, original_name=name, content_type="application/pdf",
                              uploaded_by=people["partner_a"].user)
    db.session.commit()
    record_screening(case, people["lawyer"].user)
    screening.accept(db.session, open_vault(db.session, keyring(), case), people["lawyer"].user, "Strong case.")
    db.session.commit()
    add_to_team(case, people["lawyer"].user, people["coordinator"].user)
    return case


def signed_in(app, user):
    client = app.test_client()
    login(app, client, user)
    return client


def annex_ids(case) -> list[str]:
    db.session.expire_all()
    documents = sorted(db.session.get(Case, case.id).documents, key=lambda d: (d.created_at, d.id))
    return [str(document.uuid) for document in documents]


def opened(response) -> docx.document.Document:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return docx.Document(io.BytesIO(response.data))


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def text(document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_lawyer_downloads_the_communication_in_each_language(app, people, accepted, language):
    lawyer = signed_in(app, people["lawyer"].user)
    first, _second = annex_ids(accepted)
    document = opened(lawyer.get(f"/drafting/{accepted.uuid}/communication.docx",
                                 query_string={"lang": language, "annex": [first]}))
    assert document.core_properties.language == PROOFING[language]
    assert document.styles["Normal"].element.rPr.xpath("./w:lang/@w:val") == [PROOFING[language]]
    shown = headings(document)
    assert shown[0].startswith({"en": "Communication to the Committee", "es": "Comunicación al Comité",
                                "fr": "Communication au Comité"}[language])
    assert shown[1:] == HEADINGS[language]
    body = text(document)
    assert accepted.reference in body and MARKERS["name"] in body and "Luis Gómez" in body
    assert STATE[language] in body and "Tribunal Constitucional" in body and MARKERS["narrative"] in body
    # The confidential victim, and only them, is named in the request for confidentiality.
    confidentiality = {"en": "not to disclose the identity", "es": "no revele la identidad",
                       "fr": "ne pas divulguer l'identité"}[language]
    [request] = [line for line in body.splitlines() if confidentiality in line]
    assert MARKERS["name"] in request and "Luis Gómez" not in request
    # The list of annexes numbers the chosen file only.
    assert ANNEX[language] in body.replace("\xa0", " ")
    assert "photo of the street.png" not in body
    # Each criterion of articles 1 to 4 with the lawyer's assessment (record_screening: every one met).
    assessment = {"en": "Our assessment: met.", "es": "Nuestra valoración: se cumple.",
                  "fr": "Notre appréciation : rempli."}[language]
    assert body.replace("\xa0", " ").count(assessment) == 11


def test_the_annex_bundle_holds_the_chosen_files_numbered_as_the_draft_lists_them(app, people, accepted):
    coordinator = signed_in(app, people["coordinator"].user)
    first, second = annex_ids(accepted)
    response = coordinator.get(f"/drafting/{accepted.uuid}/annexes.zip", query_string={"annex": [second, first]})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.data))
    assert bundle.namelist() == ["01 - eviction-order.pdf", "02 - photo of the street.png"]
    assert [bundle.read(name) for name in bundle.namelist()] == [body for _name, body in EVIDENCE]
    db.session.rollback()  # the test's read transaction began before the request wrote the events
    events = db.session.execute(select(AuditEvent.action, AuditEvent.target_id)
                                .where(AuditEvent.action == "annex_bundle_downloaded")).all()
    assert sorted(target for _action, target in events) == sorted([first, second])


def test_every_draft_is_audited_with_its_language_and_annexes(app, people, accepted):
    lawyer = signed_in(app, people["lawyer"].user)
    first, second = annex_ids(accepted)
    lawyer.get(f"/drafting/{accepted.uuid}/communication.docx", query_string={"lang": "fr", "annex": [first, second]})
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.case_reference == accepted.reference,
                                                       AuditEvent.action.like("draft%"))).scalars().all()
    assert [(row.action, row.target_id) for row in rows] == [
        ("draft_downloaded", "communication.fr"), ("draft_annex_listed", first), ("draft_annex_listed", second)]
    assert {row.actor_id for row in rows} == {people["lawyer"].user.id}


def test_the_request_for_interim_measures_says_the_harm_and_its_date(app, people, accepted):
    lawyer = signed_in(app, people["lawyer"].user)
    document = opened(lawyer.get(f"/drafting/{accepted.uuid}/interim_measures.docx", query_string={"lang": "es"}))
    assert headings(document) == [
        "Solicitud de medidas provisionales en virtud del artículo 5 del Protocolo Facultativo", "1. Las víctimas",
        "2. El daño irreparable que corren las víctimas", "3. Las medidas solicitadas", "4. La comunicación",
        "5. Fecha y firma"]
    assert document.core_properties.language == "es-ES"
    body = text(document).replace("\xa0", " ")
    assert "medidas provisionales" in body and "artículo 5" in body
    assert "The demolition of the block is set for 20 December." in body and "20 de diciembre de 2026" in body
    assert STATE["es"] in body and MARKERS["name"] in body


def test_no_request_for_interim_measures_when_the_case_is_not_urgent(app, people, accepted):
    case = db.session.get(Case, accepted.id)
    case.urgent_risk = "no"
    db.session.commit()
    lawyer = signed_in(app, people["lawyer"].user)
    assert lawyer.get(f"/drafting/{accepted.uuid}/interim_measures.docx").status_code == 404
    page = text_of(lawyer.get(f"/drafting/{accepted.uuid}").get_data(as_text=True))
    assert "Download: Request for interim measures" not in page and "risk of irreparable harm" in page


@pytest.mark.parametrize("who", ["partner_a", "partner_b", "admin"])
def test_nobody_outside_the_case_team_reaches_the_drafts(app, people, accepted, who):
    client = signed_in(app, people[who].user)
    first, _second = annex_ids(accepted)
    for path in ("", "/communication.docx", f"/annexes.zip?annex={first}"):
        assert client.get(f"/drafting/{accepted.uuid}{path}").status_code in (403, 404), (who, path)


def test_a_lawyer_or_coordinator_off_the_team_gets_the_404_of_an_unknown_case(app, people, accepted):
    for role in (roles.LAWYER, roles.COORDINATOR):
        outsider = signed_in(app, make_user(app, role).user)
        for path in ("", "/communication.docx", "/annexes.zip"):
            assert outsider.get(f"/drafting/{accepted.uuid}{path}").status_code == 404, (role, path)
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action.like("%draft%"))).first() is None


def test_the_settings_keep_the_language_and_the_remedies_sought_which_the_draft_uses(app, people, accepted):
    lawyer = signed_in(app, people["lawyer"].user)
    saved = lawyer.post(f"/drafting/{accepted.uuid}/settings",
                        data={"working_language": "fr", "remedies_sought": "Reloger les familles.\nIndemniser."})
    assert saved.status_code == 302
    page = lawyer.get(f"/drafting/{accepted.uuid}").get_data(as_text=True)
    assert 'value="fr" selected' in page or '<option selected value="fr">' in page
    document = opened(lawyer.get(f"/drafting/{accepted.uuid}/communication.docx"))  # the working language
    assert document.core_properties.language == "fr-FR"
    paragraphs = [p.text for p in document.paragraphs]
    assert "Reloger les familles." in paragraphs and "Indemniser." in paragraphs


def test_bad_settings_are_refused_in_place_and_nothing_is_saved(app, people, accepted):
    lawyer = signed_in(app, people["lawyer"].user)
    refused = lawyer.post(f"/drafting/{accepted.uuid}/settings",
                          data={"working_language": "de", "remedies_sought": "Keep this text."})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert 'id="error-summary"' in page and "Keep this text." in page  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Case, accepted.id).working_language is None


def test_a_bundle_without_annexes_or_an_unknown_file_is_refused_with_the_page(app, people, accepted):
    lawyer = signed_in(app, people["lawyer"].user)
    empty = lawyer.get(f"/drafting/{accepted.uuid}/annexes.zip")
    assert empty.status_code == 400 and "Choose at least one annex." in text_of(empty.get_data(as_text=True))
    assert "Nothing was downloaded." in text_of(empty.get_data(as_text=True))  # a download, not a save
    stranger = lawyer.get(f"/drafting/{accepted.uuid}/annexes.zip",
                          query_string={"annex": "00000000-0000-0000-0000-000000000000"})
    assert stranger.status_code == 400 and 'id="error-summary"' in stranger.get_data(as_text=True)


def test_generating_leaves_nothing_in_clear_on_disk(app, people, accepted):  # CRY-01
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the raw-bytes scan reads the SQLite file; PostgreSQL's files are outside the instance")
    started = time.time()
    lawyer = signed_in(app, people["lawyer"].user)
    ids = annex_ids(accepted)
    for language in ("en", "es", "fr"):
        assert lawyer.get(f"/drafting/{accepted.uuid}/communication.docx",
                          query_string={"lang": language, "annex": ids}).status_code == 200
    assert lawyer.get(f"/drafting/{accepted.uuid}/annexes.zip", query_string={"annex": ids}).status_code == 200
    recent = b"".join(path.read_bytes() for path in Path(tempfile.gettempdir()).glob("*")
                      if path.is_file() and path.stat().st_mtime >= started)
    raw = bytes_under(Path(app.instance_path)) + recent
    for marker in (MARKERS["name"], MARKERS["narrative"], "the eviction order"):
        for encoding in ("utf-8", "utf-16-le"):
            assert marker.encode(encoding) not in raw, marker


def test_the_case_page_leads_the_team_to_the_drafts_and_no_one_else(app, people, accepted):
    lawyer = signed_in(app, people["lawyer"].user)
    page = lawyer.get(f"/committee/{accepted.uuid}").get_data(as_text=True)
    assert f'href="/drafting/{accepted.uuid}"' in page
    drafts = text_of(lawyer.get(f"/drafting/{accepted.uuid}").get_data(as_text=True))
    for words in ("Download: Communication to the Committee", "Download: Request for interim measures",
                  "Download the annexes (ZIP)", "eviction-order.pdf", "photo of the street.png"):
        assert words in drafts, words
    outsider = signed_in(app, make_user(app, roles.COORDINATOR).user)
    assert "/drafting/" not in outsider.get(f"/committee/{accepted.uuid}").get_data(as_text=True)


# --- after the decision: the follow-up comments and the press release ----------------------------------------


def test_the_follow_up_comments_recall_the_views_and_the_states_response(app, people, org_a):
    from tests.web.decision_records import decided_case
    case, communication = decided_case(app, org_a, victim_name=MARKERS["name"], transmitted_on=date(2026, 3, 20),
                                       articles_violated=("11(1)", "2(2)"))
    vault = open_vault(db.session, keyring(), case)
    vault.set(communication, "recommendations", "Rehouse the family.\nReview the eviction law.")
    db.session.commit()
    add_to_team(case, people["coordinator"].user)
    coordinator = signed_in(app, people["coordinator"].user)
    document = opened(coordinator.get(f"/drafting/{case.uuid}/follow_up_comments.docx", query_string={"lang": "fr"}))
    assert headings(document) == [
        "Commentaires des auteurs sur la suite donnée aux constatations par l'État partie",
        "1. Les constatations du Comité",
        "2. La suite donnée par l'État partie (article 9, paragraphe 2, du Protocole facultatif)",
        "3. Commentaires des auteurs", "4. Demande au Comité", "5. Date et signature"]
    assert document.core_properties.language == "fr-FR"
    body = text(document).replace("\xa0", " ")
    assert "Communication n° 1/2024 (E/C.12/77/D/1/2024)" in body
    assert "adoptées le 12 mars 2026 et transmises le 20 mars 2026" in body
    assert "Logement, nourriture et vêtement suffisants, eau et assainissement" in body
    assert "Rehouse the family." in [p.text for p in document.paragraphs]
    assert "était attendue le 20 septembre 2026" in body  # art. 9(2): six months after the transmittal


def test_no_follow_up_comments_without_views_finding_a_violation(app, people, accepted):
    lawyer = signed_in(app, people["lawyer"].user)
    assert lawyer.get(f"/drafting/{accepted.uuid}/follow_up_comments.docx").status_code == 404


def test_a_coordinator_drafts_the_press_release_of_a_published_decision_in_the_countrys_language(app, people, org_a):
    from tests.web.decision_records import decided_case
    case, _communication = decided_case(app, org_a, state="BO", victim_name=MARKERS["name"],
                                        summary="The Committee found that the eviction violated the right to "
                                                "housing.", links=("https://example.org/decision",))
    coordinator = signed_in(app, people["coordinator"].user)  # not on the team: the release is public matter
    checklist = coordinator.get(f"/committee/{case.uuid}").get_data(as_text=True)
    assert f'href="/drafting/{case.uuid}/press_release.docx"' in checklist  # beside the checklist's press release
    document = opened(coordinator.get(f"/drafting/{case.uuid}/press_release.docx"))
    assert document.core_properties.language == "es-ES"  # Bolivia: Spanish
    body = text(document)
    assert "decisión sobre un caso contra Bolivia" in body and "12 de marzo de 2026" in body
    assert "The Committee found that the eviction violated the right to housing." in body
    assert "https://example.org/decision" in body
    assert "Vivienda, alimentación y vestido adecuados, agua y saneamiento" in body  # art. 11(1), found violated
    assert MARKERS["name"] not in body  # no name the public page does not show
    english = opened(coordinator.get(f"/drafting/{case.uuid}/press_release.docx", query_string={"lang": "en"}))
    assert english.core_properties.language == "en-GB" and "against Bolivia" in text(english)
    row = db.session.execute(select(AuditEvent).where(AuditEvent.action == "draft_downloaded")
                             .order_by(AuditEvent.id)).scalars().all()
    assert [event.target_id for event in row] == ["press_release.es", "press_release.en"]


def test_no_press_release_before_publication_nor_for_a_partner(app, people, org_a):
    from tests.web.decision_records import decided_case
    unpublished, _ = decided_case(app, org_a, published=False)
    published, _ = decided_case(app, org_a)
    coordinator = signed_in(app, people["coordinator"].user)
    assert coordinator.get(f"/drafting/{unpublished.uuid}/press_release.docx").status_code == 404
    assert coordinator.get(f"/drafting/{published.uuid}/press_release.docx?lang=de").status_code == 400
    partner = signed_in(app, people["partner_a"].user)
    assert partner.get(f"/drafting/{published.uuid}/press_release.docx").status_code == 403


def test_the_wording_lives_in_the_templates_which_the_coalition_edits_without_code(app, people, accepted, tmp_path,
                                                                                  monkeypatch):
    from caseapp.drafting import documents

    shipped = documents.template_folder()
    for path in shipped.glob("*.txt"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    edited = tmp_path / "communication.en.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace(
        "# 9. Remedies sought", "# 9. What the victims ask for\n> Written with the coalition's lawyers."),
        encoding="utf-8")
    monkeypatch.setattr(documents, "template_folder", lambda: tmp_path)
    document = opened(signed_in(app, people["lawyer"].user).get(f"/drafting/{accepted.uuid}/communication.docx",
                                                               query_string={"lang": "en"}))
    assert "9. What the victims ask for" in headings(document) and "9. Remedies sought" not in headings(document)
    assert [p.style.name for p in document.paragraphs if p.text == "Written with the coalition's lawyers."] == ["Quote"]
    assert {path.name for path in shipped.glob("*.txt")} == {  # one per document and language
        f"{document}.{language}.txt" for document in ("communication", "interim_measures", "follow_up_comments",
                                                      "press_release") for language in ("en", "es", "fr")}


def test_text_pasted_with_control_characters_still_makes_a_word_file(app, people, accepted):
    vault = open_vault(db.session, keyring(), db.session.get(Case, accepted.id))
    vault.set(vault.case, "narrative", "Copied from a PDF:\x02 the order\x1b of 3 May.\x01")
    db.session.commit()
    document = opened(signed_in(app, people["lawyer"].user).get(f"/drafting/{accepted.uuid}/communication.docx",
                                                               query_string={"lang": "en"}))
    assert "Copied from a PDF: the order of 3 May." in [p.text for p in document.paragraphs]


def test_the_drafting_page_speaks_the_readers_language(app, people, accepted):
    user = db.session.get(type(people["lawyer"].user), people["lawyer"].user.id)
    user.locale = "fr"
    db.session.commit()
    page = text_of(signed_in(app, user).get(f"/drafting/{accepted.uuid}").get_data(as_text=True))
    for words in ("Rédaction des documents du dossier", "Langue de la communication", "Réparations demandées",
                  "Télécharger : Communication au Comité", "Télécharger : Demande de mesures provisoires",
                  "Télécharger les annexes (ZIP)"):
        assert words in page, words
    for english in ("Drafting the case's documents", "Remedies sought", "Download"):
        assert english not in page, english
