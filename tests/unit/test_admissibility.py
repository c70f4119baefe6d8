"""The admissibility engine against DESIGN.md §5 (the contract) and OP-ICESCR.md §§1, 2, 5, 6 (the rules)."""

import copy
import json
from datetime import date

import pytest

from caseapp.domain.admissibility import (
    CRITERIA,
    STATUSES,
    CaseFacts,
    FactsError,
    Remedy,
    assess,
    explain,
    one_year_count,
    overall_status,
)
from caseapp.domain.register import REGISTER_AS_OF, SNAPSHOT_2024, CovenantRegister, StatesRegister

D = date.fromisoformat
TODAY = D("2026-11-25")
REGISTER = StatesRegister.shipped()
# The register of 1 February 2024, where Niger and San Marino had only the year of their instrument: the
# engine's handling of a year-only deposit is tested on it (the 2026 register has their exact dates).
REGISTER_2024 = StatesRegister.snapshot(SNAPSHOT_2024)
IDS = [criterion_id for criterion_id, _ in CRITERIA]

# DESIGN.md §5, verbatim.
DESIGN_EXAMPLE = {
    "state": "ES",
    "submission_date": "2014-01-28",
    "in_writing": True,
    "anonymous": False,
    "author_is_victim": True,
    "acting_on_behalf": False,
    "consent": "yes",
    "consent_justification": None,
    "victims_under_jurisdiction": True,
    "rights_invoked": ["11(1)", "2(1)"],
    "other_instruments_invoked": ["ICCPR art. 26"],
    "facts_start": "2012-05-01",
    "facts_end": "2013-10-16",
    "continuing": "no",
    "remedies": [
        {"body": "Constitutional Court", "kind": "constitutional", "filed": "2013-06-01",
         "decided": "2013-10-16", "notified": "2013-10-21", "outcome": "rejected",
         "final": True, "addressed_substance": True}
    ],
    "unused_remedies": [
        {"name": "administrative appeal", "reason": "ineffective", "explanation": "..."}
    ],
    "remedies_exception": None,
    "one_year_exception": None,
    "other_procedures": [
        {"body": "ECtHR", "same_matter": True, "status": "declared_inadmissible_unreasoned", "date": "2013-11-14"}
    ],
    "only_mass_media_reports": False,
    "substantiated": "unknown",
    "abuse": "no",
    "clear_disadvantage": "yes",
    "general_importance": "unknown",
}

# A complete case against Spain (EIF 5 May 2013) on which every criterion is met.
ADMISSIBLE = {
    "state": "ES",
    "submission_date": "2014-01-28",
    "in_writing": True,
    "anonymous": False,
    "author_is_victim": True,
    "acting_on_behalf": False,
    "consent": "yes",
    "victims_under_jurisdiction": True,
    "rights_invoked": ["11(1)"],
    "other_instruments_invoked": [],
    "facts_start": "2013-06-01",
    "facts_end": "2013-10-16",
    "continuing": "no",
    "remedies": [
        {"body": "Court of Appeal", "kind": "appeal", "filed": "2013-06-10", "decided": "2013-07-20",
         "notified": "2013-07-25", "outcome": "rejected", "final": False, "addressed_substance": True},
        {"body": "Constitutional Court", "kind": "constitutional", "filed": "2013-08-01", "decided": "2013-10-16",
         "notified": "2013-10-21", "outcome": "rejected", "final": True, "addressed_substance": True},
    ],
    "unused_remedies": [],
    "remedies_exception": None,
    "one_year_exception": None,
    "other_procedures": [],
    "only_mass_media_reports": False,
    "substantiated": "yes",
    "abuse": "no",
    "clear_disadvantage": "yes",
    "general_importance": "unknown",
}


def facts(base=ADMISSIBLE, **changes) -> CaseFacts:
    data = copy.deepcopy(base)
    for key, value in changes.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return CaseFacts.from_json(data)


def run(base=ADMISSIBLE, *, today=TODAY, register=REGISTER, **changes):
    return assess(facts(base, **changes), today=today, register=register)


def criterion(criterion_id, base=ADMISSIBLE, *, today=TODAY, register=REGISTER, **changes):
    return run(base, today=today, register=register, **changes).criterion(criterion_id)


def remedy(**fields):
    base = {"body": "Supreme Court", "kind": "cassation", "filed": "2013-06-01", "decided": "2013-10-16",
            "notified": "2013-10-21", "outcome": "rejected", "final": True, "addressed_substance": True}
    base.update(fields)
    return base


# --- the contract ---------------------------------------------------------------------------------


def test_the_design_example_gives_the_examples_values():
    result = run(DESIGN_EXAMPLE)
    one_year = result.criterion("art3_2_a")
    # OP-ICESCR.md §6: the last day is the anniversary of the notification, as the example has it.
    assert one_year.status == "met"
    assert one_year.article == "Article 3(2)(a)"
    assert one_year.reason == ("Submitted on 2014-01-28, within one year of notification of the final decision "
                               "(2013-10-21); last day 2014-10-21.")
    assert one_year.missing == ()
    out = result.to_json()
    assert out["deadlines"] == {"one_year_last_day": "2014-10-21", "days_left": 266, "basis": "notification"}
    assert out["excluded_claims"] == ["ICCPR art. 26"]
    assert out["overall"] == "incomplete"  # "substantiated": "unknown"
    assert result.criterion("art3_2_e").missing == ("substantiated",)


def test_json_shape_is_exactly_the_contract():
    out = run(DESIGN_EXAMPLE).to_json()
    assert list(out) == ["overall", "criteria", "excluded_claims", "deadlines", "warnings"]
    assert [c["id"] for c in out["criteria"]] == IDS
    assert [c["article"] for c in out["criteria"]] == [
        "Article 1", "Article 2", "Article 3(1)", "Article 3(2)(a)", "Article 3(2)(b)", "Article 3(2)(c)",
        "Article 3(2)(d)", "Article 3(2)(e)", "Article 3(2)(f)", "Article 3(2)(g)", "Article 4",
    ]
    for item in out["criteria"]:
        assert list(item) == ["id", "article", "status", "reason", "missing"]
        assert item["status"] in STATUSES
        assert isinstance(item["reason"], str) and item["reason"].endswith(".")
        assert isinstance(item["missing"], list)
    assert list(out["deadlines"]) == ["one_year_last_day", "days_left", "basis"]
    assert all(isinstance(warning, str) for warning in out["warnings"])
    assert json.loads(json.dumps(out)) == out


def test_a_complete_case_is_admissible_with_every_criterion_met():
    result = run()
    assert {c.id: c.status for c in result.criteria} == dict.fromkeys(IDS, "met")
    assert result.overall == "admissible"
    assert result.excluded_claims == ()


def test_empty_facts_are_unknown_never_a_silent_pass():
    result = assess(CaseFacts.from_json({}), today=TODAY, register=REGISTER)
    assert result.overall == "incomplete"
    assert [c.id for c in result.criteria] == IDS
    for item in result.criteria:
        assert item.status == "unknown", item
        assert item.missing, item
    assert result.deadlines.to_json() == {"one_year_last_day": None, "days_left": None, "basis": None}


def test_pure_and_deterministic():
    one = facts(DESIGN_EXAMPLE)
    first = assess(one, today=TODAY, register=REGISTER)
    assert assess(one, today=TODAY, register=REGISTER) == first
    assert facts(DESIGN_EXAMPLE) == one


