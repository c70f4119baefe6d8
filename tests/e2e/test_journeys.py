"""End-to-end journeys in a real browser (issue 8): Debian's Chromium, driven by Playwright, against the
app served on 127.0.0.1. Each test asserts what people see — headings, flash messages, badges, rows —
and, through ``browsing.assert_clean``, that no page logged a console or script error (a CSP violation
included), no request failed or got a 4xx/5xx it did not ask for, every request went to the app itself
(no CDN: Bootstrap is served by the app) and the server raised nothing.

The people and their data are made directly in the database (``tests.conftest`` helpers); everything
after that goes through the browser. Data is shared with the other tests of the module (one live
server), so each test makes its own organisation and accounts.
"""

import re
import secrets
import struct
import zlib
from datetime import timedelta

import pytest

from caseapp.domain import roles
from caseapp.domain.report import VictimInput
from caseapp.models.base import utcnow
from tests.e2e.harness import follow, sign_in
from tests.factories import make_organisation, make_user, submit_report
from tests.web.decision_records import decided_case

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.e2e

VICTIM = "Xochitl Quispe-Marker"  # must never reach the public page
SUMMARY = ("The Committee found that the eviction of the Riverside settlement without alternative housing "
           "violated art. 11(1).")
PHONE_WIDTH, PHONE_HEIGHT = 360, 740


