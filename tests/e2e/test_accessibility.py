"""WCAG 2.2 AA in a real browser (issue 17 point 9): each role signs in and visits every page of its
navigation, a case page and forms showing their errors, at 1280 and 360 px; axe-core (the copy bundled
with axe-playwright-python, never a CDN) must find no serious or critical violation on any of them.

``browsing.step`` runs the check (``tests/e2e/harness.py``), so the journeys of the other browser tests
are checked on every page they look at too. Here the pages are reached through the navigation's own links,
so a page added to a role's navigation is checked without changing this test. The sign-in page and the
public decisions page are checked on the way.
"""

import re
import secrets
from datetime import timedelta

import pytest

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import roles
from caseapp.models.base import utcnow
from caseapp.services import intake
from tests.e2e.harness import follow, sign_in
from tests.factories import add_to_team, make_organisation, make_staged_case, make_user, submit_report

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 360)


def navigation_paths(page) -> list[str]:
    """The paths of every link in the main navigation (its menu collapsed or not), the home page first."""
    hrefs = page.locator("nav[aria-label='Main navigation'] a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    return list(dict.fromkeys(href for href in hrefs if href and href.startswith("/")))


def visit_navigation(browsing, page, role: str) -> list[str]:
    """Every page of the role's navigation, each checked by axe in ``step``; returns the paths visited."""
    paths = navigation_paths(page)
    for path in paths:
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        browsing.step(page, f"{role}-{path}")
    return paths


def errors_of_change_password(browsing, page, role: str) -> None:
    """The account page's "Change password" sent empty: the fields in error, described, and still clean."""
    page.goto("/account")
    browsing.expect_status("/account/password", 400)  # a form in error answers 400, the page shows why
    form = page.locator("#change-password-form")
    follow(form.get_by_role("button", name="Change password"))
    expect(page.locator("#current_password-error")).to_be_visible()
    expect(page.locator("#current_password")).to_have_attribute("aria-invalid", "true")
    browsing.step(page, f"{role}-change-password-errors")


def person(browsing, role: str, width: int):
    page = browsing.person(role, width=width, height=900 if width > 600 else 740)
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" of a decline
    return page


def public_pages(browsing, width: int) -> None:
    visitor = person(browsing, "visitor", width)
    visitor.goto("/login")
    browsing.step(visitor, "sign-in")
    visitor.goto("/decisions")
    browsing.step(visitor, "public-decisions")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_partners_pages_have_no_serious_accessibility_violation(browsing, live_server, width):
    organisation = make_organisation(f"Axe partner NGO {secrets.token_hex(3)}")
    partner = make_user(live_server.app, roles.PARTNER, organisation)
    submitted, _vault = submit_report(live_server.app, partner.user, notified=utcnow().date() - timedelta(days=300),
                                      title="A report the partner reads again")
    draft, _vault = intake.new_draft(db.session, keyring(), partner.user)
    db.session.commit()
    public_pages(browsing, width)

    page = person(browsing, "partner", width)
    sign_in(page, partner)
    assert "/intake" in visit_navigation(browsing, page, "partner")
    page.goto(f"/intake/{submitted.uuid}")
    expect(page.get_by_role("heading", name="A report the partner reads again")).to_be_visible()
    browsing.step(page, "partner-report")
    page.goto(f"/intake/{draft.uuid}/edit")
    browsing.step(page, "partner-report-form")
    errors_of_change_password(browsing, page, "partner")
    browsing.assert_clean()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_lawyers_pages_have_no_serious_accessibility_violation(browsing, live_server, width):
    organisation = make_organisation(f"Axe lawyer NGO {secrets.token_hex(3)}")
    partner = make_user(live_server.app, roles.PARTNER, organisation)
    lawyer = make_user(live_server.app, roles.LAWYER)
    case, _vault = submit_report(live_server.app, partner.user, notified=utcnow().date() - timedelta(days=340),
                                 title="A report to screen")

    page = person(browsing, "lawyer", width)
    sign_in(page, lawyer)
    assert "/screening" in visit_navigation(browsing, page, "lawyer")
    page.goto(f"/screening/{case.uuid}")
    expect(page.get_by_role("heading", name="A report to screen")).to_be_visible()
    browsing.step(page, "lawyer-workspace")
    # Declining without a reason: the reason field in error, inside its own open disclosure.
    page.locator("#decline summary").click()
    browsing.expect_status(f"/screening/{case.uuid}/decline", 400)
    follow(page.locator("#decline").get_by_role("button", name="Decline the report"))
    expect(page.locator("#decline")).to_have_attribute("open", "")
    expect(page.locator("#decline textarea[aria-invalid=true]")).to_be_visible()
    browsing.step(page, "lawyer-decline-errors")
    page.goto(f"/screening/{case.uuid}/assessment")
    browsing.step(page, "lawyer-assessment-form")
    errors_of_change_password(browsing, page, "lawyer")
    browsing.assert_clean()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_coordinators_pages_have_no_serious_accessibility_violation(browsing, live_server, width):
    organisation = make_organisation(f"Axe coordinator NGO {secrets.token_hex(3)}")
    coordinator = make_user(live_server.app, roles.COORDINATOR)
    today = utcnow().date()
    case = make_staged_case(live_server.app, organisation, stage="registered", title="A case before the Committee",
                            one_year=(today - timedelta(days=400), today - timedelta(days=35)),
                            submitted_on=today - timedelta(days=60), registered_on=today - timedelta(days=20))
    add_to_team(case, coordinator.user)
    db.session.commit()

    page = person(browsing, "coordinator", width)
    sign_in(page, coordinator)
    assert "/committee" in visit_navigation(browsing, page, "coordinator")
    page.goto(f"/committee/{case.uuid}")
    expect(page.get_by_role("heading", name="A case before the Committee")).to_be_visible()
    browsing.step(page, "coordinator-case")
    errors_of_change_password(browsing, page, "coordinator")
    browsing.assert_clean()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admins_pages_have_no_serious_accessibility_violation(browsing, live_server, width):
    admin = make_user(live_server.app, roles.ADMIN)

    page = person(browsing, "admin", width)
    sign_in(page, admin)
    assert "/admin/users" in visit_navigation(browsing, page, "admin")
    page.goto("/admin/users/new")
    browsing.expect_status("/admin/users/new", 400)
    follow(page.get_by_role("button", name="Create and send the set-up link"))
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    browsing.step(page, "admin-new-user-errors")
    page.goto(f"/admin/users/{admin.user.uuid}")
    browsing.step(page, "admin-user")
    errors_of_change_password(browsing, page, "admin")
    browsing.assert_clean()


def test_focus_is_visible_and_controls_are_24px_at_least(browsing, live_server):
    """WCAG 2.2: a focus indicator of 3:1 that the eye can find (2.4.7, 2.4.11 in part) and targets of
    24 × 24 px (2.5.8), checked on the sign-in form by keyboard."""
    page = person(browsing, "visitor", 1280)
    page.goto("/login")
    page.locator(".skip-link").focus()  # hidden until focused, then on screen
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, box
    for _ in range(6):
        page.keyboard.press("Tab")
        ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, document.activeElement.tagName]; }""")
        assert ring[0] == "solid" and ring[1] >= 2, ring
        assert ring[2] in ("rgb(10, 88, 202)", "rgb(255, 255, 255)"), ring  # the ring's two colours (app.css)
    sizes = page.locator("main input:not([type=hidden]), main button, main select").evaluate_all(
        "elements => elements.map(e => [e.name || e.textContent.trim(), e.getBoundingClientRect().width,"
        " e.getBoundingClientRect().height])")
    assert sizes and all(width >= 24 and height >= 24 for _name, width, height in sizes), sizes
    browsing.step(page, "sign-in-focus")
    browsing.assert_clean()


def test_the_describer_lists_rule_impact_and_target():
    """The failure message names what to mend: rule, impact, help link and each element's selector."""
    from tests.e2e.harness import describe_violations

    text = describe_violations([{"id": "color-contrast", "impact": "serious", "help": "Contrast", "helpUrl": "u",
                                 "nodes": [{"target": [".nav-link"], "failureSummary": "Fix any:\n  3.5:1"}]}])
    assert re.fullmatch(r"color-contrast \(serious\): Contrast — u\n    \.nav-link: Fix any: 3\.5:1", text)