@pytest.mark.parametrize("data", [DESIGN_EXAMPLE, ADMISSIBLE, {}])
def test_every_criterion_cites_its_article_and_gives_a_reason(data):
    for item, (criterion_id, article) in zip(run(data).criteria, CRITERIA, strict=True):
        assert (item.id, item.article) == (criterion_id, article)
        assert item.reason.strip()


@pytest.mark.parametrize(("statuses", "overall"), [
    (["met"] * 11, "admissible"),
    (["met"] * 9 + ["warning", "not_applicable"], "admissible"),
    (["met"] * 10 + ["unknown"], "incomplete"),
    (["unknown"] * 10 + ["not_met"], "inadmissible"),
    (["warning", "not_met", "unknown"], "inadmissible"),
])
def test_overall_rule(statuses, overall):
    assert overall_status(statuses) == overall


def test_overall_inadmissible_beats_incomplete_and_warnings_stay_admissible():
    assert run(abuse="yes", substantiated="unknown").overall == "inadmissible"
    result = run(clear_disadvantage="no")
    assert result.criterion("art4").status == "warning" and result.overall == "admissible"


# --- strict input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "field"), [
    ({"submission_date": "28/01/2014"}, "submission_date"),
    ({"submission_date": "2014-1-28"}, "submission_date"),
    ({"submission_date": "20140128"}, "submission_date"),
    ({"facts_start": "2014-02-30"}, "facts_start"),
    ({"facts_end": 20140128}, "facts_end"),
    ({"remedies": [{"notified": "2013-13-01"}]}, "remedies.0.notified"),
    ({"remedies": [{"kind": "supreme"}]}, "remedies.0.kind"),
    ({"remedies": [{"outcome": "dismissed"}]}, "remedies.0.outcome"),
    ({"remedies": [{"final": "yes"}]}, "remedies.0.final"),
    ({"remedies": [{}, {"addressed_substance": 1}]}, "remedies.1.addressed_substance"),
    ({"remedies": {"body": "x"}}, "remedies"),
    ({"remedies": ["x"]}, "remedies.0"),
    ({"remedies": [None]}, "remedies.0"),
    ({"remedies": [{"court": "x"}]}, "remedies.0.court"),
    ({"unused_remedies": [{"reason": "too_expensive"}]}, "unused_remedies.0.reason"),
    ({"remedies_exception": {"reason": "none"}}, "remedies_exception.reason"),
    ({"remedies_exception": "ineffective"}, "remedies_exception"),
    ({"other_procedures": [{"status": "decided"}]}, "other_procedures.0.status"),
    ({"other_procedures": [{"date": "14 Nov 2013"}]}, "other_procedures.0.date"),
    ({"other_procedures": [{"same_matter": "unknown"}]}, "other_procedures.0.same_matter"),
    ({"in_writing": "yes"}, "in_writing"),
    ({"anonymous": 0}, "anonymous"),
    ({"consent": "maybe"}, "consent"),
    ({"consent": True}, "consent"),
    ({"substantiated": "Yes"}, "substantiated"),
    ({"rights_invoked": "11(1)"}, "rights_invoked"),
    ({"rights_invoked": ["11(1)", 12]}, "rights_invoked.1"),
    ({"rights_invoked": [" "]}, "rights_invoked.0"),
    ({"one_year_exception": ["x"]}, "one_year_exception"),
    ({"state": "es"}, "state"),
    ({"state": "ESP"}, "state"),
    ({"state": 34}, "state"),
    ({"submision_date": "2014-01-28"}, "submision_date"),
])
def test_malformed_facts_name_the_dotted_field(data, field):
    with pytest.raises(FactsError) as caught:
        CaseFacts.from_json(data)
    assert caught.value.field == field
    assert caught.value.message
    assert caught.value.to_json() == {"error": {"field": field, "message": caught.value.message}}


@pytest.mark.parametrize("data", [[], "facts", None, 3])
def test_the_document_must_be_an_object(data):
    with pytest.raises(FactsError) as caught:
        CaseFacts.from_json(data)
    assert caught.value.field is None


def test_nulls_and_missing_fields_mean_unknown():
    parsed = CaseFacts.from_json({"consent": None, "remedies": None, "in_writing": None})
    assert parsed == CaseFacts()
    assert parsed.consent == "unknown" and parsed.remedies is None and parsed.in_writing is None
    full = facts(DESIGN_EXAMPLE)
    assert full.remedies[0] == Remedy(body="Constitutional Court", kind="constitutional", filed=D("2013-06-01"),
                                      decided=D("2013-10-16"), notified=D("2013-10-21"), outcome="rejected",
                                      final=True, addressed_substance=True)
    assert full.other_procedures[0].date == D("2013-11-14")


# --- Article 1 ------------------------------------------------------------------------------------


def test_art1_party_with_known_eif_is_met_with_the_eif_in_the_reason():
    item = criterion("art1")
    assert item.status == "met"
    assert "Spain" in item.reason and "2013-05-05" in item.reason


def test_art1_signatory_is_not_met():
    item = criterion("art1", state="AO")  # Angola signed on 24 Sep 2013
    assert item.status == "not_met"
    assert "art. 1(2)" in item.reason and "2013-09-24" in item.reason
    assert REGISTER_AS_OF.isoformat() in item.reason and "UN Treaty Collection" in item.reason


def test_art1_state_absent_from_a_complete_register_is_not_a_party_as_of_its_date():
    item = criterion("art1", state="GB")  # a party to the Covenant, never to the Protocol (UNTC, 3 Feb 2026)
    assert item.status == "not_met" and item.missing == ()
    assert "was not a party to the Optional Protocol as of 2026-02-03" in item.reason
    assert "art. 1(2)" in item.reason and "check the UN Treaty Collection" not in item.reason  # submitted in 2014
    assert run(state="GB").overall == "inadmissible"


def test_art1_state_absent_from_an_incomplete_register_stays_unknown():
    item = criterion("art1", state="GB", register=REGISTER_2024)  # 27 of the 29 parties identified
    assert item.status == "unknown" and item.missing == ("register:GB.party_status",)
    assert "2024-02-01" in item.reason and "does not show that it is not a party" in item.reason
    assert "27 of the 29 parties" in item.reason and "UN Treaty Collection" in item.reason


def test_art1_state_missing():
    assert criterion("art1", state=...).status == "unknown"
    assert criterion("art1", state=None).missing == ("state",)


def test_art1_communication_before_entry_into_force_is_not_met():
    item = criterion("art1", state="DE", submission_date="2023-06-01")  # Germany: EIF 20 Jul 2023
    assert item.status == "not_met" and "2023-07-20" in item.reason
    assert criterion("art1", state="DE", submission_date="2023-07-20").status == "met"
    assert criterion("art1", state="DE", submission_date=None, today=D("2023-07-19")).status == "not_met"
    assert criterion("art1", state="DE", submission_date=None, today=D("2023-07-20")).status == "met"


