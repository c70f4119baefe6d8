"""`flask deadlines [--json] [--within DAYS]` and the query behind it (issue 6, item 3).

Due dates are the basis date plus the period in calendar months, a missing day becoming the month's last
(domain/OP-ICESCR.md §6): these cases sit on month ends and 29 February on purpose.
"""

import json
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
import time_machine

from caseapp.core.extensions import db
from caseapp.domain import stages
from caseapp.domain.committee import Record, open_deadlines
from caseapp.models import Base, Case, Communication, Organisation
from caseapp.services.deadlines import OPEN_STAGES, deadline_items, deadline_query
from tests.factories import build_app, counting, make_case, make_organisation, make_staged_case

TODAY = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
JSON_KEYS = ["case", "kind", "basis_date", "due_date", "days_left"]


def run(app, *args):
    return app.test_cli_runner().invoke(args=["deadlines", *args])


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


tracked = make_staged_case


@pytest.fixture
def docket(app, clock):
    """Five cases, one per kind of deadline, each due exactly its period after a month-end basis date."""
    org = make_organisation("Organisation A")
    return {
        # 2025-08-31 + 6 months: February has no 31st → 2026-02-28 (in 18 days).
        "state_observations": tracked(app, org, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 31)),
        # Leap year: 2023-08-31 + 6 months → 2024-02-29, long overdue.
        "leap": tracked(app, org, stage=stages.REGISTERED, transmitted_on=date(2023, 8, 31)),
        # Views transmitted 2024-02-29 + 6 months → 2024-08-29 (follow-up response, art. 9(2)).
        "follow_up": tracked(app, org, stage=stages.FOLLOW_UP, decision_type="views_violation",
                             decision_adopted_on=date(2024, 2, 1), decision_transmitted_on=date(2024, 2, 29)),
        # Separate admissibility decision transmitted 2025-10-31 + 4 months → 2026-02-28.
        "merits": tracked(app, org, stage=stages.COMMENTS, transmitted_on=date(2025, 6, 1),
                          state_observations_received_on=date(2025, 11, 20),
                          admissibility_transmitted_on=date(2025, 10, 31)),
        # One-year limit in screening: notified 2025-05-12 → last day 2026-05-12 (91 days).
        "one_year": tracked(app, org, stage=stages.SCREENING, one_year=(date(2025, 5, 12), date(2026, 5, 12))),
    }


def test_json_lists_every_open_deadline_with_its_exact_due_date(app, docket):
    result = run(app, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert all(list(entry) == JSON_KEYS for entry in out)
    assert out == [
        {"case": docket["leap"].reference, "kind": "state_observations", "basis_date": "2023-08-31",
         "due_date": "2024-02-29", "days_left": (date(2024, 2, 29) - TODAY.date()).days},
        {"case": docket["follow_up"].reference, "kind": "follow_up_response", "basis_date": "2024-02-29",
         "due_date": "2024-08-29", "days_left": (date(2024, 8, 29) - TODAY.date()).days},
        {"case": docket["state_observations"].reference, "kind": "state_observations", "basis_date": "2025-08-31",
         "due_date": "2026-02-28", "days_left": 18},
        {"case": docket["merits"].reference, "kind": "merits_observations", "basis_date": "2025-10-31",
         "due_date": "2026-02-28", "days_left": 18},
        {"case": docket["one_year"].reference, "kind": "one_year_limit", "basis_date": "2025-05-12",
         "due_date": "2026-05-12", "days_left": 91},
    ]


def test_within_keeps_what_is_due_in_that_many_days_and_what_is_overdue(app, docket):
    out = json.loads(run(app, "--json", "--within", "18").output)
    assert [entry["due_date"] for entry in out] == ["2024-02-29", "2024-08-29", "2026-02-28", "2026-02-28"]
    assert [entry["kind"] for entry in json.loads(run(app, "--json", "--within", "0").output)] == [
        "state_observations", "follow_up_response"]  # only the overdue ones
    assert len(json.loads(run(app, "--json", "--within", "91").output)) == 5


def test_within_must_be_a_whole_number_of_days_not_negative(app, clock):
    for bad in ("-1", "ten", "1.5"):
        result = run(app, "--within", bad)
        assert result.exit_code == 2, bad
        assert "--within" in result.output


def test_the_table_reads_as_a_person_would_say_it(app, docket):
    result = run(app)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:2] == ["CASE", "DEADLINE"]
    observations = next(line for line in lines if line.startswith(docket["state_observations"].reference))
    assert "State's observations (art. 6(2))" in observations
    assert "31 Aug 2025" in observations and "28 Feb 2026" in observations and observations.endswith("in 18 days")
    leap = next(line for line in lines if line.startswith(docket["leap"].reference))
    assert "29 Feb 2024" in leap and leap.endswith(f"overdue by {(TODAY.date() - date(2024, 2, 29)).days} days")
    one_year = next(line for line in lines if line.startswith(docket["one_year"].reference))
    assert "One-year limit to submit (art. 3(2)(a))" in one_year and "12 May 2026" in one_year


def test_with_nothing_open_it_says_so_and_json_is_an_empty_list(app, clock):
    assert run(app).output.strip() == "No open deadline."
    assert run(app, "--within", "30").output.strip() == "No open deadline due within 30 days, and none overdue."
    assert json.loads(run(app, "--json").output) == []