def tiny_png() -> bytes:
    """A valid 1×1 PNG, written here so that no binary file lives in the repository."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x0b\x5d\x4b"))
            + chunk(b"IEND", b""))


EVIDENCE = [
    {"name": "eviction-order.pdf", "mimeType": "application/pdf",
     "buffer": b"%PDF-1.7\n% eviction order\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"},
    {"name": "settlement-photo.png", "mimeType": "image/png", "buffer": tiny_png()},
]


def day(days_ago: int) -> str:
    return (utcnow().date() - timedelta(days=days_ago)).isoformat()


def organisation(label: str):
    return make_organisation(f"{label} {secrets.token_hex(3)}")


def menu(page, name: str):
    """A link of the main navigation bar."""
    return page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=name, exact=True)


def flash(page, text: str):
    """The flash message that a redirect shows at the top of the page."""
    return expect(page.locator("main .alert").filter(has_text=text)).to_be_visible()


def assert_fits(page, width: int = PHONE_WIDTH) -> None:
    """The document is no wider than the screen (tables may scroll inside their own container)."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate("""(width) => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > width + 0.5 && !e.closest('.table-responsive'))
            .slice(0, 8).map(e =>
                `${e.tagName.toLowerCase()}.${e.className} → ${Math.round(e.getBoundingClientRect().right)}px`)""",
                                 width)
        pytest.fail(f"{page.url} is {scroll_width}px wide on a {width}px screen; too wide: {culprits}")


# --- the whole journey ------------------------------------------------------------------------------


def test_report_to_published_decision(browsing, live_server):
    """Intake → screening → information → acceptance → the Committee → publication, by the three roles,
    through the real forms (CSRF tokens on, staff signing in with a TOTP code, two evidence files
    uploaded at once), ending on a public page without the victim's name. No page of the journey makes
    Chromium report a CSP violation, so none carries inline script or style (HDR-03)."""
    app = live_server.app
    org = organisation("Riverside Housing Rights")
    partner = make_user(app, roles.PARTNER, org)
    lawyer = make_user(app, roles.LAWYER)
    coordinator = make_user(app, roles.COORDINATOR)
    title = "Eviction of the Riverside settlement"

    # 1. The partner writes the report over several saves and submits it with two files.
    p = browsing.person("partner")
    sign_in(p, partner)
    follow(menu(p, "Reports"))
    expect(p.get_by_role("heading", name="Your organisation's reports")).to_be_visible()
    follow(p.get_by_role("link", name="Report a violation"))
    expect(p.get_by_role("heading", name="Report a violation")).to_be_visible()
    p.locator("#title").fill(title)
    p.locator("#state").select_option("ES")
    p.locator('input[name=rights_invoked][value="11(1)"]').check()
    follow(p.get_by_role("button", name="Next"))  # each step is saved as the partner moves on
    p.locator("#narrative").fill("On 3 March 2024 the municipality demolished 40 homes "
                                 "without notice or alternative housing.")
    p.locator("#facts_start").fill("2024-03-03")
    p.locator("#continuing").select_option("no")
    follow(p.get_by_role("button", name="Next"))
    p.locator("#author_is_victim").select_option("no")
    p.locator("#acting_on_behalf").select_option("yes")
    p.locator("#victims_under_jurisdiction").select_option("yes")
    follow(p.get_by_role("button", name="Add a victim", exact=True))
    p.locator("#victims-0-name").fill(VICTIM)
    p.locator("#victims-0-consent").select_option("yes")
    follow(p.get_by_role("button", name="Next"))
    follow(p.get_by_role("button", name="Add a remedy", exact=True))
    p.locator("#remedies-0-body").fill("Tribunal Constitucional")
    p.locator("#remedies-0-kind").select_option("constitutional")
    p.locator("#remedies-0-filed").fill(day(200))
    p.locator("#remedies-0-decided").fill(day(40))  # the notification date is left out: the lawyer will ask
    p.locator("#remedies-0-outcome").select_option("rejected")
    p.locator("#remedies-0-final").select_option("yes")
    p.locator("#remedies-0-addressed_substance").select_option("yes")
    follow(p.get_by_role("button", name="Next"))
    follow(p.get_by_role("button", name="Next"))  # no other international procedure
    p.locator("#evidence").set_input_files(EVIDENCE)
    browsing.step(p, "partner-report-filled")
    follow(p.get_by_role("button", name="Next"))
    follow(p.get_by_role("button", name="Submit to the coalition's lawyers"))
    expect(p.get_by_role("heading", name="Report submitted")).to_be_visible()
    reference = p.locator("#reference").inner_text()
    assert re.fullmatch(r"ESCR-\d{4}-\d{4}", reference)
    follow(p.get_by_role("link", name="View the report"))
    expect(p.get_by_role("heading", name=title)).to_be_visible()
    for evidence in EVIDENCE:
        expect(p.get_by_role("link", name=evidence["name"])).to_be_visible()
    report_url = p.url
    browsing.step(p, "partner-report-submitted")

    # 2. The lawyer signs in with a TOTP code, assesses the report and asks for the notification date.
    lw = browsing.person("lawyer")
    sign_in(lw, lawyer)
    follow(menu(lw, "Inbox"))
    expect(lw.get_by_role("heading", name="Screening queue")).to_be_visible()
    follow(lw.get_by_role("link", name=title))  # the queue's link is the title, the reference beside it
    expect(lw.get_by_role("heading", name=title)).to_be_visible()
    expect(lw.locator("#stage")).to_have_text("Submitted")
    expect(lw.get_by_role("cell", name=VICTIM)).to_be_visible()  # lawyers read the victims' names
    for evidence in EVIDENCE:
        expect(lw.get_by_role("link", name=evidence["name"])).to_be_visible()
    browsing.step(lw, "lawyer-workspace")
    follow(lw.get_by_role("link", name="Record an assessment"))
    expect(lw.get_by_role("heading", name=f"Assessment of {reference}")).to_be_visible()
    for status in lw.locator("select[name^=status_]").all():
        status.select_option("met")
    for reason in lw.locator("textarea[name^=reason_]").all():
        reason.fill("Checked against the judgment and the file.")
    for score in lw.locator("select[name^=score_]").all():
        score.select_option("4")
    lw.locator("#summary").fill("Strong housing case; the notification date is to be confirmed.")
    browsing.step(lw, "lawyer-assessment")
    follow(lw.get_by_role("button", name="Save this version"))
    flash(lw, "Assessment saved as a new version.")
    expect(lw.locator("#lawyer-overall")).to_have_text("Admissible at first sight")
    follow(lw.get_by_role("link", name="Request information"))
    expect(lw.get_by_role("heading", name=f"Request information from {org.name}")).to_be_visible()
    request_body = lw.locator("#body")
    expect(request_body).to_have_value(re.compile("we need the following information"))  # drafted by the engine
    request_body.fill(request_body.input_value() + "\n\nOn what date was the judgment notified to the families?")
    browsing.step(lw, "lawyer-request-drafted")
    follow(lw.get_by_role("button", name="Send the request"))
    flash(lw, "Request sent to the partner")
    expect(lw.locator("#stage")).to_have_text("Information requested")

    # 3. The partner reads the request, completes the report and answers in the thread.
    p.goto(report_url)
    expect(p.locator("#information-request")).to_be_visible()
    expect(p.locator("#thread").get_by_text("Request for information")).to_be_visible()
    browsing.step(p, "partner-information-requested")
    follow(p.get_by_role("link", name="Update the report"))
    expect(p.get_by_role("heading", name=f"Update report {reference}")).to_be_visible()
    follow(p.get_by_role("button", name="Domestic remedies"))  # a step of the progress list
    p.locator("#remedies-0-notified").fill(day(35))
    follow(p.get_by_role("button", name="Review and submit"))
    follow(p.get_by_role("button", name="Send the updated report to the coalition's lawyers"))
    flash(p, "Your updated report was sent to the coalition's lawyers.")
    p.locator("#body").fill("The judgment was notified to the families 35 days ago; the date is now in the report.")
    follow(p.get_by_role("button", name="Send", exact=True))
    flash(p, "Message sent.")
    expect(p.locator("#thread").get_by_text("now in the report")).to_be_visible()
    browsing.step(p, "partner-answered")

    # 4. The lawyer sees the answer and accepts the report as a strategic candidate.
    lw.reload()
    expect(lw.locator("#stage")).to_have_text("In screening")
    expect(lw.locator("#thread").get_by_text("now in the report")).to_be_visible()
    lw.get_by_text("Accept as a strategic candidate").click()
    lw.get_by_label("Note for the case's timeline").fill("Strategic: forced evictions without alternative housing.")
    # The coordinator joins the case team (AC-06: off it, they would see neither the title nor the files).
    lw.get_by_label("Coordinator for the case team").select_option(label=coordinator.user.label)
    follow(lw.get_by_role("button", name="Accept", exact=True))
    flash(lw, "Accepted as a strategic candidate.")
    expect(lw.locator("#stage")).to_have_text("Strategic candidate")
    browsing.step(lw, "lawyer-accepted")

    # 5. The coordinator follows the case before the Committee, records the decision and publishes it.
    co = browsing.person("coordinator")
    sign_in(co, coordinator)
    follow(menu(co, "Cases"))
    follow(co.get_by_role("link", name=title))
    expect(co.get_by_role("heading", name=title)).to_be_visible()
    expect(co.locator("#stage-badge")).to_have_text("Strategic candidate")
    expect(co.get_by_text(VICTIM)).to_have_count(0)  # coordinators work without victims' identities

    def move(stage_label: str) -> None:
        co.locator("#target").select_option(label=stage_label)
        follow(co.get_by_role("button", name="Move the case"))
        flash(co, "Case moved.")
        expect(co.locator("#stage-badge")).to_have_text(stage_label)

    def record(event: str, fields: dict, done: str) -> None:
        """The record form asks what happened first, then shows that event's fields (issue 17, point 7)."""
        follow(co.get_by_role("link", name="Record an event"))
        expect(co.get_by_role("heading", name=f"Communication record of {reference}")).to_be_visible()
        follow(co.get_by_role("link", name=event))
        for name, value in fields.items():
            field = co.locator(f"#{name}")
            if name in ("decision_type", "articles_violated"):  # the record's lists
                field.select_option(value)
            else:
                field.fill(value)
        follow(co.get_by_role("button", name="Save the record"))
        flash(co, "Record saved:")
        expect(co.locator("main .alert")).to_contain_text(done)

    move("Communication in preparation")
    record("The communication was submitted to the Committee", {"submitted_on": day(300)},
           "Submitted to the Committee on")
    move("Submitted to the Committee")
    record("The Committee registered it", {"registered_on": day(280), "communication_number": "77/2025"},
           "Registered on")
    move("Registered by the Committee")
    browsing.step(co, "coordinator-registered")
    record("The Committee adopted its decision", {"decision_type": "views_violation", "decision_adopted_on": day(30),
                                                  "articles_violated": ["11(1)"], "un_symbol": "E/C.12/77/D/77/2025"},
           "Decision")
    record("The decision was transmitted", {"decision_transmitted_on": day(25)}, "Decision")
    move("Decided")
    move("Follow-up")
    expect(co.locator("#follow-up")).to_contain_text("State's response due")

    co.locator("#follow-up summary", has_text="Record an assessment").click()
    co.locator("#assessed_on").fill(day(2))
    co.locator("#grade").select_option("partly_satisfactory")
    co.locator("#procedure").select_option("continued")
    follow(co.locator("#follow-up form").filter(has=co.locator("#assessed_on")).get_by_role("button", name="Record"))
    flash(co, "Follow-up assessment recorded.")
    co.locator("#follow-up summary", has_text="Record a submission").click()
    co.locator("#submitted_on").fill(day(1))
    follow(co.locator("#follow-up form").filter(has=co.locator("#submitted_on")).get_by_role("button", name="Record"))
    flash(co, "Follow-up submission recorded.")
    expect(co.locator("#follow-up")).to_contain_text("Partly satisfactory")

    expect(co.locator("#publicised")).to_contain_text("Not yet publicised in the country")
    for kind in ("press_release", "authorities"):
        co.locator("#publicity summary", has_text="Record an action").click()
        co.locator("#kind").select_option(kind)
        co.locator("#done_on").fill(day(10))
        follow(co.locator("#publicity form").filter(has=co.locator("#kind")).get_by_role("button", name="Record"))
        flash(co, "Publicity action recorded.")
    co.locator("#publicity summary", has_text="Add media coverage").click()
    co.locator("#outlet").fill("El Diario del Río")
    co.locator("#published_on").fill(day(9))
    follow(co.locator("#publicity form").filter(has=co.locator("#outlet")).get_by_role("button", name="Add"))
    flash(co, "Media coverage recorded.")
    expect(co.locator("#publicised")).to_have_text("Publicised in the country")
    expect(co.locator("#publicity").get_by_role("cell", name="El Diario del Río")).to_be_visible()

    co.locator("#publication #summary").fill(SUMMARY)
    follow(co.get_by_role("button", name="Publish"))
    flash(co, "Published on the public decisions page.")
    expect(co.locator("#publication")).to_contain_text("Published")
    browsing.step(co, "coordinator-published")

    # 6. Anyone, signed out, reads the published summary — and never the victim's name.
    public = browsing.person("public")
    public.goto("/decisions")
    expect(public.get_by_role("heading", name="Published decisions")).to_be_visible()
    decision = public.locator("article").filter(has_text=SUMMARY)
    expect(decision).to_be_visible()
    expect(decision.get_by_role("heading", name="Spain — Views: violation found")).to_be_visible()
    expect(decision).to_contain_text("E/C.12/77/D/77/2025")
    browsing.step(public, "public-decisions")
    page_text = public.content()
    assert VICTIM not in page_text
    assert reference not in page_text and org.name not in page_text
    browsing.assert_clean()


