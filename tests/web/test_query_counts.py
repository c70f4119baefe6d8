"""Issue 20, point 2: every list page and case page does a fixed number of database statements, whatever
the page size and however many cases the database holds. Each page is opened (after one warm-up view)
with 10 rows a page and then 50 over the same cases, and again after more cases arrive; the statements
SQLAlchemy sends are counted, and the counts must be equal. A page whose count grows has a query per
row (N+1) or per case: the message names the page and the counts.

The scene has cases in every stage a list shows — the lawyers' queue, screened candidates, cases before
the Committee with deadlines, decided and published Views — with victims whose names recur, so the
duplicate flags have work to do, on the teams of the lawyer and the coordinator who open them."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.domain.report import VictimInput
from caseapp.models import Case, Communication
from caseapp.models.base import utcnow
from caseapp.services import tokens
from tests.factories import add_to_team, counting, make_staged_case, record_screening, signed_in

# Stages in the order a case meets them, with the communication dates that make its deadlines.
TODAY = date.today()
SCENE = (
    ("submitted", {}),
    ("screening", {}),
    ("info_requested", {}),
    ("candidate", {}),
    ("submitted_to_committee", {"submitted_on": TODAY - timedelta(days=40)}),
    ("registered", {"submitted_on": TODAY - timedelta(days=200), "registered_on": TODAY - timedelta(days=150),
                    "transmitted_on": TODAY - timedelta(days=150)}),
    ("comments", {"submitted_on": TODAY - timedelta(days=400), "registered_on": TODAY - timedelta(days=380),
                  "transmitted_on": TODAY - timedelta(days=380),
                  "state_observations_received_on": TODAY - timedelta(days=20),
                  "author_comments_due": TODAY + timedelta(days=40)}),
    ("follow_up", {"submitted_on": TODAY - timedelta(days=900), "registered_on": TODAY - timedelta(days=880),
                   "decision_type": "views_violation", "decision_adopted_on": TODAY - timedelta(days=100),
                   "decision_transmitted_on": TODAY - timedelta(days=90)}),
)


def add_cases(app, people, organisation, count: int, start: int) -> Case:
    """``count`` more cases spread over the scene's stages; returns the last one (a case page's subject)."""
    case = None
    for number in range(start, start + count):
        stage, dates = SCENE[number % len(SCENE)]
        # Seven names and five numbers over all the cases: most reports share a victim with others.
        victim = VictimInput(name=f"Rosa Quispe {number % 7}", identity_number=f"DNI-{number % 5}")
        case = make_staged_case(app, organisation, stage=stage, victim=victim, title=f"Report {number}",
                                one_year=(TODAY - timedelta(days=340), TODAY + timedelta(days=number % 25)), **dates)
        case.state_code = "ES"
        case.set_rights_invoked(["11(1)"])
        add_to_team(case, people["lawyer"].user, people["coordinator"].user)
        if stage == "follow_up":  # Views finding a violation, published on the decisions page
            communication = db.session.execute(select(Communication).filter_by(case_id=case.id)).scalar_one()
            communication.articles_violated = ["11(1)"]
            communication.public_summary = f"Views on report {number}."
            communication.published_at = utcnow()
        if stage in ("screening", "candidate"):
            record_screening(case, people["lawyer"].user)
    db.session.commit()
    return case


def statements_of(app, client, path: str, *, page_size: int, headers=None) -> tuple[list[str], int]:
    """The statements one view of ``path`` sends, after a warm-up view (the first may write the session),
    and the length of the page it answered."""
    app.config["PAGE_SIZE"] = page_size
    app.config["DEADLINES_PAGE_SIZE"] = page_size
    app.config["DASHBOARD_LIST_SIZE"] = page_size
    app.config["API_PAGE_SIZE"] = page_size
    warm = client.get(path, headers=headers)
    assert warm.status_code == 200, (path, warm.status_code)
    with counting() as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return statements, len(response.get_data())


@pytest.fixture
def scene(app, people, org_a):
    first = add_cases(app, people, org_a, 16, 0)
    return {"case": first}


def list_pages(people, api_secret):
    """(who, path, headers) for every list page of the app."""
    api = {"Authorization": f"Bearer {api_secret}"}
    return [
        ("partner_a", "/", None),
        ("lawyer", "/", None),
        ("coordinator", "/", None),
        ("partner_a", "/intake", None),
        ("lawyer", "/screening", None),
        ("lawyer", "/screening?state=ES&sort=submitted&dir=desc", None),
        ("coordinator", "/committee", None),
        ("coordinator", "/committee?state=ES", None),
        ("lawyer", "/deadlines", None),
        ("coordinator", "/dashboard", None),
        ("lawyer", "/notifications", None),
        (None, "/decisions", None),
        (None, "/decisions.atom", None),
        ("admin", "/admin/users", None),
        ("admin", "/admin/organisations", None),
        ("admin", "/admin/audit", None),
        ("admin", "/admin/mail", None),
        ("admin", "/admin/states", None),
        ("partner_a", "/api/v1/reports", api),
    ]


# The lists that hold more than 10 rows in the scene (64 cases on the teams, a notification of each, a
# one-year limit within 25 days of each).
LONGER_AT_50 = ("/intake as partner_a", "/screening as lawyer", "/committee as coordinator",
                "/committee?state=ES as coordinator", "/notifications as lawyer",
                "/api/v1/reports as partner_a", "/deadlines as lawyer")


def case_pages(case: Case):
    return [
        ("partner_a", f"/intake/{case.uuid}"),
        ("lawyer", f"/screening/{case.uuid}"),
        ("coordinator", f"/committee/{case.uuid}"),
        ("lawyer", f"/drafting/{case.uuid}"),
    ]


def test_list_pages_send_as_many_statements_for_50_rows_as_for_10_and_for_more_cases(app, people, org_a, scene):
    secret = tokens.create(db.session, people["partner_a"].user, "Count").secret
    db.session.commit()
    clients = {who: signed_in(app, person.user) for who, person in people.items()}
    clients[None] = app.test_client()
    pages = list_pages(people, secret)

    def views(page_size):
        return {path + f" as {who}": statements_of(app, clients[who], path, page_size=page_size, headers=headers)
                for who, path, headers in pages}

    few = views(10)
    add_cases(app, people, org_a, 48, 16)
    many_small = views(10)
    many_large = views(50)
    growing = {page: (len(few[page][0]), len(many_small[page][0]), len(many_large[page][0])) for page in few
               if not len(few[page][0]) == len(many_small[page][0]) == len(many_large[page][0])}
    assert not growing, f"statements (16 cases at 10 a page, 64 at 10, 64 at 50) grow on: {growing}"
    # The lists really listed more at 50 a page: the counts above compare full pages, not empty ones.
    shorter = [page for page in LONGER_AT_50 if many_large[page][1] <= many_small[page][1]]
    assert not shorter, f"no more rows at 50 a page than at 10 on: {shorter}"


def test_case_pages_send_as_many_statements_whatever_the_number_of_cases(app, people, org_a, scene):
    clients = {who: signed_in(app, person.user) for who, person in people.items()}
    case = scene["case"]
    pages = case_pages(case)
    few = {f"{path} as {who}": len(statements_of(app, clients[who], path, page_size=10)[0]) for who, path in pages}
    add_cases(app, people, org_a, 48, 16)
    many = {f"{path} as {who}": len(statements_of(app, clients[who], path, page_size=50)[0]) for who, path in pages}
    growing = {page: (few[page], many[page]) for page in few if few[page] != many[page]}
    assert not growing, f"statements (16 cases, then 64) grow on: {growing}"