@pytest.mark.parametrize(("code", "year"), [("NE", 2014), ("SM", 2015)])
def test_art1_year_only_deposit_is_bounded_by_article_18(code, year):
    """2024 register: only the year of the deposit, unverified. Art. 18(2) puts entry into force between
    three months after 1 January and three months after 31 December of that year; nothing else is guessed."""
    inside = criterion("art1", state=code, submission_date=f"{year + 1}-03-30", register=REGISTER_2024)
    assert inside.status == "unknown" and inside.missing == (f"register:{code}.entry_into_force",)
    assert f"between {year}-04-01 and {year + 1}-03-31" in inside.reason and "art. 18(2)" in inside.reason
    before = criterion("art1", state=code, submission_date=f"{year}-03-31", register=REGISTER_2024)
    assert before.status == "not_met"
    result = run(state=code, submission_date=f"{year + 1}-03-31", register=REGISTER_2024)
    assert result.criterion("art1").status == "met"
    assert any("not verified" in warning for warning in result.warnings)


def test_art1_finland_the_rule_leaves_two_days_open_and_only_they_are_unknown():
    """Deposit 31 Jan 2014; three months later falls on 31 April, which does not exist: 30 April or 1 May 2014."""
    assert criterion("art1", state="FI", submission_date="2014-04-29").status == "not_met"
    open_day = criterion("art1", state="FI", submission_date="2014-04-30")
    assert open_day.status == "unknown" and open_day.missing == ("register:FI.entry_into_force",)
    assert "between 2014-04-30 and 2014-05-01" in open_day.reason and "April does not have" in open_day.reason
    after = criterion("art1", state="FI", submission_date="2014-05-01")
    assert after.status == "met" and "2014-01-31" in after.reason


# --- Article 2 ------------------------------------------------------------------------------------


def test_art2_met():
    assert criterion("art2").status == "met"
    assert criterion("art2", author_is_victim=False, acting_on_behalf=True, consent="yes").status == "met"


def test_art2_victims_not_under_jurisdiction():
    item = criterion("art2", victims_under_jurisdiction=False)
    assert item.status == "not_met" and "jurisdiction" in item.reason
    unknown = criterion("art2", victims_under_jurisdiction=None)
    assert unknown.status == "unknown" and unknown.missing == ("victims_under_jurisdiction",)


def test_art2_neither_victim_nor_acting_for_victims():
    item = criterion("art2", author_is_victim=False, acting_on_behalf=False)
    assert item.status == "not_met"


def test_art2_victim_status_unknown():
    item = criterion("art2", author_is_victim=..., acting_on_behalf=...)
    assert item.status == "unknown" and item.missing == ("author_is_victim", "acting_on_behalf")
    assert criterion("art2", acting_on_behalf=None).missing == ("acting_on_behalf",)


def test_art2_acting_without_consent():
    refused = criterion("art2", author_is_victim=False, acting_on_behalf=True, consent="no")
    assert refused.status == "not_met" and "para. 7.3" in refused.reason
    justified = criterion("art2", author_is_victim=False, acting_on_behalf=True, consent="no",
                          consent_justification="The victims are held incommunicado.")
    assert justified.status == "warning"
    blank = criterion("art2", author_is_victim=False, acting_on_behalf=True, consent="no", consent_justification="  ")
    assert blank.status == "not_met"
    unknown = criterion("art2", author_is_victim=False, acting_on_behalf=True, consent="unknown")
    assert unknown.status == "unknown" and unknown.missing == ("consent", "consent_justification")


def test_art2_victim_acting_also_for_others_without_consent_keeps_own_claim():
    result = run(author_is_victim=True, acting_on_behalf=True, consent="no")
    assert result.criterion("art2").status == "met"
    assert any("other victims" in warning and "inadmissible" in warning for warning in result.warnings)


# --- Article 3(1) ---------------------------------------------------------------------------------


def test_art3_1_met_names_the_final_decision():
    item = criterion("art3_1")
    assert item.status == "met"
    assert "Constitutional Court" in item.reason and "2013-10-16" in item.reason and "2013-10-21" in item.reason


def test_art3_1_remedies_not_recorded():
    item = criterion("art3_1", remedies=None)
    assert item.status == "unknown" and item.missing == ("remedies",)


def test_art3_1_no_remedy_used_and_no_reason():
    item = criterion("art3_1", remedies=[], unused_remedies=[])
    assert item.status == "unknown"
    assert item.missing == ("remedies", "unused_remedies", "remedies_exception")


def test_art3_1_pending_remedy_is_not_exhausted():
    item = criterion("art3_1", remedies=[remedy(outcome="pending", decided=None, notified=None, final=None)])
    assert item.status == "not_met" and "pending" in item.reason


def test_art3_1_unused_remedy_without_reason_is_non_exhaustion():
    item = criterion("art3_1", unused_remedies=[{"name": "amparo", "reason": "none"}])
    assert item.status == "not_met" and "Amparo" in item.reason
    # even when a general exception is claimed
    also = criterion("art3_1", unused_remedies=[{"name": "amparo", "reason": "none"}],
                     remedies_exception={"reason": "ineffective", "explanation": "..."})
    assert also.status == "not_met"


@pytest.mark.parametrize("reason", ["unavailable", "ineffective", "unreasonably_prolonged"])
def test_art3_1_unused_remedy_with_a_reason_is_a_warning(reason):
    item = criterion("art3_1", unused_remedies=[{"name": "amparo", "reason": reason, "explanation": "..."}])
    assert item.status == "warning"
    assert reason.replace("_", " ") in item.reason


def test_art3_1_unused_remedy_without_recorded_reason_is_unknown():
    item = criterion("art3_1", unused_remedies=[{"name": "amparo"}])
    assert item.status == "unknown" and item.missing == ("unused_remedies.0.reason",)


def test_art3_1_exception_without_any_remedy_is_a_warning():
    item = criterion("art3_1", remedies=[], remedies_exception={"reason": "unavailable", "explanation": "No court."})
    assert item.status == "warning"
    no_text = criterion("art3_1", remedies=[], remedies_exception={"reason": "unavailable"})
    assert no_text.status == "warning" and no_text.missing == ("remedies_exception.explanation",)


def test_art3_1_finality_unknown_or_denied():
    unknown = criterion("art3_1", remedies=[remedy(final=None)])
    assert unknown.status == "unknown" and unknown.missing == ("remedies.0.final",)
    not_final = criterion("art3_1", remedies=[remedy(final=False)])
    assert not_final.status == "not_met" and "No decision is recorded as final" in not_final.reason


def test_art3_1_withdrawn_remedy_is_not_exhausted():
    item = criterion("art3_1", remedies=[remedy(outcome="withdrawn", final=None)])
    assert item.status == "not_met" and "withdrew" in item.reason


def test_art3_1_granted_final_decision_warns_about_victim_status():
    result = run(remedies=[remedy(outcome="partly_granted")])
    assert result.criterion("art3_1").status == "met"
    assert any("partly granted" in warning for warning in result.warnings)


def test_the_final_decision_is_the_last_final_one_by_notification_date():
    result = run(remedies=[
        remedy(body="Supreme Court", decided="2013-09-01", notified="2013-12-01"),
        remedy(body="Constitutional Court", decided="2013-10-16", notified="2013-10-21"),
    ])
    assert "Supreme Court" in result.criterion("art3_1").reason
    assert result.deadlines.one_year_last_day == D("2014-12-01")


# --- Article 3(2)(a) ------------------------------------------------------------------------------


