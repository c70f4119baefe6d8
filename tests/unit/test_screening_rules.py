"""The screening's pure rules: determinations against the engine, versions' changes, requests for
information from the engine's ``missing`` lists, the report-to-facts mapping, and the stage table."""

from datetime import date

from caseapp.domain import roles, stages
from caseapp.domain.admissibility import CRITERIA, one_year_last_day
from caseapp.domain.report import RemedyInput, ReportInput, VictimInput
from caseapp.domain.screening import (
    DETERMINATION,
    ENGINE_STATUS,
    FACTOR_NOTES,
    FIRST,
    OVERALL,
    SCORE,
    STRATEGIC_FACTORS,
    SUMMARY,
    Change,
    Determination,
    FactorScore,
    ScreeningContent,
    case_facts,
    changes,
    check_content,
    default_determinations,
    same_judgement,
)

ENGINE = {"overall": "incomplete", "criteria": [
    {"id": criterion, "status": "unknown" if criterion == "art3_1" else ("warning" if criterion == "art4" else "met"),
     "missing": ["remedies.0.final"] if criterion == "art3_1" else []}
    for criterion, _article in CRITERIA
]}


def content(**statuses) -> ScreeningContent:
    determinations = []
    for determination in default_determinations(ENGINE):
        status, reason = statuses.get(determination.criterion, (determination.status, ""))
        determinations.append(Determination(determination.criterion, determination.engine_status, status, reason))
    factors = tuple(FactorScore(factor, 3, "") for factor, _name in STRATEGIC_FACTORS)
    return ScreeningContent(tuple(determinations), factors, "", ENGINE)


def test_a_first_screening_adopts_the_engine_and_settles_no_warning():
    adopted = {d.criterion: d.status for d in default_determinations(ENGINE)}
    assert adopted["art1"] == "met" and adopted["art3_1"] == "unknown"
    assert adopted["art4"] == "unknown"  # a warning is the engine asking; the lawyer answers it


def test_adopting_the_engine_needs_no_reason_but_differing_does():
    assert "determination-art4" in check_content(content())  # art4: warning adopted as unknown differs
    assert check_content(content(art4=("unknown", "Art. 4 is the Committee's discretion."))) == {}
    problems = check_content(content(art1=("not_met", ""), art4=("met", "No clear disadvantage issue.")))
    assert problems == {"determination-art1": "You differ from the engine (met): write your reason."}


def test_a_determination_cannot_be_warning_or_invented():
    assert "determination-art1" in check_content(content(art1=("warning", "x"), art4=("met", "x")))
    assert "determination-art1" in check_content(content(art1=("probably", "x"), art4=("met", "x")))


def test_every_criterion_and_factor_is_needed_in_order():
    whole = content(art4=("met", "ok"))
    assert check_content(ScreeningContent(whole.determinations[1:], whole.factors, "", ENGINE))["determinations"]
    assert check_content(ScreeningContent(whole.determinations, whole.factors[:4], "", ENGINE))["factors"]
    bad_score = (*whole.factors[:4], FactorScore("reprisal_risk", 9, ""))
    assert check_content(ScreeningContent(whole.determinations, bad_score, "", ENGINE)) == {
        "factor-reprisal_risk": "Score from 1 to 5."}


def test_the_lawyers_overall_follows_the_engines_rule():
    assert content(art4=("met", "ok")).overall == "incomplete"  # art3_1 still unknown
    assert content(art3_1=("met", "seen"), art4=("met", "ok")).overall == "admissible"
    assert content(art2=("not_met", "anonymous"), art4=("met", "ok")).overall == "inadmissible"


def test_changes_say_what_a_version_changed():
    first = content(art4=("met", "ok"))
    assert changes(None, first) == [Change(FIRST)]
    second = ScreeningContent(
        content(art4=("met", "ok"), art1=("not_met", "Not a party yet.")).determinations,
        (FactorScore("precedent_value", 5, ""), *first.factors[1:4], FactorScore("reprisal_risk", 3, "Threats.")),
        "Summary", ENGINE)
    assert changes(first, second) == [
        Change(DETERMINATION, "art1", "met", "not_met"),
        Change(SCORE, "precedent_value", 3, 5),
        Change(FACTOR_NOTES, "reprisal_risk"),
        Change(SUMMARY),
    ]
    assert same_judgement(first, first) and not same_judgement(first, second)


def test_changes_name_what_the_engine_changed_too():
    first = content(art4=("met", "ok"))
    engine = {"overall": "admissible", "criteria": [dict(c, status="met") for c in ENGINE["criteria"]]}
    later = ScreeningContent(tuple(Determination(d.criterion, "met", d.status, d.reason) for d in first.determinations),
                             first.factors, "", engine)
    lines = changes(first, later)
    assert lines[0] == Change(OVERALL, "", "incomplete", "admissible")
    assert Change(ENGINE_STATUS, "art3_1", "unknown", "met") in lines


def test_content_survives_its_json():
    original = content(art4=("met", "ok"))
    assert ScreeningContent.from_json(original.to_json()) == original


def test_a_report_becomes_the_engines_facts_and_its_one_year_limit():
    report = ReportInput(state="ES", author_is_victim="yes", acting_on_behalf="unknown",
                         victims=[VictimInput(name="Ana", consent="yes")],
                         remedies=[RemedyInput(body="TC", kind="constitutional", decided=date(2016, 2, 20),
                                               notified=date(2016, 2, 29), outcome="rejected", final="yes",
                                               addressed_substance="yes")])
    facts = case_facts(report)
    assert facts.author_is_victim is True and facts.acting_on_behalf is None and facts.consent == "yes"
    assert facts.in_writing is True and facts.submission_date is None
    assert one_year_last_day(facts) == date(2017, 2, 28)  # from 29 Feb, the conservative reading (§6)


def test_the_stage_table_gives_each_role_its_moves():
    assert stages.targets(stages.SUBMITTED, roles.LAWYER) == ("screening", "info_requested", "declined", "candidate")
    assert stages.targets(stages.SUBMITTED, roles.PARTNER) == ()
    assert stages.targets(stages.INFO_REQUESTED, roles.PARTNER) == ("screening",)
    assert stages.can_move(stages.DECLINED, stages.SCREENING, roles.LAWYER)
    assert not stages.can_move(stages.DECLINED, stages.CANDIDATE, roles.LAWYER)
    assert not stages.can_move(stages.SCREENING, stages.DECLINED, roles.COORDINATOR)
    assert stages.can_move(stages.CANDIDATE, stages.PREPARING, roles.COORDINATOR)
    every = {stage for move in stages.MOVES for stage in (move.source, move.target)}
    assert every == set(stages.STAGES)  # no stage unreachable or unknown
