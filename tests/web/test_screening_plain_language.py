"""The screening pages as a lawyer reads them (issue 17, points 3 and 4): no internal name, one date
format, questions linked to where they are answered, never a bare "Missing" under a met criterion, and
a drafted request for information that puts what blocks the communication first."""

import re
from datetime import date, timedelta

from caseapp.domain.report import ProcedureInput, RemedyInput, UnusedRemedyInput, VictimInput
from caseapp.models.base import utcnow
from tests.factories import submit_report, text_of

SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def days_ago(days: int) -> date:
    return utcnow().date() - timedelta(days=days)


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def messy_report(app, partner):
    """A report that makes the engine say a lot: a passed one-year limit without a reason, a partly granted
    remedy whose substance is unknown, an unused remedy with a reason but no explanation, another procedure
    that declared the matter inadmissible with reasons, a housing claim beside another treaty's article."""
    return submit_report(
        app, partner, notified=days_ago(500), rights_invoked=["11(1)"], acting_on_behalf="yes",
        victims=[VictimInput(name="Ana", consent="yes")],
        remedies=[RemedyInput(body="Audiencia", kind="appeal", filed=days_ago(700), decided=days_ago(510),
                              notified=days_ago(500), outcome="partly_granted", final="yes",
                              addressed_substance="unknown")],
        unused_remedies=[UnusedRemedyInput(name="Amparo", reason="unreasonably_prolonged")],
        other_procedures=[ProcedureInput(body="ECtHR", same_matter="yes", status="declared_inadmissible_reasoned",
                                              date=days_ago(300))],
    )


def test_the_workspace_shows_no_internal_name_and_one_date_format(app, people, clients):
    case, _ = messy_report(app, people["partner_a"].user)
    page = clients("lawyer").get(f"/screening/{case.uuid}").get_data(as_text=True)
    seen = text_of(section(page, 'id="facts-heading"', '<h3 class="h5 mt-4">'))
    assert not SNAKE.findall(seen), SNAKE.findall(seen)  # author_is_victim, partly_granted, one_year_exception …
    assert not ISO_DAY.findall(seen), ISO_DAY.findall(seen)  # the engine's 2013-10-21 in the reasons
    assert "Missing:" not in seen
    notified = days_ago(500)
    assert f"{notified.day} {notified.strftime('%b')} {notified.year}" in seen  # the one format, "d MMM y"
    # each criterion by its plain name with its article
    assert "Art. 3(2)(a) — one-year time limit" in seen and "Art. 1 — State party to the Protocol" in seen
    # the report's coded answers in words
    assert "partly granted" in seen and "unreasonably prolonged" in seen
    assert "declared inadmissible, with reasons" in seen
    # the warnings titled in words
    assert "One-year limit passed." in seen and "The final decision granted the remedy." in seen


def test_the_assessment_form_and_the_request_show_no_internal_name(app, people, clients):
    case, _ = messy_report(app, people["partner_a"].user)
    lawyer = clients("lawyer")
    form = lawyer.get(f"/screening/{case.uuid}/assessment").get_data(as_text=True)
    seen = text_of(section(form, "<h1", "Strategic assessment"))
    assert not SNAKE.findall(seen), SNAKE.findall(seen)
    assert not ISO_DAY.findall(seen) and "Missing:" not in seen
    assert "Art. 3(2)(c) — same matter not examined elsewhere" in seen
    draft = text_of(lawyer.get(f"/screening/{case.uuid}/request-information").get_data(as_text=True))
    assert not SNAKE.findall(draft), SNAKE.findall(draft)
    assert not ISO_DAY.findall(draft)