def test_art3_2_a_last_day_itself_is_in_time_and_the_next_day_is_not():
    on_time = run(submission_date="2014-10-21")
    assert on_time.criterion("art3_2_a").status == "met"
    assert on_time.deadlines.days_left == 0
    late = run(submission_date="2014-10-22")
    assert late.criterion("art3_2_a").status == "not_met"
    assert late.deadlines.days_left == -1
    assert "2014-10-21" in late.criterion("art3_2_a").reason and late.overall == "inadmissible"


def test_art3_2_a_late_with_an_explanation_is_a_warning():
    item = criterion("art3_2_a", submission_date="2015-01-10", one_year_exception="The author was in hospital.")
    assert item.status == "warning"


def test_art3_2_a_counts_from_the_decision_when_the_notification_is_unknown():
    result = run(remedies=[remedy(notified=None)])
    assert result.deadlines.basis == "decision"
    assert result.deadlines.one_year_last_day == D("2014-10-16")
    assert result.criterion("art3_2_a").status == "met"
    assert "notification date is not recorded" in result.criterion("art3_2_a").reason
    late = run(remedies=[remedy(notified=None)], submission_date="2014-10-18")
    assert late.criterion("art3_2_a").status == "unknown"
    assert late.criterion("art3_2_a").missing == ("remedies.0.notified",)


def test_art3_2_a_notified_on_29_february():
    result = run(remedies=[remedy(decided="2016-02-20", notified="2016-02-29")], submission_date="2017-02-28")
    assert result.deadlines.one_year_last_day == D("2017-02-28")
    assert result.criterion("art3_2_a").status == "met"
    assert run(remedies=[remedy(decided="2016-02-20", notified="2016-02-29")],
               submission_date="2017-03-01").criterion("art3_2_a").status == "not_met"


def test_art3_2_a_days_left_counts_from_today_when_not_submitted():
    result = run(submission_date=None, remedies=[remedy(decided="2025-10-30", notified="2025-11-06")],
                 facts_start="2025-01-01", facts_end="2025-10-30", today=D("2026-10-25"))
    assert result.deadlines.to_json() == {"one_year_last_day": "2026-11-06", "days_left": 12, "basis": "notification"}
    assert result.criterion("art3_2_a").status == "met"
    assert "2026-11-06" in result.criterion("art3_2_a").reason
    assert result.warnings[0] == ("Last day to submit to the Committee: 6 Nov 2026 (in 12 days): 30-day warning "
                                  "for the one-year limit of art. 3(2)(a).")


@pytest.mark.parametrize(("today", "level"), [
    ("2014-07-22", None), ("2014-07-23", "90"), ("2014-09-21", "30"), ("2014-10-14", "7"), ("2014-10-21", "7"),
])
def test_art3_2_a_warnings_at_90_30_and_7_days_before_submission(today, level):
    result = run(submission_date=None, today=D(today))
    deadline_warnings = [w for w in result.warnings if w.startswith("Last day to submit")]
    if level is None:
        assert deadline_warnings == []
    else:
        assert len(deadline_warnings) == 1 and f"{level}-day warning" in deadline_warnings[0]


def test_art3_2_a_passed_before_submission():
    result = run(submission_date=None, today=D("2014-10-24"))
    assert result.criterion("art3_2_a").status == "not_met"
    assert result.deadlines.days_left == -3
    assert result.warnings[0].startswith("Last day to submit to the Committee: 21 Oct 2014 (passed 3 days ago)")


def test_art3_2_a_no_deadline_warning_once_submitted():
    result = run(submission_date="2014-10-20", today=D("2014-10-20"))
    assert not [w for w in result.warnings if w.startswith("Last day to submit")]


def test_art3_2_a_not_applicable_while_a_remedy_is_pending_or_on_the_exception():
    pending = run(remedies=[remedy(outcome="pending", decided=None, notified=None, final=None)])
    assert pending.criterion("art3_2_a").status == "not_applicable"
    assert pending.deadlines.one_year_last_day is None and pending.deadlines.days_left is None
    excused = run(remedies=[], remedies_exception={"reason": "ineffective", "explanation": "..."})
    assert excused.criterion("art3_2_a").status == "not_applicable"
    # No remedy available at all is another matter: the year is counted from the facts (ISSUE_14 below).


def test_art3_2_a_unknown_without_dates_or_remedies():
    assert criterion("art3_2_a", remedies=None).missing == ("remedies",)
    no_dates = criterion("art3_2_a", remedies=[remedy(decided=None, notified=None)])
    assert no_dates.status == "unknown" and no_dates.missing == ("remedies.0.notified", "remedies.0.decided")
    backwards = criterion("art3_2_a", remedies=[remedy(decided="2013-10-21", notified="2013-10-16")])
    assert backwards.status == "unknown"
    unknown_final = criterion("art3_2_a", remedies=[remedy(final=None)])
    assert unknown_final.status == "unknown" and unknown_final.missing == ("remedies.0.final",)


# --- Article 3(2)(b) ------------------------------------------------------------------------------


def test_art3_2_b_facts_after_entry_into_force():
    assert criterion("art3_2_b").status == "met"
    on_the_day = criterion("art3_2_b", facts_start="2013-05-05")
    assert on_the_day.status == "met" and "2013-05-05" in on_the_day.reason


def test_art3_2_b_pre_eif_facts_without_continuation_or_later_decision():
    item = criterion("art3_2_b", facts_start="2012-01-10", facts_end="2012-03-01",
                     remedies=[remedy(decided="2013-01-10", notified="2013-01-15")])
    assert item.status == "not_met"
    assert "2012-01-10" in item.reason and "2013-05-05" in item.reason


def test_art3_2_b_post_eif_decision_that_addressed_the_substance():
    item = criterion("art3_2_b", facts_start="2012-01-10", facts_end="2012-03-01")
    assert item.status == "met" and "I.D.G." in item.reason
    formal = criterion("art3_2_b", facts_start="2012-01-10", facts_end="2012-03-01",
                       remedies=[remedy(addressed_substance=False)])
    assert formal.status == "not_met"
    unknown = criterion("art3_2_b", facts_start="2012-01-10", facts_end="2012-03-01",
                        remedies=[remedy(addressed_substance=None)])
    assert unknown.status == "unknown" and unknown.missing == ("remedies.0.addressed_substance",)


def test_art3_2_b_continuing_facts_are_a_claimed_exception():
    item = criterion("art3_2_b", facts_start="2012-01-10", facts_end="2012-03-01", continuing="yes",
                     remedies=[remedy(decided="2013-01-10", notified="2013-01-15")])
    assert item.status == "warning" and "Merino Sierra" in item.reason


def test_art3_2_b_facts_lasting_past_eif():
    item = criterion("art3_2_b", facts_start="2012-01-10", facts_end="2013-06-01",
                     remedies=[remedy(decided="2013-01-10", notified="2013-01-15")])
    assert item.status == "met" and "effects" in item.reason


def test_art3_2_b_dates_unknown():
    item = criterion("art3_2_b", facts_start=None, facts_end=None, remedies=[])
    assert item.status == "unknown" and item.missing == ("facts_start", "facts_end")
    open_end = criterion("art3_2_b", facts_start="2012-01-10", facts_end=None, continuing="unknown", remedies=[])
    assert open_end.status == "unknown" and open_end.missing == ("facts_end", "continuing")
    not_said = criterion("art3_2_b", facts_start="2012-01-10", facts_end="2012-02-01", continuing="unknown",
                         remedies=[])
    assert not_said.status == "unknown" and not_said.missing == ("continuing",)


