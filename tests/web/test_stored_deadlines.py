"""The stored deadlines (issue 20, point 2): every write of the dates a deadline derives from — a
submission, the record before the Committee, a stage move, a deleted communication — leaves
``case_deadlines`` and ``cases.next_due_on`` equal to what the domain's rules find now, so the deadlines
page, the home pages' counts and the Committee list's order, which read them, show what the rules say.
``flask deadlines --refresh`` recomputes them; the migration fills them for the cases already there."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import delete, select

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import stages
from caseapp.models import Case, CaseDeadline, Communication
from caseapp.services import committee, deadlines
from caseapp.services.timeline import move_case
from caseapp.services.vault import open_vault
from tests.factories import make_staged_case, signed_in, text_of

TODAY = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def stored() -> dict[int, set[tuple[str, date | None, date]]]:
    rows = db.session.execute(select(CaseDeadline.case_id, CaseDeadline.kind, CaseDeadline.basis_date,
                                     CaseDeadline.due_date)).all()
    found: dict[int, set] = {}
    for case_id, kind, basis, due in rows:
        found.setdefault(case_id, set()).add((kind, basis, due))
    return found


def computed() -> dict[int, set[tuple[str, date | None, date]]]:
    ids = list(db.session.execute(select(Case.id)).scalars())
    return {case_id: {(d.kind, d.basis_date, d.due_date) for d in due}
            for case_id, due in deadlines.computed_deadlines(db.session, ids).items() if due}


def next_due(case: Case) -> date | None:
    return db.session.execute(select(Case.next_due_on).where(Case.id == case.id)).scalar_one()


def test_every_kind_of_write_leaves_the_stored_deadlines_equal_to_the_rules(app, people, org_a):
    coordinator = people["coordinator"].user
    screening = make_staged_case(app, org_a, stage=stages.SCREENING, one_year=(date(2025, 2, 22), date(2026, 2, 22)))
    observations = make_staged_case(app, org_a, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 5))
    assert stored() == computed() and len(stored()) == 2
    assert next_due(screening) == date(2026, 2, 22) and next_due(observations) == date(2026, 2, 5)

    # The record before the Committee: the State's observations arrive, the author's comments are due.
    vault = open_vault(db.session, keyring(), observations)
    values = committee.record_values(observations_communication := db.session.execute(
        select(Communication).filter_by(case_id=observations.id)).scalar_one())
    values.update(state_observations_received_on=date(2026, 1, 20), author_comments_letter_on=date(2026, 1, 25),
                  author_comments_due=date(2026, 3, 25))
    committee.update_record(db.session, vault, coordinator, values, today=TODAY.date())
    db.session.commit()
    assert stored() == computed()
    assert next_due(observations) == date(2026, 3, 25)

    # A stage move that ends the one-year limit's count: the case leaves every deadline list.
    move_case(db.session, open_vault(db.session, keyring(), screening), people["lawyer"].user, stages.DECLINED,
              "Not admissible.")
    db.session.commit()
    assert screening.id not in stored() and next_due(screening) is None
    assert stored() == computed()

    # A communication deleted: its deadlines go with it.
    db.session.delete(observations_communication)
    db.session.commit()
    assert stored() == computed() == {}


def test_a_rolled_back_change_leaves_the_stored_deadlines_as_they_were(app, org_a):
    case = make_staged_case(app, org_a, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 5))
    before = stored()
    communication = db.session.execute(select(Communication).filter_by(case_id=case.id)).scalar_one()
    communication.transmitted_on = date(2025, 12, 1)
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert stored() == before == computed()


def test_refreshing_keeps_a_case_s_last_change(app, org_a):
    """Stored deadlines are derived data: writing them is not a change of the case (a partner's list is
    ordered by last change)."""
    case = make_staged_case(app, org_a, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 5))
    changed = db.session.execute(select(Case.updated_at).where(Case.id == case.id)).scalar_one()
    deadlines.refresh(db.session, [case.id])
    db.session.commit()
    assert db.session.execute(select(Case.updated_at).where(Case.id == case.id)).scalar_one() == changed


def test_the_pages_read_the_stored_deadlines(app, people, org_a):
    soon = make_staged_case(app, org_a, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 20))  # 20 Feb
    later = make_staged_case(app, org_a, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 5))  # 5 Feb
    coordinator = signed_in(app, people["coordinator"].user)
    listed = text_of(coordinator.get("/committee").get_data(as_text=True))
    assert listed.index(later.reference) < listed.index(soon.reference)  # overdue first, then soonest
    # The later case's observations arrive: it has nothing due any more and goes below the other.
    communication = db.session.execute(select(Communication).filter_by(case_id=later.id)).scalar_one()
    communication.state_observations_received_on = date(2026, 2, 1)
    db.session.commit()
    listed = text_of(coordinator.get("/committee").get_data(as_text=True))
    assert listed.index(soon.reference) < listed.index(later.reference)
    page = text_of(coordinator.get("/deadlines").get_data(as_text=True))
    assert soon.reference in page and later.reference not in page


def test_flask_deadlines_refresh_recomputes_what_was_lost(app, org_a):
    case = make_staged_case(app, org_a, stage=stages.OBSERVATIONS, transmitted_on=date(2025, 8, 5))
    db.session.execute(delete(CaseDeadline))  # as rows written without the ORM, or a change of the rules
    db.session.commit()
    runner = app.test_cli_runner()
    assert case.reference not in runner.invoke(args=["deadlines"]).output
    result = runner.invoke(args=["deadlines", "--refresh"])
    assert result.exit_code == 0, result.output
    assert f"{case.reference}" in result.output and "overdue by 5 days" in result.output
    assert stored() == computed()
