"""The coordinators' dashboard (issue 6, items 5 and 6): the counts behind its SVG charts, overdue
follow-up responses, the publicity of each decision and its reminders — from clear columns only."""

import re
from datetime import date, timedelta

import pytest

from caseapp.core.extensions import db
from caseapp.dashboard.charts import DECISION_LABELS, PUBLICITY_LABELS
from caseapp.domain import committee
from caseapp.domain.deadlines import follow_up_response_due
from caseapp.domain.report import VictimInput
from caseapp.models import Communication, MediaCoverage, PublicityAction
from caseapp.models.base import utcnow
from caseapp.services import dashboard
from tests.factories import counting, login, make_case
from tests.security.test_static_rules import template_violations

VICTIM_MARKER = "Victimname Markerq9"
NARRATIVE_MARKER = "narrative-marker-5d2e"
TODAY = date(2025, 6, 2)


def case_at(app, organisation, stage: str, *, state: str | None = "ES", rights=("11(1)",)):
    """A submitted case moved straight to ``stage`` (the dashboard reads only clear columns)."""
    case, _document = make_case(app, organisation, submit=True, victim=VictimInput(name=VICTIM_MARKER),
                                narrative=NARRATIVE_MARKER)
    case.stage = stage
    case.state_code = state
    case.set_rights_invoked(rights)
    db.session.commit()
    return case


def decide(case, decision_type: str = committee.VIEWS_VIOLATION, *, adopted_on: date,
           transmitted_on: date | None = None, response_on: date | None = None) -> Communication:
    communication = Communication(case_id=case.id, decision_type=decision_type, decision_adopted_on=adopted_on,
                                  decision_transmitted_on=transmitted_on, follow_up_response_received_on=response_on)
    db.session.add(communication)
    db.session.commit()
    return communication


def publicity(case, *kinds: str, done_on: date, media: int = 0) -> None:
    for kind in kinds:
        db.session.add(PublicityAction(case_id=case.id, kind=kind, done_on=done_on))
    for number in range(media):
        db.session.add(MediaCoverage(case_id=case.id, outlet=f"Outlet {number}", published_on=done_on))
    db.session.commit()


@pytest.fixture
def signed_in(app, people):
    def sign_in(who: str = "coordinator"):
        client = app.test_client()
        login(app, client, people[who].user)
        return client
    return sign_in


def chart_value(html: str, label: str) -> str:
    """The number printed after ``label``'s bar in an SVG chart."""
    match = re.search(rf">{re.escape(label)}</text><rect [^>]*/><text [^>]*>([^<]+)</text>", html)
    assert match, f"no bar labelled {label!r}"
    return match.group(1)


# --- counts --------------------------------------------------------------------------------------


def test_cases_are_counted_by_stage_state_and_right(app, org_a):
    case_at(app, org_a, "screening", rights=("11(1)", "2(2)"))
    case_at(app, org_a, "candidate", rights=("11(1)", "2(2)"))
    case_at(app, org_a, "decided", rights=("11(1)",))
    case_at(app, org_a, "screening", state="PT", rights=("12",))
    case_at(app, org_a, "registered", state=None, rights=())
    draft, _document = make_case(app, org_a)  # a draft: not counted anywhere, its rights neither
    draft.set_rights_invoked(["11(1)", "9"])
    db.session.commit()

    by_stage = dashboard.cases_by_stage(db.session)
    assert [stage for stage, _count in by_stage] == list(dashboard.COUNTED_STAGES)
    assert "draft" not in dict(by_stage)
    assert {stage: count for stage, count in by_stage if count} == {
        "screening": 2, "candidate": 1, "decided": 1, "registered": 1}
    assert dashboard.headline(by_stage) == dashboard.Headline(screening=2, candidates=1, before_committee=1,
                                                               decided=1)
    states = dashboard.cases_by_state(db.session)
    assert states.top == [("ES", 3), ("PT", 1), (None, 1)] and states.others == 0
    assert dashboard.cases_by_right(db.session) == [("11(1)", 3), ("2(2)", 2), ("12", 1)]


def test_states_beyond_the_top_are_summed_as_others(app, org_a):
    for state in ("ES", "ES", "ES", "PT", "PT", "AR", "BE"):
        case_at(app, org_a, "screening", state=state)
    states = dashboard.cases_by_state(db.session, top=2)
    assert states.top == [("ES", 3), ("PT", 2)]
    assert (states.others, states.other_states) == (2, 2)


