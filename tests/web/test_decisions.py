"""The public decisions page and its Atom feed (issue 6, item 7): published decisions only, built from
the clear columns written for publication, never from the case vault."""

import html
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.models import UserSession
from caseapp.models.base import utcnow
from caseapp.services import decisions
from caseapp.services import vault as vault_module
from tests.factories import login, make_organisation, running_app
from tests.web.decision_records import decided_case

ATOM = "{http://www.w3.org/2005/Atom}"
TITLE_MARKER = "Confidential-title-marker-4b1e"
VICTIM_MARKER = "Victim-marker-Xochitl-9d2c"


@pytest.fixture
def org(app):
    return make_organisation("Organisation Marker-NGO-77")


def page_text(client, url="/decisions") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def feed_entries(client, url="/decisions.atom") -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)  # noqa: S314 — the app's own feed, parsed to check it
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def session_rows() -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(UserSession)).scalar_one()


# --- what is shown --------------------------------------------------------------------------------


def test_only_published_decisions_appear(app, client, org):
    decided_case(app, org, summary="Published-summary-marker-a1", state="ES", rights=("11(1)", "2(2)"),
                 articles_violated=("11(1)", "2(2)"), adopted_on=date(2026, 3, 12), un_symbol="E/C.12/77/D/1/2024")
    decided_case(app, org, summary="Unpublished-summary-marker-b2", published=False)

    text = page_text(client)

    assert "Published-summary-marker-a1" in text
    assert "Unpublished-summary-marker-b2" not in text
    assert "Spain" in text
    assert "Adequate housing, food, clothing, water and sanitation (art. 11(1))" in text
    assert "Non-discrimination (art. 2(2))" in text
    assert "Views: violation found" in text
    assert "11(1), 2(2)" in text  # the articles found violated
    assert "12 Mar 2026" in text
    assert "E/C.12/77/D/1/2024" in text
    feed = page_text(client, "/decisions.atom")
    assert "Published-summary-marker-a1" in feed and "Unpublished-summary-marker-b2" not in feed


def test_nothing_from_the_case_file_is_shown(app, client, org, monkeypatch):
    """DATA-*: no title, victim, reference or organisation — the vault is never even opened."""
    case, _ = decided_case(app, org, title=TITLE_MARKER, victim_name=VICTIM_MARKER)

    def refuse(*_args, **_kwargs):
        raise AssertionError("the public page opened a case vault")

    monkeypatch.setattr(vault_module, "open_vault", refuse)
    monkeypatch.setattr(vault_module.CaseVault, "get", refuse)
    for url in ("/decisions", "/decisions.atom"):
        text = page_text(client, url)
        assert "A published summary." in text
        for secret in (TITLE_MARKER, VICTIM_MARKER, case.reference, "ESCR-", "Marker-NGO-77"):
            assert secret not in text, (url, secret)


def test_the_query_selects_only_columns_written_for_publication(app):
    """DATA-*: the page's one query names its columns; none is encrypted, a reference or an organisation."""
    query = decisions.published(state="ES", right="11(1)")
    selected = {f"{column.table.name}.{column.name}" for column in query.selected_columns}
    assert selected == {
        "communications.uuid", "communications.public_summary", "communications.public_links",
        "communications.publish_victim_identity", "communications.public_victim_names",
        "communications.published_at", "communications.decision_type", "communications.decision_adopted_on",
        "communications.articles_violated", "communications.un_symbol", "cases.state_code", "cases.rights_invoked",
    }
    sql = str(query.compile(db.engine)).lower()
    for forbidden in ("_encrypted", "reference", "organisation", "victims", "data_keys"):
        assert forbidden not in sql, forbidden


