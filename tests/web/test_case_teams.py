"""Case teams (issue 15, point 1): the lawyers and coordinators assigned to a case, at acceptance and on the
case pages, each change on the timeline and in the audit log; "my cases" on the lists; and a coordinator off
a case's team reads none of its content — title, victims, narrative, files (AC-06, AC-04)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import roles
from caseapp.domain.report import VictimInput
from caseapp.models import AuditEvent, CaseTeamMember, Communication
from caseapp.models.base import utcnow
from caseapp.services import screening
from caseapp.services.vault import open_vault
from tests.factories import add_to_team, make_user, record_screening, submit_report
from tests.web.decision_records import decided_case

TITLE_MARKER = "Title-marker-Quilla-81c2"
VICTIM_MARKER = "Victim-marker-Oyelaran-3d7e"
NARRATIVE_MARKER = "Narrative-marker-Batoul-09aa"
NOT_ON_TEAM = "You are not on this case's team"


def report(app, people, *, title=TITLE_MARKER):
    # Notified 340 days ago: the one-year limit falls within the deadlines dashboard's first window.
    case, _ = submit_report(app, people["partner_a"].user, notified=utcnow().date() - timedelta(days=340),
                            title=title, narrative=NARRATIVE_MARKER,
                            victims=[VictimInput(name=VICTIM_MARKER, consent="yes")])
    record_screening(case, people["lawyer"].user)
    return case


@pytest.fixture
def candidate(app, people):
    """A report a lawyer accepted through the service (so nobody is on its team yet)."""
    case = report(app, people)
    screening.accept(db.session, open_vault(db.session, keyring(), case), people["lawyer"].user, "Strong case.")
    db.session.commit()
    return case


def team_of(case) -> set[int]:
    db.session.expire_all()
    return set(db.session.execute(select(CaseTeamMember.user_id).where(CaseTeamMember.case_id == case.id)).scalars())


def audited(case, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.case_uuid == str(case.uuid),
                                                            AuditEvent.action == action)).scalars())


def test_accepting_puts_the_lawyer_and_the_coordinator_named_on_the_team(app, people, clients):  # AC-06
    case = report(app, people)
    lawyer, coordinator = people["lawyer"].user, people["coordinator"].user
    response = clients("lawyer").post(f"/screening/{case.uuid}/accept",
                                      data={"note": "Strong.", "coordinator": str(coordinator.uuid)})
    assert response.status_code == 302
    assert team_of(case) == {lawyer.id, coordinator.id}
    assert {event.target_id for event in audited(case, "case_team_member_added")} == {str(lawyer.uuid),
                                                                                    str(coordinator.uuid)}
    page = clients("lawyer").get(f"/screening/{case.uuid}").get_data(as_text=True)
    assert page.count("Case team: member added") == 2
    assert coordinator.label in page


def test_a_coordinator_adds_and_removes_members_on_the_case_page(app, people, clients, candidate):  # AC-06
    coordinator, lawyer = people["coordinator"].user, people["lawyer"].user
    client = clients("coordinator")
    page = client.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert 'id="team"' in page and str(lawyer.uuid) in page

    assert client.post(f"/committee/{candidate.uuid}/team", data={"member": str(lawyer.uuid)}).status_code == 302
    assert team_of(candidate) == {lawyer.id}
    assert len(audited(candidate, "case_team_member_added")) == 1
    page = client.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert "Case team: member added" in page and lawyer.label in page

    removed = client.post(f"/committee/{candidate.uuid}/team/{lawyer.uuid}/remove")
    assert removed.status_code == 302
    assert team_of(candidate) == set()
    assert [event.target_id for event in audited(candidate, "case_team_member_removed")] == [str(lawyer.uuid)]
    assert "Case team: member removed" in client.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert coordinator.id not in team_of(candidate)


def test_only_active_lawyers_and_coordinators_can_join(app, people, clients, candidate):  # AC-06
    left = make_user(app, roles.COORDINATOR).user
    left.disabled_at = utcnow()
    db.session.commit()
    client = clients("lawyer")
    for outsider in (people["partner_a"].user, people["admin"].user, left):
        response = client.post(f"/committee/{candidate.uuid}/team", data={"member": str(outsider.uuid)})
        assert response.status_code == 400
        assert 'id="member-error"' in response.get_data(as_text=True)
    assert team_of(candidate) == set()
    assert audited(candidate, "case_team_member_added") == []


def test_my_cases_filter_every_list(app, people, clients, candidate):  # AC-06
    other = report(app, people, title="Another title")
    screening.accept(db.session, open_vault(db.session, keyring(), other), people["lawyer"].user, None)
    db.session.commit()
    in_screening = report(app, people, title="Still screened")
    add_to_team(candidate, people["coordinator"].user, people["lawyer"].user)
    add_to_team(in_screening, people["lawyer"].user)

    # Each row links to its case's page by uuid (references also appear in the duplicate warnings).
    listing = clients("coordinator").get("/committee?mine=yes").get_data(as_text=True)
    assert str(candidate.uuid) in listing and str(other.uuid) not in listing
    assert str(other.uuid) in clients("coordinator").get("/committee").get_data(as_text=True)
    queue = clients("lawyer").get("/screening?stage=all&mine=yes").get_data(as_text=True)
    assert str(candidate.uuid) in queue and str(in_screening.uuid) in queue and str(other.uuid) not in queue
    deadlines = clients("coordinator").get("/deadlines?mine=yes").get_data(as_text=True)
    assert candidate.reference in deadlines and other.reference not in deadlines
    assert other.reference in clients("coordinator").get("/deadlines").get_data(as_text=True)
    assert clients("lawyer").get("/committee?mine=maybe").status_code == 400


def test_a_coordinator_off_the_team_sees_no_title_victim_narrative_or_file(app, people, clients, candidate):  # AC-06
    client = clients("coordinator")
    pages = [f"/committee/{candidate.uuid}", f"/committee/{candidate.uuid}/record", "/committee", "/deadlines",
             "/dashboard", "/"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        for marker in (TITLE_MARKER, VICTIM_MARKER, NARRATIVE_MARKER):
            assert marker not in html, (path, marker)
    page = client.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert NOT_ON_TEAM in page

    add_to_team(candidate, people["coordinator"].user)
    page = client.get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert TITLE_MARKER in page and NOT_ON_TEAM not in page
    assert TITLE_MARKER in client.get("/committee").get_data(as_text=True)


def test_lawyers_keep_reading_every_report(app, people, clients, candidate):  # AC-06
    assert TITLE_MARKER in clients("lawyer").get(f"/committee/{candidate.uuid}").get_data(as_text=True)
    assert VICTIM_MARKER in clients("lawyer").get(f"/screening/{candidate.uuid}").get_data(as_text=True)


def test_off_the_team_a_coordinator_neither_sees_nor_changes_the_published_names(app, people, clients,
                                                                                   org_a):  # AC-06
    case, communication = decided_case(app, org_a, title=TITLE_MARKER, victim_name=VICTIM_MARKER,
                                       identity_consented=True, victim_names=VICTIM_MARKER)
    client = clients("coordinator")
    page = client.get(f"/committee/{case.uuid}").get_data(as_text=True)
    assert VICTIM_MARKER not in page and TITLE_MARKER not in page
    response = client.post(f"/committee/{case.uuid}/publication", data={"summary": "A new summary."})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Communication, communication.id)
    assert (stored.public_summary, stored.public_victim_names, stored.publish_victim_identity) == (
        "A new summary.", VICTIM_MARKER, True)
