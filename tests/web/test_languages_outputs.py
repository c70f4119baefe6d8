"""Everything else that speaks (issue 18, point 4), in the reader's language: the public decisions page and
its Atom feed (one address per language), the coordinators' CSV exports (headings and words in cells), the
calendar feed (its owner's language, whatever the calendar application sends) and the error pages.
E-mails: tests/integration/test_notifications.py and test_digests.py. Read through the compiled catalogues
(make translations; tests/web/test_languages.py checks they are current)."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date

from icalendar import Calendar

from caseapp.core.extensions import db
from caseapp.domain import roles, stages
from caseapp.models import User
from tests.factories import (
    PASSWORD,
    add_to_team,
    make_staged_case,
    make_tracked_case,
    make_user,
    signed_in,
    text_of,
)
from tests.web.decision_records import decided_case
from tests.web.test_auth import password_only_partner, post_login
from tests.web.test_deadlines import create_feed
from tests.web.test_exports import CASES_HEADER, DECISIONS_HEADER
from tests.web.test_intake import new_draft, post_report, report_form

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)  # noqa: S314 — the app's own feed, parsed to check it


def test_the_decisions_page_and_feed_exist_once_per_language(app, client, org_a):
    decided_case(app, org_a, state="ES", rights=("11(1)",), decision_type="views_violation",
                 summary="Resumen publicado por la coalición.")

    spanish = feed(client, "/decisions.atom?lang=es")
    assert spanish.get(XML_LANG) == "es"
    assert spanish.findtext(f"{ATOM}title") == "Decisiones publicadas — ESCR Case Desk"
    [entry] = spanish.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title").startswith("España — Dictamen: se constató una violación")
    links = {(link.get("rel"), link.get("hreflang")): link.get("href") for link in spanish.findall(f"{ATOM}link")}
    assert links[("self", None)] == "https://localhost/decisions.atom?lang=es"
    assert links[("alternate", "es")] == "https://localhost/decisions?lang=es"  # the page, in the same language
    assert links[("alternate", "fr")] == "https://localhost/decisions.atom?lang=fr"
    # Each language's feed is a feed of its own (its id), with the same entries.
    french = feed(client, "/decisions.atom?lang=fr")
    assert french.findtext(f"{ATOM}title") == "Décisions publiées — ESCR Case Desk"
    assert french.findtext(f"{ATOM}id") != spanish.findtext(f"{ATOM}id")
    assert french.find(f"{ATOM}entry").findtext(f"{ATOM}title").startswith(
        "Espagne — Constatations\xa0: violation constatée")
    # Without a language in its address, a feed reader gets English (no Accept-Language, no session).
    assert feed(client, "/decisions.atom").get(XML_LANG) == "en"

    page = client.get("/decisions?lang=fr").get_data(as_text=True)
    assert '<html lang="fr"' in page
    text = text_of(page)
    assert "Décisions publiées" in text and "Espagne" in text and "Constatations : violation constatée" in text
    for language in ("en", "es", "fr"):
        assert f'hreflang="{language}" href="https://localhost/decisions?lang={language}"' in page
    assert 'href="/decisions.atom?lang=fr"' in page  # "Follow with the Atom feed": the feed in the page's language
    # The language switcher goes back to the page without the address's language, which would beat the choice.
    assert 'name="next" value="/decisions"' in page


def test_an_unknown_language_in_the_address_is_ignored(client):
    response = client.get("/decisions.atom?lang=de", headers={"Accept-Language": "de"})
    assert ET.fromstring(response.data).get(XML_LANG) == "en"  # noqa: S314


def coordinator_in(app, people, language: str):
    user = db.session.get(User, people["coordinator"].user.id)
    user.locale = language
    db.session.commit()
    return signed_in(app, user)


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_the_exports_speak_the_coordinators_language(app, people, org_a):
    decided, _ = decided_case(app, org_a, state="ES", decision_type="inadmissible", articles_violated=(),
                              published=False)
    add_to_team(decided, people["coordinator"].user)
    client = coordinator_in(app, people, "fr")

    header, *rows = rows_of(client.get("/exports/decisions.csv"))
    assert header[:3] == ["Référence", "Code de l'État", "État"]
    assert not set(header) & set(DECISIONS_HEADER) - {"Reference"}, "an English heading is left"
    [row] = rows
    named = dict(zip(header, row, strict=True))
    assert (named["État"], named["Décision"]) == ("Espagne", "Irrecevable")
    assert row[-2:] == ["non", "non"]  # not published, not publicised

    cases_header = rows_of(client.get("/exports/cases.csv"))[0]
    assert not set(cases_header) & set(CASES_HEADER), "an English heading is left"


def test_a_long_export_keeps_its_language_to_the_last_row(app, people, org_a, monkeypatch):
    """Rows after the first chunk are written outside the request: the language goes with them."""
    from caseapp.services import exports

    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    monkeypatch.setattr(exports, "FLUSH_AT", 100)
    for _ in range(5):
        decided, _ = decided_case(app, org_a, state="FR", decision_type="inadmissible", articles_violated=())
        add_to_team(decided, people["coordinator"].user)
    client = coordinator_in(app, people, "es")
    response = client.get("/exports/decisions.csv")
    assert response.is_streamed
    header, *rows = rows_of(response)
    named = [dict(zip(header, row, strict=True)) for row in rows]
    assert len(named) == 5
    assert {(row["Estado"], row["Decisión"]) for row in named} == {("Francia", "Inadmisible")}


def test_the_calendar_feed_speaks_its_owners_language(app, people, org_a):
    lawyer = db.session.get(User, people["lawyer"].user.id)
    lawyer.locale = "es"
    db.session.commit()
    # Transmitted to the State on 5 Aug 2025: its observations are due six months later, an open deadline.
    tracked = make_staged_case(app, org_a, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 5))
    add_to_team(tracked, lawyer)
    path = create_feed(signed_in(app, lawyer))

    # A calendar application that asks for English still gets the owner's Spanish.
    response = app.test_client().get(path, headers={"Accept-Language": "en"})
    calendar = Calendar.from_ical(response.get_data())
    assert str(calendar.get("X-WR-CALNAME")) == "Plazos de ESCR Case Desk"
    summaries = [str(event.get("summary")) for event in calendar.walk("VEVENT")]
    assert summaries and all(summary.startswith(f"{tracked.reference} — ") for summary in summaries)
    assert any(summary.endswith("Vencen las observaciones del Estado") for summary in summaries), summaries


def test_error_pages_speak_the_visitors_language(client, app, people):
    page = client.get("/no-such-page", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert page.status_code == 404
    text = text_of(page.get_data(as_text=True))
    assert "Introuvable" in text and "Il n'y a rien ici, ou vous n'y avez pas accès." in text
    assert "Not found" not in text

    partner = db.session.get(User, people["partner_a"].user.id)
    partner.locale = "es"
    db.session.commit()
    refused = signed_in(app, partner).get("/admin/users")
    assert refused.status_code == 403
    assert re.search(r'<html lang="es"', refused.get_data(as_text=True))
    assert "Not allowed" not in text_of(refused.get_data(as_text=True))


def test_a_case_page_names_the_state_in_the_readers_language(app, people, org_a):
    tracked, _measure, _media = make_tracked_case(app, org_a, people["partner_a"].user)
    tracked.state_code = "BO"
    tracked.stage = stages.OBSERVATIONS
    db.session.commit()
    coordinator = db.session.get(User, people["coordinator"].user.id)
    add_to_team(tracked, coordinator)
    client = coordinator_in(app, people, "es")
    listing = text_of(client.get("/committee").get_data(as_text=True))
    assert "Bolivia" in listing and "Plurinational State of" not in listing



def test_a_services_refusal_speaks_the_readers_language(app, org_a):
    # The form lets the new password through; the accounts service refuses it (PasswordRefusedError), worded in
    # English and marked, and the Spanish partner's page says why in Spanish.
    partner = password_only_partner(app, org_a)
    partner.locale = "es"
    db.session.commit()
    client = app.test_client()
    post_login(client, partner.email)
    weak = "abababababababab"
    refused = client.post("/account/password", data={"current_password": PASSWORD, "password": weak,
                                                     "confirm": weak})
    assert refused.status_code == 400
    text = text_of(refused.get_data(as_text=True))
    assert "Use caracteres más variados." in text and "Use more varied characters." not in text


def partner_in(app, org_a, language: str):
    user = make_user(app, roles.PARTNER, org_a).user
    user.locale = language
    db.session.commit()
    return signed_in(app, user)


def test_a_refused_file_is_explained_in_the_partners_language(app, org_a):
    client = partner_in(app, org_a, "es")
    draft = new_draft(client)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = post_report(client, draft, report_form(title="Con archivos"), files=[("foto.jpg", png)])
    assert response.status_code == 400
    page = text_of(response.get_data(as_text=True))
    assert ("foto.jpg: El nombre del archivo termina en .jpg, pero su contenido es de otro tipo (Imagen PNG). "
            "Cámbiele el nombre para que termine en .png y vuelva a subirlo.") in page
    assert "The file is named" not in page and "PNG image" not in page


def test_the_intake_forms_warning_names_the_state_and_its_dates_in_the_partners_language(app, org_a):
    client = partner_in(app, org_a, "fr")
    draft = new_draft(client)
    saved = post_report(client, draft, report_form(state="ES", facts_start="2012-05-01", continuing="no"))
    assert saved.status_code == 302
    page = text_of(client.get(f"/intake/{draft}/edit").get_data(as_text=True))
    assert "(Espagne), le 5 mai 2013" in page
    assert "The facts began before the Protocol" not in page and "Spain" not in page