def test_closed_declined_and_unsubmitted_cases_have_no_deadline(app, clock):
    org = make_organisation("Organisation A")
    soon = (date(2025, 3, 1), date(2026, 3, 1))
    tracked(app, org, stage=stages.CLOSED, transmitted_on=date(2025, 8, 31), one_year=soon)
    tracked(app, org, stage=stages.DECLINED, one_year=soon)
    tracked(app, org, stage=stages.WITHDRAWN, transmitted_on=date(2025, 8, 31))
    tracked(app, org, stage=stages.FOLLOW_UP, decision_type="views_no_violation",
            decision_adopted_on=date(2025, 9, 1), decision_transmitted_on=date(2025, 10, 1))
    draft, _document = make_case(app, org)  # no reference
    draft.stage, draft.one_year_last_day = stages.SCREENING, date(2026, 3, 1)
    db.session.commit()
    received = tracked(app, org, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 31),
                       state_observations_received_on=date(2026, 1, 5))
    assert received.reference
    assert json.loads(run(app, "--json").output) == []


def test_the_command_needs_the_database_but_not_the_keys(tmp_path, database_url):
    """It reads clear date columns only, so it runs where the keys are not loaded (it is declared keyless)."""
    app = build_app(tmp_path, database_url, require_keys=False, KEKS=None, INDEX_SECRET=None,
                    KEYS_DIR=str(tmp_path / "no-keys"))
    assert app.extensions["caseapp.keyring"] is None
    with app.app_context():
        if database_url is None:
            Base.metadata.create_all(db.engine)
        result = run(app, "--json")
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []

    from caseapp.cli.deadlines import command

    assert command.callback.needs_keys is False


# --- the query -------------------------------------------------------------------------------------


def test_deadline_items_is_one_query_however_many_cases(app, docket):
    with counting() as statements:
        items = deadline_items(db.session, today=TODAY.date())
    assert len(items) == 5
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1  # not SQLite's BEGIN


def _brute_force(today: date, within: int | None, overdue: bool) -> list[tuple]:
    """Every case, every deadline the domain rules find, filtered in Python: what the SQL must agree with."""
    found = []
    cases = db.session.query(Case).all()
    communications = {c.case_id: c for c in db.session.query(Communication).all()}
    for case in cases:
        if case.reference is None:
            continue
        comm = communications.get(case.id)
        fields = ("transmitted_on", "state_observations_received_on", "author_comments_letter_on",
                  "author_comments_due", "author_comments_sent_on", "admissibility_transmitted_on",
                  "merits_observations_received_on", "decision_type", "decision_transmitted_on",
                  "follow_up_response_received_on")
        record = Record(stage=case.stage, one_year_basis=case.one_year_basis_date,
                        one_year_last_day=case.one_year_last_day,
                        **{name: getattr(comm, name) if comm else None for name in fields})
        for deadline in open_deadlines(record):
            left = (deadline.due_date - today).days
            if within is not None and left > within:
                continue
            if not overdue and left < 0:
                continue
            found.append((case.reference, deadline.kind, deadline.due_date))
    return sorted(found, key=lambda entry: (entry[2], entry[0]))


def test_the_sql_filter_never_drops_a_deadline_the_rules_find(app, clock):
    """Cases with month-end and leap-day dates around every window edge: the narrowed query gives exactly
    what filtering every case in Python gives."""
    org = db.session.get(Organisation, make_organisation("Organisation A").id)
    today = TODAY.date()
    days = [today + timedelta(days=offset)
            for offset in (-400, -200, -31, -1, 0, 1, 29, 30, 31, 59, 60, 61, 90, 91, 400)]
    bases = sorted({*days, date(2025, 8, 28), date(2025, 8, 29), date(2025, 8, 30), date(2025, 8, 31), date(2025, 9, 1),
                    date(2025, 10, 31), date(2025, 11, 1), date(2025, 8, 10), date(2025, 8, 11), date(2025, 8, 9)})
    number = 0

    def add(stage, **values):
        nonlocal number
        number += 1
        case = Case(uuid=uuid4(), reference=f"ESCR-2099-{number:04d}", organisation_id=org.id, stage=stage,
                    one_year_last_day=values.pop("one_year_last_day", None))
        db.session.add(case)
        db.session.flush()
        if values:
            db.session.add(Communication(uuid=uuid4(), case_id=case.id, articles_violated=[], public_links=[],
                                         **values))

    for basis in bases:
        add(stages.SCREENING, one_year_last_day=basis)
        add(stages.OBSERVATIONS, transmitted_on=basis)
        add(stages.COMMENTS, transmitted_on=date(2024, 1, 1), state_observations_received_on=date(2024, 3, 1),
            admissibility_transmitted_on=basis)
        add(stages.COMMENTS, author_comments_due=basis)
        add(stages.FOLLOW_UP, decision_type="views_violation", decision_adopted_on=basis, decision_transmitted_on=basis)
        add(stages.DECIDED, decision_type="views_violation", decision_adopted_on=basis, decision_transmitted_on=basis,
            follow_up_response_received_on=basis)
        add(stages.CLOSED, transmitted_on=basis, one_year_last_day=basis)
    db.session.commit()

    # The window is applied in SQL (rows are left out), not only in Python.
    every_row = len(db.session.execute(deadline_query()).all())
    assert len(db.session.execute(deadline_query(start=today, end=today + timedelta(days=30))).all()) < every_row / 4
    for within in (None, 0, 1, 30, 60, 90):
        for overdue in (True, False):
            got = [(item.case.reference, item.kind, item.due_date)
                   for item in deadline_items(db.session, today=today, within=within, overdue=overdue)]
            assert got == _brute_force(today, within, overdue), (within, overdue)


def test_open_stages_are_those_the_rules_name():
    assert set(OPEN_STAGES) == {
        stages.SUBMITTED, stages.SCREENING, stages.INFO_REQUESTED, stages.CANDIDATE, stages.PREPARING,
        stages.SUBMITTED_TO_COMMITTEE, stages.REGISTERED, stages.OBSERVATIONS, stages.COMMENTS, stages.DECIDED,
        stages.FOLLOW_UP,
    }
