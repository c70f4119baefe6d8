"""Retention of declined reports (DATA-02): the pure rule of when one is crypto-shredded.

A declined report is kept for ``days`` whole days after the decline and shredded once it is older
than that (SECURITY.md: "declined reports are crypto-shredded after a configurable period, default
365 days"). A report declined on 1 March with a limit of 365 days is kept through 1 March of the
next year (365 days old, or 366 across a leap day) and shredded from the day after. No Flask, no
database.
"""

from datetime import date

DEFAULT_RETENTION_DAYS = 365


def age_in_days(declined_on: date, today: date) -> int:
    """Whole days since the decline (0 on the day itself; negative if the clock went backwards)."""
    return (today - declined_on).days


def check_days(days: int) -> int:
    """``days`` if it is a usable limit, else ValueError: a limit under one day would shred a report
    on the day it was declined, before the partner could even read why."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"the retention period must be a whole number of days, at least 1 (got {days!r})")
    return days


def is_expired(declined_on: date, today: date, days: int) -> bool:
    """True when a report declined on ``declined_on`` is older than ``days`` days on ``today``."""
    return age_in_days(declined_on, today) > check_days(days)
