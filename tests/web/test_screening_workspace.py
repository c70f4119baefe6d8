"""The lawyers' screening workspace (issue 5, item 4) and the one-year limit wherever a report appears
(item 5): the queue's filters, the case page, versioned assessments, and the three decisions as the
lawyer and the partner see them."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer, keyring
from caseapp.domain.admissibility import CRITERIA
from caseapp.domain.report import RemedyInput, VictimInput
from caseapp.domain.screening import STRATEGIC_FACTORS
from caseapp.models import Case, CaseEvent, Message, ScreeningVersion
from caseapp.models.base import utcnow
from caseapp.models.case import QUEUE_ORDER_INDEX
from caseapp.services import intake
from tests.factories import counting, record_screening, submit_report

DECLINE_MARKER = "DECLINEREASON7c1"


def days_ago(days: int) -> date:
    return utcnow().date() - timedelta(days=days)


def reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def screening_form(engine_status: dict[str, str] | None = None, **overrides) -> dict[str, str]:
    """Every criterion "met" with a reason, every factor scored 3."""
    data = {f"status_{criterion}": "met" for criterion, _article in CRITERIA}
    data |= {f"reason_{criterion}": "Checked against the judgment." for criterion, _article in CRITERIA}
    data |= {f"score_{factor}": "3" for factor, _name in STRATEGIC_FACTORS}
    data |= {f"notes_{factor}": "" for factor, _name in STRATEGIC_FACTORS}
    data["summary"] = ""
    data.update(overrides)
    return data


# --- the queue -----------------------------------------------------------------------------------


def test_the_queue_filters_by_state_right_urgency_and_days_left(app, people, clients):
    partner = people["partner_a"].user
    soon, _ = submit_report(app, partner, notified=days_ago(365 - 5), title="Soon", state="ES")
    later, _ = submit_report(app, partner, notified=days_ago(365 - 60), title="Later", state="PT",
                             rights_invoked=["12"], urgent_risk="yes", urgent_date=utcnow().date(),
                             urgent_explanation="Demolition next week")
    passed, _ = submit_report(app, partner, notified=days_ago(400), title="Passed", state="ES")
    uncounted, _ = submit_report(app, partner, notified=days_ago(10), title="Uncounted", state="ES", remedies=[])
    lawyer = clients("lawyer")

    def titles(query: str) -> list[str]:
        page = lawyer.get(f"/screening{query}").get_data(as_text=True)
        return re.findall(r'<a href="/screening/[^"]+" class="case-title"[^>]*>([^<]+)</a>', page)

    # Sorted by the one-year limit, soonest (even passed) first; the uncounted last.
    assert titles("") == ["Passed", "Soon", "Later", "Uncounted"]
    assert titles("?state=PT") == ["Later"]
    assert titles("?right=12") == ["Later"]
    assert titles("?right=11(1)") == ["Passed", "Soon", "Uncounted"]
    assert titles("?urgent=yes") == ["Later"]
    assert titles("?days=7") == ["Soon"]
    assert titles("?days=90") == ["Soon", "Later"]
    assert titles("?days=passed") == ["Passed"]
    assert titles("?days=unknown") == ["Uncounted"]
    assert titles("?sort=submitted") == ["Uncounted", "Passed", "Later", "Soon"]  # newest first
    assert titles("?sort=submitted&dir=asc") == ["Soon", "Later", "Passed", "Uncounted"]
    assert titles("?sort=limit&dir=desc") == ["Later", "Soon", "Passed", "Uncounted"]  # the uncounted stay last
    assert titles("?sort=urgency") == ["Later", "Uncounted", "Passed", "Soon"]
    assert lawyer.get("/screening?sort=title").status_code == 400  # only the whitelisted columns
    assert lawyer.get("/screening?sort=submitted&dir=sideways").status_code == 400
    assert "No report matches these filters." in lawyer.get("/screening?state=FR").get_data(as_text=True)
    assert lawyer.get("/screening?days=banana").status_code == 400  # a value no form offers


def test_a_long_queue_is_counted_so_far_and_walked_in_its_order(app, people, clients, monkeypatch):
    """Issue 20: past the bound a list is counted to, the queue says "more than" and its default order is
    read from ``ix_cases_by_one_year_limit`` (named to SQLite); a common right is tested case by case. The
    rows and their order must be those the database's own plan gives: the same queries as above, here with
    the bounds lowered to two rows, a page of two and every right common."""
    partner = people["partner_a"].user
    submit_report(app, partner, notified=days_ago(365 - 5), title="Soon", state="ES")
    submit_report(app, partner, notified=days_ago(365 - 60), title="Later", state="PT", rights_invoked=["12"])
    submit_report(app, partner, notified=days_ago(400), title="Passed", state="ES")
    submit_report(app, partner, notified=days_ago(500), title="Long passed", state="ES")
    submit_report(app, partner, notified=days_ago(10), title="Uncounted", state="ES", remedies=[])
    submit_report(app, partner, notified=days_ago(20), title="Uncounted too", state="ES", remedies=[])
    lawyer = clients("lawyer")
    app.config["PAGE_SIZE"] = 2
    expected = {  # the order every view of the queue gives: limit soonest first, then newest submitted
        "": ["Long passed", "Passed", "Soon", "Later", "Uncounted too", "Uncounted"],
        "?right=11(1)": ["Long passed", "Passed", "Soon", "Uncounted too", "Uncounted"],
        "?days=passed": ["Long passed", "Passed"],
        "?days=90": ["Soon", "Later"],
        "?days=unknown": ["Uncounted too", "Uncounted"],
        "?state=ES": ["Long passed", "Passed", "Soon", "Uncounted too", "Uncounted"],
    }

    def pages(query: str) -> tuple[list[str], str]:
        titles, words = [], ""
        for number in (1, 2, 3):
            page = lawyer.get(f"/screening{query}{'&' if query else '?'}page={number}").get_data(as_text=True)
            titles += re.findall(r'<a href="/screening/[^"]+" class="case-title"[^>]*>([^<]+)</a>', page)
            words = words or " ".join(re.findall(r'<p class="small text-muted">([^<]+)</p>', page))
        return titles, words

    for query, titles in expected.items():
        assert pages(query)[0] == titles, query  # what the database's own plan gives, counted exactly
    assert "6 in all" in pages("")[1]

    from caseapp.services import cases
    monkeypatch.setattr(cases, "COUNTED_AT_LEAST", 2)  # page 1 is counted to 4 rows, page 2 to 6
    monkeypatch.setattr(cases, "COUNTED_PAGES_AHEAD", 1)
    monkeypatch.setattr(cases, "COMMON_RIGHT_ROWS", 1)
    for query, titles in expected.items():
        with counting() as statements:
            shown, words = pages(query)
        assert shown == titles, query
        assert ("More than 4 in all" in words) == (len(titles) > 4), query
        walked = any(f"INDEXED BY {QUEUE_ORDER_INDEX.name}" in sql for sql in statements)
        if db.engine.dialect.name == "sqlite":  # a long list walked; a window of days always a range
            assert walked == (len(titles) > 4 or query in ("?days=90", "?days=unknown")), query
        if query.startswith("?right="):  # a common right, tested case by case
            assert any("EXISTS (SELECT" in sql for sql in statements)


@pytest.mark.parametrize(("who", "path"),
                         [("lawyer", "/screening"), ("lawyer", "/committee"), ("partner_a", "/intake")])
def test_a_page_past_the_end_of_a_list_says_so_and_leads_to_the_first(app, people, clients, who, path):
    """A page number past the last page (an old link, a typed address) is not "nothing here" on a list that
    has rows: the page says it is past the end and links to the first page, filters kept."""
    from caseapp.domain import stages
    from tests.factories import make_staged_case
    submit_report(app, people["partner_a"].user, notified=days_ago(30), title="Queued")
    make_staged_case(app, people["partner_a"].user.organisation, stage=stages.REGISTERED, title="Registered")
    html = clients(who).get(f"{path}?page=7").get_data(as_text=True)
    assert "This page is past the end of the list." in html
    assert re.search(rf'<a href="{re.escape(path)}\?page=1">Go to the first page</a>', html)
    assert "Nothing to screen" not in html and "No case is before the Committee yet" not in html
    first = clients(who).get(f"{path}?page=1").get_data(as_text=True)
    assert "past the end" not in first


def test_the_queue_shows_the_one_year_limit_with_its_warning(app, people, clients):
    submit_report(app, people["partner_a"].user, notified=days_ago(365 - 12))
    page = clients("lawyer").get("/screening").get_data(as_text=True)
    last_day = days_ago(365 - 12).replace(year=days_ago(365 - 12).year + 1)
    # The day kept on one line; the badge may go under it in a narrow column, never over the next one.
    assert f'<span class="text-nowrap">{last_day.day} {last_day.strftime("%b")} {last_day.year}</span> <span' in page
    assert re.search(r'deadline-badge--due-soon">due in 12 days<', page)  # amber, with words


def test_decided_reports_leave_the_queue_but_stay_findable(app, people, clients):
    case, vault = submit_report(app, people["partner_a"].user, notified=days_ago(30), title="Done with")
    lawyer = clients("lawyer")
    lawyer.post(f"/screening/{case.uuid}/decline", data={"reason": "Out of time."})
    assert "Done with" not in lawyer.get("/screening").get_data(as_text=True)
    assert "Done with" in lawyer.get("/screening?stage=declined").get_data(as_text=True)
    assert "Done with" in lawyer.get("/screening?stage=all").get_data(as_text=True)


# --- the case page -------------------------------------------------------------------------------


def test_the_case_page_shows_the_facts_beside_the_assessment(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(100), remedies=[
        RemedyInput(body="Juzgado", kind="judicial", decided=days_ago(120), outcome="rejected", final="unknown",
                    addressed_substance="yes")])
    page = clients("lawyer").get(f"/screening/{case.uuid}").get_data(as_text=True)
    assert page.index('id="facts-heading"') < page.index('id="assessment-heading"')
    assert "Juzgado" in page  # the facts
    assert 'id="criterion-art3_1"' in page and "Art. 3(1) — domestic remedies exhausted" in page
    # what is missing, per criterion, as the question that settles it, linked to where the report answers it
    assert '<a href="#report-remedies">Could the decision on domestic remedy no. 1 still be appealed?</a>' in page
    assert "engine: unknown" in page  # colour and words
    assert "No assessment recorded yet." in page
    assert 'href="/screening/' + str(case.uuid) + '/request-information"' in page


# --- assessments and versions --------------------------------------------------------------------


def test_a_first_assessment_starts_from_the_engine(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    page = clients("lawyer").get(f"/screening/{case.uuid}/assessment").get_data(as_text=True)
    selected = re.search(r'<select[^>]*name="status_art1".*?</select>', page, re.S).group()
    assert re.search(r'<option selected value="met">|<option value="met" selected>', selected)


def test_differing_from_the_engine_needs_a_reason(app, people, clients):  # DESIGN.md §5
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    lawyer = clients("lawyer")
    form = screening_form(**{"status_art1": "not_met", "reason_art1": ""})
    response = lawyer.post(f"/screening/{case.uuid}/assessment", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="reason_art1-error"' in page and "You differ from the engine (met): write your reason." in page
    assert db.session.execute(select(func.count()).select_from(ScreeningVersion)).scalar_one() == 0
    assert reload(case).stage == "submitted"


def test_each_save_is_a_version_with_what_changed(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    lawyer = clients("lawyer")
    first = lawyer.post(f"/screening/{case.uuid}/assessment", data=screening_form())
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/screening/{case.uuid}#assessment")
    assert reload(case).stage == "screening"  # a first assessment opens the screening

    again = lawyer.post(f"/screening/{case.uuid}/assessment", data=screening_form())
    assert again.status_code == 400
    assert "Nothing changed since the last version" in again.get_data(as_text=True)

    lawyer.post(f"/screening/{case.uuid}/assessment", data=screening_form(
        score_precedent_value="5", notes_reprisal_risk="The mayor threatened the family.",
        status_art4="unknown", reason_art4="The disadvantage is not yet shown."))
    page = lawyer.get(f"/screening/{case.uuid}").get_data(as_text=True)
    versions = page[page.index('id="versions"'):]
    assert "Version 2" in versions and "Version 1" in versions
    assert "Precedent value: 3/5 → 5/5" in versions
    assert "Risk of reprisals: notes rewritten" in versions
    assert "First assessment." in versions
    assert "Art. 4 — clear disadvantage: your determination met → unknown" in versions  # the plain name
    assert "The mayor threatened the family." in page  # the current scores and notes
    versions = select(ScreeningVersion.version).order_by(ScreeningVersion.version)
    assert db.session.execute(versions).scalars().all() == [1, 2]


def test_a_score_of_only_spaces_is_saved_as_not_scored(app, people, clients):  # IN-01
    """Found by the form fuzzing test: a score of spaces passed the field as empty, then failed as a number
    (a 500). It is what the field's Optional() says it is: not scored."""
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    lawyer = clients("lawyer")
    response = lawyer.post(f"/screening/{case.uuid}/assessment", data=screening_form(score_precedent_value="   "))
    assert response.status_code == 302
    page = lawyer.get(f"/screening/{case.uuid}").get_data(as_text=True)
    scores = dict(re.findall(r'<dt class="col-sm-6">([^<]+)</dt>\s*<dd class="col-sm-6">\s*<span[^>]*>([^<]+)</span>',
                             page))
    assert scores["Precedent value"] == "not scored"
    assert scores["Systemic impact"] == "3/5"  # the other factors keep their score


