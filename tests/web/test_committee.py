"""Committee tracking as coordinators and lawyers use it (issue 6, items 1, 2, 4, 5): stage moves
with their requirements, the communication record, interim measures, the decision, follow-up,
publicity and publication, and the timeline of it all."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain.committee import RECORD_EVENT_TEXTS, RECORD_EVENTS
from caseapp.models import Case, CaseEvent, Communication, MediaCoverage, User
from caseapp.models.base import utcnow
from caseapp.services import screening
from caseapp.services.vault import open_vault
from tests.factories import add_to_team, record_screening, submit_report, text_of

VICTIM_MARKER = "Anavictim Marker"


@pytest.fixture
def candidate(app, people):
    """A report accepted as a strategic candidate."""
    from caseapp.domain.report import VictimInput
    case, _ = submit_report(app, people["partner_a"].user, notified=utcnow().date() - timedelta(days=100),
                            victims=[VictimInput(name=VICTIM_MARKER, consent="yes")])
    record_screening(case, people["lawyer"].user)
    screening.accept(db.session, open_vault(db.session, keyring(), case), people["lawyer"].user, "Strong case.")
    db.session.commit()
    return case


def days_ago(days: int) -> str:
    return (utcnow().date() - timedelta(days=days)).isoformat()


def stage_of(case) -> str:
    db.session.expire_all()
    return db.session.get(Case, case.id).stage


def record(client, case, **values):
    """Record ``values`` as the form does: one event at a time, in the order of the procedure; the first
    refusal (or the last answer) is returned."""
    response = None
    for event, fields in RECORD_EVENTS:
        names = [*fields, *RECORD_EVENT_TEXTS.get(event, ())]
        if any(name in values for name in names):
            data = {"event": event} | {name: values[name] for name in names if name in values}
            response = client.post(f"/committee/{case.uuid}/record", data=data)
            if response.status_code != 302:
                return response
    return response


def move(client, case, target, note=""):
    return client.post(f"/committee/{case.uuid}/move", data={"target": target, "note": note})


def test_a_coordinator_takes_a_case_from_candidate_to_closed(app, people, clients, candidate):
    coordinator = clients("coordinator")
    listing = coordinator.get("/committee").get_data(as_text=True)
    assert candidate.reference in listing and "Strategic candidate" in listing

    assert move(coordinator, candidate, "preparing").status_code == 302
    refused = move(coordinator, candidate, "submitted_to_committee")
    assert refused.status_code == 400
    assert "Record first: submitted to the Committee on." in refused.get_data(as_text=True)

    assert record(coordinator, candidate, submitted_on="2025-12-01").status_code == 302
    assert move(coordinator, candidate, "submitted_to_committee").status_code == 302
    bad = record(coordinator, candidate, submitted_on="2025-12-01", registered_on="2025-12-15",
                 communication_number="twelve")
    assert bad.status_code == 400 and 'id="communication_number-error"' in bad.get_data(as_text=True)
    record(coordinator, candidate, submitted_on="2025-12-01", registered_on="2025-12-15",
           communication_number="412/2025")
    assert move(coordinator, candidate, "registered").status_code == 302

    record(coordinator, candidate, submitted_on="2025-12-01", registered_on="2025-12-15",
           communication_number="412/2025", transmitted_on="2026-01-31")
    move(coordinator, candidate, "observations")
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "State&#39;s observations (art. 6(2)): <strong>31 Jul 2026</strong>" in page  # six calendar months

    full = {"submitted_on": "2025-12-01", "registered_on": "2025-12-15", "communication_number": "412/2025",
            "transmitted_on": "2026-01-31", "state_observations_received_on": days_ago(100)}
    record(coordinator, candidate, **full)
    move(coordinator, candidate, "comments")
    decision = {**full, "decision_type": "views_violation", "decision_adopted_on": days_ago(60),
                "decision_transmitted_on": days_ago(50), "articles_violated": ["11(1)"],
                "un_symbol": "E/C.12/79/D/412/2025", "recommendations": "Provide adequate alternative housing."}
    assert record(coordinator, candidate, **decision).status_code == 302
    assert move(coordinator, candidate, "decided").status_code == 302
    assert move(coordinator, candidate, "follow_up").status_code == 302

    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "State&#39;s follow-up response (art. 9(2))" in page and "not yet received" in page
    assert re.search(r"State(&#39;|')s response due: \d+ \w+ \d{4}", page), page[page.find('id="follow-up"'):][:600]

    coordinator.post(f"/committee/{candidate.uuid}/follow-up/assessments",
                     data={"assessed_on": days_ago(5), "grade": "partly_satisfactory", "procedure": "continued"})
    coordinator.post(f"/committee/{candidate.uuid}/follow-up/submissions", data={"submitted_on": days_ago(10),
                                                                                 "note": "Families still in tents."})
    for kind in ("press_release", "authorities"):
        coordinator.post(f"/committee/{candidate.uuid}/publicity", data={"kind": kind, "done_on": days_ago(20),
                                                                        "language": "es"})
    coordinator.post(f"/committee/{candidate.uuid}/media", data={"outlet": "El Diario", "published_on": days_ago(19),
                                                                "language": "es", "link": "https://example.org/a",
                                                                "reach": "120000"})
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "Partly satisfactory" in page and "Families still in tents." in page
    assert "Publicised in the country" in page and "El Diario" in page and "120,000" in page

    published = coordinator.post(f"/committee/{candidate.uuid}/publication",
                                 data={"summary": "Spain must rehouse the families.", "links": "https://juris.ohchr.org/x"})
    assert published.status_code == 302
    assert move(coordinator, candidate, "closed", "Follow-up closed by the Committee.").status_code == 302
    assert stage_of(candidate) == "closed"

    moves = db.session.execute(select(CaseEvent.from_stage, CaseEvent.to_stage)
                               .where(CaseEvent.action == "move").order_by(CaseEvent.id)).all()
    assert [m.to_stage for m in moves] == ["screening", "candidate", "preparing", "submitted_to_committee",
                                           "registered", "observations", "comments", "decided", "follow_up", "closed"]
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "Follow-up closed by the Committee." in page
    # One event at a time: the decision, then its transmission.
    assert "Recorded: UN symbol, Decision, Decision adopted on, Articles found violated, Recommendations." in page
    assert "Recorded: Decision transmitted on." in page
    assert VICTIM_MARKER not in page  # coordinators work without the victims' identities


def test_record_dates_cannot_be_in_the_future_or_out_of_order(app, clients, candidate):
    coordinator = clients("coordinator")
    future = (utcnow().date() + timedelta(days=3)).isoformat()
    response = record(coordinator, candidate, submitted_on=future)
    assert response.status_code == 400 and "this date is in the future" in response.get_data(as_text=True)
    assert db.session.execute(select(Communication)).first() is None  # nothing written
    record(coordinator, candidate, submitted_on=days_ago(10))
    response = record(coordinator, candidate, registered_on=days_ago(20))
    assert response.status_code == 400
    assert "Registered on cannot be before submitted to the Committee on" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(select(Communication.registered_on)).scalar_one() is None  # the refused event
    ok = record(coordinator, candidate, author_comments_letter_on=days_ago(3), author_comments_due=future)
    assert ok.status_code == 302  # a due date may be ahead


def test_the_author_comments_deadline_is_suggested_from_the_letter(app, clients, candidate):
    coordinator = clients("coordinator")
    record(coordinator, candidate, author_comments_letter_on="2026-10-31")
    form = coordinator.get(f"/committee/{candidate.uuid}/record?event=comments_requested").get_data(as_text=True)
    assert re.search(r'id="author_comments_due"[^>]*value="2026-12-31"', form)  # two months, an editable suggestion


def test_interim_measures_are_requested_granted_and_complied_with(app, clients, candidate):
    coordinator = clients("coordinator")
    coordinator.post(f"/committee/{candidate.uuid}/interim-measures", data={"requested_on": days_ago(30),
                                                                           "note": "Stop the demolition."})
    from caseapp.models import InterimMeasure
    measure = db.session.execute(select(InterimMeasure)).scalar_one()
    prefix = f"m{measure.id}-"
    refused = coordinator.post(f"/committee/{candidate.uuid}/interim-measures/{measure.uuid}",
                               data={prefix + "outcome": "refused", prefix + "outcome_on": days_ago(28),
                                     prefix + "compliance": "complied"})
    assert refused.status_code == 400 and "compliance is recorded for granted" in refused.get_data(as_text=True)
    coordinator.post(f"/committee/{candidate.uuid}/interim-measures/{measure.uuid}",
                     data={prefix + "outcome": "granted", prefix + "outcome_on": days_ago(28),
                           prefix + "compliance": "not_complied"})
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "Granted" in page and "Not complied with" in page and "Stop the demolition." in page
    assert "Interim measures of" in page  # on the timeline


def test_the_timeline_says_the_apps_own_entries_in_the_language_of_whoever_reads_it(app, clients, candidate, people):
    """An entry the app writes is stored as its message and parameters, not as the words of the day it was
    written: the coordinator who recorded it in English reads it in French once French is their language."""
    coordinator = clients("coordinator")
    coordinator.post(f"/committee/{candidate.uuid}/interim-measures", data={"requested_on": "2026-05-04"})
    from caseapp.models import InterimMeasure
    measure = db.session.execute(select(InterimMeasure)).scalar_one()
    prefix = f"m{measure.id}-"
    coordinator.post(f"/committee/{candidate.uuid}/interim-measures/{measure.uuid}",
                     data={prefix + "outcome": "granted", prefix + "outcome_on": "2026-05-06",
                           prefix + "compliance": "partly_complied"})
    english = text_of(coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True))
    assert "Interim measures of 4 May 2026: granted; State: partly complied with." in english
    assert "Interim measures requested on 4 May 2026." in english

    user = db.session.get(User, people["coordinator"].user.id)
    user.locale = "fr"
    db.session.commit()
    french = text_of(coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True))
    assert "Mesures provisoires du 4 mai 2026 : accordées ; État : partiellement respectées." in french
    assert "Mesures provisoires demandées le 4 mai 2026." in french
    assert "Interim measures" not in french and "Partly complied with" not in french


def test_publicity_reminder_after_thirty_days_without_action(app, clients, candidate):
    coordinator = clients("coordinator")
    record(coordinator, candidate, submitted_on=days_ago(400), decision_type="inadmissible",
           decision_adopted_on=days_ago(45), decision_transmitted_on=days_ago(40))
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert 'id="publicity-reminder"' in page and "Not yet publicised in the country" in page
    coordinator.post(f"/committee/{candidate.uuid}/publicity", data={"kind": "partner_network", "done_on": days_ago(1)})
    assert 'id="publicity-reminder"' not in coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)


def decide(coordinator, case):
    record(coordinator, case, submitted_on=days_ago(400), decision_type="views_no_violation",
           decision_adopted_on=days_ago(45))


def test_only_coordinators_publish_and_cannot_name_the_victims(app, people, clients, candidate):  # AC-06
    """Issue 17, point 7: the coordinator ticked the victims' consent without seeing the victims; now the
    publishing form has no such box, and names posted to it anyway are ignored."""
    add_to_team(candidate, people["coordinator"].user)
    coordinator, lawyer = clients("coordinator"), clients("lawyer")
    decide(coordinator, candidate)
    assert lawyer.post(f"/committee/{candidate.uuid}/publication", data={"summary": "x"}).status_code == 403
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert 'name="identity_consented"' not in page and 'name="victim_names"' not in page
    assert "Add a lawyer to the case team to confirm the victims' consent." in page
    response = coordinator.post(f"/committee/{candidate.uuid}/publication",
                                data={"summary": "Summary.", "victim_names": "Ana", "identity_consented": "y"})
    assert response.status_code == 302
    communication = db.session.execute(select(Communication)).scalar_one()
    assert communication.published_at is not None
    assert (communication.public_victim_names, communication.publish_victim_identity) == (None, False)
    assert coordinator.get(f"/committee/{candidate.uuid}/publication/names").status_code == 403
    assert coordinator.post(f"/committee/{candidate.uuid}/publication/names",
                            data={"identity_consented": "y", "victim_names": "Ana"}).status_code == 403
    coordinator.post(f"/committee/{candidate.uuid}/publication/withdraw")
    db.session.expire_all()
    assert db.session.execute(select(Communication)).scalar_one().published_at is None


def test_the_case_lawyer_confirms_the_names_reading_the_victims_consent(app, people, clients, candidate):  # AC-06
    coordinator, lawyer = clients("coordinator"), clients("lawyer")
    decide(coordinator, candidate)
    url = f"/committee/{candidate.uuid}/publication/names"
    assert lawyer.get(url).status_code == 403  # a lawyer off the case's team
    add_to_team(candidate, people["lawyer"].user)
    page = lawyer.get(url).get_data(as_text=True)
    assert VICTIM_MARKER in page and "Consents to the communication" in page  # the victims' own consent
    case_page = lawyer.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "Confirm the victims' consent to publish their names" in case_page
    refused = lawyer.post(url, data={"victim_names": "Ana Quispe"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'data-error-summary' in text and 'href="#victim_names"' in text
    assert lawyer.post(url, data={"identity_consented": "y", "victim_names": "Ana Quispe"}).status_code == 302
    communication = db.session.execute(select(Communication)).scalar_one()
    assert (communication.public_victim_names, communication.publish_victim_identity) == ("Ana Quispe", True)
    coordinator.post(f"/committee/{candidate.uuid}/publication", data={"summary": "Summary."})
    assert "Ana Quispe" in coordinator.get("/decisions").get_data(as_text=True)
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "The case's lawyer confirmed the victims' consent" in page
    assert "Ana Quispe" not in page  # a coordinator off the team does not read the names
    assert people["lawyer"].user.label in page  # who confirmed, and when


def test_withdrawing_a_publication_clears_the_victims_names(app, people, clients, candidate):  # CRY-01
    """Issue 15, point 5: names published with consent stayed in clear in the row and pre-filled the form
    after the publication was withdrawn."""
    add_to_team(candidate, people["coordinator"].user, people["lawyer"].user)
    coordinator, lawyer = clients("coordinator"), clients("lawyer")
    decide(coordinator, candidate)
    lawyer.post(f"/committee/{candidate.uuid}/publication/names",
                data={"identity_consented": "y", "victim_names": "Ana Quispe Mamani"})
    coordinator.post(f"/committee/{candidate.uuid}/publication", data={"summary": "Summary."})
    assert "Ana Quispe Mamani" in coordinator.get("/decisions").get_data(as_text=True)
    coordinator.post(f"/committee/{candidate.uuid}/publication/withdraw")
    db.session.expire_all()
    communication = db.session.execute(select(Communication)).scalar_one()
    assert (communication.public_victim_names, communication.publish_victim_identity) == (None, False)
    assert "Ana Quispe Mamani" not in coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "Ana Quispe Mamani" not in coordinator.get("/decisions").get_data(as_text=True)
    assert "Ana Quispe Mamani" not in lawyer.get(f"/committee/{candidate.uuid}/publication/names").get_data(
        as_text=True)


def test_publishing_without_a_summary_shows_the_error_summary_at_the_top(app, clients, candidate):
    coordinator = clients("coordinator")
    decide(coordinator, candidate)
    refused = coordinator.post(f"/committee/{candidate.uuid}/publication", data={"summary": "  "})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    summary = text[text.index('id="error-summary"'):]
    assert text.index('id="error-summary"') < text.index('id="procedure-stepper"')  # at the top, before the stepper
    assert 'role="alert"' in text[text.index('id="error-summary"') - 60:][:200]
    assert 'href="#summary"' in summary[:800]


def test_the_stepper_shows_where_the_case_stands(app, clients, candidate):
    coordinator = clients("coordinator")
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    stepper = page[page.index('id="procedure-stepper"'):page.index("</ol>", page.index('id="procedure-stepper"'))]
    assert re.search(r'aria-current="step">\s*<span class="procedure-step-label">Preparation</span>\s*'
                     r'<span class="procedure-step-status">current stage</span>', stepper)
    assert stepper.count("to come") == 6 and stepper.count('aria-current="step"') == 1
    record(coordinator, candidate, submitted_on=days_ago(30))
    move(coordinator, candidate, "preparing")
    move(coordinator, candidate, "submitted_to_committee")
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    stepper = page[page.index('id="procedure-stepper"'):page.index("</ol>", page.index('id="procedure-stepper"'))]
    assert re.search(r'aria-current="step">\s*<span class="procedure-step-label">Submission to the Committee', stepper)
    assert stepper.count(">done<") == 1
    move(coordinator, candidate, "withdrawn")
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    stepper = page[page.index('id="procedure-stepper"'):page.index("</ol>", page.index('id="procedure-stepper"'))]
    assert re.search(r'aria-current="step">\s*<span class="procedure-step-label">Withdrawn', stepper)
    assert "Registration" not in stepper  # never reached


def test_move_to_preselects_nothing_and_an_empty_move_is_an_error(app, clients, candidate):
    coordinator = clients("coordinator")
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    select_html = page[page.index('<select class="form-select" id="target"'):]
    select_html = select_html[:select_html.index("</select>")]
    assert re.search(r'<option (selected )?value="">Choose…</option>', select_html)
    assert "selected" not in select_html.replace('<option selected value="">', "")  # no stage preselected
    refused = move(coordinator, candidate, "")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Choose the stage to move the case to." in text
    assert 'href="#target"' in text and stage_of(candidate) == "candidate"


def test_the_stage_needs_panel_never_opens_empty(app, clients, candidate):
    coordinator = clients("coordinator")
    # From "Strategic candidate" the moves (preparation, withdrawal) need nothing recorded: no panel.
    assert 'id="stage-needs"' not in coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    move(coordinator, candidate, "preparing")
    page = coordinator.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    panel = page[page.index('id="stage-needs"'):page.index("</details>", page.index('id="stage-needs"'))]
    assert "Submitted to the Committee:" in panel and "not recorded yet" in panel


def test_urgency_shows_at_the_top_and_the_partners_words_only_to_the_team(app, people, clients):  # AC-06
    from caseapp.domain.report import VictimInput
    case, _ = submit_report(app, people["partner_a"].user, notified=utcnow().date() - timedelta(days=100),
                            victims=[VictimInput(name=VICTIM_MARKER, consent="yes")], urgent_risk="yes",
                            urgent_date=utcnow().date() + timedelta(days=20),
                            urgent_explanation="Bulldozers-marker arrive next week.")
    record_screening(case, people["lawyer"].user)
    screening.accept(db.session, open_vault(db.session, keyring(), case), people["lawyer"].user, "Urgent.")
    db.session.commit()
    coordinator = clients("coordinator")
    page = coordinator.get(f"/committee/{case.uuid}").get_data(as_text=True)
    assert "Risk of irreparable harm reported" in page and "none requested yet." in page
    assert "Bulldozers-marker" not in page  # off the team: that it exists, not the partner's words
    assert page.index('id="urgency"') < page.index('id="deadlines"')
    add_to_team(case, people["coordinator"].user)
    assert "Bulldozers-marker" in coordinator.get(f"/committee/{case.uuid}").get_data(as_text=True)
    coordinator.post(f"/committee/{case.uuid}/interim-measures", data={"requested_on": days_ago(1)})
    page = coordinator.get(f"/committee/{case.uuid}").get_data(as_text=True)
    urgency = page[page.index('id="urgency"'):page.index("</section>", page.index('id="urgency"'))]
    assert "Requested, not yet decided" in urgency


def test_the_record_form_shows_only_the_chosen_events_fields(app, clients, candidate):
    coordinator = clients("coordinator")
    chooser = coordinator.get(f"/committee/{candidate.uuid}/record").get_data(as_text=True)
    assert "What happened?" in chooser and "<input" not in chooser.split('id="events"')[1].split("</ul>")[0]
    assert f'href="/committee/{candidate.uuid}/record?event=registered"' in chooser
    form = coordinator.get(f"/committee/{candidate.uuid}/record?event=registered").get_data(as_text=True)
    assert 'id="registered_on"' in form and 'id="communication_number"' in form
    assert 'id="submitted_on"' not in form and 'id="decision_type"' not in form and 'id="notes"' not in form
    assert coordinator.get(f"/committee/{candidate.uuid}/record?event=nothing").status_code == 400
    record(coordinator, candidate, submitted_on=days_ago(30))
    refused = record(coordinator, candidate, registered_on=days_ago(20), communication_number="twelve")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'data-error-summary' in text and 'href="#communication_number"' in text
    # Other fields posted with an event are ignored (AC-05): only the event's are written.
    record_response = coordinator.post(f"/committee/{candidate.uuid}/record",
                                       data={"event": "registered", "registered_on": days_ago(20),
                                             "communication_number": "12/2026", "submitted_on": days_ago(5)})
    assert record_response.status_code == 302
    db.session.expire_all()
    stored = db.session.execute(select(Communication)).scalar_one()
    assert (stored.submitted_on.isoformat(), stored.communication_number) == (days_ago(30), "12/2026")
    chooser = coordinator.get(f"/committee/{candidate.uuid}/record").get_data(as_text=True)
    assert "Communication number: 12/2026" in chooser


def test_media_reach_beyond_any_audience_is_a_form_error(app, clients, candidate):  # IN-02
    """Found by the form fuzzing (tests/security/test_form_fuzzing.py): a reach of 10^20 people failed as a
    500 (the integer column overflowed), and one of 2^31 was stored where PostgreSQL's column cannot hold it."""
    coordinator = clients("coordinator")
    record(coordinator, candidate, submitted_on=days_ago(400), decision_type="inadmissible",
           decision_adopted_on=days_ago(45))
    item = {"outlet": "El Diario", "published_on": days_ago(19)}
    for reach in ("99999999999999999999", "2147483648", "-1"):
        refused = coordinator.post(f"/committee/{candidate.uuid}/media", data={**item, "reach": reach})
        assert refused.status_code == 400 and 'id="reach-error"' in refused.get_data(as_text=True)
    assert db.session.execute(select(MediaCoverage)).scalars().all() == []
    largest = coordinator.post(f"/committee/{candidate.uuid}/media", data={**item, "reach": "2000000000"})
    assert largest.status_code == 302
    assert db.session.execute(select(MediaCoverage.reach)).scalar_one() == 2_000_000_000


