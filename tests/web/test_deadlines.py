"""The deadlines dashboard and the personal calendar feed, as lawyers and coordinators use them
(issue 6, item 3). Access by role is in tests/security/test_access_matrix.py (AC-02); here: what each
page shows, that nothing decrypted reaches the dashboard or the feed, and that a feed's secret URL is
shown once, stored only as a hash (CRY-09) and dies when revoked or replaced."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.domain import roles, stages
from caseapp.domain.report import VictimInput
from caseapp.models import CalendarFeed
from caseapp.services import accounts, calendar_feeds
from tests.factories import make_staged_case, make_user, running_app, signed_in, text_of

TODAY = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
TITLE_MARKER = "TITLEMARKER9d2e confidential eviction"
VICTIM_MARKER = "Victimname Q7x Marker"
NAV_LINK = 'href="/deadlines"'


@pytest.fixture(autouse=True)
def clock():
    """Every test runs on 10 Feb 2026 (before the app and the accounts are made, so sessions agree)."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def tracked(app, organisation, **details):
    """A staged case whose title and victim are marked, to show the dashboard never prints them."""
    return make_staged_case(app, organisation, title=TITLE_MARKER, victim=VictimInput(name=VICTIM_MARKER), **details)


@pytest.fixture
def docket(app, org_a):
    return {
        # Transmitted 5 Aug 2025 → observations due 5 Feb 2026: overdue by 5 days.
        "overdue": tracked(app, org_a, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 5)),
        # In screening, notified 22 Feb 2025 → last day 22 Feb 2026: in 12 days.
        "one_year": tracked(app, org_a, stage=stages.SCREENING, one_year=(date(2025, 2, 22), date(2026, 2, 22))),
        # The Secretariat's letter of 13 Dec 2025 set 13 Feb 2026 for the author's comments: in 3 days.
        "comments": tracked(app, org_a, stage=stages.COMMENTS, transmitted_on=date(2025, 6, 2),
                            state_observations_received_on=date(2025, 11, 28),
                            author_comments_letter_on=date(2025, 12, 13), author_comments_due=date(2026, 2, 13)),
        # Views transmitted 1 Oct 2025 → the State's response due 1 Apr 2026: in 50 days.
        "follow_up": tracked(app, org_a, stage=stages.FOLLOW_UP, decision_type="views_violation",
                             decision_adopted_on=date(2025, 9, 15), decision_transmitted_on=date(2025, 10, 1)),
        # Finished cases keep their dates but have no open deadline.
        "closed": tracked(app, org_a, stage=stages.CLOSED, transmitted_on=date(2025, 8, 5)),
        "declined": tracked(app, org_a, stage=stages.DECLINED, one_year=(date(2025, 2, 20), date(2026, 2, 20))),
    }



def section(html: str, heading_id: str) -> str:
    """From the section's heading to its end."""
    start = html.index(">", html.index(f'id="{heading_id}"')) + 1
    return html[start:html.index("</section>", start)]



# --- the dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_what_is_overdue_and_what_is_due_in_the_next_30_days(app, people, docket):
    html = signed_in(app, people["lawyer"].user).get("/deadlines").get_data(as_text=True)

    overdue = text_of(section(html, "overdue-heading"))
    assert docket["overdue"].reference in overdue
    assert "State's observations (art. 6(2)) 5 Aug 2025 5 Feb 2026 overdue by 5 days" in overdue

    upcoming = text_of(section(html, "upcoming-heading"))
    assert upcoming.startswith("Due in the next 30 days")
    assert "Author's comments (Secretariat's letter) 13 Dec 2025 13 Feb 2026 due in 3 days" in upcoming
    assert "One-year limit to submit (art. 3(2)(a)) 22 Feb 2025 22 Feb 2026 due in 12 days" in upcoming
    # Soonest first.
    assert upcoming.index(docket["comments"].reference) < upcoming.index(docket["one_year"].reference)
    for later_or_finished in ("follow_up", "closed", "declined"):
        assert docket[later_or_finished].reference not in html