def test_art3_2_b_states_without_an_entry_into_force():
    assert criterion("art3_2_b", state="AO").status == "not_applicable"
    assert criterion("art3_2_b", state="GB").status == "not_applicable"  # not a party as of 3 Feb 2026
    listed = criterion("art3_2_b", state="GB", register=REGISTER_2024)
    assert listed.status == "unknown" and listed.missing == ("register:GB.party_status",)
    assert criterion("art3_2_b", state=None).missing == ("state",)


@pytest.mark.parametrize(("code", "year"), [("NE", 2014), ("SM", 2015)])
def test_art3_2_b_year_only_deposit_concludes_outside_the_bounds_of_article_18(code, year):
    later = criterion("art3_2_b", state=code, facts_start=f"{year + 1}-03-31", facts_end=f"{year + 2}-02-01",
                      register=REGISTER_2024)
    assert later.status == "met"
    inside = criterion("art3_2_b", state=code, facts_start=f"{year + 1}-03-30", facts_end=f"{year + 1}-03-30",
                       register=REGISTER_2024)
    assert inside.status == "unknown" and inside.missing == (f"register:{code}.entry_into_force",)
    # a decision on the substance certainly after the latest day art. 18(2) allows brings the facts within time
    decided = criterion("art3_2_b", state=code, facts_start=f"{year}-03-01", facts_end=f"{year}-03-02",
                        continuing="no", register=REGISTER_2024,
                        remedies=[remedy(decided=f"{year + 3}-01-01", notified=f"{year + 3}-01-05")])
    assert decided.status == "met" and "I.D.G." in decided.reason


def test_art3_2_b_finland_only_the_two_open_days_are_unknown():
    open_day = criterion("art3_2_b", state="FI", facts_start="2014-04-30", facts_end="2014-04-30",
                         continuing="no", remedies=[])
    assert open_day.status == "unknown" and open_day.missing == ("register:FI.entry_into_force",)
    assert criterion("art3_2_b", state="FI", facts_start="2014-05-01", facts_end="2015-06-01").status == "met"
    lasted = criterion("art3_2_b", state="FI", facts_start="2014-04-20", facts_end="2014-06-01")
    assert lasted.status == "met"


# --- Article 3(2)(c) ------------------------------------------------------------------------------


@pytest.mark.parametrize(("procedure", "status"), [
    ({"body": "ECtHR", "same_matter": True, "status": "pending"}, "not_met"),
    ({"body": "ECtHR", "same_matter": True, "status": "examined", "date": "2015-01-01"}, "not_met"),
    ({"body": "ECtHR", "same_matter": True, "status": "declared_inadmissible_unreasoned"}, "met"),
    ({"body": "ECtHR", "same_matter": True, "status": "declared_inadmissible_reasoned"}, "unknown"),
    ({"body": "ECtHR", "same_matter": True, "status": "withdrawn"}, "met"),
    ({"body": "ECtHR", "same_matter": True}, "unknown"),
    ({"body": "Human Rights Committee", "same_matter": False, "status": "examined"}, "met"),
    ({"body": "ECtHR", "status": "examined"}, "unknown"),
])
def test_art3_2_c(procedure, status):
    item = criterion("art3_2_c", other_procedures=[procedure])
    assert item.status == status
    if status == "unknown":
        assert item.missing


def test_art3_2_c_list_missing_or_empty():
    assert criterion("art3_2_c", other_procedures=[]).status == "met"
    item = criterion("art3_2_c", other_procedures=None)
    assert item.status == "unknown" and item.missing == ("other_procedures",)


# --- Article 3(2)(d) ------------------------------------------------------------------------------


def test_art3_2_d_other_instruments_are_excluded_and_the_case_goes_on():
    result = run(other_instruments_invoked=["ICCPR art. 26", "ECHR art. 8"])
    assert result.excluded_claims == ("ICCPR art. 26", "ECHR art. 8")
    item = result.criterion("art3_2_d")
    assert item.status == "met" and "ICCPR art. 26" in item.reason and "goes on" in item.reason
    assert result.overall == "admissible"


def test_art3_2_d_no_covenant_claim_left_is_not_met():
    result = run(rights_invoked=[], other_instruments_invoked=["ICCPR art. 26"])
    assert result.criterion("art3_2_d").status == "not_met"
    assert result.excluded_claims == ("ICCPR art. 26",)
    assert result.overall == "inadmissible"
    not_rights = run(rights_invoked=["ICCPR 26", "11(3)", "4"], other_instruments_invoked=[])
    assert not_rights.criterion("art3_2_d").status == "not_met"
    assert not_rights.excluded_claims == ("ICCPR 26", "11(3)", "4")


def test_art3_2_d_rights_unknown():
    result = run(rights_invoked=None, other_instruments_invoked=["ICCPR art. 26"])
    item = result.criterion("art3_2_d")
    assert item.status == "unknown" and item.missing == ("rights_invoked",)
    assert result.excluded_claims == ("ICCPR art. 26",)


def test_art3_2_d_only_accessory_articles_warn():
    result = run(rights_invoked=["2(2)"])
    assert result.criterion("art3_2_d").status == "met"
    assert any("substantive right" in warning for warning in result.warnings)


# --- Article 3(2)(e), (f), (g) and Article 4 --------------------------------------------------------


@pytest.mark.parametrize(("changes", "status", "missing"), [
    ({}, "met", ()),
    ({"only_mass_media_reports": True}, "not_met", ()),
    ({"substantiated": "no"}, "not_met", ()),
    ({"substantiated": "unknown"}, "unknown", ("substantiated",)),
    ({"only_mass_media_reports": None}, "unknown", ("only_mass_media_reports",)),
])
def test_art3_2_e(changes, status, missing):
    item = criterion("art3_2_e", **changes)
    assert (item.status, item.missing) == (status, missing)


@pytest.mark.parametrize(("abuse", "status"), [("yes", "not_met"), ("no", "met"), ("unknown", "unknown")])
def test_art3_2_f(abuse, status):
    assert criterion("art3_2_f", abuse=abuse).status == status


@pytest.mark.parametrize(("changes", "status"), [
    ({}, "met"),
    ({"anonymous": True}, "not_met"),
    ({"in_writing": False}, "not_met"),
    ({"in_writing": None}, "unknown"),
    ({"anonymous": ...}, "unknown"),
])
def test_art3_2_g(changes, status):
    assert criterion("art3_2_g", **changes).status == status


@pytest.mark.parametrize("disadvantage", ["yes", "no", "unknown"])
@pytest.mark.parametrize("importance", ["yes", "no", "unknown"])
def test_art4_is_a_discretion_never_not_met(disadvantage, importance):
    item = criterion("art4", clear_disadvantage=disadvantage, general_importance=importance)
    assert item.status != "not_met"
    expected = {"yes": "met", "no": "warning"}.get(disadvantage) or ("warning" if importance == "yes" else "unknown")
    assert item.status == expected
    if item.status == "unknown":
        assert item.missing == ("clear_disadvantage", "general_importance")


# --- warnings about the dates themselves ------------------------------------------------------------


