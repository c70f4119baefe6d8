"""The stepped report form in Chromium (issue 17, points 1 and 2), keyboard only — Tab, Enter, Space and
typing, no mouse — at 1280 and 360 px: a partner opens "Report a violation", walks every step, adds and
removes a victim (the focus lands on the row's first field), types a final decision notified fourteen
months ago and sees the engine's last day to submit to the Committee appear with the question why, and
submits to the coalition's lawyers."""

from datetime import timedelta

import pytest

from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.domain.admissibility import one_year_last_day
from caseapp.domain.report import RemedyInput, ReportInput
from caseapp.domain.screening import case_facts
from caseapp.models import Case
from caseapp.models.base import utcnow
from tests.e2e.harness import sign_in
from tests.factories import make_organisation, make_user

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None

MAX_TABS = 120


def tab_to(page, condition: str, what: str) -> None:
    """Press Tab until the focused element ``el`` meets the JavaScript ``condition``."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({condition}); }})()"):
            return
    raise AssertionError(f"Tab never reached {what}")


def tab_to_id(page, element_id: str) -> None:
    tab_to(page, f"el.id === {element_id!r}", f"#{element_id}")


def tab_to_button(page, label: str) -> None:
    tab_to(page, f"(el.tagName === 'BUTTON' || el.tagName === 'A') && el.textContent.trim() === {label!r}", label)


def press_and_load(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def type_date(page, day) -> None:
    """A date typed into the focused date input, in the order its segments show (Chromium's headless
    shell lays them out month, day, year), then checked."""
    page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year}")
    assert page.evaluate("document.activeElement.value") == day.isoformat()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_partner_walks_the_report_form_with_the_keyboard(browsing, live_server, width):
    app = live_server.app
    org = make_organisation(f"Riverside Housing Rights ({width} px)")
    partner = make_user(app, roles.PARTNER, org)
    page = browsing.person("partner", width=width)
    sign_in(page, partner)
    page.goto("/intake")

    tab_to_button(page, "Report a violation")
    press_and_load(page, "Enter")
    assert page.url.endswith("/intake/new")
    db.session.rollback()
    assert db.session.query(Case).filter_by(organisation_id=org.id).count() == 0  # nothing stored by opening
    expect(page.locator('[aria-current="step"]')).to_contain_text("The State and the rights")
    expect(page.locator("label[for=title] + .required-marker")).to_have_text("(required)")
    browsing.step(page, f"{width}-state")

    tab_to_id(page, "title")
    page.keyboard.type("Eviction of the Riverside settlement")
    tab_to_id(page, "state")
    page.keyboard.type("Spain")
    tab_to_id(page, "rights_invoked-0")
    page.keyboard.press("Space")
    tab_to_button(page, "Next")
    press_and_load(page, "Enter")
    expect(page.locator('[aria-current="step"]')).to_contain_text("What happened")
    expect(page.locator(".report-steps li").first).to_contain_text("done")

    tab_to_id(page, "narrative")
    page.keyboard.type("On 3 March 2024 forty families were evicted.")
    tab_to_id(page, "facts_start")
    type_date(page, utcnow().date() - timedelta(days=700))
    browsing.step(page, f"{width}-facts")
    tab_to_button(page, "Next")
    press_and_load(page, "Enter")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Victims")

    # Add a victim: the new row's first field has the focus.
    tab_to_id(page, "add-victims")
    press_and_load(page, "Space")
    assert focused_id(page) == "victims-0-name"
    page.keyboard.type("Ana Pérez")
    tab_to_id(page, "add-victims")
    press_and_load(page, "Enter")
    assert focused_id(page) == "victims-1-name"
    assert page.locator("#victims-0-name").input_value() == "Ana Pérez"  # the first one was saved
    page.keyboard.type("Luis Gómez")
    browsing.step(page, f"{width}-two-victims")
    # Remove the second: the focus goes to the row that remains.
    tab_to_button(page, "Remove victim 2")
    press_and_load(page, "Space")
    assert focused_id(page) == "victims-0-name"
    expect(page.locator("#victims-1-name")).to_have_count(0)
    tab_to_button(page, "Next")
    press_and_load(page, "Enter")

    # The remedies step: a final decision notified fourteen months ago.
    expect(page.locator('[aria-current="step"]')).to_contain_text("Domestic remedies")
    expect(page.locator("#one-year-reason")).to_be_hidden()
    tab_to_id(page, "add-remedies")
    press_and_load(page, "Enter")
    assert focused_id(page) == "remedies-0-body"
    page.keyboard.type("Juzgado de Primera Instancia nº 3")
    notified = utcnow().date() - timedelta(days=426)
    tab_to_id(page, "remedies-0-notified")
    type_date(page, notified)
    tab_to_id(page, "remedies-0-outcome")
    page.keyboard.type("Rejected")
    tab_to_id(page, "remedies-0-final")
    page.keyboard.type("Yes")
    last_day = one_year_last_day(case_facts(ReportInput(remedies=[
        RemedyInput(body="x", kind="judicial", notified=notified, outcome="rejected", final="yes")])))
    expected = f"Last day to submit to the Committee: {last_day.day} {last_day.strftime('%b')} {last_day.year}"
    expect(page.locator("#one-year-limit")).to_contain_text(expected)  # live, before any save
    expect(page.locator("#one-year-limit")).to_contain_text("overdue by")
    expect(page.locator("#one-year-reason")).to_be_visible()
    browsing.step(page, f"{width}-one-year")
    tab_to_id(page, "one_year_exception")
    page.keyboard.type("The decision was notified to a former lawyer and reached the families late.")
    tab_to_button(page, "Next")
    press_and_load(page, "Enter")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Other international procedures")

    tab_to_button(page, "Next")
    press_and_load(page, "Enter")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Evidence files")
    tab_to_button(page, "Next")
    press_and_load(page, "Enter")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Review and submit")
    expect(page.locator("main")).to_contain_text(expected)
    browsing.step(page, f"{width}-review")
    tab_to_button(page, "Submit to the coalition's lawyers")
    press_and_load(page, "Enter")
    expect(page.get_by_role("heading", name="Report submitted")).to_be_visible()
    browsing.step(page, f"{width}-submitted")
    browsing.assert_clean()
