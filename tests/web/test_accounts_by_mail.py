"""Accounts by e-mail, never through the admin (issue 16 point 5, AUTH-12): set-up links only in the account's
own mail, four-eyes approval of new and reset staff accounts, a notice of every change to an account, and the
self-service password reset."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.domain import notifications as kinds
from caseapp.domain import roles
from caseapp.models import AuditEvent, Notification, User
from caseapp.services import accounts, tokens
from tests.factories import PASSWORD, make_case, make_user, signed_in

TOKEN_PATTERN = re.compile(r"/setup/[A-Za-z0-9_-]{20,}")
RESET_ANSWER = "If an account exists for that address, we sent a link to set a new password."


def notices(user: User, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.execute(query.order_by(Notification.id)).scalars())


def changes(user: User) -> list[str]:
    return [row.params["change"] for row in notices(user, kinds.ACCOUNT_CHANGED)]



def send_mail(app):
    result = app.test_cli_runner().invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def second_admin(app):
    return make_user(app, roles.ADMIN).user


def reset_by(app, admin: User, user: User):
    """An admin's reset of a staff account: a new set-up link to its address."""
    response = signed_in(app, admin).post(f"/admin/users/{user.uuid}/setup-link", follow_redirects=True)
    assert response.status_code == 200
    return response


# --- set-up links go only to the account's address ----------------------------------------------


def test_no_page_an_admin_reaches_ever_shows_a_setup_link(app, people, mail_server):  # AUTH-12
    app.config.update(mail_server.settings())
    admin = signed_in(app, people["admin"].user)
    pages = []
    created = admin.post("/admin/users/new", data={"email": "newcomer@coalition.org", "role": "lawyer",
                                                   "display_name": "New Comer", "organisation": ""},
                         follow_redirects=True)
    pages.append(created)
    assert "A set-up link was sent to newcomer@coalition.org." in created.get_data(as_text=True)
    newcomer = accounts.find_user(db.session, "newcomer@coalition.org")
    assert created.request.path == f"/admin/users/{newcomer.uuid}"
    pages.append(admin.post(f"/admin/users/{newcomer.uuid}/setup-link", follow_redirects=True))
    send_mail(app)  # the links now exist, in the messages only
    pages += [admin.get(f"/admin/users/{newcomer.uuid}"), admin.get("/admin/users"), admin.get("/admin/audit"),
              admin.get("/"), admin.get("/account")]
    for page in pages:
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "/setup/" not in html and not TOKEN_PATTERN.search(html)
    messages = mail_server.to("newcomer@coalition.org")
    assert len(messages) == 2
    link = TOKEN_PATTERN.search(messages[-1].get_content()).group(0)
    assert app.test_client().get(link).status_code == 200  # the latest link works; the earlier one does not
    assert app.test_client().get(TOKEN_PATTERN.search(messages[0].get_content()).group(0)).status_code == 404


def test_the_setup_link_template_is_gone():  # AUTH-12
    assert not (Path(__file__).parents[2] / "templates/admin/setup_link.html").exists()


def test_an_admins_new_setup_link_revokes_the_api_tokens_at_once(app, people):  # AUTH-12, AUTH-14
    partner = people["partner_a"].user
    secret = tokens.create(db.session, partner, "Case system").secret
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    reset_by(app, people["admin"].user, partner)
    assert app.test_client().get("/api/v1/reports", headers=bearer).status_code == 401
    assert [row.kind for row in notices(partner)] == [kinds.ACCOUNT_SETUP]
    assert not partner.awaiting_approval  # a partner's reset needs no second admin


# --- four-eyes ------------------------------------------------------------------------------------


def case_pages(app, org_a, people):
    case, _document = make_case(app, org_a, people["partner_a"].user, submit=True)
    return ["/screening", f"/screening/{case.uuid}", "/committee", "/deadlines", "/dashboard"]


def test_a_reset_lawyer_reads_no_case_until_another_admin_approves(app, people, org_a, second_admin):  # AUTH-12
    lawyer, admin = people["lawyer"].user, people["admin"].user
    paths = case_pages(app, org_a, people)
    reset_by(app, admin, lawyer)
    assert lawyer.awaiting_approval
    client = signed_in(app, lawyer)
    for path in paths:
        assert client.get(path).status_code in (403, 404), path
    home = client.get("/").get_data(as_text=True)
    assert "Waiting for a second administrator" in home
    assert 'href="/screening"' not in home and 'href="/committee"' not in home
    assert client.get("/account").status_code == 200

    # the admin who asked cannot approve; the other admin, told by a notice, can
    refused = signed_in(app, admin).post(f"/admin/users/{lawyer.uuid}/approve", follow_redirects=True)
    assert "Another administrator must approve this account" in refused.get_data(as_text=True)
    db.session.refresh(lawyer)
    assert lawyer.awaiting_approval
    [asked] = notices(second_admin, kinds.APPROVAL_NEEDED)
    assert asked.link == f"/admin/users/{lawyer.uuid}"
    assert notices(admin, kinds.APPROVAL_NEEDED) == []
    page = signed_in(app, second_admin).get(asked.link).get_data(as_text=True)
    assert "Waiting for a second administrator" in page
    assert f'action="/admin/users/{lawyer.uuid}/approve"' in page
    approved = signed_in(app, second_admin).post(f"/admin/users/{lawyer.uuid}/approve", follow_redirects=True)
    assert "Account approved." in approved.get_data(as_text=True)
    db.session.refresh(lawyer)
    assert not lawyer.awaiting_approval and lawyer.approved_by_id == second_admin.id
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert changes(lawyer) == ["approved"]
    actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.target_id == str(lawyer.uuid))
                                 ).scalars().all()
    assert "approval_requested" in actions and "account_approved" in actions