def test_decisions_are_counted_by_outcome_and_year(app, org_a):
    decide(case_at(app, org_a, "decided"), adopted_on=date(2024, 3, 1))
    decide(case_at(app, org_a, "closed"), committee.INADMISSIBLE, adopted_on=date(2024, 11, 30))
    decide(case_at(app, org_a, "follow_up"), adopted_on=date(2023, 10, 4))
    decide(case_at(app, org_a, "decided"), adopted_on=date(2023, 1, 9))
    assert dashboard.decisions_by_year(db.session) == [
        (2024, {committee.VIEWS_VIOLATION: 1, committee.INADMISSIBLE: 1}),
        (2023, {committee.VIEWS_VIOLATION: 2}),
    ]


# --- follow-up -----------------------------------------------------------------------------------


def test_a_follow_up_response_is_overdue_six_calendar_months_after_transmittal(app, org_a):
    case = case_at(app, org_a, "follow_up")
    decide(case, adopted_on=date(2023, 12, 1), transmitted_on=date(2024, 1, 10))
    assert dashboard.overdue_follow_ups(db.session, today=date(2024, 7, 10)) == []  # the last day itself
    [row] = dashboard.overdue_follow_ups(db.session, today=date(2024, 7, 15))
    assert (row.reference, row.due, row.days_overdue) == (case.reference, date(2024, 7, 10), 5)


def test_month_end_transmittals_count_from_the_month_end(app, org_a):
    decide(case_at(app, org_a, "decided"), adopted_on=date(2016, 8, 1), transmitted_on=date(2016, 8, 31))
    assert dashboard.overdue_follow_ups(db.session, today=date(2017, 2, 28)) == []  # due 28 Feb 2017
    assert [row.days_overdue for row in dashboard.overdue_follow_ups(db.session, today=date(2017, 3, 1))] == [1]


def test_no_overdue_follow_up_without_views_finding_a_violation_or_once_answered(app, org_a):
    sent = date(2024, 1, 10)
    decide(case_at(app, org_a, "decided"), committee.VIEWS_NO_VIOLATION, adopted_on=sent, transmitted_on=sent)
    decide(case_at(app, org_a, "decided"), committee.INADMISSIBLE, adopted_on=sent, transmitted_on=sent)
    decide(case_at(app, org_a, "follow_up"), adopted_on=sent, transmitted_on=sent, response_on=date(2024, 6, 1))
    decide(case_at(app, org_a, "closed"), adopted_on=sent, transmitted_on=sent)
    decide(case_at(app, org_a, "decided"), adopted_on=sent)  # not transmitted yet
    assert dashboard.overdue_follow_ups(db.session, today=TODAY) == []


# --- publicity -----------------------------------------------------------------------------------


def test_publicity_coverage_counts_the_checklist_media_and_the_country(app, org_a):
    reached = case_at(app, org_a, "follow_up")
    decide(reached, adopted_on=date(2025, 3, 1), transmitted_on=date(2025, 3, 10))
    publicity(reached, "press_release", "authorities", "authorities", done_on=date(2025, 4, 1), media=2)
    quiet = case_at(app, org_a, "decided")
    decide(quiet, committee.INADMISSIBLE, adopted_on=date(2025, 5, 1), transmitted_on=date(2025, 5, 5))
    publicity(quiet, "translation", done_on=date(2025, 5, 6))
    case_at(app, org_a, "registered")  # no decision: not in the table

    page = dashboard.publicity_coverage(db.session)
    assert page.total == 2
    assert [row.reference for row in page.rows] == [quiet.reference, reached.reference]  # latest first
    quiet_row, reached_row = page.rows
    assert (reached_row.done, reached_row.total, reached_row.media_items) == (2, 7, 2)
    assert reached_row.publicised_in_country
    assert reached_row.last_action_on == date(2025, 4, 1)
    assert (quiet_row.done, quiet_row.media_items, quiet_row.publicised_in_country) == (1, 0, False)
    assert "translation" not in quiet_row.missing_kinds and len(quiet_row.missing_kinds) == 6
    assert dashboard.publicity_coverage(db.session, limit=1).rows == [quiet_row]
    assert dashboard.publicity_coverage(db.session, limit=1).total == 2


