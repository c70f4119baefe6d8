"""The engine on a report's recorded facts, as a lawyer sees it in the inbox (issue 5, first part)."""

import re
from datetime import date, timedelta

from caseapp.core.extensions import db
from caseapp.domain.screening import case_facts
from caseapp.models.base import utcnow
from caseapp.services import intake, register, screening
from tests.factories import login, submit_report


def test_facts_from_a_report_feed_the_engine(app, people):
    _case, vault = submit_report(app, people["partner_a"].user, notified=date(2025, 10, 21))
    facts = case_facts(intake.load_report(vault))
    assert (facts.state, facts.author_is_victim, facts.acting_on_behalf, facts.consent) == ("ES", True, False, "yes")
    assert facts.remedies[0].final is True and facts.remedies[0].notified == date(2025, 10, 21)
    assert facts.in_writing is True and facts.anonymous is False and facts.submission_date is None
    assessment = screening.assess_report(vault, today=date(2026, 1, 28), register=register.load_register(db.session))
    assert assessment.deadlines.one_year_last_day == date(2026, 10, 21)
    assert assessment.deadlines.basis == "notification"
    assert assessment.excluded_claims == ("ICCPR art. 26",)
    assert assessment.criterion("art1").status == "met"


def test_the_inbox_shows_the_assessment_and_the_one_year_limit(app, people):
    notified = utcnow().date() - timedelta(days=365 - 12)  # the last day is in 12 days
    case, _ = submit_report(app, people["partner_a"].user, notified=notified)
    lawyer = app.test_client()
    login(app, lawyer, people["lawyer"].user)
    page = lawyer.get(f"/screening/{case.uuid}").get_data(as_text=True)
    for criterion in ("art1", "art2", "art3_1", "art3_2_a", "art3_2_b", "art3_2_c", "art3_2_d", "art3_2_e",
                      "art3_2_f", "art3_2_g", "art4"):
        assert f'id="criterion-{criterion}"' in page, criterion
    assert "Last day to submit to the Committee:" in page and "due in 12 days" in page
    assert "deadline-badge--due-soon" in page
    assert re.search(r"Claims outside the Covenant, excluded \(Art\. 3\(2\)\(d\)\):</strong>\s+ICCPR art\. 26", page)
    listing = lawyer.get("/screening").get_data(as_text=True)
    assert "due in 12 days" in listing and "deadline-badge--due-soon" in listing


def test_a_passed_limit_is_marked(app, people):
    case, _ = submit_report(app, people["partner_a"].user, notified=date(2024, 1, 10))
    lawyer = app.test_client()
    login(app, lawyer, people["lawyer"].user)
    page = lawyer.get(f"/screening/{case.uuid}").get_data(as_text=True)
    assert "Last day to submit to the Committee: 10 Jan 2025" in page and "deadline-badge--overdue\">overdue by" in page
    assert 'id="criterion-art3_2_a"' in page and "text-bg-danger" in page


def test_partners_never_see_the_assessment(app, people):
    case, _ = submit_report(app, people["partner_a"].user, notified=date(2025, 10, 21))
    partner = app.test_client()
    login(app, partner, people["partner_a"].user)
    page = partner.get(f"/intake/{case.uuid}").get_data(as_text=True)
    assert "criterion-art1" not in page and "Admissibility" not in page and "engine:" not in page  # DATA-05
