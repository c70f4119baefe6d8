"""The pure parts of the deadlines list and the calendar feed (issue 6, item 3): the inverse of the due-date
rules that narrows the query, an item's JSON contract, and the iCalendar it becomes."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from caseapp.domain import committee, deadlines
from caseapp.services import calendar_feeds
from caseapp.services.deadlines import _SOURCES, KINDS, CaseRef, Item, earliest_basis, latest_basis

DUE_RULES = [
    pytest.param(lambda day: day, id="same-day"),
    pytest.param(deadlines.state_observations_due, id="six-months"),
    pytest.param(deadlines.merits_observations_due, id="four-months"),
]
DAYS = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))


def test_every_kind_of_deadline_has_its_source_columns():
    assert set(_SOURCES) == set(KINDS) == {kind for kind, _label in committee.DEADLINE_KINDS}


@pytest.mark.parametrize("due", DUE_RULES)
@given(edge=DAYS)
def test_the_basis_range_is_exactly_what_falls_due_in_the_window(due, edge):
    """earliest_basis / latest_basis invert a due-date rule exactly: one day further and the due date
    leaves the window (month ends and 29 February included)."""
    first = earliest_basis(due, edge)
    assert due(first) >= edge and due(first - timedelta(days=1)) < edge
    last = latest_basis(due, edge)
    assert due(last) <= edge and due(last + timedelta(days=1)) > edge


@pytest.mark.parametrize(("due", "edge", "first", "last"), [
    # Six months: 31 Aug, 30 Aug and 29 Aug 2025 are all due on 28 Feb 2026.
    (deadlines.state_observations_due, date(2026, 2, 28), date(2025, 8, 28), date(2025, 8, 31)),
    # Leap year: 29, 30 and 31 Aug 2023 are due on 29 Feb 2024.
    (deadlines.state_observations_due, date(2024, 2, 29), date(2023, 8, 29), date(2023, 8, 31)),
    # Four months: 28-31 Oct 2025 → 28 Feb 2026.
    (deadlines.merits_observations_due, date(2026, 2, 28), date(2025, 10, 28), date(2025, 10, 31)),
])
def test_month_ends_widen_the_basis_range(due, edge, first, last):
    assert earliest_basis(due, edge) == first
    assert latest_basis(due, edge) == last


CASE = CaseRef(UUID("12345678-1234-5678-1234-567812345678"), "ESCR-2026-0001", "ES", "observations")


def test_an_item_as_json_is_the_command_lines_contract():
    item = Item(CASE, committee.STATE_OBSERVATIONS, date(2025, 8, 31), date(2026, 2, 28), -3)
    assert item.to_json() == {"case": "ESCR-2026-0001", "kind": "state_observations", "basis_date": "2025-08-31",
                              "due_date": "2026-02-28", "days_left": -3}
    assert list(item.to_json()) == ["case", "kind", "basis_date", "due_date", "days_left"]
    assert item.overdue and item.warning_level == deadlines.PASSED
    no_basis = Item(CASE, committee.AUTHOR_COMMENTS, None, date(2026, 3, 1), 12)
    assert no_basis.to_json()["basis_date"] is None and not no_basis.overdue and no_basis.warning_level == "30"


def test_the_calendar_has_one_all_day_event_per_deadline_with_a_stable_uid():
    items = [
        Item(CASE, committee.STATE_OBSERVATIONS, date(2025, 8, 31), date(2026, 2, 28), 18),
        Item(CASE, committee.MERITS_OBSERVATIONS, date(2025, 10, 31), date(2026, 2, 28), 18),
    ]
    now = datetime(2026, 2, 10, 9, 30, tzinfo=UTC)
    summaries = {committee.STATE_OBSERVATIONS: "State's observations due",
                 committee.MERITS_OBSERVATIONS: "State's observations on the merits due"}
    body = calendar_feeds.calendar(items, now=now, name="Deadlines", summaries=summaries,
                                   describe=lambda item: f"Counted from {item.basis_date.isoformat()}")
    parsed = Calendar.from_ical(body)
    events = parsed.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        "ESCR-2026-0001 — State's observations due", "ESCR-2026-0001 — State's observations on the merits due"]
    assert [event.decoded("DTSTART") for event in events] == [date(2026, 2, 28)] * 2
    assert [event.decoded("DTEND") for event in events] == [date(2026, 3, 1)] * 2
    assert [str(event["UID"]) for event in events] == [
        "12345678-1234-5678-1234-567812345678-state_observations@deadlines.escr-case-desk",
        "12345678-1234-5678-1234-567812345678-merits_observations@deadlines.escr-case-desk"]
    assert all(event.decoded("DTSTAMP") == now for event in events)
    assert str(parsed["VERSION"]) == "2.0" and str(parsed["PRODID"]) == calendar_feeds.PRODUCT_ID
    again = Calendar.from_ical(calendar_feeds.calendar(items[:1], now=now + timedelta(hours=1), name="Deadlines",
                                                       summaries=summaries, describe=lambda item: ""))
    assert str(again.walk("VEVENT")[0]["UID"]) == str(events[0]["UID"])  # the same event, updated


def test_the_touch_interval_is_an_hour():
    now = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    assert calendar_feeds.needs_touch(None, now)
    assert not calendar_feeds.needs_touch(now - timedelta(minutes=59), now)
    assert calendar_feeds.needs_touch(now - timedelta(hours=1), now)
