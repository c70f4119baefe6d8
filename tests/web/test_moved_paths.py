"""Paths that moved when each workflow took one name (ESCR issue 13): every old path redirects to its new
one, keeping its path parameters, query string, method and body, and shows nothing to a visitor who is
not signed in; the paths users bookmarked or subscribed to elsewhere (the JSON API, the calendar feeds,
the public decisions) did not move."""

import re
import uuid

import pytest
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.models import Case
from caseapp.web.redirects import MOVED
from tests.factories import add_to_team, make_case, make_tracked_case

OLD_PATHS = [(old, new) for paths in MOVED.values() for old, new in paths]
# Written out, not derived from the table, so that a wrong row there cannot hide: the workflows kept
# their paths under a new first segment, and a document moved from under its case to /documents.
NEW_PREFIX = {"/reports": "/intake", "/inbox": "/screening", "/tracking": "/committee"}
IDS = {"case_uuid": uuid.UUID(int=1), "document_uuid": uuid.UUID(int=2), "measure_uuid": uuid.UUID(int=3),
       "item_uuid": uuid.UUID(int=4)}


def fill(rule: str, values: dict) -> str:
    return re.sub(r"<uuid:(\w+)>", lambda match: str(values[match.group(1)]), rule)


def expected_new_path(old_path: str) -> str:
    document = re.fullmatch(r"/cases/([^/]+)/documents/([^/]+)/download", old_path)
    if document:
        return f"/documents/{document.group(1)}/{document.group(2)}/download"
    first, rest = re.fullmatch(r"(/[a-z]+)(.*)", old_path).groups()
    return NEW_PREFIX[first] + rest


def methods_of(app, endpoint: str) -> list[str]:
    return sorted({method for rule in app.url_map.iter_rules(endpoint) for method in rule.methods}
                  - {"HEAD", "OPTIONS"})


CASES = [pytest.param(old, new, id=old) for old, new in OLD_PATHS]


@pytest.mark.parametrize(("old", "new"), CASES)
def test_an_old_path_redirects_to_its_new_one_with_its_query_string(app, clients, old, new):
    client = clients("lawyer")  # any signed-in user is redirected; the new path's own policy then applies
    path = fill(old, IDS)
    for method in methods_of(app, new):
        response = client.open(path + "?stage=all&q=caf%C3%A9", method=method)
        assert response.status_code == 308, f"{method} {path}"
        assert response.headers["Location"] == expected_new_path(path) + "?stage=all&q=caf%C3%A9"
        without_query = client.open(path, method=method)
        assert without_query.headers["Location"] == expected_new_path(path)


@pytest.mark.parametrize(("old", "new"), CASES)
def test_an_old_path_answers_only_the_methods_of_its_new_one(app, clients, old, new):
    client = clients("lawyer")
    refused = {"GET", "POST"} - set(methods_of(app, new))
    for method in refused:
        assert client.open(fill(old, IDS), method=method).status_code == 405


@pytest.mark.parametrize(("old", "new"), CASES)
def test_an_old_path_shows_an_anonymous_visitor_only_the_sign_in_page(app, client, old, new):
    for method in methods_of(app, new):
        response = client.open(fill(old, IDS), method=method)
        assert response.status_code == 302 and response.headers["Location"] == "/login", f"{method} {old}"


@pytest.fixture
def objects(app, people, org_a):
    """A draft, a submitted report and a case before the Committee of Organisation A, by partner_a."""
    partner = people["partner_a"].user
    draft, document = make_case(app, org_a, partner)
    submitted, submitted_document = make_case(app, org_a, partner, submit=True)
    tracked, _measure, _media = make_tracked_case(app, org_a, partner)
    add_to_team(tracked, people["coordinator"].user)  # so the coordinator's pages show its title (AC-06)
    return {"draft": draft.uuid, "document": document.uuid, "submitted": submitted.uuid,
            "submitted_document": submitted_document.uuid, "tracked": tracked.uuid}


