"""URLs carry only opaque ids; search terms and names are sent by POST (DATA-01).

With demo data and one report whose title, victim name, victim e-mail and identity number are
distinctive, and after a partner and an admin have searched, the pages of each kind of principal are
crawled (links, form actions, image and script sources, redirect targets, from the rendered HTML of
the main pages on). No URL carries any of those words, an account's e-mail, or a search term: URLs
end up in browser history, proxy and server logs and Referer headers. The search forms that search
case content or people (a partner's reports, the admins' accounts) use POST; a GET form may only have
fields for codes, dates and ids, with two reasoned exceptions below.
"""

from collections import Counter
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urljoin, urlsplit
from uuid import UUID

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer, file_store, keyring
from caseapp.domain import roles
from caseapp.models import Case
from caseapp.models.base import utcnow
from caseapp.services import demo, screening
from caseapp.services.vault import open_vault
from tests.factories import add_to_team, login, make_user, record_screening
from tests.web.test_intake import new_draft, post_report, report_form

TITLE = "Zephyrine Quokkaberg evictions"
VICTIM = "Ximena Quokkaberg"
VICTIM_EMAIL = "ximena.quokkaberg@example.net"
IDENTITY = "QK-778899"
ACCOUNT_EMAIL = "fennec.marsupial@ngo-a.example"
PARTNER_SEARCH = "Zephyrine"
ADMIN_SEARCH = "marsupial"
SECRET_WORDS = ("zephyrine", "quokkaberg", "ximena", "qk-778899", VICTIM_EMAIL, ACCOUNT_EMAIL, "fennec", "marsupial")

# GET forms may carry free text only where the text is no personal data or case content:
GET_TEXT_ALLOWED = {
    ("admin.audit_log", "case"),  # a case reference (ESCR-2025-0001), an opaque id; the form refuses anything else
    ("register.list_states", "q"),  # the name or code of a State, public data from the UN's register
}
TEXT_INPUT_TYPES = {"text", "search", "email", "tel", "url", None}
PAGES_PER_ENDPOINT = 3  # e.g. a list and two of its items: the same template with other ids adds nothing
PAGES_PER_PRINCIPAL = 90