def test_a_new_coordinator_made_by_an_admin_waits_and_the_filter_finds_it(app, people):  # AUTH-12
    admin = signed_in(app, people["admin"].user)
    admin.post("/admin/users/new", data={"email": "coord@coalition.org", "role": "coordinator", "organisation": ""})
    coordinator = accounts.find_user(db.session, "coord@coalition.org")
    assert coordinator.awaiting_approval and coordinator.approval_requested_by_id == people["admin"].user.id
    assert [row.kind for row in notices(coordinator)] == [kinds.ACCOUNT_SETUP]
    admin.post("/admin/users", data={"status": "waiting", "q": "", "role": "", "sort": "email"})
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert "coord@coalition.org" in listing and people["lawyer"].user.email not in listing
    # with no other admin the page names the operator's command
    page = admin.get(f"/admin/users/{coordinator.uuid}").get_data(as_text=True)
    assert "flask users approve coord@coalition.org" in page


def test_a_two_factor_reset_and_a_change_of_role_to_lawyer_wait_for_approval(app, people):  # AUTH-12
    admin = signed_in(app, people["admin"].user)
    coordinator, partner = people["coordinator"].user, people["partner_a"].user
    admin.post(f"/admin/users/{coordinator.uuid}/two-factor/reset")
    db.session.refresh(coordinator)
    assert coordinator.awaiting_approval and changes(coordinator) == ["two_factor_reset"]
    admin.post(f"/admin/users/{partner.uuid}/update", data={"email": partner.email, "role": "lawyer",
                                                            "organisation": "", "display_name": ""})
    db.session.refresh(partner)
    assert partner.role == "lawyer" and partner.awaiting_approval
    assert changes(partner) == ["role", "organisation"]


def test_the_operator_approves_with_the_cli(app, people):  # AUTH-12
    lawyer = people["lawyer"].user
    reset_by(app, people["admin"].user, lawyer)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "approve", lawyer.email])
    assert result.exit_code == 0, result.output
    db.session.refresh(lawyer)
    assert not lawyer.awaiting_approval and lawyer.approved_by_id is None and lawyer.approved_at is not None
    again = runner.invoke(args=["users", "approve", lawyer.email])
    assert again.exit_code != 0 and "not waiting for approval" in again.output
    assert "waiting" not in runner.invoke(args=["users", "list"]).output


def test_an_admin_awaiting_approval_cannot_approve(app, people):  # AUTH-12
    first = people["admin"].user
    signed_in(app, first).post("/admin/users/new", data={"email": "puppet@coalition.org", "role": "admin",
                                                        "organisation": ""})
    puppet = accounts.find_user(db.session, "puppet@coalition.org")
    assert puppet.awaiting_approval
    reset_by(app, first, people["lawyer"].user)
    refused = signed_in(app, puppet).post(f"/admin/users/{people['lawyer'].user.uuid}/approve", follow_redirects=True)
    assert "you cannot approve others yet" in refused.get_data(as_text=True)
    db.session.refresh(people["lawyer"].user)
    assert people["lawyer"].user.awaiting_approval


# --- the account is told of every change ----------------------------------------------------------


def test_every_change_to_an_account_is_told_to_it(app, people, org_b):  # AUTH-12
    partner = people["partner_a"].user
    old = partner.email
    admin = signed_in(app, people["admin"].user)
    admin.post(f"/admin/users/{partner.uuid}/update", data={"email": "new.address@ngo-a.org", "role": "partner",
                                                            "organisation": str(org_b.id), "display_name": "Ana"})
    admin.post(f"/admin/users/{partner.uuid}/disable")
    admin.post(f"/admin/users/{partner.uuid}/enable")
    db.session.refresh(partner)
    assert partner.email == "new.address@ngo-a.org"
    assert changes(partner) == ["organisation", "name", "email", "disabled", "enabled"]
    [moved] = notices(partner, kinds.EMAIL_CHANGED)
    assert moved.address == old


def test_a_taken_or_invalid_address_is_refused_next_to_the_field(app, people):
    partner = people["partner_a"].user
    admin = signed_in(app, people["admin"].user)
    for address, error in ((people["lawyer"].user.email, "An account with this e-mail address already exists."),
                           ("not-an-address", "Invalid email address.")):
        page = admin.post(f"/admin/users/{partner.uuid}/update",
                          data={"email": address, "role": "partner", "organisation": str(partner.organisation_id)})
        assert page.status_code == 400 and error in page.get_data(as_text=True)
        assert 'id="email-error"' in page.get_data(as_text=True)
    assert notices(partner) == []


