"""The retention rule for declined reports (DATA-02): pure dates, no database."""

from datetime import date, timedelta

import pytest

import config
from caseapp.domain.retention import DEFAULT_RETENTION_DAYS, age_in_days, check_days, is_expired

TODAY = date(2025, 6, 15)


def test_the_default_period_is_a_year_and_the_setting_says_so():  # DATA-02
    assert DEFAULT_RETENTION_DAYS == 365 == config.Config.RETENTION_DAYS


@pytest.mark.parametrize(("age", "expired"), [(0, False), (10, False), (364, False), (365, False), (366, True),
                                              (400, True)])
def test_a_report_is_kept_for_the_whole_period_and_shredded_after_it(age, expired):
    declined_on = TODAY - timedelta(days=age)
    assert age_in_days(declined_on, TODAY) == age
    assert is_expired(declined_on, TODAY, 365) is expired


def test_a_decline_dated_in_the_future_is_never_expired():
    assert not is_expired(TODAY + timedelta(days=3), TODAY, 1)


@pytest.mark.parametrize("days", [0, -1, True, 1.5, "365", None])
def test_an_unusable_period_is_refused(days):
    with pytest.raises(ValueError, match="at least 1"):
        check_days(days)
    with pytest.raises(ValueError):
        is_expired(TODAY - timedelta(days=1000), TODAY, days)