def test_a_lawyer_declines_by_keyboard_alone_apart_from_accepting(browsing, live_server):
    """The decline disclosure, its reason and its button are reached and used with the keyboard only; the
    focus shows on each, and "Accept" stays closed — the two are no pair."""
    organisation = make_organisation(f"Axe keyboard NGO {secrets.token_hex(3)}")
    partner = make_user(live_server.app, roles.PARTNER, organisation)
    lawyer = make_user(live_server.app, roles.LAWYER)
    case, _vault = submit_report(live_server.app, partner.user, notified=utcnow().date() - timedelta(days=200),
                                 title="A report declined by keyboard")
    page = person(browsing, "lawyer", 1280)
    sign_in(page, lawyer)
    page.goto(f"/screening/{case.uuid}")
    summary = page.locator("#decline summary")
    for _ in range(60):  # Tab until the decline disclosure has the focus, as a keyboard user would
        page.keyboard.press("Tab")
        if summary.evaluate("element => element === document.activeElement"):
            break
    expect(summary).to_be_focused()
    assert summary.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("#decline")).to_have_attribute("open", "")
    expect(page.locator("details", has_text="Accept as a strategic candidate")).not_to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator("#decline textarea")).to_be_focused()
    page.keyboard.type("Outside the Protocol: the facts predate its entry into force.")
    page.keyboard.press("Tab")
    expect(page.locator("#decline").get_by_role("button", name="Decline the report")).to_be_focused()
    browsing.step(page, "lawyer-decline-by-keyboard")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main .alert").filter(has_text="Report declined.")).to_be_visible()
    expect(page.locator("#stage")).to_have_text("Declined")
    browsing.step(page, "lawyer-declined")
    browsing.assert_clean()