def test_the_dashboard_widens_to_60_and_90_days(app, people, docket):
    client = signed_in(app, people["coordinator"].user)
    html = client.get("/deadlines?within=60").get_data(as_text=True)
    upcoming = text_of(section(html, "upcoming-heading"))
    assert upcoming.startswith("Due in the next 60 days")
    assert "State's follow-up response (art. 9(2)) 1 Oct 2025 1 Apr 2026 due in 50 days" in upcoming
    assert '<option selected value="60">60 days</option>' in html
    assert docket["closed"].reference not in html and docket["declined"].reference not in html
    assert client.get("/deadlines?within=7").status_code == 400  # only the offered windows
    assert client.get("/deadlines?within=x").status_code == 400


def test_the_dashboard_shows_titles_beside_references_never_a_victim(app, people, docket):
    """Issue 17, point 6: the title is the link, the reference beside it; no victim's name."""
    html = signed_in(app, people["lawyer"].user).get("/deadlines?within=90").get_data(as_text=True)
    case = docket["follow_up"]
    assert re.search(rf'<span class="case-ref">{case.reference}</span> '
                     rf'<a href="/screening/{case.uuid}" class="case-title" title="{TITLE_MARKER}">{TITLE_MARKER}</a>',
                     html)
    assert VICTIM_MARKER not in html


def test_a_coordinator_off_the_team_sees_the_reference_not_the_title(app, people, docket):  # AC-06
    html = signed_in(app, people["coordinator"].user).get("/deadlines?within=90").get_data(as_text=True)
    assert docket["follow_up"].reference in html
    assert TITLE_MARKER not in html and VICTIM_MARKER not in html


def test_overdue_and_due_soon_share_the_one_badge_with_words(app, people, docket):
    """Issue 17, point 5: overdue red, due soon amber, each with its words (the same classes as the
    tracking list and the dashboard use)."""
    html = signed_in(app, people["lawyer"].user).get("/deadlines?within=90").get_data(as_text=True)
    assert re.search(r'class="badge deadline-badge deadline-badge--overdue">overdue by 5 days<', html)
    assert re.search(r'class="badge deadline-badge deadline-badge--due-soon">due in 3 days<', html)
    assert re.search(r'class="badge deadline-badge deadline-badge--upcoming">due in 50 days<', html)
    assert "text-bg-dark" not in html  # the black "overdue" of before


def test_lawyers_open_the_case_in_their_workspace(app, people, docket):
    html = signed_in(app, people["lawyer"].user).get("/deadlines").get_data(as_text=True)
    case = docket["overdue"]
    assert f'<a href="/screening/{case.uuid}" class="case-title" title="{TITLE_MARKER}">{TITLE_MARKER}</a>' in html


def test_coordinators_open_the_case_on_its_tracking_page(app, people, docket):
    html = signed_in(app, people["coordinator"].user).get("/deadlines").get_data(as_text=True)
    case = docket["overdue"]
    assert f"/screening/{case.uuid}" not in html  # the lawyers' workspace is not theirs
    if "committee.show_case" in app.view_functions:
        with app.test_request_context():
            from flask import url_for
            assert (f'<a href="{url_for("committee.show_case", case_uuid=case.uuid)}" class="case-title">'
                    f'{case.reference}</a>') in html
    else:
        assert case.reference in html


def test_an_empty_dashboard_says_why(app, people):
    html = text_of(signed_in(app, people["lawyer"].user).get("/deadlines").get_data(as_text=True))
    assert "Nothing is overdue." in html
    assert "Nothing is due in the next 30 days." in html
    assert "Look 90 days ahead" in html


@pytest.mark.parametrize(("principal", "offered"), [("lawyer", True), ("coordinator", True), ("partner_a", False),
                                                    ("admin", False)])
def test_deadlines_are_in_the_navigation_of_the_caseworkers_only(app, people, principal, offered):
    html = signed_in(app, people[principal].user).get("/").get_data(as_text=True)
    assert (NAV_LINK in html) is offered