def test_dates_out_of_order_are_warned_not_corrected():
    result = run(facts_start="2013-10-20", facts_end="2013-10-16",
                 remedies=[remedy(filed="2013-11-01")])
    assert any("ending" in w for w in result.warnings)
    assert any("decided" in w and "filed" in w for w in result.warnings)


# --- table tests: Committee decisions described in OP-ICESCR.md §2 -----------------------------------

COMMITTEE_DECISIONS = [
    # (decision, facts changed from ADMISSIBLE, criterion, expected status, checks)
    pytest.param(
        {"state": "ES", "submission_date": "2013-11-06",
         "remedies": [remedy(body="Constitutional Court", decided="2012-10-29", notified="2012-11-06")]},
        "art3_2_a", "met", {"one_year_last_day": "2013-11-06", "days_left": 0, "basis": "notification"},
        id="López Rodríguez v. Spain, E/C.12/57/D/1/2013, para. 8.3: notified 6 Nov 2012, submitted 6 Nov 2013, "
           "in time",
    ),
    pytest.param(
        {"state": "EC", "submission_date": "2015-04-24", "facts_start": None, "facts_end": None,
         "remedies": [remedy(body="Constitutional Court", decided="2014-04-09", notified="2014-04-24")]},
        "art3_2_a", "met", {"one_year_last_day": "2015-04-24", "days_left": 0, "basis": "notification"},
        id="Arellano Medina v. Ecuador, E/C.12/63/D/7/2015, paras 8.6-8.7: notified 24 Apr 2014, submitted 24 Apr 2015",
    ),
    pytest.param(
        {"state": "EC", "submission_date": "2015-04-24", "facts_start": None, "facts_end": None,
         "remedies": [remedy(body="Constitutional Court", decided="2014-04-09", notified="2014-04-24")]},
        "art3_2_b", "met", None,
        id="Arellano Medina, para. 8.3: a decision of 9 Apr 2014, after EIF (5 May 2013), is a fact within time",
    ),
    pytest.param(
        {"state": "ES", "other_procedures": [
            {"body": "European Court of Human Rights (single judge)", "same_matter": True,
             "status": "declared_inadmissible_unreasoned", "date": "2013-11-14"}]},
        "art3_2_c", "met", None,
        id="Merino Sierra v. Spain, E/C.12/59/D/4/2014, paras 6.4-6.5: unreasoned ECtHR decision of 14 Nov 2013",
    ),
    pytest.param(
        {"state": "EC", "facts_start": "2009-03-04", "facts_end": "2009-03-04", "continuing": "no",
         "remedies": [remedy(body="Constitutional Court (abstract review)", kind="constitutional", outcome="pending",
                             decided=None, notified=None, final=None)]},
        "art3_2_b", "not_met", None,
        id="Alarcón Flores v. Ecuador, E/C.12/62/D/14/2016, paras 9.8-9.12: pension cut 4 Mar 2009, pending review",
    ),
    pytest.param(
        {"state": "VE", "submission_date": "2021-06-01", "facts_start": "2019-02-01", "facts_end": "2019-02-01",
         "remedies": [remedy(body="criminal complaint", kind="other", outcome="pending", decided=None,
                             notified=None, final=None)],
         "remedies_exception": {"reason": "unreasonably_prolonged", "explanation": "Pending for over four years."}},
        "art3_1", "warning", None,
        id="Martínez de Orellana v. Venezuela, E/C.12/77/D/242/2021, paras 7.10-7.12: pending >4 years, ineffective",
    ),
    pytest.param(
        {"state": "VE", "author_is_victim": False, "acting_on_behalf": True, "consent": "no"},
        "art2", "not_met", None,
        id="Martínez de Orellana, para. 7.3: claims for others without consent are inadmissible",
    ),
    pytest.param(
        {"state": "LU", "victims_under_jurisdiction": False},
        "art2", "not_met", None,
        id="M.L.B. v. Luxembourg, E/C.12/66/D/20/2017, para. 7.5: acts of another State's courts (Metz)",
    ),
    pytest.param(
        {"state": "LU", "unused_remedies": [{"name": "appeal", "reason": "none",
                                              "explanation": "doubts about its chances"}]},
        "art3_1", "not_met", None,
        id="M.L.B. v. Luxembourg, para. 7.4: mere doubts about a remedy's chances do not excuse using it",
    ),
    pytest.param(
        {"state": "ES", "clear_disadvantage": "no"},
        "art4", "warning", None,
        id="Ben Djazia and Bellili v. Spain, E/C.12/61/D/5/2015, para. 11.5: art. 4 is a discretion",
    ),
    pytest.param(
        {"state": "ES", "other_instruments_invoked": ["ICCPR art. 12(1)", "ICCPR art. 26"]},
        "art3_2_d", "met", None,
        id="V.T.F. and A.F.L. v. Spain, E/C.12/56/D/6/2015, para. 4.2: ICCPR claims excluded",
    ),
    pytest.param(
        {"state": "IT", "author_is_victim": False, "acting_on_behalf": False},
        "art2", "not_met", None,
        id="S.C. and G.P. v. Italy, E/C.12/65/D/22/2017, para. 6.19: lack of victim status",
    ),
]


@pytest.mark.parametrize(("changes", "criterion_id", "status", "schedule"), COMMITTEE_DECISIONS)
def test_committee_decisions(changes, criterion_id, status, schedule):
    result = run(**changes)
    assert result.criterion(criterion_id).status == status, result.criterion(criterion_id).reason
    if schedule is not None:
        assert result.deadlines.to_json() == schedule


def test_vtf_excluded_claims_are_listed_not_dropped():
    result = run(other_instruments_invoked=["ICCPR art. 12(1)", "ICCPR art. 26"])
    assert result.to_json()["excluded_claims"] == ["ICCPR art. 12(1)", "ICCPR art. 26"]


# --- table tests: issue 14, points 4 and 5 --------------------------------------------------------------
# Each row: the facts changed from ADMISSIBLE (Spain; facts 2013-06-01 to 2013-10-16; submitted
# 2014-01-28), the criterion, its expected status and missing fields, words the reason must hold and words
# it must not. The id names the article and the source: a Committee decision from OP-ICESCR.md §2 where
# one says it, otherwise the treaty text (OP-ICESCR.md §1) or the counting rules (§6); domain/glossary.md
# note 6 for how the text of art. 3(1) and the Committee's practice differ.

NO_REMEDY = {"remedies": [], "unused_remedies": [],
             "remedies_exception": {"reason": "unavailable", "explanation": "No remedy lies against a statute."}}
FIRST_INSTANCE = remedy(body="Court of First Instance", kind="judicial", filed="2013-06-10", decided="2013-07-20",
                        notified="2013-07-25", final=False)
WITHDRAWN_APPEAL = remedy(body="Provincial Court", kind="appeal", filed="2013-08-01", decided=None, notified=None,
                          outcome="withdrawn", final=None)