def test_reports_in_screening_are_not_tracked(app, people, clients):
    case, _ = submit_report(app, people["partner_a"].user, notified=utcnow().date() - timedelta(days=30))
    assert clients("coordinator").get(f"/committee/{case.uuid}").status_code == 404
    assert clients("partner_a").get(f"/committee/{case.uuid}").status_code == 403


# --- the list (issue 17, points 5 and 6) --------------------------------------------------------------


@pytest.fixture
def tracked_cases(app, org_a):
    """Four tracked cases, dated from today: one closed long ago (its one-year limit long passed), one open with
    its State's observations overdue, one open with the author's comments due in 5 days, one with nothing due."""
    from datetime import date

    from caseapp.domain import stages
    from tests.factories import make_staged_case
    today = utcnow().date()
    return {
        "closed": make_staged_case(app, org_a, stage=stages.CLOSED, title="Closed long ago",
                                   one_year=(date(2021, 1, 1), date(2022, 1, 1)),
                                   communication_number="7/2022", submitted_on=date(2021, 12, 1)),
        "overdue": make_staged_case(app, org_a, stage=stages.OBSERVATIONS, title="Observations overdue",
                                    transmitted_on=today - timedelta(days=200), communication_number="7/2022"),
        "soon": make_staged_case(app, org_a, stage=stages.COMMENTS, title="Comments soon",
                                 author_comments_due=today + timedelta(days=5)),
        "quiet": make_staged_case(app, org_a, stage=stages.REGISTERED, title="Nothing due"),
    }


