"""Accessibility in the served HTML (issue 17 point 9): each form's hidden CSRF token carries no id, so a
page of several forms repeats none, and declining a report is set apart from accepting it. The browser
tests check the rest with axe-core (tests/e2e/test_accessibility.py)."""

import re

import pytest
from flask_wtf import FlaskForm

import caseapp
from caseapp.web.forms import AppForm
from tests.factories import csrf_token_from, running_app, submit_report
from tests.web.test_screening_workspace import days_ago


@pytest.fixture
def app(tmp_path, database_url):
    """The conftest ``app`` with CSRF protection on, as in production, so that the tokens are written."""
    with running_app(tmp_path, database_url, WTF_CSRF_ENABLED=True) as app:
        yield app


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def duplicate_ids(html: str) -> set[str]:
    ids = re.findall(r'\sid="([^"]+)"', html)
    return {value for value in ids if ids.count(value) > 1}


def test_every_form_of_the_app_writes_its_csrf_token_without_an_id(app):
    """A form added later on FlaskForm itself would bring ``id="csrf_token"`` back: every form derives from
    AppForm, which leaves the id out."""
    ours = [form for form in all_subclasses(FlaskForm)
            if form.__module__.startswith(caseapp.__name__ + ".") and form is not AppForm]
    assert ours, "no form found"
    assert [form.__name__ for form in ours if not issubclass(form, AppForm)] == []


def test_a_page_of_many_forms_repeats_no_id_and_still_carries_the_token(app, people, clients):  # CSRF-01
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30), title="Many forms")
    html = clients("lawyer").get(f"/screening/{case.uuid}").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 3  # sign-out, accept, decline and more, each with its token
    assert 'id="csrf_token"' not in html
    assert duplicate_ids(html) == set()
    assert csrf_token_from(html)


def test_the_sign_in_form_posts_with_its_token_found_by_name(app, people, client):  # CSRF-01
    page = client.get("/login").get_data(as_text=True)
    assert 'id="csrf_token"' not in page
    assert re.search(r'<input name="csrf_token" type="hidden" value="[^"]+">', page)


def test_decline_is_set_apart_from_accept_with_its_own_heading_and_reason(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30), title="Set apart")
    html = clients("lawyer").get(f"/screening/{case.uuid}").get_data(as_text=True)
    accept = html.index("Accept as a strategic candidate")
    area = html.index('id="decline-area"')
    heading = html.index("Not for the coalition?")
    reason = html.index('name="reason"')
    assert accept < html.index("</details>", accept) < area < heading < reason
    decline_summary = re.search(r'<summary class="([^"]+)">\s*Decline the report…', html)
    accept_summary = re.search(r'<summary class="([^"]+)">\s*Accept as a strategic candidate', html)
    assert decline_summary and accept_summary and decline_summary.group(1) != accept_summary.group(1)
    assert "The partner reads the reason you give." in html
