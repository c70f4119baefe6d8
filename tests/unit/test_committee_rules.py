"""The Committee procedure's pure rules: deadlines from the recorded dates (OP-ICESCR.md §6, month ends
and leap years), what each stage needs, the record's checks, and the publicity status."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.domain import committee, covenant, stages
from caseapp.domain.committee import Record, open_deadlines
from caseapp.domain.deadlines import add_months

TODAY = date(2026, 11, 27)
CODES = frozenset(covenant.BY_CODE)


def due(record: Record) -> dict[str, tuple[date | None, date]]:
    return {d.kind: (d.basis_date, d.due_date) for d in open_deadlines(record)}


@pytest.mark.parametrize(("transmitted", "expected"), [
    (date(2025, 8, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
    (date(2023, 8, 31), date(2024, 2, 29)),  # a leap year
    (date(2026, 1, 31), date(2026, 7, 31)),
    (date(2025, 12, 15), date(2026, 6, 15)),
])
def test_state_observations_are_due_six_calendar_months_after_transmission(transmitted, expected):  # art. 6(2)
    record = Record(stage=stages.OBSERVATIONS, transmitted_on=transmitted)
    assert due(record)["state_observations"] == (transmitted, expected)


@pytest.mark.parametrize(("transmitted", "expected"), [
    (date(2025, 10, 31), date(2026, 2, 28)),
    (date(2023, 10, 31), date(2024, 2, 29)),
    (date(2026, 3, 15), date(2026, 7, 15)),
])
def test_merits_observations_are_due_four_months_after_the_admissibility_decision(transmitted, expected):  # rule 15(2)
    record = Record(stage=stages.COMMENTS, admissibility_transmitted_on=transmitted)
    assert due(record)["merits_observations"] == (transmitted, expected)


@pytest.mark.parametrize(("transmitted", "expected"), [
    (date(2024, 2, 29), date(2024, 8, 29)),
    (date(2023, 8, 31), date(2024, 2, 29)),
    (date(2025, 8, 31), date(2026, 2, 28)),
])
def test_the_follow_up_response_is_due_six_months_after_views_finding_a_violation(transmitted, expected):  # art. 9(2)
    record = Record(stage=stages.FOLLOW_UP, decision_type=committee.VIEWS_VIOLATION,
                    decision_transmitted_on=transmitted)
    assert due(record)["follow_up_response"] == (transmitted, expected)
    no_violation = Record(stage=stages.DECIDED, decision_type=committee.VIEWS_NO_VIOLATION,
                          decision_transmitted_on=transmitted)
    assert "follow_up_response" not in due(no_violation)


def test_the_author_comments_deadline_is_the_letters_date():
    record = Record(stage=stages.COMMENTS, author_comments_letter_on=date(2026, 10, 31),
                    author_comments_due=date(2026, 12, 15))
    assert due(record)["author_comments"] == (date(2026, 10, 31), date(2026, 12, 15))
    sent = Record(stage=stages.COMMENTS, author_comments_due=date(2026, 12, 15),
                  author_comments_sent_on=date(2026, 12, 1))
    assert due(sent) == {}


def test_the_one_year_limit_runs_until_the_communication_is_submitted():
    kwargs = {"one_year_basis": date(2016, 2, 29), "one_year_last_day": date(2017, 2, 28)}
    for stage in (stages.SUBMITTED, stages.SCREENING, stages.INFO_REQUESTED, stages.CANDIDATE, stages.PREPARING):
        assert due(Record(stage=stage, **kwargs)) == {"one_year_limit": (date(2016, 2, 29), date(2017, 2, 28))}
    for stage in (stages.SUBMITTED_TO_COMMITTEE, stages.DECLINED, stages.CLOSED):
        assert due(Record(stage=stage, **kwargs)) == {}


def test_a_received_answer_or_a_decision_closes_the_deadline():
    assert due(Record(stage=stages.OBSERVATIONS, transmitted_on=date(2026, 1, 5),
                      state_observations_received_on=date(2026, 6, 1))) == {}
    assert due(Record(stage=stages.DECIDED, transmitted_on=date(2026, 1, 5))) == {}
    assert due(Record(stage=stages.CLOSED, decision_type=committee.VIEWS_VIOLATION,
                      decision_transmitted_on=date(2026, 1, 5))) == {}


@given(st.dates(min_value=date(2013, 5, 5), max_value=date(2040, 12, 31)))
def test_every_due_date_is_its_basis_plus_the_period(day):
    record = Record(stage=stages.OBSERVATIONS, transmitted_on=day, admissibility_transmitted_on=day)
    found = due(record)
    assert found["state_observations"] == (day, add_months(day, 6))
    assert found["merits_observations"] == (day, add_months(day, 4))
    assert found["state_observations"][1] > day


def test_each_stage_says_what_it_needs_recorded():
    assert stages.missing_for(stages.REGISTERED, {}) == ("registered_on", "communication_number")
    assert stages.missing_for(stages.REGISTERED, {"registered_on": TODAY, "communication_number": "12/2026"}) == ()
    assert stages.missing_for(stages.DECIDED, {"decision_type": "inadmissible"}) == ("decision_adopted_on",)
    assert stages.missing_for(stages.CLOSED, {}) == ()


def test_the_record_refuses_future_dates_bad_order_and_bad_numbers():
    errors = committee.check_record({"submitted_on": date(2026, 12, 1)}, today=TODAY, covenant_codes=CODES)
    assert errors == {"submitted_on": "Submitted to the Committee on: this date is in the future."}
    errors = committee.check_record({"submitted_on": date(2026, 5, 1), "registered_on": date(2026, 4, 1)},
                                    today=TODAY, covenant_codes=CODES)
    assert "registered_on" in errors
    errors = committee.check_record({"communication_number": "12-2026", "un_symbol": "E/C.12/D/1"}, today=TODAY,
                                    covenant_codes=CODES)
    assert set(errors) == {"communication_number", "un_symbol"}
    # IN-02: a trailing newline (which "$" lets through) is refused, not stored with the number.
    errors = committee.check_record({"communication_number": "12/2026\n", "un_symbol": "E/C.12/77/D/242/2021\n"},
                                    today=TODAY, covenant_codes=CODES)
    assert set(errors) == {"communication_number", "un_symbol"}
    assert committee.check_record({"author_comments_due": date(2027, 1, 31), "communication_number": "12/2026",
                                   "un_symbol": "E/C.12/77/D/242/2021"}, today=TODAY, covenant_codes=CODES) == {}


def test_articles_found_violated_go_with_views_finding_a_violation():
    inadmissible = {"decision_type": "inadmissible", "decision_adopted_on": TODAY, "articles_violated": ["11(1)"]}
    assert "articles_violated" in committee.check_record(inadmissible, today=TODAY, covenant_codes=CODES)
    views = {"decision_type": "views_violation", "decision_adopted_on": TODAY, "articles_violated": ["11(1)", "99"]}
    assert committee.check_record(views, today=TODAY, covenant_codes=CODES) == {
        "articles_violated": "Not an article of the Covenant: 99."}
    assert committee.check_record({"decision_adopted_on": TODAY}, today=TODAY, covenant_codes=CODES) == {
        "decision_type": "Say which decision the Committee adopted."}


def test_publicised_in_the_country_needs_the_public_and_the_institutions():
    assert not committee.publicised_in_country({"translation", "ohchr_database"}, 0)
    assert not committee.publicised_in_country({"press_release"}, 0)
    assert committee.publicised_in_country({"press_release", "courts"}, 0)
    assert committee.publicised_in_country({"authorities"}, 2)


def test_a_reminder_after_thirty_days_without_publicity():
    assert not committee.needs_publicity_reminder(date(2026, 11, 1), None, TODAY)  # 26 days
    assert committee.needs_publicity_reminder(date(2026, 10, 28), None, TODAY)  # 30 days
    assert not committee.needs_publicity_reminder(date(2026, 1, 1), date(2026, 11, 20), TODAY)
    assert not committee.needs_publicity_reminder(None, None, TODAY)


def test_the_one_year_limit_runs_only_until_the_communication_is_submitted():
    """Issue 17, point 5: no "passed 1,335 days ago" on a case the Committee has, or one that is over."""
    from caseapp.domain import stages
    from caseapp.domain.committee import one_year_limit_runs
    running = {stage for stage in stages.STAGES if one_year_limit_runs(stage)}
    assert running == {stages.DRAFT, stages.SUBMITTED, stages.SCREENING, stages.INFO_REQUESTED, stages.CANDIDATE,
                       stages.PREPARING}
