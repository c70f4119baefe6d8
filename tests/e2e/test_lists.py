"""The lists and the dashboard in a real browser at 1280 and 360 px (issue 17, points 5, 6 and 8): compact
queue rows (measured), the title as each row's link (cut at two lines with "…", its box never over the next
row's link), sortable headers that stay in view, the one deadline
badge with readable colours, the remedies table's exhaustion facts without sideways scrolling, the tracking
list's order, and the dashboard's map of the States parties. Screenshots of each step are kept with
``E2E_KEEP_SCREENSHOTS=1``.
"""

import re
import secrets
from datetime import date, timedelta

import pytest

from caseapp.domain import roles, stages
from caseapp.domain.report import RemedyInput, VictimInput
from caseapp.models.base import utcnow
from tests.e2e.harness import follow, sign_in
from tests.e2e.test_journeys import PHONE_HEIGHT, PHONE_WIDTH, assert_fits
from tests.factories import (
    add_to_team,
    make_organisation,
    make_staged_case,
    make_user,
    request_information,
    submit_report,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.e2e

MAX_ROW_HEIGHT = 60  # px at 1280: a screenful holds a dozen reports, not three
LONG_TITLE = "Forced eviction of the Riverside informal settlement without alternative housing"
# Titles of one, two and more lines: a long title cut at two lines followed by a short one is where the long
# title's hidden third line once covered the next row's link (axe's target-size).
TITLES = {4: LONG_TITLE + " after a demolition order served on one hundred and twenty families in the night",
          5: "Water cut off", 6: "School closed"}
# States whose names are longer than the column: the last two reports' (the rest are Spain's).
LONG_NAMED_STATES = {12: "BO", 13: "BA"}  # Bolivia (Plurinational State of), Bosnia and Herzegovina
LONG_COURT = "Tribunal Superior de Justicia de la Comunidad Autónoma, Sala de lo Contencioso-Administrativo"


def today() -> date:
    return utcnow().date()


def remedies(notified: date) -> list[RemedyInput]:
    """Three remedies with long names: the table that used to hide "Final" and "Substance"."""
    return [RemedyInput(body=f"{LONG_COURT} ({level})", kind=kind,
                        filed=notified - timedelta(days=300 - 90 * step),
                        decided=notified - timedelta(days=200 - 90 * step),
                        notified=notified - timedelta(days=190 - 90 * step) if step < 2 else notified,
                        outcome="rejected", final="yes" if step == 2 else "no", addressed_substance="yes")
            for step, (level, kind) in enumerate((("first instance", "judicial"), ("appeal", "appeal"),
                                                  ("constitutional", "constitutional")))]


def contrast(one: str, two: str) -> float:
    """WCAG's contrast ratio of two CSS ``rgb(…)`` colours."""
    def luminance(colour: str) -> float:
        channels = [int(value) / 255 for value in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def row_heights(page, table: str = "table.table-list") -> list[float]:
    return page.evaluate(f"""() => Array.from(document.querySelectorAll('{table} tbody tr'))
        .map(row => row.getBoundingClientRect().height)""")


def words_broken(page, selector: str) -> list[str]:
    """The words in the cells ``selector`` that the browser laid out on more than one line."""
    return page.evaluate("""(selector) => {
        const broken = [];
        for (const cell of document.querySelectorAll(selector)) {
            const text = cell.firstChild;
            if (!text || text.nodeType !== Node.TEXT_NODE) continue;
            for (const match of text.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(text, match.index);
                range.setEnd(text, match.index + match[0].length);
                const lines = new Set(Array.from(range.getClientRects(), rect => Math.round(rect.top)));
                if (lines.size > 1) broken.push(match[0]);
            }
        }
        return broken;
    }""", selector)


def overflows(page, selector: str) -> dict:
    """How far ``selector`` reaches past its own box and past the screen (0 when it fits)."""
    return page.evaluate("""(selector) => { const e = document.querySelector(selector);
        const box = e.getBoundingClientRect();
        return {inside: e.scrollWidth - e.clientWidth, screen: Math.max(0, box.right - window.innerWidth),
                document: document.documentElement.scrollWidth - window.innerWidth}; }""", selector)


@pytest.fixture(scope="module")
def docket(live_server):
    """A partner's organisation with fourteen reports in screening (long titles, several rights, one urgent)
    and four tracked cases (one closed long ago, one overdue, one due soon, one with nothing due), two of
    which share a communication number."""
    app = live_server.app
    org = make_organisation(f"Lists NGO {secrets.token_hex(3)}")
    partner = make_user(app, roles.PARTNER, org)
    reports = []
    for number in range(14):
        notified = today() - timedelta(days=330 - 3 * number)
        case, _vault = submit_report(
            app, partner.user, notified=notified,
            title=f"{TITLES.get(number, LONG_TITLE)} — block {number + 1}",
            rights_invoked=["11(1)", "2(2)", "12"], remedies=remedies(notified),
            urgent_risk="yes" if number == 0 else "unknown",
            urgent_date=today() + timedelta(days=9) if number == 0 else None,
            urgent_explanation="Demolition announced" if number == 0 else "",
            state=LONG_NAMED_STATES.get(number, "ES"),
            victims=[VictimInput(name=f"Victim {secrets.token_hex(4)}", consent="yes")])
        reports.append(case)
    tracked = {
        "closed": make_staged_case(app, org, stage=stages.CLOSED, title="Closed case decided years ago",
                                   one_year=(date(2021, 1, 1), date(2022, 1, 1)), communication_number="31/2022"),
        "overdue": make_staged_case(app, org, stage=stages.OBSERVATIONS, title="State's observations overdue",
                                    transmitted_on=today() - timedelta(days=200), communication_number="31/2022"),
        "soon": make_staged_case(app, org, stage=stages.COMMENTS, title="Author's comments due soon",
                                 author_comments_due=today() + timedelta(days=5)),
        "quiet": make_staged_case(app, org, stage=stages.REGISTERED, title="Registered, nothing due"),
    }
    return {"app": app, "organisation": org, "reports": reports, "tracked": tracked}


def staff(docket, role: str):
    """A new lawyer or coordinator (on the team of the tracked cases) for each test: a TOTP code is accepted
    once (AUTH-02), so two tests signing one account in within the same 30 seconds would fail."""
    account = make_user(docket["app"], role)
    if role == roles.COORDINATOR:
        for case in docket["tracked"].values():
            add_to_team(case, account.user)
    return account


def test_the_queue_is_compact_sortable_and_keeps_its_header_in_view(browsing, docket):
    lw = browsing.person("lawyer", height=600)  # a laptop's screen, so that the list scrolls
    sign_in(lw, staff(docket, roles.LAWYER))
    lw.goto("/screening")
    expect(lw.get_by_role("heading", name="Screening queue")).to_be_visible()
    browsing.step(lw, "queue-1280")

    heights = row_heights(lw)
    assert len(heights) >= 14
    assert max(heights) <= MAX_ROW_HEIGHT, f"queue rows are {max(heights):.0f} px tall: {heights}"
    # A State's name wraps between its words, never inside one.
    expect(lw.locator("td.state-cell").filter(has_text="Bolivia (Plurinational State of)")).to_have_count(1)
    assert words_broken(lw, "td.state-cell") == []
    # The title is the row's link, the reference beside it.
    first = docket["reports"][0]
    row = lw.get_by_role("row").filter(has_text=first.reference)
    expect(row.get_by_role("link", name=re.compile(r"^Forced eviction .* block 1$"))).to_be_visible()

    # The header stays at the top of the screen while the list scrolls.
    header = lw.locator("table.table-list thead th").first
    assert header.evaluate("th => getComputedStyle(th).position") == "sticky"
    lw.mouse.wheel(0, 900)
    lw.wait_for_function("() => window.scrollY > 600")
    positions = lw.evaluate("""() => [document.querySelector('table.table-list thead th').getBoundingClientRect().top,
                                      document.querySelector('table.table-list').getBoundingClientRect().top]""")
    assert positions[1] < -50 and 0 <= positions[0] <= 1, positions  # the table went up; its header stayed
    browsing.step(lw, "queue-scrolled-header-in-view")

    # Sorting is the server's: a header's link, with aria-sort on the sorted column.
    expect(lw.locator('th[aria-sort="ascending"]')).to_have_text(re.compile("One-year limit"))
    follow(lw.locator("th.sortable").filter(has_text="Submitted").get_by_role("link"))
    assert "sort=submitted" in lw.url and "dir=desc" in lw.url
    expect(lw.locator('th[aria-sort="descending"]')).to_have_text(re.compile("Submitted"))
    titles = lw.locator("td.case-cell a").all_inner_texts()
    assert titles[0].endswith("block 14") and titles[-1].endswith("block 1")  # the newest first
    browsing.step(lw, "queue-sorted-by-submission")
    browsing.assert_clean()


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_a_partners_list_mixes_long_and_short_titles_and_every_link_has_room(browsing, docket, width):
    pt = browsing.person("partner", width=width, height=900 if width == 1280 else PHONE_HEIGHT)
    sign_in(pt, make_user(docket["app"], roles.PARTNER, docket["organisation"]))  # one TOTP code per sign-in
    pt.goto("/intake")
    links = pt.locator("td.case-cell a")
    expect(links.first).to_be_visible()
    # No link's box reaches into the next row (what a clamped title's hidden line once did): each title link
    # stays inside its own row, so every row's link is a target of its own.
    reach = pt.evaluate("""() => Array.from(document.querySelectorAll('table.table-list tbody tr')).map(row => {
        const link = row.querySelector('td.case-cell a');
        if (!link) return 0;
        return Math.max(0, link.getBoundingClientRect().bottom - row.getBoundingClientRect().bottom);
    })""")
    assert max(reach) <= 0.5, f"a title link reaches {max(reach):.0f} px into the next row: {reach}"
    short = pt.get_by_role("link", name=re.compile(r"^Water cut off — block 6$"))
    expect(short).to_be_visible()
    long_link = pt.get_by_role("link", name=re.compile(r"demolition order .* block 5$"))
    if width == 1280:
        assert max(row_heights(pt)) <= MAX_ROW_HEIGHT
        # A title cut at two lines ends in "…"; one that fits does not.
        expect(long_link).to_have_class(re.compile(r"\bis-cut\b"))
        assert long_link.evaluate("a => getComputedStyle(a, '::after').content").startswith('"…"')
        expect(short).not_to_have_class(re.compile(r"\bis-cut\b"))
    else:
        assert_fits(pt)
        # On a phone's card the long title is shown whole, without "…".
        assert long_link.evaluate("a => a.scrollHeight <= a.clientHeight + 1")
        expect(long_link).not_to_have_class(re.compile(r"\bis-cut\b"))
    browsing.step(pt, f"partner-list-{width}")  # axe-core: no target-size (nor other) violation
    browsing.assert_clean()


def test_the_queue_in_french_stays_within_the_page_at_1280(browsing, docket):
    """French labels are longer ("Informations demandées", "Urgent" and its date): the badges wrap between
    their words, and the urgency's date goes under its badge, so the queue's table stays within the page's
    column rather than reaching into its margin."""
    request_information(docket["reports"][0], staff(docket, roles.LAWYER).user)
    lw = browsing.person("avocate", locale="fr-FR")
    sign_in(lw, staff(docket, roles.LAWYER), welcome="Bienvenue, ")
    lw.goto("/screening")
    expect(lw.get_by_role("heading", name="File d'examen préliminaire")).to_be_visible()
    reach = lw.evaluate("""() => { const table = document.querySelector('table.table-list');
        const column = table.parentElement, style = getComputedStyle(column);
        return table.getBoundingClientRect().right
            - (column.getBoundingClientRect().right - parseFloat(style.paddingRight)); }""")
    assert reach <= 0.5, f"the queue reaches {reach:.0f} px past the page's column"
    assert words_broken(lw, "td .badge") == []
    browsing.step(lw, "queue-fr-1280")
    browsing.assert_clean()


def test_badges_carry_words_and_readable_colours(browsing, docket):
    co = browsing.person("coordinator")
    sign_in(co, staff(docket, roles.COORDINATOR))
    co.goto("/committee")
    expect(co.get_by_role("heading", name="Cases before the Committee")).to_be_visible()
    browsing.step(co, "tracking-1280")

    # Open cases by next deadline, the closed one last, without a "passed … days ago".
    titles = co.locator("td.case-cell a").all_inner_texts()
    ours = [title for title in titles if title in {
        "Closed case decided years ago", "State's observations overdue", "Author's comments due soon",
        "Registered, nothing due"}]
    assert ours == ["State's observations overdue", "Author's comments due soon", "Registered, nothing due",
                    "Closed case decided years ago"]
    closed = co.get_by_role("row").filter(has_text="Closed case decided years ago")
    expect(closed.locator(".deadline-badge")).to_have_count(0)
    expect(closed.get_by_text("passed")).to_have_count(0)
    max_height = max(row_heights(co))
    assert max_height <= 2 * MAX_ROW_HEIGHT, f"tracking rows are {max_height:.0f} px tall"

    # Overdue red, due soon amber, both in words; text at least 4.5:1 against its colour.
    for state, words in (("overdue", r"^overdue by \d+ days$"), ("due-soon", r"^due in 5 days$")):
        badge = co.locator(f".deadline-badge--{state}").first
        expect(badge).to_have_text(re.compile(words))
        colours = badge.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
        assert contrast(*colours) >= 4.5, (state, colours)
    # The communication number used twice is flagged in the list.
    shared = co.locator(".list-warning").filter(has_text=re.compile(r"Warning: the same number is recorded on ESCR-"))
    expect(shared).to_have_count(2)

    co.goto("/deadlines")
    overdue = co.get_by_role("row").filter(has_text="State's observations overdue")
    expect(overdue.get_by_role("link", name="State's observations overdue")).to_be_visible()
    expect(overdue.get_by_text(docket["tracked"]["overdue"].reference)).to_be_visible()
    expect(overdue.locator(".deadline-badge--overdue")).to_be_visible()
    browsing.step(co, "deadlines-1280")
    browsing.assert_clean()


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_the_remedies_table_shows_the_exhaustion_facts_without_scrolling(browsing, docket, width):
    lw = browsing.person("lawyer", width=width, height=900 if width == 1280 else PHONE_HEIGHT)
    sign_in(lw, staff(docket, roles.LAWYER))
    case = docket["reports"][1]
    lw.goto(f"/screening/{case.uuid}")
    table = lw.locator("table.remedies-table")
    expect(table).to_be_visible()
    table.scroll_into_view_if_needed()
    browsing.step(lw, f"remedies-{width}")
    reach = overflows(lw, "table.remedies-table")
    assert reach == {"inside": 0, "screen": 0, "document": 0}, reach
    # "Final" and "Substance" are on screen for every remedy: the header at 1280, each card's label at 360.
    for label in ("Final", "Substance"):
        cells = lw.locator(f'table.remedies-table td[data-label="{label}"]')
        expect(cells).to_have_count(3)
        for index in range(3):
            box = cells.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (label, box)
    if width == 1280:
        expect(table.locator("thead th").filter(has_text="Substance")).to_be_visible()
    else:
        assert_fits(lw)
    browsing.assert_clean()


def test_the_queue_and_the_tracking_list_on_a_phone(browsing, docket):
    lw = browsing.person("lawyer", width=PHONE_WIDTH, height=PHONE_HEIGHT)
    sign_in(lw, staff(docket, roles.LAWYER))
    for path, name in (("/screening", "queue"), ("/committee", "tracking"), ("/deadlines", "deadlines")):
        lw.goto(path)
        browsing.step(lw, f"{name}-360")
        assert_fits(lw)
    lw.goto("/screening")
    # As cards, the sortable headers remain as a row of sort links.
    expect(lw.locator("table.table-list thead th.sortable").filter(has_text="Submitted")).to_be_visible()
    browsing.assert_clean()


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_the_dashboard_puts_action_first_and_maps_the_states_parties(browsing, docket, width):
    co = browsing.person("coordinator", width=width, height=900 if width == 1280 else PHONE_HEIGHT)
    sign_in(co, staff(docket, roles.COORDINATOR))
    co.goto("/dashboard")
    expect(co.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    browsing.step(co, f"dashboard-{width}")
    tops = [co.locator(f"#{anchor}").bounding_box()["y"] for anchor in
            ("overdue-heading", "headline-heading", "map-heading")]
    assert tops == sorted(tops)
    tiles = co.locator("svg.tile-map g.map-tile")
    expect(tiles).to_have_count(31)
    expect(co.locator('svg.tile-map g.map-tile[data-state="ES"]')).to_have_attribute(
        "aria-label", re.compile(r"^Spain: \d+ cases?$"))
    expect(co.locator("#map-table tbody tr")).to_have_count(31)
    co.locator("#map-heading").scroll_into_view_if_needed()
    browsing.step(co, f"dashboard-map-{width}")
    if width == PHONE_WIDTH:
        assert_fits(co)
    follow(co.locator("a.headline-link").filter(has_text="Before the Committee"))
    expect(co.get_by_text("Showing: Before the Committee.")).to_be_visible()
    browsing.assert_clean()