# --- the calendar feed ------------------------------------------------------------------------------


def create_feed(client) -> str:
    """Make a feed on the account page; returns the secret URL's path as shown once."""
    response = client.post("/account/calendar-feed")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    match = re.search(r'id="new-calendar-feed-url">https://localhost(/calendar/[A-Za-z0-9_-]+\.ics)<', page)
    assert match, "the new feed's address is not shown"
    return match.group(1)


def events_of(response) -> list:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data()).walk("VEVENT")


def test_creating_a_feed_shows_its_address_once_and_stores_only_a_hash(app, people):  # CRY-09
    user = people["coordinator"].user
    client = signed_in(app, user)
    path = create_feed(client)
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(secret) >= 43  # 256 random bits, base64url

    feed = db.session.execute(select(CalendarFeed).where(CalendarFeed.user_id == user.id)).scalar_one()
    assert feed.token_hash == calendar_feeds.digest(secret) != secret
    page = client.get("/account").get_data(as_text=True)
    assert secret not in page  # shown once
    assert "You have a calendar feed" in page
    db.session.commit()
    for stored in Path(app.instance_path).rglob("*"):
        if stored.is_file():
            assert secret.encode() not in stored.read_bytes(), f"the secret is stored in {stored.name}"


def test_the_feed_has_one_all_day_event_per_open_deadline_on_its_due_date(app, people, docket):
    client = signed_in(app, people["lawyer"].user)
    response = app.test_client().get(create_feed(client))  # a calendar application: no cookie
    assert response.headers["Cache-Control"] == "no-store"
    events = events_of(response)
    summaries = {str(event["SUMMARY"]): event for event in events}
    assert set(summaries) == {
        f"{docket['overdue'].reference} — State's observations due",
        f"{docket['comments'].reference} — Author's comments due",
        f"{docket['one_year'].reference} — Last day to submit to the Committee",
        f"{docket['follow_up'].reference} — State's follow-up response due",
    }
    due = {str(event["SUMMARY"]).split(" — ")[0]: event.decoded("DTSTART") for event in events}
    assert due == {docket["overdue"].reference: date(2026, 2, 5), docket["comments"].reference: date(2026, 2, 13),
                   docket["one_year"].reference: date(2026, 2, 22), docket["follow_up"].reference: date(2026, 4, 1)}
    assert all(event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1) for event in events)
    assert str(summaries[f"{docket['overdue'].reference} — State's observations due"]["UID"]) == (
        f"{docket['overdue'].uuid}-state_observations@deadlines.escr-case-desk")


def test_the_feed_contains_no_title_victim_or_state(app, people, docket):
    path = create_feed(signed_in(app, people["lawyer"].user))
    body = app.test_client().get(path).get_data(as_text=True)
    assert docket["overdue"].reference in body
    assert TITLE_MARKER not in body
    assert VICTIM_MARKER not in body and "Victimname" not in body


def test_the_feed_uids_stay_the_same_between_fetches(app, people, docket, clock):
    path = create_feed(signed_in(app, people["lawyer"].user))
    first = sorted(str(event["UID"]) for event in events_of(app.test_client().get(path)))
    clock.shift(timedelta(days=1))
    second = sorted(str(event["UID"]) for event in events_of(app.test_client().get(path)))
    assert first == second and len(first) == 4


def test_a_revoked_feed_answers_404(app, people, docket):
    client = signed_in(app, people["lawyer"].user)
    path = create_feed(client)
    response = client.post("/account/calendar-feed/revoke")
    assert response.status_code == 302
    assert "Your calendar feed is revoked" in client.get("/account").get_data(as_text=True)
    gone = app.test_client().get(path)
    assert gone.status_code == 404
    assert "calendar" not in gone.get_data(as_text=True).lower()  # no hint of what was there
    assert db.session.execute(select(CalendarFeed)).first() is None