@pytest.mark.parametrize(
    ("consented", "names", "shown"),
    [(True, "María Consentida, Juan Consentido", True), (False, "María Consentida, Juan Consentido", False),
     (True, None, False), (True, "   ", False)],
    ids=["consent-and-names", "names-without-consent", "consent-without-names", "blank-names"],
)
def test_victim_names_only_with_consent_and_names(app, client, org, consented, names, shown):
    decided_case(app, org, identity_consented=consented, victim_names=names)
    text = page_text(client)
    assert ("María Consentida, Juan Consentido" in text) is shown
    assert (">Victims<" in text) is shown
    assert "María Consentida" not in page_text(client, "/decisions.atom")  # the feed carries the summary only


def test_summary_is_plain_text_with_its_line_breaks(app, client, org):
    decided_case(app, org, summary='First line <script>alert("x")</script>\nSecond line & more')
    text = page_text(client)
    assert "<script>alert" not in text
    assert 'First line &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;\nSecond line &amp; more' in text
    assert re.search(r'<p class="text-prewrap[^"]*">First line', text)


def test_only_web_links_are_clickable(app, client, org):
    decided_case(app, org, links=("https://juris.ohchr.org/casedetails/1", "javascript:alert(1)"))
    text = page_text(client)
    assert '<a href="https://juris.ohchr.org/casedetails/1" rel="noopener noreferrer">' in text
    assert 'href="javascript:' not in text
    assert "javascript:alert(1)" in text  # shown as text, not as a link


def test_the_page_links_its_feed(client):
    text = page_text(client)
    # One feed per language in the head (tests/web/test_languages_outputs.py), the page's own one visible.
    for language in ("en", "es", "fr"):
        assert re.search(r'<link rel="alternate" type="application/atom\+xml" hreflang="' + language + r'"[^>]*'
                         r'href="https://localhost/decisions\.atom\?lang=' + language + '"', text)
    assert 'href="/decisions.atom?lang=en"' in text.split("</head>", 1)[1]


def test_every_page_links_the_published_decisions_in_the_footer(app, client, people):
    assert 'href="/decisions"' in page_text(client, "/login").split("<footer", 1)[1]
    login(app, client, people["lawyer"].user)
    assert 'href="/decisions"' in page_text(client, "/").split("<footer", 1)[1]


# --- filters and order -------------------------------------------------------------------------


def test_filter_by_state_and_by_right(app, client, org):
    decided_case(app, org, summary="Spain-housing", state="ES", rights=("11(1)",))
    decided_case(app, org, summary="Portugal-health", state="PT", rights=("12",))
    decided_case(app, org, summary="Portugal-housing", state="PT", rights=("11(1)", "2(2)"))

    def shown(query: str) -> set[str]:
        text = page_text(client, "/decisions" + query)
        return {name for name in ("Spain-housing", "Portugal-health", "Portugal-housing") if name in text}

    assert shown("") == {"Spain-housing", "Portugal-health", "Portugal-housing"}
    assert shown("?state=PT") == {"Portugal-health", "Portugal-housing"}
    assert shown("?right=11(1)") == {"Spain-housing", "Portugal-housing"}
    assert shown("?state=PT&right=11(1)") == {"Portugal-housing"}
    assert shown("?right=1") == set()  # "1" is not "11(1)": codes match whole
    assert shown("?state=FR") == set()  # a real State with nothing published: an empty list, not an error
    assert "No published decision matches these filters." in page_text(client, "/decisions?state=FR")


@pytest.mark.parametrize("query", ["?state=ZZ", "?state=%25", "?right=99", "?right=%25", "?state=ES'--"])
def test_filters_take_codes_only(client, query):
    assert client.get("/decisions" + query).status_code == 400


def test_state_filter_offers_the_states_with_published_decisions(app, client, org):
    decided_case(app, org, state="PT")
    decided_case(app, org, state="ES", published=False)
    text = page_text(client)
    assert '<option value="PT">Portugal</option>' in text
    assert 'value="ES"' not in text


