"""The report rules shared by the form and the API (caseapp.domain.report)."""

from datetime import date

from caseapp.domain import covenant
from caseapp.domain.report import ProcedureInput, RemedyInput, ReportInput, VictimInput, problems

TODAY = date(2026, 11, 27)


def check(report: ReportInput, submitting: bool = True) -> dict[str, str]:
    return problems(report, today=TODAY, submitting=submitting, is_known_state={"ES", "PT"}.__contains__,
                    is_covenant_right=covenant.is_covenant_right)


def complete(**changes) -> ReportInput:
    report = ReportInput(title="Eviction", narrative="What happened", state="ES", rights_invoked=["11(1)"],
                         facts_start=date(2024, 3, 3), victims=[VictimInput(name="Ana", consent="yes")])
    for name, value in changes.items():
        setattr(report, name, value)
    return report


def test_a_complete_report_has_no_problems():
    assert check(complete()) == {}


def test_a_draft_may_be_incomplete_but_not_contradictory():
    draft = ReportInput(remedies=[RemedyInput(filed=date(2024, 5, 1), decided=date(2024, 4, 1), outcome="rejected")])
    assert check(draft, submitting=False) == {"remedies-0-decided": "A remedy cannot be decided before it was filed."}
    assert check(ReportInput(), submitting=False) == {}


def test_submission_needs_the_essentials():
    errors = check(ReportInput())
    assert set(errors) == {"title", "narrative", "state", "rights_invoked", "facts_start", "victims"}


def test_acting_without_consent_needs_a_justification():  # art. 2
    report = complete(acting_on_behalf="yes", victims=[VictimInput(name="Ana", consent="unknown")])
    assert "consent_justification" in check(report)
    report.consent_justification = "The victims are children in care."
    assert check(report) == {}


def test_dates_in_order_and_not_in_the_future():
    report = complete(facts_end=date(2024, 1, 1), remedies=[
        RemedyInput(body="Court", filed=date(2024, 4, 1), decided=date(2024, 6, 1), notified=date(2024, 5, 1),
                    outcome="rejected"),
        RemedyInput(body="Appeal", filed=date(2027, 1, 1)),
    ], other_procedures=[ProcedureInput(body="ECtHR", date=date(2030, 1, 1))])
    errors = check(report)
    assert errors["facts_end"] == "The facts cannot end before they began."
    assert errors["remedies-0-notified"] == "The decision cannot be notified before it was taken."
    assert errors["remedies-1-filed"] == "This date is in the future."
    assert errors["other_procedures-0-date"] == "This date is in the future."


def test_a_decided_remedy_is_not_pending():
    report = complete(remedies=[RemedyInput(body="Court", filed=date(2024, 4, 1), decided=date(2024, 5, 1))])
    assert check(report)["remedies-0-outcome"].startswith("A decided remedy is not pending")


def test_unknown_states_and_rights_are_refused():
    errors = check(complete(state="XX", rights_invoked=["11(1)", "ICCPR 26"]))
    assert set(errors) == {"state", "rights_invoked"}


def test_urgency_needs_a_description_but_may_be_in_the_future():
    report = complete(urgent_risk="yes", urgent_date=date(2026, 12, 15))
    assert set(check(report)) == {"urgent_explanation"}
    report.urgent_explanation = "Eviction ordered for 15 December."
    assert check(report) == {}
