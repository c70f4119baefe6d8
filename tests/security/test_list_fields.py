"""DATA-05: list and overview pages show what a list needs (reference, title, stage, dates), never a
victim's name, contact or identity number, the narrative or a file name; those appear only on the case
page, which is audited (AC-08)."""

import pytest
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.domain.report import VictimInput
from caseapp.models import Case
from tests.factories import make_case, make_tracked_case

SECRET_MARKERS = ("Zenobia Quixtrel", "ID-77-QX", "+34 699 123 456", "NARRATIVEMARKER9", "witness-zq.pdf")
LIST_PAGES = {
    "partner_a": ["/", "/intake"],
    "lawyer": ["/", "/screening", "/screening?stage=all", "/committee", "/deadlines", "/dashboard"],
    "coordinator": ["/", "/committee", "/deadlines", "/dashboard", "/exports/cases.csv", "/exports/decisions.csv"],
    "admin": ["/", "/admin/users", "/admin/organisations", "/admin/audit"],
}


@pytest.fixture
def reports(app, people, org_a):
    victim = VictimInput(name=SECRET_MARKERS[0], identity_number=SECRET_MARKERS[1], contact=SECRET_MARKERS[2])
    partner = people["partner_a"].user
    submitted, _ = make_case(app, org_a, partner, victim=victim, narrative=f"It happened. {SECRET_MARKERS[3]}",
                             name=SECRET_MARKERS[4], submit=True, title="Eviction in Calle Luna")
    tracked = make_tracked_case(app, org_a, partner)
    return submitted, tracked


@pytest.mark.parametrize("who", sorted(LIST_PAGES))
def test_list_pages_show_titles_but_never_victims_narratives_or_file_names(  # DATA-05
    app, people, clients, reports, who
):
    submitted, _tracked = reports
    client = clients(who)
    shown = ""
    for path in LIST_PAGES[who]:
        response = client.get(path, buffered=True)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        shown += page
        assert [marker for marker in SECRET_MARKERS if marker in page] == [], path
    reference = db.session.execute(select(Case.reference).where(Case.id == submitted.id)).scalar_one()
    if who in ("partner_a", "lawyer"):  # the control: the lists do show the report they list
        assert reference in shown and "Eviction in Calle Luna" in shown
    # and the case page itself does show the victim to those who may see it
    if who == "lawyer":
        assert SECRET_MARKERS[0] in client.get(f"/screening/{submitted.uuid}", buffered=True).get_data(as_text=True)