ISSUE_14 = [
    # Point 4: no remedy available.
    pytest.param(
        NO_REMEDY, "art3_2_a", "warning", (),
        ("end of the facts (2013-10-16)", "last day is 2014-10-16", "submitted on 2014-01-28, within it",
         "Ziablitsev"), ("cannot be counted",),
        id="4. art. 3(2)(a) + 3(1) (OP-ICESCR.md §1, §6): no remedy available, counted from the end of the facts, "
           "in time; the claim weighed (Ziablitsev, E/C.12/71/D/176/2020, paras 6.5-6.7)",
    ),
    pytest.param(
        {**NO_REMEDY, "remedies_exception": None,
         "unused_remedies": [{"name": "appeal", "reason": "unavailable", "explanation": "No appeal lies."}]},
        "art3_2_a", "warning", (), ("end of the facts (2013-10-16)", "2014-10-16"), ("cannot be counted",),
        id="4. art. 3(2)(a) (OP-ICESCR.md §1): every unused remedy unavailable and none used reads the same",
    ),
    pytest.param(
        {**NO_REMEDY, "submission_date": "2015-02-01"}, "art3_2_a", "unknown", ("one_year_exception",),
        ("last day is 2014-10-16", "after it", "could first act", "López Rodríguez"), ("cannot be counted",),
        id="4. art. 3(2)(a) (López Rodríguez, E/C.12/57/D/1/2013, para. 8.3: the year runs from sufficient "
           "knowledge): late on the facts' count, what is missing is said, not guessed",
    ),
    pytest.param(
        {**NO_REMEDY, "submission_date": "2015-02-01", "one_year_exception": "The law was published in 2014."},
        "art3_2_a", "warning", (), ("last day is 2014-10-16", "submitting earlier was not", "art. 3(2)(a)"), (),
        id="4. art. 3(2)(a), exception where submitting in time was not possible (OP-ICESCR.md §1, §6)",
    ),
    pytest.param(
        {**NO_REMEDY, "continuing": "yes", "facts_end": None}, "art3_2_a", "warning", (),
        ("The facts continue", "has not begun"), ("cannot be counted",),
        id="4. art. 3(2)(a) (OP-ICESCR.md §1): facts that continue, the year has not begun",
    ),
    pytest.param(
        {**NO_REMEDY, "facts_end": None, "continuing": "unknown"}, "art3_2_a", "unknown", ("facts_end", "continuing"),
        ("runs from the facts",), ("cannot be counted",),
        id="4. art. 3(2)(a) (OP-ICESCR.md §1): when the facts ended is what is missing",
    ),
    pytest.param(
        {**NO_REMEDY, "submission_date": None, "facts_start": "2026-01-01", "facts_end": "2026-06-01"},
        "art3_2_a", "warning", (), ("last day is 2027-06-01", "not yet submitted: 188 days left as of 2026-11-25"),
        (),
        id="4. art. 3(2)(a) (OP-ICESCR.md §6): not yet submitted, judged on today",
    ),
    pytest.param(
        NO_REMEDY, "art3_1", "warning", (),
        ("unavailable", "asks only that available remedies be exhausted", "Ziablitsev"), ("second sentence",),
        id="4. art. 3(1), first sentence (OP-ICESCR.md §1; glossary.md note 6): unavailable is outside the rule, "
           "not its second-sentence exception",
    ),
    pytest.param(
        {**NO_REMEDY, "remedies_exception": {"reason": "ineffective", "explanation": "Never succeeds."}},
        "art3_1", "warning", (), ("Committee's practice", "Moreno Romero", "M.L.B."), ("second sentence",),
        id="4. art. 3(1) as the Committee reads it (Moreno Romero, E/C.12/69/D/48/2018, para. 8.2; glossary.md "
           "note 6): ineffective is practice, not text",
    ),
    pytest.param(
        {"remedies": [remedy(body="criminal complaint", kind="other", outcome="pending", decided=None, notified=None,
                             final=None)],
         "remedies_exception": {"reason": "unreasonably_prolonged", "explanation": "Pending for five years."}},
        "art3_1", "warning", (), ("second sentence", "Martínez de Orellana"), (),
        id="4. art. 3(1), second sentence (Martínez de Orellana, E/C.12/77/D/242/2021, paras 7.10-7.12)",
    ),
    pytest.param(
        {"remedies_exception": {"reason": "unavailable", "explanation": "..."}}, "art3_2_a", "met", (),
        ("within one year of notification",), ("end of the facts",),
        id="4. art. 3(2)(a) (López Rodríguez, para. 8.3): a remedy used shows one was available, the year runs "
           "from its final decision",
    ),
    pytest.param(
        {**NO_REMEDY, "unused_remedies": [{"name": "appeal", "reason": "none"}]}, "art3_2_a", "not_applicable", (),
        ("exception to exhaustion",), ("end of the facts",),
        id="4. art. 3(1) (M.L.B., E/C.12/66/D/20/2017, para. 7.4): a remedy left unused for no reason shows one "
           "was available",
    ),
    # Point 5: a final decision after the communication was submitted.
    pytest.param(
        {"remedies": [remedy(body="Constitutional Court", decided="2014-03-10", notified="2014-03-14")]},
        "art3_2_a", "met", (), ("Submitted on 2014-01-28, before the final domestic decision", "cannot be late",
                                "while it is pending"), ("within one year",),
        id="5. art. 3(2)(a) and 3(1) ('shall not consider ... unless it has ascertained', OP-ICESCR.md §1): "
           "exhausted while pending, not 'within one year of' the decision",
    ),
    pytest.param(
        {"remedies": [remedy(body="Constitutional Court", decided="2014-01-20", notified="2014-02-03")]},
        "art3_2_a", "met", (), ("before the final domestic decision", "was notified"), ("within one year",),
        id="5. art. 3(2)(a) (López Rodríguez, para. 8.3: the year runs from the day after notification): "
           "submitted between the decision and its notification",
    ),
    pytest.param(
        {"remedies": [remedy(body="Constitutional Court", decided="2014-03-10", notified="2014-03-14")]},
        "art3_1", "met", (), ("after the communication was submitted (2014-01-28)", "while the communication is "
                                                                                  "pending counts"), (),
        id="5. art. 3(1) (OP-ICESCR.md §1): exhaustion completed while the communication is pending counts",
    ),
    # Point 5: an appeal the author withdrew.
    pytest.param(
        {"remedies": [FIRST_INSTANCE, WITHDRAWN_APPEAL]}, "art3_1", "not_met", (),
        ("The author withdrew the appeal (Provincial Court, filed on 2013-08-01) against the Court of First "
         "Instance decision of 2013-07-20", "Arellano Medina"), ("could still be challenged",),
        id="5. art. 3(1) (final domestic decision: Arellano Medina, E/C.12/63/D/7/2015, para. 8.7; OP-ICESCR.md §6): "
           "a withdrawn appeal named as withdrawn",
    ),
    pytest.param(
        {"remedies": [FIRST_INSTANCE, WITHDRAWN_APPEAL]}, "art3_2_a", "not_applicable", (),
        ("withdrew the appeal (Provincial Court", "López Rodríguez"), ("cannot be counted",),
        id="5. art. 3(2)(a) (López Rodríguez, para. 8.3): no final decision after a withdrawn appeal, the year "
           "has not started",
    ),
    pytest.param(
        {"remedies": [FIRST_INSTANCE]}, "art3_1", "not_met", (), ("could still be challenged",), ("withdrew",),
        id="5. art. 3(1) (OP-ICESCR.md §6): a decision not final and not challenged can still be challenged",
    ),
]


