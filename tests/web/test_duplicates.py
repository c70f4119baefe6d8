"""Duplicate flags stored when a report is written (issue 20, point 2): what a lawyer sees on the queue
and the case page, kept true as reports are submitted, sent back with other victims and shredded; reports
submitted before the flags were stored, checked on the fly and then by `flask duplicates record`; the
blind index only finds candidates, the decrypted names decide (CRY-07)."""

from datetime import date

from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer, file_store, keyring
from caseapp.domain import stages
from caseapp.domain.report import VictimInput
from caseapp.models import Case, CaseDuplicate
from caseapp.models.base import utcnow
from caseapp.services import cases, intake
from caseapp.services.vault import open_vault
from tests.factories import make_case, signed_in, submit_report, text_of

NOTIFIED = date(2025, 12, 1)


def stored_pairs() -> set[tuple[str, str, str]]:
    """Every stored flag as (reference, other reference, what matched)."""
    mine, theirs = Case.__table__.alias(), Case.__table__.alias()
    rows = db.session.execute(
        select(mine.c.reference, theirs.c.reference, CaseDuplicate.matched_on)
        .join(mine, mine.c.id == CaseDuplicate.case_id).join(theirs, theirs.c.id == CaseDuplicate.other_case_id))
    return set(rows)


def queue_text(app, people) -> str:
    return text_of(signed_in(app, people["lawyer"].user).get("/screening").get_data(as_text=True))


def test_a_submission_flags_both_reports_and_the_lawyer_sees_it_on_the_queue_and_both_case_pages(app, people):
    first, _ = submit_report(app, people["partner_a"].user, notified=NOTIFIED,
                             victims=[VictimInput(name="José  Pérez", identity_number="X-1")])
    second, _ = submit_report(app, people["partner_b"].user, notified=NOTIFIED,
                              victims=[VictimInput(name="jose perez", identity_number="Y-9")])
    third, _ = submit_report(app, people["partner_b"].user, notified=NOTIFIED,
                             victims=[VictimInput(name="María Quispe", identity_number="x1")])

    assert stored_pairs() == {
        (first.reference, second.reference, "name"), (second.reference, first.reference, "name"),
        (first.reference, third.reference, "identity number"), (third.reference, first.reference, "identity number"),
    }
    assert all(case.duplicates_checked for case in (first, second, third))
    queue = queue_text(app, people)
    # The first report was submitted before the others: its row learns of them all the same.
    assert f"Possible duplicate of {second.reference} (name)" in queue
    assert f"Possible duplicate of {first.reference} (name)" in queue
    assert f"Possible duplicate of {first.reference} (identity number)" in queue
    lawyer = signed_in(app, people["lawyer"].user)
    page = text_of(lawyer.get(f"/screening/{first.uuid}").get_data(as_text=True))
    assert (f"Possible duplicate of {second.reference}: a victim with the same name appears there." in page
            and f"Possible duplicate of {third.reference}: a victim with the same identity number appears there."
            in page)


def test_the_flags_follow_the_victims_when_a_report_is_sent_back_with_other_names(app, people):
    partner = people["partner_a"].user
    first, _ = submit_report(app, partner, notified=NOTIFIED, victims=[VictimInput(name="Rosa Mamani")])
    second, vault = submit_report(app, people["partner_b"].user, notified=NOTIFIED,
                                  victims=[VictimInput(name="Rosa Mamani")])
    assert len(stored_pairs()) == 2
    second.stage = stages.INFO_REQUESTED  # the lawyers asked for information; the partner corrects the name
    db.session.commit()
    report = intake.load_report(vault)
    report.victims = [VictimInput(name="Rosa Mamani Condori")]
    intake.save_report(db.session, vault, intake.seal_report(vault, blind_indexer(), report), keyring=keyring(),
                       today=utcnow().date(), submit=True, actor=people["partner_b"].user)
    db.session.commit()
    assert stored_pairs() == set()
    assert "Possible duplicate" not in queue_text(app, people)