# --- another organisation ---------------------------------------------------------------------------


def test_other_organisations_partner_cannot_reach_the_report(browsing, live_server):
    """AC-04 in a browser: another organisation's partner gets the app's 404 page, in its layout, for the
    report and its edit form, and finds no trace of it in their list; its own partner reads it at the
    same URL."""
    app = live_server.app
    org_a, org_b = organisation("Organisation A"), organisation("Organisation B")
    partner_a, partner_b = make_user(app, roles.PARTNER, org_a), make_user(app, roles.PARTNER, org_b)
    case, _vault = submit_report(app, partner_a.user, notified=utcnow().date() - timedelta(days=20))
    path = f"/intake/{case.uuid}"

    owner = browsing.person("partner-a")
    sign_in(owner, partner_a)
    owner.goto(path)
    expect(owner.get_by_role("heading", name="Eviction")).to_be_visible()

    other = browsing.person("partner-b")
    sign_in(other, partner_b)
    for url in (path, f"{path}/edit"):
        browsing.expect_status(url, 404)
        response = other.goto(url)
        assert response.status == 404
        expect(other.get_by_text("Error 404")).to_be_visible()
        expect(other.get_by_role("navigation", name="Main navigation")).to_contain_text(partner_b.user.email)
        expect(other.get_by_text("Eviction")).to_have_count(0)
        browsing.step(other, "partner-b-not-found")
    follow(menu(other, "Reports"))
    expect(other.get_by_role("heading", name="Your organisation's reports")).to_be_visible()
    expect(other.get_by_text("No reports yet.")).to_be_visible()
    expect(other.get_by_text(case.reference)).to_have_count(0)
    browsing.assert_clean()


