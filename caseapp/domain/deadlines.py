"""Calendar arithmetic for the Protocol's time limits (domain/OP-ICESCR.md §6, §1.1 and §5).

Pure functions on ``datetime.date``. The rules, each with the section it comes from:

* **Calendar months** (§6, last bullet): "Months are calendar months; when the target month has no
  such day, use its last day." ``add_months(2014-01-31, 3)`` is 2014-04-30; ``add_months(2016-08-31,
  6)`` is 2017-02-28. Years are twelve calendar months, so the same month-end rule applies to 29 February.
* **One year, art. 3(2)(a)** (§6, first bullet, from *López Rodríguez v. Spain*, E/C.12/57/D/1/2013,
  para. 8.3): the year runs from the day *after* the author was notified of the final domestic
  decision, so a communication submitted on the same calendar date one year later is in time — the
  last day is the anniversary of the notification, not the day before (notified 6 Nov 2012 → last
  day 6 Nov 2013; notified 24 Apr 2014 → last day 24 Apr 2015, *Arellano Medina v. Ecuador*,
  E/C.12/63/D/7/2015, paras 8.6–8.7). Where the notification was on 29 February the last day is 28
  February of the next year (§6: "the conservative reading"). Where the notification date is unknown
  the caller counts from the decision date and says so (§6); the arithmetic is the same.
* **Six months, art. 6(2)** (§6): the State's observations are due six months after transmission.
* **Four months, rule 15(2) of the 2022 rules** (§6; §3.3): observations on the merits after a
  separate admissibility decision are due four months after its transmittal.
* **Six months, art. 9(2)** (§6): the State's response to the Views is due six months after transmittal.
* **Author comments** (§6): the deadline is the date in the Secretariat's letter, which the user
  enters; two months is only an editable suggestion (UNVERIFIED for CESCR).
* **Entry into force, art. 18(2)** (§5): three months after the deposit of a State's instrument
  (deposits after the tenth; the first ten took effect on 5 May 2013, art. 18(1)).

Periods expressed in months end on the same day-of-month as they start, by the same reading as the
one-year rule (the period runs from the next day, so its last day is the corresponding date).

Warnings (issue 5, item 5): a deadline shows "Last day to submit to the Committee: 6 Nov 2026 (in 12 days)", with
warnings at 90, 30 and 7 days and a clear mark once it has passed.
"""

from calendar import monthrange
from datetime import date

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# art. 18(1): the Protocol entered into force on 5 May 2013 for the first ten States (§1).
PROTOCOL_ENTRY_INTO_FORCE = date(2013, 5, 5)

# Warning levels, in days left (issue 5, item 5). Checked from the most urgent.
WARNING_DAYS = (7, 30, 90)
PASSED = "passed"

# The badge every page shows beside a running deadline (issue 17, point 5): one scheme everywhere, its
# colour always doubled by words ("overdue by 3 days", "due in 5 days").
OVERDUE = "overdue"
DUE_SOON = "due_soon"
UPCOMING = "upcoming"
DUE_SOON_DAYS = 30  # the same 30 days as the screening queue's "30 days or less"


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (negative goes back); a missing day becomes the
    month's last day (OP-ICESCR.md §6)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month_index = divmod(index, 12)
    month = month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """``day`` plus whole years: 29 February becomes 28 February in a common year (§6)."""
    return add_months(day, 12 * years)


def one_year_last_day(notified: date) -> date:
    """The last day to submit under art. 3(2)(a), from the date of notification of the final
    domestic decision (or, when that is unknown, of the decision itself — the caller says which).

    The year runs from the day after notification, so the last day is the anniversary: 6 Nov 2012 →
    6 Nov 2013 (López Rodríguez, para. 8.3); 29 Feb 2016 → 28 Feb 2017 (the conservative reading, §6).
    """
    return add_years(notified, 1)


def six_months_after(day: date) -> date:
    """The last day of a six-month period starting the day after ``day`` (arts 6(2), 9(2); §6)."""
    return add_months(day, 6)


def four_months_after(day: date) -> date:
    """The last day of a four-month period starting the day after ``day`` (rule 15(2), 2022 rules; §6)."""
    return add_months(day, 4)


def state_observations_due(transmitted: date) -> date:
    """Art. 6(2): the State's written explanations, six months from transmission of the communication."""
    return six_months_after(transmitted)


def merits_observations_due(admissibility_transmitted: date) -> date:
    """Rule 15(2) (2022): the State's merits observations, four months from transmittal of the
    separate admissibility decision."""
    return four_months_after(admissibility_transmitted)


def follow_up_response_due(views_transmitted: date) -> date:
    """Art. 9(2): the State's written response to the Views, six months after their transmittal."""
    return six_months_after(views_transmitted)


def suggested_author_comments_due(letter_date: date) -> date:
    """Only a suggestion for the user to edit: two months after the Secretariat's letter (§6: the real
    date is the one set in the letter; "two months" is UNVERIFIED for CESCR)."""
    return add_months(letter_date, 2)


def entry_into_force_after_deposit(deposit: date) -> date:
    """Art. 18(2): three months after the deposit of an instrument made after the tenth; the first
    ten instruments took effect on 5 May 2013 (art. 18(1)), which the caller must know (§5)."""
    return add_months(deposit, 3)


def days_left(last_day: date, from_date: date) -> int:
    """Whole days from ``from_date`` to ``last_day``: 0 on the last day, negative once it has passed."""
    return (last_day - from_date).days


def format_day(day: date) -> str:
    """6 Nov 2026 — the same in every locale (DESIGN.md §6 shows dates as "12 Mar 2026")."""
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def relative_phrase(last_day: date, today: date) -> str:
    """ "in 12 days", "today" or "passed 3 days ago"."""
    left = days_left(last_day, today)
    if left > 0:
        return f"in {_days(left)}"
    if left == 0:
        return "today"
    return f"passed {_days(-left)} ago"


def deadline_label(last_day: date, today: date) -> str:
    """ "Last day to submit to the Committee: 6 Nov 2026 (in 12 days)" / "(today)" / "(passed 3 days ago)"."""
    return f"Last day to submit to the Committee: {format_day(last_day)} ({relative_phrase(last_day, today)})"


def warning_level(left: int | None) -> str | None:
    """The warning a deadline ``left`` days away calls for: "passed" once it has passed (negative),
    "7" from 7 days left to the last day itself (0), "30" from 30 to 8, "90" from 90 to 31, else
    None (also for an unknown deadline)."""
    if left is None:
        return None
    if left < 0:
        return PASSED
    for threshold in WARNING_DAYS:
        if left <= threshold:
            return str(threshold)
    return None


def badge_state(left: int | None) -> str | None:
    """The badge of a deadline ``left`` days away: "overdue" once passed (negative), "due_soon" from
    ``DUE_SOON_DAYS`` days to the last day itself (0), "upcoming" further ahead; None when unknown."""
    if left is None:
        return None
    if left < 0:
        return OVERDUE
    return DUE_SOON if left <= DUE_SOON_DAYS else UPCOMING