def test_assessments_are_encrypted_at_rest(app, people, clients):  # CRY-01
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads the SQLite file")
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    marker = "SCREENINGNOTE5d2"
    clients("lawyer").post(f"/screening/{case.uuid}/assessment", data=screening_form(summary=marker))
    db.session.remove()
    raw = b"".join(p.read_bytes() for p in Path(app.instance_path).rglob("*") if p.is_file())
    assert marker.encode() not in raw


# --- request for information ---------------------------------------------------------------------


def test_missing_items_become_a_request_the_partner_answers(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(100), remedies=[
        RemedyInput(body="Juzgado", kind="judicial", decided=days_ago(120), outcome="rejected", final="unknown",
                    addressed_substance="yes")])
    lawyer, partner = clients("lawyer"), clients("partner_a")
    draft = lawyer.get(f"/screening/{case.uuid}/request-information").get_data(as_text=True)
    assert "Could the decision on domestic remedy no. 1 still be appealed?" in draft

    sent = lawyer.post(f"/screening/{case.uuid}/request-information",
                       data={"body": "Could the decision of domestic remedy 1 still be appealed?"})
    assert sent.headers["Location"].endswith(f"/screening/{case.uuid}#thread")
    assert reload(case).stage == "info_requested"
    assert db.session.execute(select(Message.kind)).scalars().all() == ["information_request"]

    page = partner.get(f"/intake/{case.uuid}").get_data(as_text=True)
    assert 'id="information-request"' in page and "Update the report" in page
    assert "Could the decision of domestic remedy 1 still be appealed?" in page
    assert "Information requested" in partner.get("/intake").get_data(as_text=True)

    answered = partner.post(f"/cases/{case.uuid}/messages", data={"body": "No: it was the supreme court."})
    assert answered.status_code == 302
    assert reload(case).stage == "screening"
    timeline = clients("lawyer").get(f"/screening/{case.uuid}").get_data(as_text=True)
    assert "The partner answered in the thread." in timeline