def test_a_new_feed_replaces_the_old_address(app, people, docket):
    client = signed_in(app, people["coordinator"].user)
    old = create_feed(client)
    new = create_feed(client)
    assert old != new
    assert app.test_client().get(old).status_code == 404
    assert len(events_of(app.test_client().get(new))) == 4
    assert len(db.session.execute(select(CalendarFeed)).all()) == 1


def test_the_feed_dies_with_the_owners_access(app, people, org_a, docket):
    lawyer, coordinator, admin = people["lawyer"].user, people["coordinator"].user, people["admin"].user
    lawyer_feed = create_feed(signed_in(app, lawyer))
    coordinator_feed = create_feed(signed_in(app, coordinator))
    # Disabled: no answer, and re-enabling does not revive it.
    accounts.set_disabled(db.session, admin, lawyer, True)
    db.session.commit()
    assert app.test_client().get(lawyer_feed).status_code == 404
    accounts.set_disabled(db.session, admin, lawyer, False)
    db.session.commit()
    assert app.test_client().get(lawyer_feed).status_code == 404
    # Moved out of the caseworkers by an admin: the feed is deleted.
    accounts.update_user(db.session, admin, coordinator, role=roles.PARTNER, organisation=org_a, display_name="")
    db.session.commit()
    assert app.test_client().get(coordinator_feed).status_code == 404
    assert db.session.execute(select(CalendarFeed)).first() is None


def test_a_feed_whose_owner_is_no_longer_a_caseworker_answers_404_even_if_its_row_survives(app, people, docket):
    user = people["lawyer"].user
    path = create_feed(signed_in(app, user))
    user.role = roles.ADMIN  # changed behind the service's back
    db.session.commit()
    assert db.session.execute(select(CalendarFeed)).first() is not None
    assert app.test_client().get(path).status_code == 404


@pytest.mark.parametrize("secret", ["unknown", "x" * 200, "%00", "..%2Faccount"])
def test_unknown_feed_addresses_answer_404(app, client, secret):
    assert client.get(f"/calendar/{secret}.ics").status_code == 404


def test_last_used_is_written_at_most_once_an_hour(app, people, docket, clock):
    user = people["lawyer"].user
    path = create_feed(signed_in(app, user))

    def last_used():
        db.session.expire_all()
        return db.session.execute(select(CalendarFeed.last_used_at)).scalar_one()

    assert last_used() is None
    app.test_client().get(path)
    first = last_used()
    assert first is not None
    clock.shift(timedelta(minutes=59))
    app.test_client().get(path)
    assert last_used() == first
    clock.shift(timedelta(minutes=2))
    app.test_client().get(path)
    assert last_used() > first


@pytest.mark.parametrize("principal", ["partner_a", "admin"])
def test_only_caseworkers_are_offered_a_calendar_feed(app, people, principal):
    html = signed_in(app, people[principal].user).get("/account").get_data(as_text=True)
    assert "Calendar feed" not in html and "/account/calendar-feed" not in html


def test_caseworkers_are_offered_a_calendar_feed(app, people):
    html = signed_in(app, people["coordinator"].user).get("/account").get_data(as_text=True)
    assert 'id="calendar-feed-heading"' in html
    assert "You have no calendar feed." in html
    assert 'action="/account/calendar-feed"' in html


def test_feed_fetches_are_rate_limited_per_feed_and_guesses_per_address(tmp_path, database_url):
    with running_app(tmp_path / "limits", database_url, RATELIMIT_ENABLED=True, RATELIMIT_CALENDAR_FEED="2 per minute",
                     RATELIMIT_CALENDAR_FEED_FAILURES="2 per minute") as app:
        mine = create_feed(signed_in(app, make_user(app, roles.LAWYER).user))
        theirs = create_feed(signed_in(app, make_user(app, roles.COORDINATOR).user))
        client = app.test_client()
        for _ in range(2):
            assert client.get(mine).status_code == 200
        assert client.get(mine).status_code == 429
        assert client.get(theirs).status_code == 200  # counted per feed, not per address
        for attempt in range(2):
            assert client.get(f"/calendar/guess-{attempt}.ics").status_code == 404
        assert client.get("/calendar/guess-again.ics").status_code == 429