# Issue 14, points 2 and 3: what the register (UNTC, status as at 3 February 2026: op_icescr_states.csv and
# icescr_status.csv, sources in caseapp/data/SOURCES.md) settles, and only that. Each row: the register, the facts
# changed, the criterion, its status and missing fields, words the reason must hold. The id names the article and
# the source of the dates.
COVENANT = CovenantRegister.shipped()
REGISTER_2024_WITH_COVENANT = StatesRegister.snapshot(SNAPSHOT_2024, covenant=COVENANT)
ISSUE_14_REGISTER = [
    pytest.param(
        REGISTER, {"state": "US", "submission_date": "2020-01-01"}, "art1", "not_met", (),
        ("was not a party to the International Covenant", "2020-01-01", "art. 17(2)-(3)", "art. 1(2)",
         "2026-02-03"),
        id="2. arts 17(2)-(3), 1(2): the United States signed the Covenant (5 Oct 1977) and never ratified it "
           "(icescr_status.csv, UNTC IV-3)",
    ),
    pytest.param(
        REGISTER_2024_WITH_COVENANT, {"state": "SS", "submission_date": "2023-06-01"}, "art1", "not_met", (),
        ("was not a party to the International Covenant", "art. 17(2)-(3)"),
        id="2. arts 17-18: South Sudan acceded to the Covenant on 5 Feb 2024, so even the incomplete 2024 register "
           "settles that it was not a Protocol party in 2023 (icescr_status.csv)",
    ),
    pytest.param(
        REGISTER, {"state": "MY", "submission_date": "2025-06-01"}, "art1", "not_met", (),
        ("was not a party to the International Covenant", "Malaysia"),
        id="2. art. 17: Malaysia has neither signed nor ratified the Covenant (icescr_status.csv)",
    ),
    pytest.param(
        REGISTER, {"state": "GB", "submission_date": None}, "art1", "not_met", (),
        ("was not a party to the Optional Protocol as of 2026-02-03", "lists every party as of that date (31)",
         "later than 2026-02-03", "check the UN Treaty Collection", "art. 18(2)"),
        id="2. art. 1(2): the 2026 list is complete (31 parties, UNTC IV-3-a); judged on today, later than the "
           "register, so a later accession is to be checked",
    ),
    pytest.param(
        REGISTER, {"state": "US", "submission_date": None}, "art1", "not_met", (),
        ("as of 2026-02-03", "had only signed the Covenant", "check the UN Treaty Collection"),
        id="2. arts 1(2), 17: after the register's date the Covenant list cannot rule out a ratification, but the "
           "complete Protocol list still shows no party as of its date",
    ),
    pytest.param(
        REGISTER_2024, {"state": "RS", "submission_date": "2024-01-10"}, "art1", "unknown",
        ("register:RS.party_status",), ("does not list every party", "27 of the 29"),
        id="2. art. 1: the February 2024 list missed two parties (Serbia, South Sudan), so its silence is unknown",
    ),
    pytest.param(
        REGISTER, {"state": "RS", "submission_date": "2024-01-10"}, "art1", "met", (),
        ("2023-12-22", "art. 18(2): three months after the deposit of its instrument of accession on 2023-09-22"),
        id="3. art. 18(2): Serbia acceded on 22 Sep 2023, in force 22 Dec 2023 (UNTC IV-3-a, 3 Feb 2026)",
    ),
    pytest.param(
        REGISTER, {"state": "CI", "submission_date": "2025-02-03"}, "art1", "not_met", (),
        ("2025-02-04", "can be submitted from 2025-02-04"),
        id="3. art. 18(2): Côte d'Ivoire acceded on 4 Nov 2024, in force 4 Feb 2025; a day early is not_met",
    ),
    pytest.param(
        REGISTER, {"state": "AL", "submission_date": "2025-05-19"}, "art1", "met", (), ("2025-05-19", "2025-02-19"),
        id="3. art. 18(2): Albania acceded on 19 Feb 2025, in force 19 May 2025, the day itself counts",
    ),
    pytest.param(
        REGISTER, {"state": "PT", "submission_date": "2013-05-05"}, "art1", "met", (),
        ("2013-05-05", "art. 18(1)"),
        id="3. art. 18(1): Portugal's instrument (28 Jan 2013) was among the first ten, in force 5 May 2013",
    ),
    pytest.param(
        REGISTER, {"state": "SS", "facts_start": "2024-05-04", "facts_end": "2024-05-04", "continuing": "no",
                   "remedies": [], "submission_date": "2025-01-10"},
        "art3_2_b", "not_met", (), ("2024-05-05", "before"),
        id="3. arts 3(2)(b), 18(2): South Sudan acceded on 5 Feb 2024, in force 5 May 2024; facts the day before",
    ),
]


@pytest.mark.parametrize(("register", "changes", "criterion_id", "status", "missing", "says"), ISSUE_14_REGISTER)
def test_issue_14_the_register_settles_what_the_law_settles(register, changes, criterion_id, status, missing, says):
    item = criterion(criterion_id, register=register, **changes)
    assert (item.status, item.missing) == (status, missing), item.reason
    for words in says:
        assert words in item.reason, (words, item.reason)
    assert item.article == dict(CRITERIA)[criterion_id] and item.reason.endswith(".")


def test_issue_14_every_reason_resting_on_the_register_names_its_date():
    """The explanation states the register date whenever a conclusion depends on it (arts 1 and 3(2)(b))."""
    cases = [(p.values[0], p.values[1]) for p in ISSUE_14_REGISTER] + [
        (REGISTER, {}), (REGISTER, {"state": "FI", "submission_date": "2014-04-30"}),
        (REGISTER_2024, {"state": "NE", "submission_date": "2015-01-10"}), (REGISTER, {"state": "AO"}),
    ]
    for register, changes in cases:
        dates = {register.as_of.isoformat()} | ({register.covenant.as_of.isoformat()} if register.covenant else set())
        for name in ("art1", "art3_2_b"):
            reason = criterion(name, register=register, **changes).reason
            assert any(day in reason for day in dates), (name, changes, reason)
        explained = explain(run(register=register, **changes), facts(**changes), TODAY)
        art1_line = explained.split("Article 1 (art1):")[1].split("\n")[0]
        assert any(day in art1_line for day in dates), art1_line


@pytest.mark.parametrize(("changes", "criterion_id", "status", "missing", "says", "never_says"), ISSUE_14)
def test_issue_14_reasons_read_the_facts_right(changes, criterion_id, status, missing, says, never_says):
    item = criterion(criterion_id, **changes)
    assert (item.status, item.missing) == (status, missing), item.reason
    for words in says:
        assert words in item.reason, (words, item.reason)
    for words in never_says:
        assert words not in item.reason, (words, item.reason)
    assert item.article == dict(CRITERIA)[criterion_id] and item.reason.endswith(".")


def test_issue_14_no_remedy_available_leaves_the_stored_deadline_alone():
    """The reason names the last day counted from the facts; DESIGN.md §5 counts ``deadlines`` from a domestic
    decision only (basis notification or decision), so they stay null and so does the stored one-year count."""
    result = run(**NO_REMEDY)
    assert result.deadlines.to_json() == {"one_year_last_day": None, "days_left": None, "basis": None}
    assert one_year_count(facts(**NO_REMEDY)) is None
    assert result.overall == "admissible"  # warnings only: the Committee weighs the claim