def test_shredding_a_report_takes_its_flags_with_it(app, people):
    first, _ = submit_report(app, people["partner_a"].user, notified=NOTIFIED, victims=[VictimInput(name="Luis Ccori")])
    second, _ = submit_report(app, people["partner_b"].user, notified=NOTIFIED,
                              victims=[VictimInput(name="Luis Ccori")])
    reference = second.reference
    cases.delete_case(db.session, file_store(), second)
    db.session.commit()
    assert stored_pairs() == set()
    assert f"Possible duplicate of {reference}" not in queue_text(app, people)
    assert first.reference in queue_text(app, people)


def test_a_blind_index_collision_is_not_a_duplicate(app, people):  # CRY-07
    first, _ = submit_report(app, people["partner_a"].user, notified=NOTIFIED, victims=[VictimInput(name="Ana Huamán")])
    second, vault = submit_report(app, people["partner_b"].user, notified=NOTIFIED,
                                  victims=[VictimInput(name="Eva Torres")])
    # A truncated index can collide: give the second victim the first one's index, as a collision would.
    second.victims[0].name_index = first.victims[0].name_index
    db.session.flush()
    from caseapp.services import duplicates

    duplicates.record(db.session, keyring(), [vault])
    db.session.commit()
    assert stored_pairs() == set()


def test_reports_from_before_the_stored_flags_are_checked_on_the_fly_then_stored_by_the_command(app, people):
    org = people["partner_a"].user.organisation
    older = [make_case(app, org, submit=True, victim=VictimInput(name="Inés Condori", identity_number=f"N-{n}"))[0]
             for n in range(3)]
    ids = [case.id for case in older]
    for case in older:  # as the migration leaves them
        assert not case.duplicates_checked
    assert stored_pairs() == set()
    queue = queue_text(app, people)
    for case in older:
        assert f"Possible duplicate of {case.reference} (name)" in queue

    runner = app.test_cli_runner()
    result = runner.invoke(args=["duplicates", "record"])
    assert result.exit_code == 0, result.output
    assert "Done: 3 reports checked; 3 pairs of reports flagged as possible duplicates." in result.output
    assert len(stored_pairs()) == 6
    assert all(db.session.get(Case, case_id).duplicates_checked for case_id in ids)
    assert queue_text(app, people) == queue
    again = runner.invoke(args=["duplicates", "record"])
    assert again.exit_code == 0 and "Every submitted report is checked: nothing to do." in again.output
    everything = runner.invoke(args=["duplicates", "record", "--all", "--batch-size", "2"])
    assert everything.exit_code == 0 and "3 reports checked; 3 pairs" in everything.output
    assert len(stored_pairs()) == 6


def test_the_flag_says_what_matched_in_the_reader_s_language(app, people):
    first, _ = submit_report(app, people["partner_a"].user, notified=NOTIFIED, victims=[VictimInput(name="Ana Apaza")])
    submit_report(app, people["partner_b"].user, notified=NOTIFIED, victims=[VictimInput(name="Ana Apaza")])
    people["lawyer"].user.locale = "es"
    db.session.commit()
    queue = queue_text(app, people)
    assert "(nombre)" in queue and "(name)" not in queue
    page = text_of(signed_in(app, people["lawyer"].user).get(f"/screening/{first.uuid}").get_data(as_text=True))
    assert "con el mismo dato (nombre)." in page


def test_partners_never_see_the_flags(app, people):
    first, _ = submit_report(app, people["partner_a"].user, notified=NOTIFIED, victims=[VictimInput(name="Ana Apaza")])
    second, _ = submit_report(app, people["partner_b"].user, notified=NOTIFIED, victims=[VictimInput(name="Ana Apaza")])
    partner = signed_in(app, people["partner_b"].user)
    for path in ("/intake", f"/intake/{second.uuid}"):
        assert first.reference not in partner.get(path).get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(CaseDuplicate)).scalar_one() == 2
    assert open_vault(db.session, keyring(), second).get(second.victims[0], "name") == "Ana Apaza"