# --- pagination -------------------------------------------------------------------------------------


REFERENCE = re.compile(r"ESCR-\d{4}-\d+")


def references(html: str, heading_id: str) -> list[str]:
    """The case references of a section's table, in the order shown (the pagination links carry none)."""
    return REFERENCE.findall(section(html, heading_id))


@pytest.fixture
def long_docket(app, org_a):
    """Five overdue one-year limits (1–5 Feb 2026) and three due in the next 30 days (11–13 Feb), made
    latest first so that the order shown is the due dates', not the references'. Pages of two."""
    app.config["DEADLINES_PAGE_SIZE"] = 2
    days = [date(2026, 2, day) for day in (13, 12, 11, 5, 4, 3, 2, 1)]
    made = {day: tracked(app, org_a, stage=stages.SCREENING, one_year=(day.replace(year=2025), day)) for day in days}
    return {"overdue": [made[day].reference for day in sorted(days) if day < TODAY.date()],
            "upcoming": [made[day].reference for day in sorted(days) if day > TODAY.date()]}


def test_each_list_is_paginated_on_its_own_with_its_total_in_the_heading(app, people, long_docket):
    client = signed_in(app, people["lawyer"].user)
    first = client.get("/deadlines").get_data(as_text=True)
    assert len(long_docket["overdue"]) == 5 and len(long_docket["upcoming"]) == 3
    assert text_of(section(first, "overdue-heading")).startswith("Overdue 5 ")
    assert text_of(section(first, "upcoming-heading")).startswith("Due in the next 30 days 3 ")
    assert references(first, "overdue-heading") == long_docket["overdue"][:2]
    assert references(first, "upcoming-heading") == long_docket["upcoming"][:2]
    assert "5 in all" in text_of(section(first, "overdue-heading"))
    # Each list's links turn its own pages and keep the other's and the window.
    assert 'href="/deadlines?overdue_page=2"' in section(first, "overdue-heading")
    assert 'href="/deadlines?page=2"' in section(first, "upcoming-heading")

    shown = []
    for number in (1, 2, 3):
        html = client.get(f"/deadlines?within=30&page=2&overdue_page={number}").get_data(as_text=True)
        assert len(references(html, "overdue-heading")) == (2 if number < 3 else 1)
        shown += references(html, "overdue-heading")
        assert references(html, "upcoming-heading") == long_docket["upcoming"][2:]  # the other list stays put
    assert shown == long_docket["overdue"]  # soonest first across the pages, each once
    second = client.get("/deadlines?within=30&page=2&overdue_page=2").get_data(as_text=True)
    assert 'href="/deadlines?within=30&amp;page=2&amp;overdue_page=3"' in section(second, "overdue-heading")


def test_a_page_past_the_end_shows_the_last_page(app, people, long_docket):
    client = signed_in(app, people["coordinator"].user)
    html = client.get("/deadlines?overdue_page=99&page=50").get_data(as_text=True)
    assert references(html, "overdue-heading") == long_docket["overdue"][4:]
    assert references(html, "upcoming-heading") == long_docket["upcoming"][2:]


def test_an_empty_list_has_no_pages(app, people):
    app.config["DEADLINES_PAGE_SIZE"] = 2
    html = signed_in(app, people["lawyer"].user).get("/deadlines?page=3&overdue_page=2").get_data(as_text=True)
    assert "Nothing is overdue." in text_of(html) and "Nothing is due in the next 30 days." in text_of(html)
    assert 'class="pagination' not in html


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=x", "page=1.5", "overdue_page=0", "overdue_page=two",
                                   "overdue_page=99999999999999999999"])
def test_bad_page_numbers_answer_400(app, people, query):
    assert signed_in(app, people["lawyer"].user).get(f"/deadlines?{query}").status_code == 400