@pytest.mark.parametrize(("who", "old", "new", "marker"), [
    ("partner_a", "/reports", "/intake", "Your organisation's reports"),
    ("partner_a", "/reports/{draft}/edit", "/intake/{draft}/edit", "Report a violation"),
    ("partner_a", "/reports/{submitted}", "/intake/{submitted}", "A title"),
    ("lawyer", "/inbox?stage=all", "/screening", "A title"),
    ("lawyer", "/inbox/{submitted}", "/screening/{submitted}", "Admissibility"),
    ("coordinator", "/tracking", "/committee", "A title"),
    ("coordinator", "/tracking/{tracked}/record", "/committee/{tracked}/record", "A title"),
])
def test_a_bookmarked_page_opens_at_its_new_address(clients, objects, who, old, new, marker):
    response = clients(who).get(old.format(**objects), follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == new.format(**objects)
    assert marker in response.get_data(as_text=True)


def test_an_old_download_link_still_downloads_the_file(clients, objects):
    client = clients("partner_a")
    moved = client.get(f"/cases/{objects['submitted']}/documents/{objects['submitted_document']}/download")
    assert moved.status_code == 308
    response = client.get(moved.headers["Location"])  # followed by hand: the body is streamed
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 evidence"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_an_old_link_does_not_open_what_the_new_path_refuses(clients, objects):
    """The redirect grants nothing: the new path's policy and scoped loader still decide."""
    assert clients("partner_a").get(f"/inbox/{objects['submitted']}", follow_redirects=True).status_code == 403
    assert clients("partner_b").get(f"/reports/{objects['submitted']}", follow_redirects=True).status_code == 404
    download = f"/cases/{objects['submitted']}/documents/{objects['submitted_document']}/download"
    assert clients("admin").get(download, follow_redirects=True).status_code == 404


def test_a_form_posted_to_an_old_path_reaches_the_new_one_with_its_body(clients, objects):
    """A page opened before the upgrade still works: on a 308 the browser repeats the POST, body and all,
    at the new address. (Werkzeug's test client would resend an already-read body, so the second request
    is made here as the browser makes it.)"""
    client = clients("lawyer")
    form = {"reason": "Outside the Committee's competence."}
    moved = client.post(f"/inbox/{objects['submitted']}/decline", data=form)
    assert moved.status_code == 308
    assert moved.headers["Location"] == f"/screening/{objects['submitted']}/decline"
    case = db.session.execute(select(Case).where(Case.uuid == objects["submitted"])).scalar_one()
    assert case.stage == "submitted"  # the redirect itself changed nothing
    response = client.post(moved.headers["Location"], data=form, follow_redirects=True)
    assert response.request.path == f"/screening/{objects['submitted']}"
    assert "Report declined." in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.stage == "declined"


def test_every_old_path_keeps_the_parameters_of_its_new_one_and_is_shadowed_by_no_route(app):
    adapter = app.url_map.bind("localhost")
    for old, new in OLD_PATHS:
        # An endpoint may have more than one rule (the report form: its first page, and /<step>): one matches.
        arguments = [set(re.findall(r"<(?:\w+:)?(\w+)>", rule.rule)) for rule in app.url_map.iter_rules(new)]
        assert set(re.findall(r"<uuid:(\w+)>", old)) in arguments, old
        endpoint, _values = adapter.match(fill(old, IDS), method=methods_of(app, new)[0])
        assert endpoint.startswith("moved."), f"{old} is served by {endpoint}"


# What partners' systems, calendar applications and feed readers hold: these must never move.
PINNED = {
    ("api.openapi", "/api/v1/openapi.json", ("GET",)),
    ("api.create_report", "/api/v1/reports", ("POST",)),
    ("api.list_reports", "/api/v1/reports", ("GET",)),
    ("api.show_report", "/api/v1/reports/<uuid:id>", ("GET",)),
    ("api.upload_documents", "/api/v1/reports/<uuid:id>/documents", ("POST",)),
    ("api.download_document", "/api/v1/reports/<uuid:id>/documents/<uuid:doc_id>", ("GET",)),
    ("deadlines.calendar_feed", "/calendar/<token>.ics", ("GET",)),
    ("decisions.list_decisions", "/decisions", ("GET",)),
    ("decisions.atom_feed", "/decisions.atom", ("GET",)),
}


def test_the_api_calendar_feeds_and_public_decisions_did_not_move(app):
    served = {(rule.endpoint, rule.rule, tuple(sorted(rule.methods - {"HEAD", "OPTIONS"})))
              for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") or rule.endpoint in {"deadlines.calendar_feed",
                                                                        "decisions.list_decisions",
                                                                        "decisions.atom_feed"}}
    assert served == PINNED
