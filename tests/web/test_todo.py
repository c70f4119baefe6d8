"""The home pages as each role's to-do list (issue 16, point 6): counts, each a link to the list filtered
to exactly those cases by a named preset (``?show=``, a fixed vocabulary: DATA-01), calm empty states, and
a partner's counts only ever of their organisation's reports (AC-03)."""

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import time_machine
from sqlalchemy import text

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import committee, roles, stages
from caseapp.models import CaseEvent, PublicityAction
from caseapp.models.base import utcnow
from caseapp.services import deadlines, messages, screening, todo
from caseapp.services.vault import open_vault
from tests import factories
from tests.factories import (
    add_to_team,
    counting,
    make_case,
    make_staged_case,
    make_user,
    record_screening,
    signed_in,
    text_of,
)

NOW = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    """Every test starts on 10 Feb 2026 at 9:00 (before the app and the accounts are made); the clock
    moves only when a test moves it, so the timeline's order is the test's."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller




def todo_section(html: str) -> str:
    start = html.index('id="todo"')
    return html[start:html.index("</section>", start)]


def todo_cards(html: str) -> dict[str, tuple[int, str | None]]:
    """What the home page's to-do list shows: the words of each card → (its number, its link or None)."""
    cards = {}
    for body in re.findall(r'<li class="col-12[^"]*">(.*?)</li>', todo_section(html), re.S):
        count = re.search(r'class="todo-count[^"]*">([\d,]+)<', body).group(1)
        link = re.search(r'href="([^"]+)"', body)
        words = text_of(body).removeprefix(count).strip()
        cards[words] = (int(count.replace(",", "")), unescape(link.group(1)) if link else None)
    return cards


def request_information(case, lawyer, clock) -> None:
    factories.request_information(case, lawyer)
    clock.shift(timedelta(minutes=1))


def answer(case, partner, clock) -> None:
    vault = open_vault(db.session, keyring(), case)
    messages.post_message(db.session, vault, partner, "Attached.")
    db.session.commit()
    clock.shift(timedelta(minutes=1))


def report(app, organisation, author, title: str, *, submit: bool = True):
    case, _document = make_case(app, organisation, author, submit=submit, title=title)
    return case


# --- partners -----------------------------------------------------------------------------------------


@pytest.fixture
def partner_reports(app, people, org_a, org_b, clock):
    """Organisation A: two requests waiting, a draft, a decline this month and one two months ago, and a
    report just submitted. Organisation B: one request waiting and two drafts."""
    lawyer = people["lawyer"].user
    partner_a, partner_b = people["partner_a"].user, people["partner_b"].user
    made = {
        "waiting_1": report(app, org_a, partner_a, "Alpha waiting one"),
        "waiting_2": report(app, org_a, partner_a, "Alpha waiting two"),
        "draft": report(app, org_a, partner_a, "Alpha draft", submit=False),
        "declined": report(app, org_a, partner_a, "Alpha declined"),
        "declined_long_ago": report(app, org_a, partner_a, "Alpha declined long ago"),
        "submitted": report(app, org_a, partner_a, "Alpha just submitted"),
        "b_waiting": report(app, org_b, partner_b, "Bravo waiting"),
        "b_draft_1": report(app, org_b, partner_b, "Bravo draft one", submit=False),
        "b_draft_2": report(app, org_b, partner_b, "Bravo draft two", submit=False),
    }
    for name in ("waiting_1", "waiting_2", "b_waiting"):
        request_information(made[name], lawyer, clock)
    for name in ("declined", "declined_long_ago"):
        screening.decline(db.session, open_vault(db.session, keyring(), made[name]), lawyer, "Outside the Protocol.")
    db.session.commit()
    event_long_ago = db.session.query(CaseEvent).filter_by(case_id=made["declined_long_ago"].id,
                                                           to_stage=stages.DECLINED).one()
    event_long_ago.occurred_at = NOW - timedelta(days=todo.DECISION_DAYS + 1)
    db.session.commit()
    return made