# --- the one-year limit -----------------------------------------------------------------------------


def test_one_year_warning_shows_for_a_decision_notified_eleven_months_ago(browsing, live_server):
    """Art. 3(2)(a): 345 days after notification the partner's list and report page and the lawyers'
    queue show the last day and the amber "due in 20 days" badge (issue 17, point 5)."""
    app = live_server.app
    org = organisation("Eleven Months NGO")
    partner, lawyer = make_user(app, roles.PARTNER, org), make_user(app, roles.LAWYER)
    case, _vault = submit_report(app, partner.user, notified=utcnow().date() - timedelta(days=345),
                                 victims=[VictimInput(name=f"Victim {secrets.token_hex(4)}", consent="yes")])
    limit = re.compile(r"^due in 20 days$")

    p = browsing.person("partner")
    sign_in(p, partner)
    p.goto("/intake")
    row = p.get_by_role("row").filter(has_text=case.reference)
    expect(row.locator(".deadline-badge--due-soon").get_by_text(limit)).to_be_visible()
    browsing.step(p, "partner-list")
    follow(row.get_by_role("link", name="Eviction"))
    expect(p.locator(".lead").get_by_text("Last day to submit to the Committee:")).to_be_visible()
    expect(p.locator(".lead .deadline-badge--due-soon").get_by_text(limit)).to_be_visible()

    lw = browsing.person("lawyer")
    sign_in(lw, lawyer)
    lw.goto("/screening")
    row = lw.get_by_role("row").filter(has_text=case.reference)
    expect(row.locator(".deadline-badge--due-soon").get_by_text(limit)).to_be_visible()
    browsing.step(lw, "lawyer-queue")
    browsing.assert_clean()