def test_a_publicity_reminder_comes_after_thirty_days_without_action(app, org_a):
    transmitted = date(2025, 5, 1)
    untouched = case_at(app, org_a, "decided")
    decide(untouched, adopted_on=date(2025, 4, 20), transmitted_on=transmitted)
    assert dashboard.publicity_reminders(db.session, today=transmitted + timedelta(days=29)) == []
    [reminder] = dashboard.publicity_reminders(db.session, today=transmitted + timedelta(days=30))
    assert (reminder.reference, reminder.since, reminder.days, reminder.nothing_done) == (
        untouched.reference, transmitted, 30, True)

    publicity(untouched, "press_release", done_on=date(2025, 5, 20))  # the last action resets the count
    assert dashboard.publicity_reminders(db.session, today=date(2025, 6, 18)) == []
    [reminder] = dashboard.publicity_reminders(db.session, today=date(2025, 7, 4))
    assert (reminder.since, reminder.days, reminder.nothing_done) == (date(2025, 5, 20), 45, False)


def test_no_reminder_for_a_complete_checklist_a_closed_case_or_an_untransmitted_decision(app, org_a):
    complete = case_at(app, org_a, "follow_up")
    decide(complete, adopted_on=date(2025, 1, 1), transmitted_on=date(2025, 1, 5))
    publicity(complete, *(kind for kind, _label in committee.PUBLICITY_KINDS), done_on=date(2025, 1, 10))
    decide(case_at(app, org_a, "closed"), adopted_on=date(2025, 1, 1), transmitted_on=date(2025, 1, 5))
    decide(case_at(app, org_a, "decided"), adopted_on=date(2025, 1, 1))
    assert dashboard.publicity_reminders(db.session, today=TODAY) == []


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_charts_tables_and_reminders(app, org_a, signed_in):
    today = utcnow().date()
    for stage in ("screening", "candidate", "decided"):
        case_at(app, org_a, stage, rights=("11(1)", "2(2)"))
    case_at(app, org_a, "screening", state="PT", rights=("12",))
    overdue = case_at(app, org_a, "follow_up", state="PT")
    decide(overdue, adopted_on=today - timedelta(days=400), transmitted_on=today - timedelta(days=300))
    publicity(overdue, "press_release", "courts", done_on=today - timedelta(days=45), media=1)

    response = signed_in("coordinator").get("/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert chart_value(html, "Spain") == "3"
    assert chart_value(html, "Portugal") == "2"
    assert chart_value(html, "In screening") == "2"
    assert ('<desc id="chart-rights-desc">Art. 11(1): Adequate housing, food, clothing, water and sanitation: 4; '
            "Art. 2(2): Non-discrimination: 3; Art. 12: Physical and mental health: 1</desc>") in html
    assert chart_value(html, "Views: violation found") == "1"
    assert '<desc id="chart-states-desc">Spain: 3; Portugal: 2</desc>' in html
    assert 'role="img"' in html

    days_late = (today - follow_up_response_due(today - timedelta(days=300))).days
    overdue_table = html[html.index('id="overdue-heading"'):html.index('id="reminders-heading"')]
    assert overdue.reference in overdue_table and f"overdue by {days_late} days" in overdue_table
    assert 'deadline-badge--overdue' in overdue_table  # the one badge of every page (issue 17, point 5)
    assert "2/7" in html
    assert "No publicity action for 45 days" in html
    if "committee.show_case" in app.view_functions:
        assert f'href="/committee/{overdue.uuid}"' in html



def test_the_lists_show_the_most_urgent_few_and_count_the_rest(app, org_a, signed_in):
    app.config["DASHBOARD_LIST_SIZE"] = 2
    today = utcnow().date()
    # Three Views transmitted 300, 320 and 340 days ago: all overdue, none publicised (three reminders).
    made = {}
    for days in (300, 320, 340):
        case = case_at(app, org_a, "follow_up")
        decide(case, adopted_on=today - timedelta(days=days + 20), transmitted_on=today - timedelta(days=days))
        made[days] = case.reference

    html = signed_in("coordinator").get("/dashboard").get_data(as_text=True)
    overdue_table = html[html.index('id="overdue-heading"'):html.index('id="reminders-heading"')]
    reminders = html[html.index('id="reminders-heading"'):html.index('id="publicity-heading"')]
    assert overdue_table.count("<tr>") == 1 + 2  # the header and the two most overdue
    assert made[340] in overdue_table and made[320] in overdue_table and made[300] not in overdue_table
    assert "1 more overdue follow-up response." in overdue_table
    if "deadlines.dashboard" in app.view_functions:
        assert 'href="/deadlines#overdue-heading"' in overdue_table
    assert reminders.count("list-group-item") == 2
    assert made[340] in reminders and made[320] in reminders and made[300] not in reminders
    assert "1 more decision needs a reminder." in reminders


def test_no_more_line_when_everything_fits(app, org_a, signed_in):
    app.config["DASHBOARD_LIST_SIZE"] = 2
    today = utcnow().date()
    decide(case_at(app, org_a, "follow_up"), adopted_on=today - timedelta(days=320),
           transmitted_on=today - timedelta(days=300))
    html = signed_in("coordinator").get("/dashboard").get_data(as_text=True)
    assert 'id="overdue-more"' not in html and 'id="reminders-more"' not in html

def test_nothing_confidential_and_no_inline_style_on_the_page(app, org_a, signed_in):
    case = case_at(app, org_a, "decided")
    decide(case, adopted_on=date(2024, 1, 1), transmitted_on=date(2024, 1, 2))
    html = signed_in("lawyer").get("/dashboard").get_data(as_text=True)
    assert case.reference in html
    for secret in (VICTIM_MARKER, NARRATIVE_MARKER, "A title", "A summary", "evidence.pdf"):
        assert secret not in html
    assert not re.search(r"\sstyle\s*=|<style\b", html, re.IGNORECASE)
    assert template_violations(html) == []


def test_an_empty_dashboard_says_so(app, signed_in):
    html = signed_in("coordinator").get("/dashboard").get_data(as_text=True)
    # No chart; the map still shows every State party, with no case.
    assert html.count("<svg") == 1 and 'id="map-states-title"' in html
    assert "No case has been submitted yet." in html
    assert "No decision of the Committee has been recorded yet." in html
    assert "No follow-up response is overdue." in html
    assert "No reminder" in html


def test_the_dashboard_is_in_the_navigation_of_lawyers_and_coordinators(app, signed_in):
    for who in ("lawyer", "coordinator"):
        assert 'href="/dashboard"' in signed_in(who).get("/").get_data(as_text=True)
    for who in ("partner_a", "admin"):
        assert 'href="/dashboard"' not in signed_in(who).get("/").get_data(as_text=True)


def test_the_number_of_queries_does_not_grow_with_the_cases(app, org_a, signed_in):
    client = signed_in("coordinator")

    def queries() -> list[str]:
        with counting() as statements:
            assert client.get("/dashboard").status_code == 200
        return [s for s in statements if s.lstrip().upper().startswith("SELECT")]

    decide(case_at(app, org_a, "decided"), adopted_on=date(2024, 1, 1), transmitted_on=date(2024, 1, 2))
    few = queries()
    for stage in ("screening", "decided", "follow_up", "candidate"):
        case = case_at(app, org_a, stage, state="PT", rights=("12", "13"))
        if stage in ("decided", "follow_up"):
            decide(case, adopted_on=date(2023, 1, 1), transmitted_on=date(2023, 1, 2))
            publicity(case, "press_release", done_on=date(2023, 2, 1), media=1)
    assert len(queries()) == len(few)
    # Besides loading the session and the user, and the navigation's unread count: one query per figure, table or
    # list (seven), the counts of overdue follow-ups and of publicity reminders beyond the lists' cap, the count of
    # decided cases beside the publicity table, and the States parties of the map.
    own = [statement for statement in few if not re.match(r"\s*SELECT (user_sessions|users)\.", statement)
           and "FROM notifications" not in statement]
    assert len(own) == 11, own


def test_labels_cover_every_decision_type_and_publicity_item(app):
    with app.test_request_context():
        assert {code: str(label) for code, label in DECISION_LABELS.items()} == dict(committee.DECISION_TYPES)
        assert {code: str(label) for code, label in PUBLICITY_LABELS.items()} == dict(committee.PUBLICITY_KINDS)



# --- action first, linked numbers, the map (issue 17, point 8) -----------------------------------------


def test_what_needs_action_comes_before_the_numbers_and_the_charts(app, org_a, signed_in):
    case_at(app, org_a, "screening")
    html = signed_in("coordinator").get("/dashboard").get_data(as_text=True)
    order = [html.index(f'id="{anchor}"') for anchor in
             ("overdue-heading", "reminders-heading", "headline-heading", "map-heading", "chart-stages-title")]
    assert order == sorted(order)


def test_every_headline_number_links_to_the_list_of_its_cases(app, org_a, signed_in):
    for stage in ("screening", "candidate", "preparing", "registered", "decided", "closed", "declined"):
        case_at(app, org_a, stage)
    lawyer = signed_in("lawyer")
    html = lawyer.get("/dashboard").get_data(as_text=True)
    found = re.findall(r'<a class="headline-link" href="([^"]+)">\s*<span class="stat-number d-block">(\d+)</span>'
                       r'\s*<span class="small d-block">([^<]+)</span>', html)
    links = {label: (href.replace("&amp;", "&"), int(number)) for href, number, label in found}
    assert links == {
        "In screening": ("/screening?stage=queue", 1),
        "Strategic candidates and in preparation": ("/committee?group=candidates", 2),
        "Before the Committee": ("/committee?group=before_committee", 1),
        "Decided": ("/committee?group=decided", 2),
    }
    # Each list shows exactly the number its headline says.
    for label, (href, number) in links.items():
        page = lawyer.get(href).get_data(as_text=True)
        rows = re.findall(r'<td data-label="(?:Case|Report)" class="case-cell">', page)
        assert len(rows) == number, label
    assert "Showing: Strategic candidates and in preparation." in lawyer.get("/committee?group=candidates").get_data(
        as_text=True)
    assert lawyer.get("/committee?group=screening").status_code == 400  # not a list of tracked cases
    # Coordinators do not screen: their "In screening" is a number without a link; the others link.
    coordinator = signed_in("coordinator").get("/dashboard").get_data(as_text=True)
    assert 'href="/screening' not in coordinator and 'href="/committee?group=decided"' in coordinator


def map_tiles(html: str) -> dict[str, tuple[str, str]]:
    """Each tile of the map: its State code → (its accessible label, the count printed on it)."""
    return {code: (label, count) for label, code, title, count in re.findall(
        r'<g role="img" aria-label="([^"]+)" class="map-tile" data-state="([A-Z]{2})"><title>([^<]+)</title>'
        r'<rect [^>]+/><text [^>]+>[A-Z]{2}</text><text [^>]+>(\d+)</text></g>', html) if label == title}


def map_table(html: str) -> dict[str, tuple[str, int]]:
    table = html[html.index('id="map-table"'):]
    table = table[:table.index("</table>")]
    return {code: (name, int(count)) for code, name, count in re.findall(
        r'<tr data-state="([A-Z]{2})">\s*<th scope="row" class="fw-normal">([^<]+?) <span[^>]*>\([A-Z]{2}\)</span></th>'
        r'\s*<td class="text-end">(?:<a [^>]+>)?(\d+)', table)}


def test_the_map_has_one_labelled_tile_per_state_party_and_its_table_the_same_numbers(app, org_a, signed_in):
    import csv
    from html import unescape
    from pathlib import Path

    for state in ("ES", "ES", "ES", "PT", "FR"):
        case_at(app, org_a, "screening", state=state)
    case_at(app, org_a, "screening", state="US")  # not a party: counted in words, not on the map
    html = signed_in("lawyer").get("/dashboard").get_data(as_text=True)
    with (Path(app.root_path) / "data" / "op_icescr_states.csv").open(encoding="utf-8") as source:
        parties = {row["iso2"]: row["name"] for row in csv.DictReader(source)}
    tiles, table = map_tiles(html), map_table(html)
    assert set(tiles) == set(parties) == set(table)  # one shape per State party, each with its row
    assert tiles["ES"] == ("Spain: 3 cases", "3") and tiles["PT"] == ("Portugal: 1 case", "1")
    assert tiles["AL"] == ("Albania: 0 cases", "0")
    for code, (label, count) in tiles.items():
        name, number = table[code]
        assert unescape(label).startswith(f"{unescape(name)}: ") and int(count) == number
    assert "1 submitted case concerns a State not listed as a party (or none); it is off the map." in html
    assert "schematic tile map, not a geographic one" in html
    # A count links to the list of that State's cases (lawyers).
    assert 'href="/screening?stage=all&amp;state=ES"' in html