def listed_titles(client, show: str) -> set[str]:
    """The titles the partner's list shows once a home page's count opened it."""
    opened = client.get(f"/intake?show={show}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/intake")  # the preset, in the session
    html = client.get("/intake").get_data(as_text=True)
    assert 'id="preset-filter"' in html
    return set(re.findall(r'<a href="/intake/[^"]+" class="case-title"[^>]*>([^<]+)</a>', html))


def test_a_partners_home_counts_their_organisations_requests_drafts_and_decisions(app, people, partner_reports):
    client = signed_in(app, people["partner_a"].user)
    cards = todo_cards(client.get("/").get_data(as_text=True))

    assert cards == {
        "requests for information wait for your answer": (2, "/intake?show=waiting"),
        "draft not yet sent": (1, "/intake?show=drafts"),
        "decision on your reports in the last 30 days": (1, "/intake?show=decisions"),
    }
    assert listed_titles(client, "waiting") == {"Alpha waiting one", "Alpha waiting two"}
    assert listed_titles(client, "drafts") == {"Alpha draft"}
    assert listed_titles(client, "decisions") == {"Alpha declined"}


def test_a_partner_never_counts_another_organisations_reports(app, people, partner_reports):  # AC-03, AC-04
    client = signed_in(app, people["partner_b"].user)
    cards = todo_cards(client.get("/").get_data(as_text=True))

    assert cards["request for information waits for your answer"] == (1, "/intake?show=waiting")
    assert cards["drafts not yet sent"] == (2, "/intake?show=drafts")
    assert cards["decisions on your reports in the last 30 days"] == (0, None)
    assert listed_titles(client, "waiting") == {"Bravo waiting"}
    assert listed_titles(client, "decisions") == set()


def test_the_partners_list_says_which_filter_is_on_and_clears_it(app, people, partner_reports):
    client = signed_in(app, people["partner_a"].user)
    client.get("/intake?show=drafts")
    html = client.get("/intake").get_data(as_text=True)
    assert "Showing only: Drafts not yet sent." in text_of(html)
    assert "Alpha waiting one" not in html

    cleared = client.post("/intake", data={})
    assert cleared.status_code == 302
    html = client.get("/intake").get_data(as_text=True)
    assert 'id="preset-filter"' not in html
    assert "Alpha waiting one" in html and "Alpha draft" in html and "Bravo" not in html


def test_the_partners_preset_answers_when_the_last_one_is_dealt_with(app, people, partner_reports, clock):
    answer(partner_reports["waiting_1"], people["partner_a"].user, clock)
    answer(partner_reports["waiting_2"], people["partner_a"].user, clock)
    client = signed_in(app, people["partner_a"].user)
    assert todo_cards(client.get("/").get_data(as_text=True))[
        "requests for information wait for your answer"] == (0, None)
    client.get("/intake?show=waiting")
    html = client.get("/intake").get_data(as_text=True)
    assert "None left: nothing waits for you here." in html


# --- lawyers ------------------------------------------------------------------------------------------


@pytest.fixture
def other_lawyer(app):
    return make_user(app, roles.LAWYER).user


@pytest.fixture
def lawyer_reports(app, people, org_a, org_b, other_lawyer, clock):
    lawyer = people["lawyer"].user
    partner_a, partner_b = people["partner_a"].user, people["partner_b"].user
    made = {
        "new_a": report(app, org_a, partner_a, "New from A"),
        "new_b": report(app, org_b, partner_b, "New from B"),
        "answered": report(app, org_a, partner_a, "Answered and unread"),
        "answered_then_replied": report(app, org_a, partner_a, "Answered then replied"),
        "still_waiting": report(app, org_a, partner_a, "Still waiting"),
    }
    for name in ("answered", "answered_then_replied", "still_waiting"):
        request_information(made[name], lawyer, clock)
    answer(made["answered"], partner_a, clock)
    answer(made["answered_then_replied"], partner_a, clock)
    vault = open_vault(db.session, keyring(), made["answered_then_replied"])
    messages.post_message(db.session, vault, other_lawyer, "Thank you, we are reading it.")
    db.session.commit()

    def limit(title, stage, days, *team):
        case = make_staged_case(app, org_a, stage=stage, title=title,
                                one_year=(TODAY - timedelta(days=300), TODAY + timedelta(days=days)))
        add_to_team(case, *team)
        return case

    made |= {
        "limit_10": limit("Limit in ten days", stages.CANDIDATE, 10, lawyer),
        "limit_30": limit("Limit in thirty days", stages.PREPARING, 30, lawyer, other_lawyer),
        "limit_31": limit("Limit in thirty-one days", stages.CANDIDATE, 31, lawyer),
        "limit_passed": limit("Limit passed", stages.CANDIDATE, -2, lawyer),
        "limit_not_mine": limit("Limit not mine", stages.CANDIDATE, 5, other_lawyer),
        "limit_at_committee": limit("Limit at the Committee", stages.SUBMITTED_TO_COMMITTEE, 5, lawyer),
    }
    return made