# --- a phone's screen -------------------------------------------------------------------------------


def test_usable_on_a_360px_screen(browsing, live_server):
    """At 360×740 the partner's list and report form and the public page fit the screen's width (tables
    scroll inside their own container), and the navigation opens from the menu button."""
    app = live_server.app
    org = organisation("Small Screen NGO")
    partner = make_user(app, roles.PARTNER, org)
    submit_report(app, partner.user, notified=utcnow().date() - timedelta(days=300),
                  title="Eviction of the families of the Riverside settlement and the demolition of their homes")
    decided_case(app, org, summary="Views on the right to water: " + "the State must restore the supply. " * 8,
                 links=("https://juris.ohchr.org/casedetails/4000/en-US?utm_source=coalition&section=views-and-follow-up",),
                 un_symbol="E/C.12/77/D/242/2021")

    p = browsing.person("partner", width=PHONE_WIDTH, height=PHONE_HEIGHT)
    p.goto("/login")
    assert_fits(p)
    sign_in(p, partner)
    assert_fits(p)
    reports = menu(p, "Reports")
    expect(reports).to_be_hidden()
    p.get_by_role("button", name="Show menu").click()
    expect(reports).to_be_visible()
    browsing.step(p, "menu-open")
    follow(reports)
    expect(p.get_by_role("heading", name="Your organisation's reports")).to_be_visible()
    assert_fits(p)
    browsing.step(p, "report-list")
    follow(p.get_by_role("link", name="Report a violation"))
    expect(p.get_by_role("heading", name="Report a violation")).to_be_visible()
    assert_fits(p)  # the list of steps wraps
    p.locator("#title").fill("Evictions seen on a phone")  # the first answer starts the draft
    follow(p.get_by_role("button", name="Victims"))  # a step of the progress list (saves the first)
    follow(p.get_by_role("button", name="Add a victim", exact=True))
    follow(p.get_by_role("button", name="Domestic remedies"))
    follow(p.get_by_role("button", name="Add a remedy", exact=True))
    expect(p.locator("#remedies-0-body")).to_be_visible()
    assert_fits(p)
    browsing.step(p, "report-form")

    public = browsing.person("public", width=PHONE_WIDTH, height=PHONE_HEIGHT)
    public.goto("/decisions")
    expect(public.get_by_text("the State must restore the supply").first).to_be_visible()
    assert_fits(public)
    browsing.step(public, "public-decisions")
    browsing.assert_clean()
