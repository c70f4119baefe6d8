"""The case page before the Committee in a real browser at 1280 and 360 px (issue 17, point 7): the stepper of
the procedure says where the case stands in words (a row at 1280 px, a column at 360 px); "Move to" starts
empty and a move without a choice is refused with an error summary that links to the field; the record form
asks what happened first and shows that event's fields only; the victims' names are confirmed by the case
team's lawyer, and a lawyer off the team is refused in the app's layout.
"""

import secrets
from datetime import date

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

VICTIM = "Lucía Fernández"


@pytest.fixture
def registered(live_server):
    """A case registered by the Committee (submitted 1 Mar 2025, registered 20 Mar 2025), with its coordinator
    and lawyer on the case team and a second lawyer off it."""
    app = live_server.app
    org = make_organisation(f"Tracking NGO {secrets.token_hex(3)}")
    case = make_staged_case(app, org, stage=stages.REGISTERED, title="Eviction of the river families",
                            victim=VictimInput(name=VICTIM, consent="yes"),
                            submitted_on=date(2025, 3, 1), registered_on=date(2025, 3, 20))
    coordinator, lawyer = make_user(app, roles.COORDINATOR), make_user(app, roles.LAWYER)
    add_to_team(case, coordinator.user, lawyer.user)
    return case, coordinator, lawyer, make_user(app, roles.LAWYER)


def test_the_stepper_says_where_the_case_stands_and_a_move_needs_a_choice(browsing, registered):
    case, coordinator, _lawyer, _other = registered
    co = browsing.person("coordinator")
    sign_in(co, coordinator)
    co.goto(f"/committee/{case.uuid}")
    expect(co.get_by_role("heading", name="Eviction of the river families")).to_be_visible()

    steps = co.locator("#procedure-stepper li")
    current = co.locator('#procedure-stepper li[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Registration")
    expect(current).to_contain_text("current stage")
    expect(steps.filter(has_text="Submission to the Committee")).to_contain_text("done")
    expect(steps.filter(has_text="Decision (Views)")).to_contain_text("to come")
    tops = [box["y"] for box in (steps.nth(i).bounding_box() for i in range(3))]
    assert max(tops) - min(tops) < 5, "at 1280 px the first steps share a row"
    browsing.step(co, "committee-case-stepper")

    assert co.locator("#target").input_value() == "", "no move is chosen for the coordinator"
    browsing.expect_status(f"/committee/{case.uuid}/move", 400)
    follow(co.get_by_role("button", name="Move the case"))
    summary = co.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Choose the stage to move the case to.")).to_have_attribute(
        "href", "#target")
    expect(co.locator("#stage-badge")).to_have_text("Registered by the Committee")

    co.set_viewport_size({"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
    co.reload()
    lefts = [box["x"] for box in (steps.nth(i).bounding_box() for i in range(3))]
    assert max(lefts) - min(lefts) < 5, "at 360 px the steps stack in one column"
    assert_fits(co)
    browsing.step(co, "committee-case-stepper-phone")


def test_the_record_form_asks_what_happened_first(browsing, registered):
    case, coordinator, _lawyer, _other = registered
    co = browsing.person("coordinator")
    sign_in(co, coordinator)
    co.goto(f"/committee/{case.uuid}")
    follow(co.get_by_role("link", name="Record an event"))
    events = co.locator("#events")
    expect(events.get_by_role("link", name="The Committee registered it")).to_be_visible()
    expect(events.locator("li", has_text="The Committee registered it")).to_contain_text("20 Mar 2025")
    expect(co.locator("#decision_type")).to_have_count(0)  # no event's fields before the event is chosen
    browsing.step(co, "record-events")

    follow(events.get_by_role("link", name="The Committee transmitted it to the State"))
    expect(co.locator("#transmitted_on")).to_be_visible()
    expect(co.locator("#decision_adopted_on")).to_have_count(0)  # only this event's fields
    co.locator("#transmitted_on").fill("2025-03-10")  # before the registration: refused in place
    browsing.expect_status(f"/committee/{case.uuid}/record", 400)
    follow(co.get_by_role("button", name="Save the record"))
    summary = co.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator('a[href="#transmitted_on"]')).to_have_count(1)
    expect(co.locator("#transmitted_on")).to_have_value("2025-03-10")  # what was typed is kept
    browsing.step(co, "record-refused")

    co.locator("#transmitted_on").fill("2025-04-02")
    follow(co.get_by_role("button", name="Save the record"))
    expect(co.locator("main .alert-success")).to_contain_text("Record saved:")
    expect(co.locator("#record")).to_contain_text("2 Apr 2025")


def test_the_case_lawyer_confirms_the_victims_names(browsing, live_server):
    """Once the decision is recorded, the case team's lawyer reads the victims' own consent and confirms the
    names; a lawyer off the team is refused."""
    app = live_server.app
    org = make_organisation(f"Decided NGO {secrets.token_hex(3)}")
    case = make_staged_case(app, org, stage=stages.DECIDED, title="Water cut-offs in the valley",
                            victim=VictimInput(name=VICTIM, consent="yes"), submitted_on=date(2024, 3, 1),
                            decision_type="views_violation", decision_adopted_on=date(2025, 10, 1))
    lawyer, other_lawyer = make_user(app, roles.LAWYER), make_user(app, roles.LAWYER)
    add_to_team(case, lawyer.user)
    lw = browsing.person("lawyer")
    sign_in(lw, lawyer)
    lw.goto(f"/committee/{case.uuid}")
    follow(lw.get_by_role("link", name="Confirm the victims' consent to publish their names"))
    expect(lw.locator("#victims-consent")).to_contain_text(VICTIM)
    lw.get_by_label("The victims consented to the publication of their names").check()
    browsing.expect_status(f"/committee/{case.uuid}/publication/names", 400)
    follow(lw.get_by_role("button", name="Confirm"))
    summary = lw.locator("#error-summary")  # consent ticked, no names written
    expect(summary).to_be_focused()
    expect(summary.locator('a[href="#victim_names"]')).to_have_count(1)
    lw.locator("#victim_names").fill(VICTIM)
    follow(lw.get_by_role("button", name="Confirm"))
    expect(lw.locator("main .alert-success")).to_contain_text(
        "The victims' consent to publish their names is recorded.")
    expect(lw.locator("#publication")).to_contain_text("The case's lawyer confirmed the victims' consent")
    browsing.step(lw, "names-confirmed")

    off = browsing.person("lawyer-off-team")
    sign_in(off, other_lawyer)
    browsing.expect_status(f"/committee/{case.uuid}/publication/names", 403)
    response = off.goto(f"/committee/{case.uuid}/publication/names")
    assert response.status == 403
    expect(off.get_by_role("navigation").first).to_be_visible()  # the refusal is a page of the app
    expect(off.get_by_text(VICTIM)).to_have_count(0)