def test_the_partner_updates_the_report_and_sends_it_back(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(100), remedies=[])
    assert reload(case).one_year_last_day is None
    lawyer, partner = clients("lawyer"), clients("partner_a")
    lawyer.post(f"/screening/{case.uuid}/request-information", data={"body": "Which remedies were used?"})
    form = partner.get(f"/intake/{case.uuid}/edit/review")
    assert form.status_code == 200
    assert "Send the updated report to the coalition's lawyers" in form.get_data(as_text=True)

    notified = days_ago(100)
    data = {
        "action": "submit", "title": "Eviction", "narrative": "What happened", "state": "ES",
        "rights_invoked": "11(1)", "facts_start": "2024-03-03", "continuing": "no", "author_is_victim": "yes",
        "acting_on_behalf": "no", "victims_under_jurisdiction": "yes", "only_mass_media_reports": "unknown",
        "remedies_exception_reason": "", "urgent_risk": "unknown", "clear_disadvantage": "unknown",
        "general_importance": "unknown", "substantiated": "unknown", "abuse": "unknown",
        "victims-0-name": "Ana", "victims-0-kind": "individual", "victims-0-consent": "yes",
        "remedies-0-body": "Tribunal Supremo", "remedies-0-kind": "cassation", "remedies-0-decided": str(notified),
        "remedies-0-notified": str(notified), "remedies-0-outcome": "rejected", "remedies-0-final": "yes",
        "remedies-0-addressed_substance": "yes",
    }
    sent = partner.post(f"/intake/{case.uuid}/edit", data=data)
    assert sent.status_code == 302, sent.get_data(as_text=True)
    assert sent.headers["Location"].endswith(f"/intake/{case.uuid}")
    case = reload(case)
    assert case.stage == "screening" and case.reference.startswith("ESCR-")
    assert case.one_year_last_day == notified.replace(year=notified.year + 1)
    page = lawyer.get(f"/screening/{case.uuid}").get_data(as_text=True)
    assert "Tribunal Supremo" in page and "The partner updated the report." in page
    assert "asked for more information" not in partner.get(f"/intake/{case.uuid}").get_data(as_text=True)