def test_newest_decision_first_and_paginated(tmp_path, database_url):
    with running_app(tmp_path, database_url, PAGE_SIZE=2) as app:
        org = make_organisation("Organisation A")
        for day, marker in ((1, "Oldest-decision"), (20, "Newest-decision"), (10, "Middle-decision")):
            decided_case(app, org, summary=marker, adopted_on=date(2025, 5, day))
        decided_case(app, org, summary="Undated-decision", adopted_on=None)
        client = app.test_client()

        first = page_text(client)
        second = page_text(client, "/decisions?page=2")

        assert first.index("Newest-decision") < first.index("Middle-decision")
        assert "Oldest-decision" not in first and "Undated-decision" not in first
        assert second.index("Oldest-decision") < second.index("Undated-decision")
        assert 'href="/decisions?page=2"' in first
        assert "4 in all" in first
        assert client.get("/decisions?page=99").status_code == 200  # past the end: an empty page


# --- the feed --------------------------------------------------------------------------------------


def test_feed_has_one_entry_per_published_decision(app, client, org):
    published_at = utcnow().replace(microsecond=0) - timedelta(days=2)
    _, spain = decided_case(app, org, state="ES", summary="Spain summary\nsecond line", un_symbol="E/C.12/77/D/1/2024",
                            published_at=published_at)
    _, portugal = decided_case(app, org, state="PT", decision_type="inadmissible", un_symbol=None,
                               summary="Portugal summary")
    decided_case(app, org, summary="Not published", published=False)

    entries = feed_entries(client)

    by_id = {entry.findtext(f"{ATOM}id"): entry for entry in entries}
    assert set(by_id) == {f"urn:uuid:{spain.uuid}", f"urn:uuid:{portugal.uuid}"}
    spain_entry = by_id[f"urn:uuid:{spain.uuid}"]
    assert spain_entry.findtext(f"{ATOM}title") == "Spain — Views: violation found (E/C.12/77/D/1/2024)"
    assert by_id[f"urn:uuid:{portugal.uuid}"].findtext(f"{ATOM}title") == "Portugal — Inadmissible"
    content = spain_entry.find(f"{ATOM}content")
    assert content.get("type") == "text" and content.text == "Spain summary\nsecond line"
    assert spain_entry.findtext(f"{ATOM}updated") == published_at.isoformat()
    assert feed_entries(client) and [e.findtext(f"{ATOM}id") for e in feed_entries(client)] == list(by_id)  # stable


def test_feed_survives_text_xml_cannot_carry(app, client, org):
    decided_case(app, org, summary="Bell\x07 and form feed\x0c removed <b>&</b>", un_symbol="E/C.12/\x0b1",
                 links=("https://example.org/a\x07b",))
    (entry,) = feed_entries(client)
    assert entry.find(f"{ATOM}content").text == "Bell and form feed removed <b>&</b>"
    assert entry.findtext(f"{ATOM}title").endswith("(E/C.12/1)")
    assert "https://example.org/ab" in {link.get("href") for link in entry.findall(f"{ATOM}link")}


def test_empty_feed_is_valid(client):
    assert feed_entries(client) == []


# --- no session for the public ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/decisions", "/decisions?state=ES&right=11(1)", "/decisions.atom"])
def test_anonymous_visit_leaves_no_session_and_keeps_the_default_headers(app, client, org, url):  # SESS-01, SESS-08
    decided_case(app, org)
    before = session_rows()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == []
    assert session_rows() == before == 0
    assert response.headers.getlist("Cache-Control") == ["no-store"]
    assert "cookie" in response.headers.get("Vary", "").lower()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_users_see_the_same_page(app, client, org, people):
    decided_case(app, org, summary="Seen by everyone", title=TITLE_MARKER)
    login(app, client, people["coordinator"].user)
    text = page_text(client)
    assert "Seen by everyone" in text and TITLE_MARKER not in text
    assert html.escape("Sign out") in text  # the signed-in layout
