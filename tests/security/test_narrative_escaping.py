"""Narratives are stored and shown as plain text (IN-05).

A partner's narrative full of markup is kept exactly as typed, and the pages that show it — the
partner's report page and the lawyers' screening workspace — show it as literal text: the markup is
escaped, and no element or event handler comes out of it.
"""

from html.parser import HTMLParser
from uuid import UUID

import pytest
from markupsafe import escape
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.models import Case
from caseapp.services import intake
from caseapp.services.vault import open_vault
from tests.web.test_intake import new_draft, post_report, report_form

MARKUP = '<script>alert(1)</script><b>x</b> and <img src=x onerror="alert(2)"> then </p><p>end'


class Elements(HTMLParser):
    """Every element of a page, with its attributes, and the text inside script and b elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inside: list[str] = []
        self.text: dict[str, list[str]] = {"script": [], "b": []}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.inside.append(tag)

    def handle_endtag(self, tag):
        if tag in self.inside:
            del self.inside[len(self.inside) - 1 - self.inside[::-1].index(tag):]

    def handle_data(self, data):
        for tag in self.text:
            if tag in self.inside:
                self.text[tag].append(data)


def assert_shown_as_text(html: str) -> None:
    assert str(escape(MARKUP)) in html, "the narrative is not shown escaped, character for character"
    page = Elements(html)
    assert not any("alert(" in text for text in page.text["script"]), "a script element came from the narrative"
    assert "x" not in [text.strip() for text in page.text["b"]], "a b element came from the narrative"
    assert not any(tag == "img" and attrs.get("src") == "x" for tag, attrs in page.elements)
    handlers = [(tag, name) for tag, attrs in page.elements for name in attrs if name.startswith("on")]
    assert handlers == [], f"event handler attributes on the page: {handlers}"


@pytest.fixture
def submitted(app, clients):
    """A report submitted through the partner's form, its narrative full of markup."""
    partner = clients("partner_a")
    draft = new_draft(partner)
    response = post_report(partner, draft, report_form("submit", victims=["Ana"], remedies=["Tribunal Supremo"],
                                                        narrative=MARKUP))
    assert response.status_code == 302 and "/submitted" in response.headers["Location"]
    return partner, draft


def test_narrative_markup_is_stored_as_typed(app, submitted):  # IN-05
    _partner, draft = submitted
    case = db.session.execute(select(Case).where(Case.uuid == UUID(draft))).scalar_one()
    assert intake.load_report(open_vault(db.session, keyring(), case)).narrative == MARKUP  # not "sanitised"


def test_partner_report_page_shows_narrative_markup_as_text(app, submitted):  # IN-05
    partner, draft = submitted
    response = partner.get(f"/intake/{draft}")
    assert response.status_code == 200
    assert_shown_as_text(response.get_data(as_text=True))


def test_lawyer_screening_page_shows_narrative_markup_as_text(app, submitted, clients):  # IN-05
    _partner, draft = submitted
    response = clients("lawyer").get(f"/screening/{draft}")
    assert response.status_code == 200
    assert_shown_as_text(response.get_data(as_text=True))


def test_the_check_notices_markup_that_became_elements():  # IN-05: the assertion above can fail
    with pytest.raises(AssertionError):
        assert_shown_as_text(f"<p>{MARKUP}</p>")
    with pytest.raises(AssertionError):
        assert_shown_as_text(f"<p>{escape(MARKUP)}</p><img src=x onerror=alert(2)>")
