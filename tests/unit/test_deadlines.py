"""Counting the Protocol's time limits (caseapp/domain/deadlines.py; OP-ICESCR.md §6, §5, §1.1)."""

from datetime import date

import pytest

from caseapp.domain import deadlines
from caseapp.domain.deadlines import (
    add_months,
    add_years,
    days_left,
    deadline_label,
    entry_into_force_after_deposit,
    follow_up_response_due,
    format_day,
    four_months_after,
    merits_observations_due,
    one_year_last_day,
    six_months_after,
    state_observations_due,
    suggested_author_comments_due,
    warning_level,
)
from caseapp.domain.register import StatesRegister

D = date.fromisoformat


# --- calendar months: "when the target month has no such day, use its last day" (§6) --------------


@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2014-01-15", 1, "2014-02-15"),
    ("2014-01-31", 1, "2014-02-28"),   # February has no 31st
    ("2016-01-31", 1, "2016-02-29"),   # leap year
    ("2014-01-31", 3, "2014-04-30"),   # Finland: deposit 31 Jan 2014 + 3 months (§5)
    ("2014-03-31", 6, "2014-09-30"),
    ("2013-08-31", 6, "2014-02-28"),   # across the year end
    ("2015-08-31", 6, "2016-02-29"),   # across the year end into a leap February
    ("2013-11-30", 3, "2014-02-28"),
    ("2013-12-15", 1, "2014-01-15"),
    ("2014-05-31", -3, "2014-02-28"),  # backwards too
    ("2014-03-15", -15, "2012-12-15"),
    ("2014-03-15", 0, "2014-03-15"),
])
def test_add_months_keeps_the_day_or_takes_the_month_end(start, months, expected):
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(("start", "years", "expected"), [
    ("2016-02-29", 1, "2017-02-28"),  # no 29 February in a common year
    ("2016-02-29", 4, "2020-02-29"),
    ("2015-02-28", 1, "2016-02-28"),  # 28 February stays 28, even into a leap year
    ("2013-12-31", 1, "2014-12-31"),
])
def test_add_years(start, years, expected):
    assert add_years(D(start), years) == D(expected)


# --- the one-year limit, art. 3(2)(a): the year runs from the day after notification ---------------


@pytest.mark.parametrize(("notified", "last_day"), [
    ("2012-11-06", "2013-11-06"),  # López Rodríguez v. Spain, E/C.12/57/D/1/2013, para. 8.3
    ("2014-04-24", "2015-04-24"),  # Arellano Medina v. Ecuador, E/C.12/63/D/7/2015, paras 8.6-8.7
    ("2013-10-21", "2014-10-21"),  # DESIGN.md §5 example
    ("2016-02-29", "2017-02-28"),  # notified on 29 February: 28 February (the conservative reading, §6)
    ("2019-02-28", "2020-02-28"),  # not 29 February in the leap year
    ("2013-12-31", "2014-12-31"),
    ("2014-01-01", "2015-01-01"),
])
def test_one_year_last_day_is_the_anniversary_of_notification(notified, last_day):
    assert one_year_last_day(D(notified)) == D(last_day)


def test_the_day_after_rule_puts_the_anniversary_inside_and_the_next_day_outside():
    last = one_year_last_day(D("2012-11-06"))
    assert days_left(last, D("2013-11-06")) == 0   # submitted on the anniversary: in time
    assert days_left(last, D("2013-11-07")) == -1  # one day later: out of time
    assert days_left(last, D("2013-11-05")) == 1


def test_the_year_is_never_the_day_before_the_anniversary():
    # Counting "from the day of notification" would end on 5 Nov 2013; §6 counts from the next day.
    assert one_year_last_day(D("2012-11-06")) != D("2013-11-05")


# --- six- and four-month periods (arts 6(2), 9(2); rule 15(2) of 2022) -------------------------------


@pytest.mark.parametrize(("start", "expected"), [
    ("2023-01-10", "2023-07-10"),
    ("2023-08-31", "2024-02-29"),
    ("2022-08-31", "2023-02-28"),
    ("2023-03-31", "2023-09-30"),
])
def test_six_months(start, expected):
    assert six_months_after(D(start)) == D(expected)
    assert state_observations_due(D(start)) == D(expected)
    assert follow_up_response_due(D(start)) == D(expected)