def test_a_submitted_report_is_not_editable_unless_information_was_requested(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(100))
    response = clients("partner_a").get(f"/intake/{case.uuid}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/intake/{case.uuid}")


# --- decline, accept, reopen ---------------------------------------------------------------------


def test_a_decline_needs_a_reason_and_the_partner_reads_it(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    lawyer = clients("lawyer")
    empty = lawyer.post(f"/screening/{case.uuid}/decline", data={"reason": "  "})
    assert empty.status_code == 400 and 'id="reason-error"' in empty.get_data(as_text=True)
    assert reload(case).stage == "submitted"

    reason = f"The facts happened before the Protocol bound Spain. {DECLINE_MARKER}"
    lawyer.post(f"/screening/{case.uuid}/decline", data={"reason": reason})
    assert reload(case).stage == "declined"
    page = clients("partner_a").get(f"/intake/{case.uuid}").get_data(as_text=True)
    assert 'id="decline-reason"' in page and reason in page
    assert clients("partner_b").get(f"/intake/{case.uuid}").status_code == 404  # AC-04
    if db.engine.dialect.name == "sqlite":  # CRY-01
        db.session.remove()
        raw = b"".join(p.read_bytes() for p in Path(app.instance_path).rglob("*") if p.is_file())
        assert DECLINE_MARKER.encode() not in raw


def test_accepting_needs_an_assessment_that_finds_no_condition_unmet(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    lawyer = clients("lawyer")
    refused = lawyer.post(f"/screening/{case.uuid}/accept", data={"note": ""})
    assert refused.status_code == 400
    assert "Record an assessment before accepting the case." in refused.get_data(as_text=True)

    record_screening(case, people["lawyer"].user, status="not_met", reason="Out of time.")
    refused = lawyer.post(f"/screening/{case.uuid}/accept", data={"note": ""})
    assert refused.status_code == 400 and "finds a condition not met" in refused.get_data(as_text=True)

    record_screening(case, people["lawyer"].user, score=None)
    refused = lawyer.post(f"/screening/{case.uuid}/accept", data={"note": ""})
    assert refused.status_code == 400 and "Score every strategic factor" in refused.get_data(as_text=True)
    assert reload(case).stage == "screening"

    record_screening(case, people["lawyer"].user, score=4)
    accepted = lawyer.post(f"/screening/{case.uuid}/accept", data={"note": "Strong test case on forced evictions."})
    assert accepted.status_code == 302 and reload(case).stage == "candidate"
    partner_page = clients("partner_a").get(f"/intake/{case.uuid}").get_data(as_text=True)
    assert "accepted this report as a candidate" in partner_page
    moves = db.session.execute(select(CaseEvent.from_stage, CaseEvent.to_stage).where(CaseEvent.action == "move")
                               .order_by(CaseEvent.id)).all()
    assert [tuple(m) for m in moves] == [("submitted", "screening"), ("screening", "candidate")]


def test_a_declined_report_can_be_reopened_with_a_reason(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    lawyer = clients("lawyer")
    lawyer.post(f"/screening/{case.uuid}/decline", data={"reason": "Out of time."})
    assert lawyer.post(f"/screening/{case.uuid}/reopen", data={"note": ""}).status_code == 400
    lawyer.post(f"/screening/{case.uuid}/reopen", data={"note": "The notification date was wrong."})
    assert reload(case).stage == "screening"
    assert 'id="decline-reason"' not in clients("partner_a").get(f"/intake/{case.uuid}").get_data(as_text=True)


def test_a_decision_cannot_be_taken_twice(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    lawyer = clients("lawyer")
    lawyer.post(f"/screening/{case.uuid}/decline", data={"reason": "Out of time."})
    again = lawyer.post(f"/screening/{case.uuid}/decline", data={"reason": "Again."})
    assert again.status_code == 400 and "cannot be moved to that stage now" in again.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(CaseEvent)).scalar_one() == 1


# --- the one-year limit on the partner's pages ---------------------------------------------------


def test_partners_see_the_one_year_limit_on_their_list_and_report(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(365 - 3))
    partner = clients("partner_a")
    for url in ("/intake", f"/intake/{case.uuid}"):
        page = partner.get(url).get_data(as_text=True)
        assert re.search(r'deadline-badge--due-soon">due in 3 days<', page)
    assert "Last day to submit to the Committee:" in page  # the report page says what the date is
    passed, _ = submit_report(app, people["partner_a"].user, notified=days_ago(500))
    page = partner.get(f"/intake/{passed.uuid}").get_data(as_text=True)
    assert re.search(r'deadline-badge--overdue">overdue by 135 days<', page)


def test_a_second_organisation_never_reaches_the_report_or_the_workspace(app, people, clients):  # AC-04
    case, _ = submit_report(app, people["partner_a"].user, notified=days_ago(30))
    lawyer = clients("lawyer")
    lawyer.post(f"/screening/{case.uuid}/request-information", data={"body": "Which remedies were used?"})
    outsider = clients("partner_b")
    assert outsider.get(f"/intake/{case.uuid}").status_code == 404
    assert outsider.get(f"/intake/{case.uuid}/edit").status_code == 404
    assert outsider.get(f"/screening/{case.uuid}").status_code == 403
    assert outsider.post(f"/cases/{case.uuid}/messages", data={"body": "Hello"}).status_code == 404
    assert reload(case).stage == "info_requested"


def test_the_right_filter_follows_the_rights_a_report_invokes_when_it_is_saved_again(app, people, clients):
    """The queue filters by right through the case's right rows, which every save rewrites."""
    partner = people["partner_a"].user
    case, vault = intake.new_draft(db.session, keyring(), partner)
    report = intake.load_report(vault)
    report.title, report.rights_invoked = "Changed its rights", ["11(1)", "2(2)"]
    intake.save_report(db.session, vault, intake.seal_report(vault, blind_indexer(), report), keyring=keyring(),
                       today=utcnow().date(), submit=False)
    db.session.commit()
    submit_report(app, partner, notified=days_ago(30), title="Other report", rights_invoked=["11(1)"])
    report.rights_invoked = ["12", "11(1)"]
    report.remedies, report.state, report.narrative = [], "ES", "What happened"
    report.facts_start, report.continuing, report.author_is_victim, report.acting_on_behalf = (
        days_ago(400), "no", "yes", "no")
    report.victims = [VictimInput(name="Ana", consent="yes")]
    intake.save_report(db.session, vault, intake.seal_report(vault, blind_indexer(), report), keyring=keyring(),
                       today=utcnow().date(), submit=True)
    db.session.commit()
    lawyer = clients("lawyer")

    def titles(query: str) -> list[str]:
        page = lawyer.get(f"/screening{query}").get_data(as_text=True)
        return sorted(re.findall(r'<a href="/screening/[^"]+" class="case-title"[^>]*>([^<]+)</a>', page))

    assert titles("?right=12") == ["Changed its rights"]
    assert titles("?right=11(1)") == ["Changed its rights", "Other report"]
    assert titles("?right=2(2)") == []