def list_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/committee/[^"]+" class="case-title"[^>]*>([^<]+)</a>', html)


def test_the_list_puts_open_cases_by_next_deadline_first_and_closed_cases_last(people, clients, tracked_cases):
    html = clients("lawyer").get("/committee").get_data(as_text=True)
    assert list_titles(html) == ["Observations overdue", "Comments soon", "Nothing due", "Closed long ago"]


def test_a_long_list_is_counted_so_far_and_walked_by_next_deadline(app, org_a, people, clients, tracked_cases,
                                                                    monkeypatch):
    """Issue 20: past the bound a list is counted to, the list says "more than", and its first group (the
    open deadlines, soonest first) is read from ``ix_cases_by_next_due`` (named to SQLite). The pages must
    hold the rows in the order the database's own plan gives: here with the bound lowered to two rows and a
    page of one."""
    from caseapp.domain import stages
    from caseapp.models.case import NEXT_DUE_INDEX
    from caseapp.services import cases
    from tests.factories import counting, make_staged_case
    make_staged_case(app, org_a, stage=stages.COMMENTS, title="Comments later",
                     author_comments_due=utcnow().date() + timedelta(days=30))
    order = ["Observations overdue", "Comments soon", "Comments later", "Nothing due", "Closed long ago"]
    lawyer = clients("lawyer")
    assert list_titles(lawyer.get("/committee").get_data(as_text=True)) == order
    monkeypatch.setattr(cases, "COUNTED_AT_LEAST", 2)  # page 1 is counted to 2 rows, 2 and 3 to 4, 4 to 6
    monkeypatch.setattr(cases, "COUNTED_PAGES_AHEAD", 1)
    app.config["PAGE_SIZE"] = 1
    shown = []
    for number in range(1, 7):
        with counting() as statements:
            html = lawyer.get(f"/committee?page={number}").get_data(as_text=True)
        shown += list_titles(html)
        walked = any(f"INDEXED BY {NEXT_DUE_INDEX.name}" in sql for sql in statements)
        if number == 1:
            assert "More than 2 in all" in html
            assert walked or db.engine.dialect.name != "sqlite"  # three open deadlines, more than two
        if number == 4:
            assert "5 in all" in html and "More than" not in html and not walked
    assert shown == order


def test_the_list_sorts_by_its_headers_on_the_server(people, clients, tracked_cases):
    lawyer = clients("lawyer")
    html = lawyer.get("/committee").get_data(as_text=True)
    # The default order is the sorted column; the others offer their own order, keeping the filters.
    assert re.search(r'<th scope="col" aria-sort="ascending" class="sortable">\s*'
                     r'<a href="/committee\?sort=deadline&amp;dir=desc" class="sort-link">Next deadline', html)
    assert 'aria-sort="none" class="sortable">\n  <a href="/committee?sort=reference&amp;dir=asc"' in html
    filtered = lawyer.get("/committee?stage=observations").get_data(as_text=True)
    assert 'href="/committee?stage=observations&amp;sort=stage&amp;dir=asc"' in filtered  # the filter stays
    titles_by_reference = [title for _reference, title in sorted(
        (case.reference, title) for case, title in zip(tracked_cases.values(), (
            "Closed long ago", "Observations overdue", "Comments soon", "Nothing due"), strict=True))]
    assert list_titles(lawyer.get("/committee?sort=reference").get_data(as_text=True)) == titles_by_reference
    assert list_titles(lawyer.get("/committee?sort=reference&dir=desc").get_data(as_text=True)) == (
        titles_by_reference[::-1])
    stage_order = list_titles(lawyer.get("/committee?sort=stage").get_data(as_text=True))
    assert stage_order == ["Nothing due", "Observations overdue", "Comments soon", "Closed long ago"]
    assert 'aria-sort="ascending"' in lawyer.get("/committee?sort=stage").get_data(as_text=True)
    assert lawyer.get("/committee?sort=title").status_code == 400  # only the whitelisted columns
    assert lawyer.get("/committee?sort=stage&dir=up").status_code == 400


def test_the_list_shows_a_running_deadline_with_its_badge_and_none_on_a_closed_case(people, clients, tracked_cases):
    html = clients("lawyer").get("/committee").get_data(as_text=True)
    assert re.search(r'deadline-badge--overdue">overdue by \d+ days<', html)
    assert 'deadline-badge--due-soon">due in 5 days<' in html
    closed_row = html[html.index("Closed long ago"):]
    closed_row = closed_row[:closed_row.index("</tr>")]
    assert "deadline-badge" not in closed_row and "passed" not in closed_row and "none open" in closed_row


def test_a_communication_number_on_two_cases_is_flagged_in_the_list_and_on_both_cases(people, clients,
                                                                                         tracked_cases):
    lawyer = clients("lawyer")
    html = lawyer.get("/committee").get_data(as_text=True)
    closed, overdue = tracked_cases["closed"], tracked_cases["overdue"]
    assert f"Warning: the same number is recorded on {overdue.reference}" in html
    assert f"Warning: the same number is recorded on {closed.reference}" in html
    for case, other in ((closed, overdue), (overdue, closed)):
        page = lawyer.get(f"/committee/{case.uuid}").get_data(as_text=True)
        assert f"Check the communication number: the same number is recorded on {other.reference}." in page
        form = lawyer.get(f"/committee/{case.uuid}/record").get_data(as_text=True)  # where it is entered
        assert f"the same number is recorded on {other.reference}" in form
    quiet = lawyer.get(f"/committee/{tracked_cases['quiet'].uuid}").get_data(as_text=True)
    assert "Check the communication number" not in quiet


def test_saving_a_number_another_case_has_warns_at_once(people, clients, tracked_cases, candidate):
    lawyer = clients("coordinator")
    assert record(lawyer, candidate, submitted_on=days_ago(10), registered_on=days_ago(5),
                  communication_number="7/2022").status_code == 302
    page = lawyer.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "Check the communication number: the same number is recorded on" in page
    assert tracked_cases["closed"].reference in page and tracked_cases["overdue"].reference in page