class Page(HTMLParser):
    """The URLs a page points to and its forms (method, action, free-text fields)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.forms: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src", "action", "formaction"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                               "text_fields": []})
        elif self.forms and (tag == "textarea" or (tag == "input" and attrs.get("type") in TEXT_INPUT_TYPES)):
            self.forms[-1]["text_fields"].append(attrs.get("name"))


class Crawl:
    def __init__(self, app, client):
        self.app, self.client = app, client
        self.adapter = app.url_map.bind("localhost", url_scheme="https")
        self.urls: list[tuple[str, str]] = []  # (URL, where it was found)
        self.forms: list[tuple[str, dict]] = []  # (endpoint of the form's action, form)
        self.visited: set[str] = set()

    def endpoint(self, path: str, method: str = "GET") -> str | None:
        try:
            return self.adapter.match(path, method=method)[0]
        except HTTPException:
            return None

    def note(self, url: str, where: str) -> None:
        self.urls.append((url, where))

    def run(self, starts: list[str]) -> "Crawl":
        queue, per_endpoint = list(starts), Counter()
        while queue and len(self.visited) < PAGES_PER_PRINCIPAL:
            parts = urlsplit(urljoin("https://localhost/", queue.pop(0)))
            url = parts.path + (f"?{parts.query}" if parts.query else "")  # the same page whatever its #fragment
            if parts.netloc != "localhost" or url in self.visited:
                continue
            endpoint = self.endpoint(parts.path)
            if endpoint is None or endpoint == "static" or endpoint.endswith(".static") or \
                    per_endpoint[endpoint] >= PAGES_PER_ENDPOINT:
                continue
            per_endpoint[endpoint] += 1
            self.visited.add(url)
            # Closed before the next request: a download is streamed (stream_with_context), and its generator,
            # left unread, would pop its request's context when collected, in the middle of a later one.
            with self.client.get(url) as response:
                assert response.status_code < 500, url
                if "Location" in response.headers:
                    self.note(response.headers["Location"], f"redirect from {url}")
                    queue.append(response.headers["Location"])
                if response.mimetype == "text/html":
                    queue += self.take(response.get_data(as_text=True), url)
        return self

    def take(self, html: str, url: str) -> list[str]:
        """Note the URLs and forms of the page at ``url``; return its URLs."""
        page = Page(html)
        for found in page.urls:
            self.note(found, url)
        for form in page.forms:
            action = urlsplit(urljoin(f"https://localhost{url}", form["action"] or url)).path
            self.forms.append((self.endpoint(action, form["method"].upper()), form))
        return page.urls


def leaks(urls: list[tuple[str, str]]) -> list[str]:
    found = []
    for url, where in urls:
        readable = unquote_plus(unquote_plus(url)).lower()
        found += [f"{word!r} in {url} (on {where})" for word in SECRET_WORDS if word.lower() in readable]
    return found


@pytest.fixture
def world(app, people, org_a):
    """Demo data, and a distinctive report the lawyers accepted (so it shows in every list)."""
    today = utcnow().date()
    partner, lawyer, coordinator = (people[who].user for who in ("partner_a", "lawyer", "coordinator"))
    demo.create_demo_cases(db.session, keyring(), blind_indexer(), file_store(), org_a, partner, today=today)
    demo.create_demo_pipeline(db.session, keyring(), blind_indexer(), org_a, partner, lawyer, coordinator, today=today)
    db.session.commit()
    make_user(app, roles.PARTNER, org_a, email=ACCOUNT_EMAIL)
    client = app.test_client()
    login(app, client, partner)
    draft = new_draft(client)
    form = report_form("submit", victims=[VICTIM], remedies=["Tribunal Supremo"], title=TITLE,
                       **{"victims-0-contact": VICTIM_EMAIL, "victims-0-identity_number": IDENTITY})
    assert post_report(client, draft, form).status_code == 302
    case = db.session.execute(select(Case).where(Case.uuid == UUID(draft))).scalar_one()
    record_screening(case, lawyer)
    screening.accept(db.session, open_vault(db.session, keyring(), case), lawyer, "Strong case.")
    db.session.commit()
    add_to_team(case, coordinator)  # so the coordinator's pages show its title (AC-06)
    return case


def _client(app, people, principal):
    client = app.test_client()
    if principal != "anonymous":
        login(app, client, people[principal].user)
    return client


SEARCHES = {  # principal: (search form URL, fields, what the results show)
    "partner_a": ("/intake", {"q": PARTNER_SEARCH, "status": ""}, TITLE),
    "lawyer": ("/screening/search", {"name": VICTIM}, TITLE),
    "admin": ("/admin/users", {"q": ADMIN_SEARCH, "role": "", "status": "", "sort": "email"}, ACCOUNT_EMAIL),
}


# The search forms over people or case content each principal has: the crawl must meet them.
SEARCH_FORMS = {
    "partner_a": {"intake.list_reports"},  # titles and references of the organisation's reports
    "lawyer": {"screening.search_victims"},  # victims' names
    "admin": {"admin.list_users"},  # accounts' e-mails and names
}


@pytest.mark.parametrize("principal", ["partner_a", "lawyer", "coordinator", "admin", "anonymous"])
def test_urls_carry_no_names_titles_emails_or_search_terms_and_searches_use_post(app, people, world,
                                                                                 principal):  # DATA-01
    client = _client(app, people, principal)
    crawl = Crawl(app, client)
    if principal in SEARCHES:
        url, fields, found = SEARCHES[principal]
        response = client.post(url, data=fields)
        if response.status_code == 302:  # the search is kept in the session and the list shown again
            crawl.note(response.headers["Location"], f"the answer to the search on {url}")
            response = client.get(response.headers["Location"])
        assert response.status_code == 200
        results = response.get_data(as_text=True)
        assert found in results  # the search ran and found it
        crawl.take(results, f"the results of the search on {url}")

    crawl.run(["/", f"/intake/{world.uuid}", f"/screening/{world.uuid}", f"/cases/{world.uuid}", "/decisions"])

    assert len(crawl.visited) > (2 if principal == "anonymous" else 8), crawl.visited
    shown = {"partner_a": TITLE, "lawyer": VICTIM, "coordinator": TITLE, "admin": ACCOUNT_EMAIL}.get(principal)
    if shown:  # the crawl reached pages that show the words checked for
        assert any(shown in page for page in _html_pages(client, crawl.visited))
    assert leaks(crawl.urls) == []
    # Searches over case content or people go by POST; a GET form has no other free-text field.
    get_text = [(endpoint, name) for endpoint, form in crawl.forms if form["method"] == "get"
                for name in form["text_fields"] if (endpoint, name) not in GET_TEXT_ALLOWED]
    assert get_text == [], "free text in a GET form ends up in the URL"
    searches = {endpoint: form["method"] for endpoint, form in crawl.forms
                if form["text_fields"] and endpoint.partition(".")[2].startswith(("list_", "search"))}
    assert SEARCH_FORMS.get(principal, set()) <= set(searches), "the crawl missed a search form"
    assert {endpoint: method for endpoint, method in searches.items() if method != "post"} == \
        ({"register.list_states": "get"} if principal == "admin" else {})  # the States register: public data


def _html_pages(client, urls):
    """The HTML of each page at ``urls``; downloads (a drafted .docx) are not pages to read, and each response is
    closed before the next request (see ``Crawl.run``)."""
    for url in urls:
        with client.get(url) as response:
            if response.mimetype == "text/html":
                yield response.get_data(as_text=True)


def test_the_check_notices_a_leak():  # DATA-01: the assertion above can fail
    assert leaks([("/intake?q=Zephyrine", "a page")]) != []
    assert leaks([("/screening/3f0c?name=Ximena%2BQuokkaberg", "a page")]) != []
    assert leaks([("/intake/0b7c9a1e-8f7e-4a55-9d0e-2f9b1c0a1d2e", "a page")]) == []