def test_a_demo_address_is_accepted_only_where_the_demo_runs(app, people):
    # The demo accounts live at @demo.escr.test; under `make run` (EMAIL_TEST_DOMAINS_ALLOWED) an admin adds a
    # colleague beside them, elsewhere a special-use domain cannot receive mail and is refused in place.
    partner = people["partner_a"].user
    admin = signed_in(app, people["admin"].user)
    form = {"email": "colleague@demo.escr.test", "role": "partner", "organisation": str(partner.organisation_id)}
    refused = admin.post(f"/admin/users/{partner.uuid}/update", data=form)
    assert refused.status_code == 400 and "Invalid email address." in refused.get_data(as_text=True)
    app.config["EMAIL_TEST_DOMAINS_ALLOWED"] = True
    try:
        assert admin.post(f"/admin/users/{partner.uuid}/update", data=form).status_code == 302
    finally:
        app.config["EMAIL_TEST_DOMAINS_ALLOWED"] = False
    db.session.refresh(partner)
    assert partner.email == "colleague@demo.escr.test"


def test_a_password_changed_by_its_owner_is_told(app, people):  # AUTH-12
    lawyer = people["lawyer"]
    client = signed_in(app, lawyer.user)
    new = "quartz lantern meadow orbit falcon"
    answer = client.post("/account/password", data={"current_password": PASSWORD, "password": new, "confirm": new,
                                                    "code": two_factor.current_code(lawyer.totp_secret)})
    assert answer.status_code == 302
    assert changes(lawyer.user) == ["password"]


# --- forgot your password -----------------------------------------------------------------------


def test_the_forgot_password_form_answers_the_same_for_any_address(app, people):  # AUTH-12
    partner, lawyer = people["partner_a"].user, people["lawyer"].user
    signed_in(app, people["admin"].user).post(f"/admin/users/{lawyer.uuid}/disable")
    assert 'href="/password/forgot"' in app.test_client().get("/login").get_data(as_text=True)
    answers = []
    for address in (partner.email, "nobody@nowhere.org", lawyer.email):
        response = app.test_client().post("/password/forgot", data={"email": address}, follow_redirects=True)
        answers.append((response.status_code, response.request.path, RESET_ANSWER in response.get_data(as_text=True)))
    assert answers == [(200, "/login", True)] * 3
    assert len(notices(partner, kinds.PASSWORD_RESET)) == 1
    assert notices(lawyer, kinds.PASSWORD_RESET) == []
    assert db.session.execute(select(Notification).where(Notification.kind == kinds.PASSWORD_RESET)
                              ).scalars().all() == notices(partner, kinds.PASSWORD_RESET)
    # asked again at once: still the same answer, no second message
    app.test_client().post("/password/forgot", data={"email": partner.email.upper()})
    assert len(notices(partner, kinds.PASSWORD_RESET)) == 1


def test_a_reset_link_sets_the_password_keeps_the_second_factor_and_ends_tokens(app, people, mail_server):
    app.config.update(mail_server.settings())
    lawyer = people["lawyer"]
    feed_client = signed_in(app, lawyer.user)
    app.test_client().post("/password/forgot", data={"email": lawyer.user.email})
    send_mail(app)
    [message] = mail_server.to(lawyer.user.email)
    link = TOKEN_PATTERN.search(message.get_content()).group(0)
    new = "orbit quartz meadow lantern falcon"
    assert app.test_client().post(link, data={"password": new, "confirm": new}).status_code == 302
    assert feed_client.get("/account").status_code == 302  # the sessions ended, as a password change does
    db.session.refresh(lawyer.user)
    assert lawyer.user.has_totp and not lawyer.user.awaiting_approval  # no four-eyes, the factor still guards
    client = app.test_client()
    no_code = client.post("/login", data={"email": lawyer.user.email, "password": new, "code": ""})
    assert no_code.status_code == 200  # refused without the second factor
    ok = client.post("/login", data={"email": lawyer.user.email, "password": new,
                                     "code": two_factor.current_code(lawyer.totp_secret)})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert changes(lawyer.user) == ["password"]


def test_a_partners_reset_link_revokes_the_api_tokens_only_when_used(app, people, mail_server):  # AUTH-14
    app.config.update(mail_server.settings())
    partner = people["partner_a"].user
    secret = tokens.create(db.session, partner, "Case system").secret
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    app.test_client().post("/password/forgot", data={"email": partner.email})
    send_mail(app)
    assert app.test_client().get("/api/v1/reports", headers=bearer).status_code == 200  # a stranger cuts nothing
    link = TOKEN_PATTERN.search(mail_server.to(partner.email)[0].get_content()).group(0)
    new = "meadow lantern quartz falcon orbit"
    assert app.test_client().post(link, data={"password": new, "confirm": new}).status_code == 302
    assert app.test_client().get("/api/v1/reports", headers=bearer).status_code == 401
