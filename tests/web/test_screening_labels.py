"""Every code the admissibility engine can emit has plain words (issue 17, point 3): each criterion a
name with its article and a question, each missing fact a question and a place where it is answered,
each warning a title, each coded answer of a report a word. These iterate over the engine's own
definitions, so a new code without words fails here, not on a lawyer's screen."""

import re
from datetime import date
from pathlib import Path

import pytest

from caseapp.domain import admissibility
from caseapp.domain.admissibility import CRITERIA, MISSING_KINDS, WARNING_CODES, CaseFacts, missing_kind
from caseapp.domain.admissibility.result import conclude
from caseapp.domain.register import StatesRegister
from caseapp.domain.report import (
    EXCEPTION_REASONS,
    PROCEDURE_STATUSES,
    REMEDY_KINDS,
    REMEDY_OUTCOMES,
    UNUSED_REASONS,
    VICTIM_KINDS,
)
from caseapp.web.labels import (
    CRITERION_NAMES,
    CRITERION_QUESTIONS,
    FACT_WORDS,
    MISSING_QUESTIONS,
    STILL_OPEN_LABELS,
    WARNING_LABELS,
)

SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
REPORT_DETAILS = Path(__file__).parents[2] / "templates" / "intake" / "_report_details.html"


@pytest.mark.parametrize(("criterion", "article"), CRITERIA)
def test_every_criterion_has_its_article_a_plain_name_and_a_question(app, criterion, article):
    with app.test_request_context():
        name, question = str(CRITERION_NAMES[criterion]), str(CRITERION_QUESTIONS[criterion])
    # "Article 3(2)(a)" → "Art. 3(2)(a) — one-year time limit": the article first, then what it asks
    assert name.startswith(article.replace("Article", "Art.") + " — ")
    assert len(name) > len(article) + 6
    assert "?" in question
    assert not SNAKE.search(name) and not SNAKE.search(question)


def test_the_criteria_names_follow_the_protocol():  # OP-ICESCR.md §1
    names = {criterion: str(CRITERION_NAMES[criterion]) for criterion, _article in CRITERIA}
    assert "one-year" in names["art3_2_a"] and "State party" in names["art1"]
    assert "exhausted" in names["art3_1"] and "entry into force" in names["art3_2_b"]
    assert "anonymous" in names["art3_2_g"] and "clear disadvantage" in names["art4"]


def test_every_missing_fact_has_a_question_and_a_place_where_it_is_answered():
    assert set(MISSING_QUESTIONS) == set(MISSING_KINDS)  # none without words, none left over
    details = REPORT_DETAILS.read_text()
    criteria = {criterion for criterion, _article in CRITERIA}
    for kind in MISSING_KINDS:
        question, anchor = MISSING_QUESTIONS[kind]
        question = str(question)
        assert question.endswith(("?", ".", ")")), kind
        assert not SNAKE.search(question), kind
        if "*." in kind and not kind.startswith("register:"):
            assert "%(n)d" in question, kind  # which entry of the list
        if kind.startswith("register:"):
            assert "%(state)s" in question, kind
        if anchor.startswith("report-"):
            assert f'id="{anchor}"' in details, kind  # the section of the report's facts exists
        else:
            assert anchor.removeprefix("criterion-") in criteria, kind  # the lawyer's determination


@pytest.mark.parametrize("code", WARNING_CODES)
def test_every_warning_has_a_title(code):
    assert str(WARNING_LABELS[code]) and not SNAKE.search(str(WARNING_LABELS[code]))


def test_every_coded_answer_of_a_report_has_a_word():
    for code in {*EXCEPTION_REASONS, *UNUSED_REASONS, *REMEDY_OUTCOMES, *PROCEDURE_STATUSES, *REMEDY_KINDS,
                 *VICTIM_KINDS, "yes", "no", "unknown"}:
        assert not SNAKE.search(str(FACT_WORDS[code])), code


def test_a_criterion_that_is_not_blocked_says_why_its_missing_facts_matter():
    for status in ("met", "warning", "not_applicable"):
        assert "answer" in str(STILL_OPEN_LABELS[status])


def test_the_engine_refuses_a_missing_fact_it_does_not_declare():
    assert missing_kind("remedies.3.final") == "remedies.*.final"
    assert missing_kind("register:NE.entry_into_force") == "register:*.entry_into_force"
    with pytest.raises(ValueError):
        missing_kind("favourite_colour")
    with pytest.raises(ValueError):
        conclude("art1", "unknown", "Something.", ("remedies.0.colour",))


def test_each_warning_comes_with_its_code():
    """Facts that raise most of the warnings: the codes come in the warnings' order, one each."""
    facts = CaseFacts.from_json({
        "state": "ES", "rights_invoked": ["2(2)", "11(1)"], "facts_start": "2020-05-01", "facts_end": "2019-01-01",
        "author_is_victim": True, "acting_on_behalf": True, "consent": "no",
        "remedies": [{"body": "Juzgado", "filed": "2021-03-01", "decided": "2021-01-10", "notified": "2021-02-01",
                      "outcome": "partly_granted", "final": True}],
    })
    assessment = admissibility.assess(facts, today=date(2026, 12, 5), register=StatesRegister.shipped())
    assert len(assessment.warning_codes) == len(assessment.warnings)
    assert {"one_year_passed", "others_without_consent", "housing_due_diligence", "remedy_granted",
            "facts_date_order", "remedy_date_order"} <= set(assessment.warning_codes)
    assert assessment.warning_codes[0] == "one_year_passed"
    assert "passed" in assessment.warnings[0]