@pytest.mark.parametrize(("start", "expected"), [
    ("2022-06-15", "2022-10-15"),
    ("2022-10-31", "2023-02-28"),
    ("2023-10-31", "2024-02-29"),
    ("2023-05-31", "2023-09-30"),
])
def test_four_months(start, expected):
    assert four_months_after(D(start)) == D(expected)
    assert merits_observations_due(D(start)) == D(expected)


def test_author_comments_are_only_a_two_month_suggestion():
    assert suggested_author_comments_due(D("2024-12-31")) == D("2025-02-28")


# --- entry into force, art. 18(2): three months after deposit (§5) ----------------------------------


def test_entry_into_force_after_deposit():
    assert entry_into_force_after_deposit(D("2014-01-31")) == D("2014-04-30")  # Finland: no 31 April
    assert entry_into_force_after_deposit(D("2023-04-20")) == D("2023-07-20")  # Germany


def test_the_registers_art18_2_dates_follow_the_same_arithmetic():
    register = StatesRegister.shipped()
    checked = 0
    for record in register.parties:
        if record.instrument_date is None or record.entry_into_force is None:
            continue
        if record.eif_basis.startswith("art18(2)"):
            assert record.entry_into_force == entry_into_force_after_deposit(record.instrument_date), record.iso2
            checked += 1
        else:  # the first ten instruments: 5 May 2013, art. 18(1)
            assert record.entry_into_force == deadlines.PROTOCOL_ENTRY_INTO_FORCE, record.iso2
            assert record.instrument_date <= D("2013-02-05"), record.iso2
    assert checked >= 10


# --- days left, labels and warnings ---------------------------------------------------------------


def test_days_left_is_negative_once_passed():
    assert days_left(D("2026-11-06"), D("2026-10-25")) == 12
    assert days_left(D("2026-11-06"), D("2026-11-06")) == 0
    assert days_left(D("2026-11-06"), D("2026-11-09")) == -3
    assert days_left(D("2014-10-21"), D("2014-01-28")) == 266  # DESIGN.md §5 example
    assert days_left(D("2016-03-01"), D("2016-02-28")) == 2    # leap day counted


@pytest.mark.parametrize(("today", "label"), [
    ("2026-10-25", "Last day to submit to the Committee: 6 Nov 2026 (in 12 days)"),
    ("2026-11-05", "Last day to submit to the Committee: 6 Nov 2026 (in 1 day)"),
    ("2026-11-06", "Last day to submit to the Committee: 6 Nov 2026 (today)"),
    ("2026-11-07", "Last day to submit to the Committee: 6 Nov 2026 (passed 1 day ago)"),
    ("2026-11-09", "Last day to submit to the Committee: 6 Nov 2026 (passed 3 days ago)"),
])
def test_deadline_label(today, label):
    assert deadline_label(D("2026-11-06"), D(today)) == label


def test_format_day_uses_short_english_months():
    assert [format_day(date(2026, month, 1)) for month in range(1, 13)] == [
        f"1 {name} 2026"
        for name in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    ]
    assert format_day(D("2026-03-12")) == "12 Mar 2026"


@pytest.mark.parametrize(("left", "level"), [
    (None, None), (365, None), (91, None),
    (90, "90"), (31, "90"),
    (30, "30"), (8, "30"),
    (7, "7"), (1, "7"), (0, "7"),
    (-1, "passed"), (-400, "passed"),
])
def test_warning_levels(left, level):
    assert warning_level(left) == level



@pytest.mark.parametrize(("left", "state"), [(None, None), (-1, "overdue"), (-400, "overdue"), (0, "due_soon"),
                                             (30, "due_soon"), (31, "upcoming"), (365, "upcoming")])
def test_badge_states(left, state):
    """Issue 17, point 5: one badge scheme — overdue, due soon (30 days or less), upcoming."""
    from caseapp.domain.deadlines import badge_state
    assert badge_state(left) == state
