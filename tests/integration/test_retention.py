"""`flask retention run`: declined reports are crypto-shredded after the retention period (DATA-02, CRY-06)."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.domain import roles, stages
from caseapp.models import AuditEvent, Case, CaseEvent, DataKey, Document, Victim
from caseapp.models.base import utcnow
from caseapp.services import screening
from caseapp.services.vault import open_vault
from tests.factories import make_case, make_organisation, make_user, record_screening


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def declined_report(app, organisation, lawyer, *, days_ago: int):
    """A submitted report a lawyer declined ``days_ago`` days ago (created then too)."""
    with time_machine.travel(utcnow() - timedelta(days=days_ago), tick=False):
        case, document = make_case(app, organisation, submit=True)
        screening.decline(db.session, open_vault(db.session, keyring(), case), lawyer, "Outside the Covenant.")
        db.session.commit()
    return case, document


def snapshot(case, document) -> dict:
    """What must go when the case is shredded, and stay when it is not."""
    return {
        "case": db.session.execute(select(func.count()).select_from(Case).where(Case.id == case.id)).scalar_one(),
        "key": db.session.execute(select(func.count()).select_from(DataKey)
                                  .where(DataKey.scope == f"case:{case.uuid}")).scalar_one(),
        "documents": db.session.execute(select(func.count()).select_from(Document)
                                        .where(Document.case_id == case.id)).scalar_one(),
        "victims": db.session.execute(select(func.count()).select_from(Victim)
                                      .where(Victim.case_id == case.id)).scalar_one(),
        "events": db.session.execute(select(func.count()).select_from(CaseEvent)
                                     .where(CaseEvent.case_id == case.id)).scalar_one(),
        "file": file_store().path(document.uuid).exists(),
    }


@pytest.fixture
def reports(app):
    """A report declined 400 days ago, one declined 10 days ago, and a strategic candidate of 400 days."""
    organisation = make_organisation("Retention NGO")
    lawyer = make_user(app, roles.LAWYER).user
    old = declined_report(app, organisation, lawyer, days_ago=400)
    recent = declined_report(app, organisation, lawyer, days_ago=10)
    with time_machine.travel(utcnow() - timedelta(days=400), tick=False):
        candidate = make_case(app, organisation, submit=True)
        record_screening(candidate[0], lawyer)
        screening.accept(db.session, open_vault(db.session, keyring(), candidate[0]), lawyer)
        db.session.commit()
    assert candidate[0].stage == stages.CANDIDATE
    return {"old": old, "recent": recent, "candidate": candidate}


def test_a_dry_run_lists_what_it_would_shred_and_deletes_nothing(app, reports):  # DATA-02
    old, _ = reports["old"]
    before = {name: snapshot(*pair) for name, pair in reports.items()}
    result = run(app, "retention", "run")
    assert result.exit_code == 0, result.output
    declined_on = (utcnow() - timedelta(days=400)).date().isoformat()
    assert re.search(rf"^{old.reference} +{declined_on} +400$", result.output, re.MULTILINE)
    assert reports["recent"][0].reference not in result.output
    assert reports["candidate"][0].reference not in result.output
    assert "dry run: nothing deleted; run with --apply" in result.output
    assert {name: snapshot(*pair) for name, pair in reports.items()} == before
    assert before["old"] == {"case": 1, "key": 1, "documents": 1, "victims": 1, "events": 1, "file": True}


def test_apply_crypto_shreds_expired_reports_only(app, reports):  # DATA-02, CRY-06
    old, old_document = reports["old"]
    old_uuid = old.uuid
    kept = {name: snapshot(*reports[name]) for name in ("recent", "candidate")}
    old_file = file_store().path(old_document.uuid)

    result = run(app, "retention", "run", "--apply")
    assert result.exit_code == 0, result.output
    assert "Crypto-shredded 1 declined report older than 365 days." in result.output

    db.session.expire_all()
    gone = snapshot(old, old_document)
    assert gone == {"case": 0, "key": 0, "documents": 0, "victims": 0, "events": 0, "file": False}
    assert not old_file.exists()  # unlinked once the deletion committed, not left for the sweeper
    assert {name: snapshot(*reports[name]) for name in ("recent", "candidate")} == kept
    shredded = db.session.execute(select(AuditEvent).where(AuditEvent.action == "case_shredded")).scalars().all()
    assert [event.case_uuid for event in shredded] == [str(old_uuid)]
    assert db.session.execute(select(AuditEvent.action).where(AuditEvent.action == "retention_applied")).scalar_one()

    again = run(app, "retention", "run", "--apply")  # nothing left to do
    assert again.exit_code == 0 and "No declined report is older than 365 days." in again.output


def test_days_overrides_the_setting(app, reports):
    result = run(app, "retention", "run", "--days", "5")
    assert result.exit_code == 0
    assert reports["old"][0].reference in result.output and reports["recent"][0].reference in result.output
    assert "2 declined reports older than 5 days would be crypto-shredded." in result.output
    assert run(app, "retention", "run", "--days", "0").exit_code != 0


def test_the_setting_sets_the_period(app, reports):
    app.config["RETENTION_DAYS"] = 500
    assert "No declined report is older than 500 days." in run(app, "retention", "run").output
    app.config["RETENTION_DAYS"] = 0
    refused = run(app, "retention", "run")
    assert refused.exit_code != 0 and "RETENTION_DAYS" in refused.output


def test_a_report_declined_before_the_timeline_counts_from_its_last_change(app):
    organisation = make_organisation("Old NGO")
    with time_machine.travel(utcnow() - timedelta(days=400), tick=False):
        case, _document = make_case(app, organisation, submit=True)
        case.stage = stages.DECLINED  # as an import from before case_events would leave it
        db.session.commit()
    output = run(app, "retention", "run").output
    assert re.search(rf"^{case.reference} +\S+ +400$", output, re.MULTILINE)


def test_a_report_reopened_and_declined_again_counts_from_the_latest_decline(app):
    organisation = make_organisation("Reopening NGO")
    lawyer = make_user(app, roles.LAWYER).user
    case, _document = declined_report(app, organisation, lawyer, days_ago=400)
    with time_machine.travel(utcnow() - timedelta(days=30), tick=False):
        vault = open_vault(db.session, keyring(), case)
        screening.reopen(db.session, vault, lawyer, "New facts.")
        screening.decline(db.session, vault, lawyer, "Still outside the Covenant.")
        db.session.commit()
    assert "No declined report is older than 365 days." in run(app, "retention", "run").output


def test_one_failure_does_not_undo_the_others(app, monkeypatch):
    organisation = make_organisation("Failing NGO")
    lawyer = make_user(app, roles.LAWYER).user
    first, first_document = declined_report(app, organisation, lawyer, days_ago=500)
    second, second_document = declined_report(app, organisation, lawyer, days_ago=450)
    first_id = first.id
    from caseapp.services import retention

    real_delete = retention.delete_case

    def fail_on_first(session, store, case):
        if case.id == first_id:
            raise OSError("disk trouble")
        return real_delete(session, store, case)

    monkeypatch.setattr(retention, "delete_case", fail_on_first)
    result = run(app, "retention", "run", "--apply")
    assert result.exit_code == 1
    assert f"FAIL {first.reference}" in result.output and "; 1 failed" in result.output
    db.session.expire_all()
    assert snapshot(first, first_document)["key"] == 1 and snapshot(first, first_document)["file"]
    assert snapshot(second, second_document) == {"case": 0, "key": 0, "documents": 0, "victims": 0, "events": 0,
                                                 "file": False}
    events = db.session.execute(select(AuditEvent.case_uuid).where(AuditEvent.action == "case_shredded")).scalars()
    assert list(events) == [str(second.uuid)]  # the failed one's event rolled back with it