def queue_titles(client, show: str) -> set[str]:
    response = client.get(f"/screening?show={show}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="preset-filter"' in html
    return set(re.findall(r'class="case-title"[^>]*>([^<]+)</a>', html))


def test_a_lawyers_home_counts_new_reports_answers_and_one_year_limits_on_their_cases(app, people, lawyer_reports):
    client = signed_in(app, people["lawyer"].user)
    cards = todo_cards(client.get("/").get_data(as_text=True))

    assert cards == {
        "new reports to screen": (2, "/screening?show=new"),
        "answer from a partner to read": (1, "/screening?show=answered"),
        "one-year limits within 30 days on your cases": (2, "/screening?show=one_year"),
    }
    assert queue_titles(client, "new") == {"New from A", "New from B"}
    assert queue_titles(client, "answered") == {"Answered and unread"}
    assert queue_titles(client, "one_year") == {"Limit in ten days", "Limit in thirty days"}


def test_an_answer_leaves_the_lawyers_list_once_a_lawyer_writes_back(app, people, lawyer_reports, clock):
    vault = open_vault(db.session, keyring(), lawyer_reports["answered"])
    messages.post_message(db.session, vault, people["lawyer"].user, "Received.")
    db.session.commit()
    client = signed_in(app, people["lawyer"].user)
    assert todo_cards(client.get("/").get_data(as_text=True))["answers from partners to read"] == (0, None)
    assert queue_titles(client, "answered") == set()


def test_an_answer_to_a_screened_report_is_counted_until_a_lawyer_screens_it_again(app, people, org_a, clock):
    """The usual order: a lawyer screens the report, asks the partner, the partner answers. The screening saved
    before the question does not make the answer read; one saved after it does."""
    lawyer, partner = people["lawyer"].user, people["partner_a"].user
    case = report(app, org_a, partner, "Screened, asked, answered")
    record_screening(case, lawyer, score=2)
    clock.shift(timedelta(minutes=1))
    request_information(case, lawyer, clock)
    answer(case, partner, clock)
    client = signed_in(app, lawyer)
    assert todo_cards(client.get("/").get_data(as_text=True))["answer from a partner to read"] == (
        1, "/screening?show=answered")
    assert queue_titles(client, "answered") == {"Screened, asked, answered"}

    record_screening(case, lawyer, score=3)
    client = signed_in(app, lawyer)
    assert todo_cards(client.get("/").get_data(as_text=True))["answers from partners to read"] == (0, None)
    assert queue_titles(client, "answered") == set()


def test_one_year_limits_are_counted_for_each_lawyer_on_their_own_teams(app, other_lawyer, lawyer_reports):
    client = signed_in(app, other_lawyer)
    cards = todo_cards(client.get("/").get_data(as_text=True))
    assert cards["one-year limits within 30 days on your cases"] == (2, "/screening?show=one_year")
    assert queue_titles(client, "one_year") == {"Limit in thirty days", "Limit not mine"}


# --- coordinators -------------------------------------------------------------------------------------


@pytest.fixture
def docket(app, org_a):
    def staged(title, stage, **details):
        return make_staged_case(app, org_a, stage=stage, title=title, **details)

    return {
        # Transmitted 5 Aug 2025 → the State's observations were due 5 Feb 2026: overdue.
        "overdue": staged("Observations overdue", stages.OBSERVATIONS, transmitted_on=date(2025, 8, 5)),
        # The author's comments are due in 3 days.
        "comments": staged("Comments soon", stages.COMMENTS, transmitted_on=date(2025, 6, 2),
                           state_observations_received_on=date(2025, 11, 28),
                           author_comments_letter_on=date(2025, 12, 13), author_comments_due=date(2026, 2, 13)),
        # Observations due in 60 days: not yet.
        "later": staged("Observations later", stages.OBSERVATIONS, transmitted_on=date(2025, 10, 11)),
        # Views finding a violation, transmitted 1 Jul 2025: the State's response was due 1 Jan 2026.
        "follow_up_overdue": staged("Follow-up overdue", stages.FOLLOW_UP, decision_type=committee.VIEWS_VIOLATION,
                                    decision_adopted_on=date(2025, 6, 15), decision_transmitted_on=date(2025, 7, 1)),
        # Transmitted 10 Aug 2025: due 10 Feb 2026, today — not overdue yet (and due within 30 days).
        "follow_up_today": staged("Follow-up due today", stages.FOLLOW_UP, decision_type=committee.VIEWS_VIOLATION,
                                  decision_adopted_on=date(2025, 7, 15), decision_transmitted_on=date(2025, 8, 10)),
        "publicised": staged("Decided and publicised", stages.DECIDED, decision_type=committee.INADMISSIBLE,
                             decision_adopted_on=date(2025, 12, 1)),
        "closed": staged("Closed quietly", stages.CLOSED, decision_type=committee.INADMISSIBLE,
                         decision_adopted_on=date(2025, 3, 1)),
    }


def deadline_references(client) -> list[str]:
    response = client.get("/deadlines?show=due")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Showing only: Deadlines overdue or due within 30 days." in text_of(html)
    return re.findall(r">(ESCR-\d{4}-\d{4})</a>", html)


def committee_references(client, show: str) -> set[str]:
    response = client.get(f"/committee?show={show}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="preset-filter"' in html
    return set(re.findall(r">(ESCR-\d{4}-\d{4})</a>", html))


def test_a_coordinators_home_counts_deadlines_publicity_and_follow_up(app, people, docket):
    db.session.add(PublicityAction(case_id=docket["publicised"].id, kind="press_release", done_on=date(2025, 12, 5)))
    db.session.commit()
    client = signed_in(app, people["coordinator"].user)
    cards = todo_cards(client.get("/").get_data(as_text=True))

    assert cards == {
        "deadlines overdue or due within 30 days": (4, "/deadlines?show=due"),
        "decisions with no publicity action yet": (2, "/committee?show=no_publicity"),
        "follow-up response overdue": (1, "/committee?show=follow_up_overdue"),
    }
    assert sorted(deadline_references(client)) == sorted(
        docket[name].reference for name in ("overdue", "comments", "follow_up_overdue", "follow_up_today"))
    assert committee_references(client, "no_publicity") == {docket["follow_up_overdue"].reference,
                                                            docket["follow_up_today"].reference}
    assert committee_references(client, "follow_up_overdue") == {docket["follow_up_overdue"].reference}


def test_the_deadline_count_is_the_number_of_deadlines_listed(app, people, docket):
    """``deadlines.count_items`` counts in SQL exactly what ``deadline_items`` lists, for any window."""
    for within in (0, 3, 30, 60, 90, 400):
        listed = deadlines.deadline_items(db.session, today=TODAY, within=within)
        assert deadlines.count_items(db.session, today=TODAY, within=within) == len(listed), within


def test_the_home_page_counts_in_a_fixed_number_of_queries(app, people, docket, org_a):
    """The counts are SQL counts: more cases add no query (DESIGN.md §7)."""
    client = signed_in(app, people["coordinator"].user)

    def queries() -> int:
        with counting() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    queries()  # the first request of a process reads what later ones find cached
    before = queries()
    for number in range(5):
        make_staged_case(app, org_a, stage=stages.FOLLOW_UP, title=f"More {number}",
                         decision_type=committee.VIEWS_VIOLATION, decision_adopted_on=date(2025, 6, 15),
                         decision_transmitted_on=date(2025, 7, 1))
    assert queries() == before


# Per count, what its plan must do: each starts from the few rows it is about, not from every case.
COUNT_PLANS = {
    todo.ANSWERED: ("ix_case_events_by_stages",),
    todo.DECISIONS: ("ix_case_events_into_stage",),
    todo.NO_PUBLICITY: ("ix_communications_decisions",),
    todo.FOLLOW_UP_OVERDUE: ("ix_communications_decisions",),
    # from the user's team, each of its cases by its id (not every case in the five stages, by stage)
    todo.ONE_YEAR: ("ix_case_team_members_user_id", "SEARCH cases USING INTEGER PRIMARY KEY"),
}


@pytest.mark.parametrize("preset", sorted(COUNT_PLANS))
def test_each_home_count_reads_by_index_and_no_table_whole(app, people, preset):
    """SQLite's plan of each count (issue 20: 47–53 ms a home page at 100,000 cases, when the answers and the
    decisions were looked up from every visible case): the count's own index, and no table scanned whole."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is SQLite's (PostgreSQL plans by its statistics)")
    role = next(role for role, presets in todo.PRESETS.items() if preset in presets)
    user = people["partner_a" if role == roles.PARTNER else role].user
    statement = todo.count_statement(user, preset, now=NOW)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = [row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))]
    for expected in COUNT_PLANS[preset]:
        assert any(expected in step for step in plan), (expected, plan)
    assert not [step for step in plan if step.startswith("SCAN ")], plan


# --- empty states, admins, and the vocabulary -----------------------------------------------------------


@pytest.mark.parametrize("who", ["partner_a", "lawyer", "coordinator", "admin"])
def test_with_nothing_to_do_the_home_page_is_calm(app, people, who):
    response = signed_in(app, people[who].user).get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Nothing waits for you." in text_of(todo_section(html))
    assert all(count == 0 and link is None for count, link in todo_cards(html).values())


def test_an_admins_home_counts_undeliverable_mail_and_no_case(app, people, docket):
    html = signed_in(app, people["admin"].user).get("/").get_data(as_text=True)
    assert todo_cards(html) == {"messages could not be delivered": (0, None),
                                "accounts wait for a second administrator's approval": (0, None)}
    assert todo.for_user(db.session, people["admin"].user, now=utcnow()).empty


def test_an_admins_home_counts_the_accounts_waiting_for_approval(app, people):  # AUTH-12
    waiting = make_user(app, roles.LAWYER, email="waiting.lawyer@coalition.example").user
    waiting.approval_requested_at = utcnow()
    db.session.commit()
    admin = signed_in(app, people["admin"].user)
    cards = todo_cards(admin.get("/").get_data(as_text=True))
    assert cards["account waits for a second administrator's approval"] == (1, "/admin/users?show=waiting")
    listed = admin.get("/admin/users?show=waiting", follow_redirects=True).get_data(as_text=True)
    assert "waiting.lawyer@coalition.example" in listed
    assert people["lawyer"].user.email not in listed  # only the waiting account


@pytest.mark.parametrize(("who", "path"), [
    ("partner_a", "/intake?show=new"), ("partner_a", "/intake?show=Ana+P%C3%A9rez"),
    ("lawyer", "/screening?show=waiting"), ("lawyer", "/screening?show=anything"),
    ("coordinator", "/committee?show=due"), ("coordinator", "/deadlines?show=no_publicity"),
])
def test_a_preset_outside_the_lists_vocabulary_is_refused(app, people, who, path):  # DATA-01
    assert signed_in(app, people[who].user).get(path).status_code == 400


def test_the_queues_own_filters_still_apply_without_a_preset(app, people, lawyer_reports):
    html = signed_in(app, people["lawyer"].user).get("/screening?stage=submitted").get_data(as_text=True)
    assert 'id="preset-filter"' not in html
    assert set(re.findall(r'class="case-title"[^>]*>([^<]+)</a>', html)) == {"New from A", "New from B"}

