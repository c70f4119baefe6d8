"""AC-05: fields a form does not offer are ignored, in the browser forms as in the API. Each test posts a
valid form plus the fields an attacker would try (owner, stage, reference, role, ids of other objects)
and checks that only what the form offers changed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import roles
from caseapp.models import Case, Communication, InterimMeasure, Message, User
from caseapp.models.base import utcnow
from caseapp.services import screening
from caseapp.services.vault import open_vault
from tests.factories import login, make_user, record_screening, submit_report
from tests.web.test_intake import new_draft, post_report, report_form

PRIVILEGED = {"stage": "closed", "reference": "ESCR-1999-0001", "role": roles.ADMIN, "is_admin": "y",
              "id": "1", "uuid": "00000000-0000-0000-0000-000000000000"}


def fresh(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


def test_a_partner_cannot_choose_the_owner_stage_or_reference_of_a_report(app, client, org_a, org_b):  # AC-05
    partner = make_user(app, roles.PARTNER, org_a).user
    login(app, client, partner)
    draft = new_draft(client)
    extras = PRIVILEGED | {"organisation_id": str(org_b.id), "created_by_id": "999", "submitted_at": "2001-01-01",
                           "one_year_last_day": "2099-12-31", "case_id": "1"}
    response = post_report(client, draft, report_form("submit", victims=["Ana"], remedies=["Juzgado"]) | extras)
    assert response.status_code == 302
    case = db.session.execute(select(Case).where(Case.reference.is_not(None))).scalar_one()
    assert (case.organisation_id, case.created_by_id, case.stage) == (org_a.id, partner.id, "submitted")
    assert case.reference != "ESCR-1999-0001" and case.submitted_at.year == utcnow().year
    assert case.one_year_last_day != utcnow().date().replace(year=2099, month=12, day=31)
    assert fresh(User, partner.id).role == roles.PARTNER


@pytest.fixture
def candidates(app, people):
    """Two accepted reports: the one the form is about, and another one extra fields might aim at."""
    made = []
    for _ in range(2):
        case, _vault = submit_report(app, people["partner_a"].user, notified=utcnow().date() - timedelta(days=100))
        record_screening(case, people["lawyer"].user)
        screening.accept(db.session, open_vault(db.session, keyring(), case), people["lawyer"].user, "Strong case.")
        made.append(case)
    db.session.commit()
    return made


def test_tracking_forms_change_only_their_own_case_and_fields(app, people, clients, candidates):  # AC-05
    case, other = candidates
    coordinator = clients("coordinator")
    extras = PRIVILEGED | {"case_id": str(other.id), "organisation_id": str(people["partner_b"].user.organisation_id)}
    day = (utcnow().date() - timedelta(days=5)).isoformat()

    assert coordinator.post(f"/committee/{case.uuid}/move", data={"target": "preparing", "note": ""} | extras
                            ).status_code == 302
    assert coordinator.post(f"/committee/{case.uuid}/record", data={"event": "submitted", "submitted_on": day} | extras
                            ).status_code == 302
    assert coordinator.post(f"/committee/{case.uuid}/interim-measures", data={"requested_on": day} | extras
                            ).status_code == 302

    moved, untouched = fresh(Case, case.id), fresh(Case, other.id)
    assert moved.stage == "preparing" and moved.reference != "ESCR-1999-0001"
    assert moved.organisation_id == people["partner_a"].user.organisation_id
    assert untouched.stage == "candidate"
    communications = db.session.execute(select(Communication)).scalars().all()
    assert [(c.case_id, c.submitted_on.isoformat()) for c in communications] == [(case.id, day)]
    measures = db.session.execute(select(InterimMeasure)).scalars().all()
    assert [(m.case_id, m.requested_on.isoformat()) for m in measures] == [(case.id, day)]
    assert fresh(User, people["coordinator"].user.id).role == roles.COORDINATOR


def test_a_partner_cannot_raise_anything_through_the_thread(app, people, clients, candidates):  # AC-05
    case, other = candidates
    partner = clients("partner_a")
    response = partner.post(f"/cases/{case.uuid}/messages", data={"body": "Any news?"} | PRIVILEGED
                            | {"case_id": str(other.id), "author_id": str(people["lawyer"].user.id),
                               "sender_id": str(people["lawyer"].user.id)})
    assert response.status_code in (302, 303)
    assert (fresh(Case, case.id).stage, fresh(Case, other.id).stage) == ("candidate", "candidate")
    messages = db.session.execute(select(Message)).scalars().all()
    assert [(m.case_id, m.author_id, m.author_role, m.kind) for m in messages] == [
        (case.id, people["partner_a"].user.id, roles.PARTNER, "message")]
    assert fresh(User, people["partner_a"].user.id).role == roles.PARTNER