def test_missing_facts_are_questions_linked_to_where_they_are_answered(app, people, clients):
    case, _ = messy_report(app, people["partner_a"].user)
    lawyer = clients("lawyer")
    page = lawyer.get(f"/screening/{case.uuid}").get_data(as_text=True)
    item = section(page, 'id="criterion-art3_1"', 'class="list-group-item"')
    # a fact of the report: the section of the facts on the same page, which exists; the criterion is only a
    # warning, so the page says why the answer matters
    assert re.search(r'<a href="#report-remedies">\s*Explain, with facts, why unused remedy no\. 1 was not used\.',
                     item)
    assert "The engine relies here on a claim the author must show. To show it, answer:" in text_of(item)
    assert 'id="report-remedies"' in page
    item = section(page, 'id="criterion-art3_2_e"', 'class="list-group-item"')
    # a fact only the lawyer determines: the determination on the assessment form
    assert f'href="/screening/{case.uuid}/assessment#criterion-art3_2_e"' in item
    assert "Is each claim sufficiently substantiated by evidence?" in item
    form = lawyer.get(f"/screening/{case.uuid}/assessment").get_data(as_text=True)
    assert 'id="criterion-art3_2_e"' in form
    # and from the form, back to the report's facts on the workspace
    assert f'href="/screening/{case.uuid}#report-remedies"' in form


def test_a_met_criterion_says_why_a_missing_fact_still_matters(app, people, clients):
    """Art. 2 is met for a victim's consented representative even when whether the author is also a victim
    is not recorded: the page says so, and why it is still worth answering, never a bare "Missing"."""
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(100), author_is_victim="unknown",
                            acting_on_behalf="yes", victims=[VictimInput(name="Ana", consent="yes")])
    page = clients("lawyer").get(f"/screening/{case.uuid}").get_data(as_text=True)
    item = section(page, 'id="criterion-art2"', 'class="list-group-item"')
    assert "engine: met" in text_of(item)
    assert "Met on what is recorded. Still worth answering, because the Committee may ask:" in text_of(item)
    assert re.search(r'<a href="#report-victims">\s*Is the author the victim, or authorised by the victim\?', item)
    assert "Missing" not in item


def test_the_request_for_information_puts_the_passed_one_year_limit_first(app, people, clients):
    """Point 4: the one-year limit has passed and no reason for lateness is recorded — art. 3(2)(a) is not
    met, with nothing "missing". The draft still asks it, first, naming the last day; then the criteria
    not yet known; then the rest."""
    notified = days_ago(400)
    case, _ = submit_report(app, people["partner_a"].user, notified=notified, author_is_victim="unknown",
                            acting_on_behalf="yes", victims=[VictimInput(name="Ana", consent="yes")])
    lawyer = clients("lawyer")
    criterion = section(lawyer.get(f"/screening/{case.uuid}").get_data(as_text=True), 'id="criterion-art3_2_a"',
                        'class="list-group-item"')
    assert "engine: not met" in text_of(criterion)
    draft = text_of(lawyer.get(f"/screening/{case.uuid}/request-information").get_data(as_text=True))
    last_day = notified.replace(year=notified.year + 1)
    first = draft.index("1. Art. 3(2)(a) — one-year time limit (not met as reported): The last day to submit the "
                        f"communication to the Committee was {last_day.day} {last_day.strftime('%b')} "
                        f"{last_day.year}")
    assert "Why was it not possible to submit it in time?" in draft
    unknown = draft.index("Art. 3(2)(e) — substantiated, not only media reports (not yet known)")
    rest = draft.index("Then, to complete the file:")
    asked_later = draft.index("Is the author the victim, or authorised by the victim?")  # under a met criterion
    assert draft.index("First, what stands in the way of the communication now:") < first < unknown < rest
    assert rest < asked_later
    assert draft.count("Is the author the victim, or authorised by the victim?") == 1
    # what the lawyer determines is not asked of the partner; the criterion's own question is
    assert "your determination" not in draft
    assert "Which evidence, beyond news reports, supports each violation claimed?" in draft


def test_a_report_the_engine_has_no_question_on_gets_an_empty_draft(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30), substantiated="yes", abuse="no",
                            only_mass_media_reports="no", clear_disadvantage="yes", other_procedures=[])
    page = clients("lawyer").get(f"/screening/{case.uuid}/request-information").get_data(as_text=True)
    assert "The engine is not missing anything. Write what you need to know." in page
