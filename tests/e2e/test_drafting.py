"""Drafting in a real browser (issue 19): the case team's lawyer goes from the case page to its drafts, sets the
communication's language to Spanish with the remedies sought, downloads the communication listing the chosen
annex and the annex bundle, and opens both; a bundle without an annex is refused in place. At 1280 and 360 px.
"""

import io
import secrets
import zipfile
from pathlib import Path

import docx
import pytest

from caseapp.domain import roles, stages
from caseapp.domain.report import VictimInput
from tests.e2e.harness import follow, sign_in
from tests.e2e.test_journeys import PHONE_HEIGHT, PHONE_WIDTH, assert_fits
from tests.factories import add_to_team, make_organisation, make_staged_case, make_user

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.e2e


def downloaded(page, button) -> bytes:
    with page.expect_download() as info:
        button.click()
    return Path(info.value.path()).read_bytes()


def test_the_team_lawyer_drafts_the_communication_and_its_annexes(browsing, live_server):
    app = live_server.app
    organisation = make_organisation(f"Drafting NGO {secrets.token_hex(3)}")
    case = make_staged_case(app, organisation, stage=stages.CANDIDATE, title="Eviction of the hill families",
                            victim=VictimInput(name="Rosa Quispe", consent="yes"))
    lawyer = make_user(app, roles.LAWYER)
    add_to_team(case, lawyer.user)

    page = browsing.person("lawyer")
    sign_in(page, lawyer)
    page.goto(f"/committee/{case.uuid}")
    follow(page.get_by_role("link", name="Draft the communication and its annexes"))
    expect(page.get_by_role("heading", name="Drafting the case's documents")).to_be_visible()
    browsing.step(page, "drafts")

    page.get_by_label("Language of the communication").select_option("es")
    page.get_by_label("Remedies sought").fill("Suspender el desalojo.\nRealojar a las familias.")
    follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("The drafting settings are saved.")).to_be_visible()
    expect(page.get_by_label("Language of the documents")).to_have_value("es")  # the working language

    browsing.expect_status(f"/drafting/{case.uuid}/annexes.zip?lang=es", 400)  # the form's query: no annex
    follow(page.get_by_role("button", name="Download the annexes (ZIP)"))
    expect(page.locator("#error-summary")).to_contain_text("Choose at least one annex.")

    page.get_by_label("evidence.pdf").check()
    draft = docx.Document(io.BytesIO(downloaded(
        page, page.get_by_role("button", name="Download: Communication to the Committee"))))
    text = "\n".join(paragraph.text for paragraph in draft.paragraphs)
    assert draft.core_properties.language == "es-ES"
    assert "Comunicación al Comité de Derechos Económicos, Sociales y Culturales" in text
    assert "Rosa Quispe" in text and "Anexo 01: evidence.pdf" in text
    assert "Suspender el desalojo." in text and "Realojar a las familias." in text

    bundle = zipfile.ZipFile(io.BytesIO(downloaded(page, page.get_by_role("button",
                                                                          name="Download the annexes (ZIP)"))))
    assert bundle.namelist() == ["01 - evidence.pdf"] and bundle.read("01 - evidence.pdf").startswith(b"%PDF")

    page.set_viewport_size({"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
    page.goto(f"/drafting/{case.uuid}")
    assert_fits(page)
    browsing.step(page, "drafts-phone")
    browsing.assert_clean()


def test_a_coordinator_drafts_the_press_release_from_the_publicity_checklist(browsing, live_server):
    from tests.web.decision_records import decided_case

    app = live_server.app
    case, _communication = decided_case(app, make_organisation(f"Press NGO {secrets.token_hex(3)}"), state="FR",
                                        summary="Le Comité a constaté une violation du droit au logement.")
    coordinator = make_user(app, roles.COORDINATOR)

    page = browsing.person("coordinator")
    sign_in(page, coordinator)
    page.goto(f"/committee/{case.uuid}")
    link = page.get_by_role("link", name="Draft the press release (Word)")
    expect(link).to_be_visible()
    browsing.step(page, "publicity-checklist")
    release = docx.Document(io.BytesIO(downloaded(page, link)))
    text = "\n".join(paragraph.text for paragraph in release.paragraphs)
    assert release.core_properties.language == "fr-FR"  # France: the release speaks the country's language
    assert "Le Comité a constaté une violation du droit au logement." in text and "France" in text
    browsing.assert_clean()
