"""Two-factor for every role (AUTH-01), passkeys and recovery codes (AUTH-13): the server side of the
WebAuthn ceremonies, answered by a software authenticator (tests/web/soft_authenticator.py). The same
journey in Chromium with a virtual authenticator is in tests/e2e/test_passkeys.py."""

import html
import json
import re

import pytest
from sqlalchemy import select

from caseapp import ConfigurationError
from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.domain.second_factor import normalise_recovery_code, required_roles_problem
from caseapp.models import AuditEvent, Passkey, RecoveryCode, User
from caseapp.services import passkeys
from tests.factories import PASSWORD, build_app, login, make_user
from tests.web.soft_authenticator import SoftAuthenticator

ORIGIN = "https://localhost"  # TestingConfig.BASE_URL: the RP id is "localhost"
RP_ID = "localhost"
STAFF = ("lawyer", "coordinator", "admin")


def post_login(client, email, code=""):
    return client.post("/login", data={"email": email, "password": PASSWORD, "code": code})


def actions_of(user: User) -> list[str]:
    db.session.rollback()
    return list(db.session.execute(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)
                                   .order_by(AuditEvent.id)).scalars())


def options_on(client, path: str) -> str:
    """The WebAuthn options a page writes into its passkey form (for passkeys.js), as JSON."""
    page = client.get(path)
    assert page.status_code == 200
    return html.unescape(re.search(r'data-options="([^"]+)"', page.get_data(as_text=True)).group(1))


def register_via_web(client, name="laptop", device=None, page="/account"):
    """Run the registration ceremony through the routes, from the account page or (the first factor)
    the enrolment page; returns the device and the final response."""
    device = device or SoftAuthenticator(ORIGIN)
    options = options_on(client, page)
    target = "/two-factor/passkey" if page == "/two-factor/setup" else "/account/passkeys"
    response = client.post(target, data={"name": name, "credential": device.register(options)})
    return device, response


def enrolled_with_passkey(app, role=roles.LAWYER, organisation=None):
    """An account whose only second factor is a passkey (registered through the first-enrolment path)."""
    user = make_user(app, role, organisation, totp=False).user
    client = app.test_client()
    login(app, client, user, two_factor_done=False)
    device, response = register_via_web(client, page="/two-factor/setup")
    assert response.status_code == 200
    return user, device, response.get_data(as_text=True)


def codes_on(page: str) -> list[str]:
    return re.findall(r'<li class="user-select-all">([A-Z2-9-]+)</li>', page)


# --- AUTH-01: every role, relaxable for partners only -------------------------------------------------


def test_a_partner_without_a_second_factor_is_confined_to_enrolment_by_default(app, client, org_a):  # AUTH-01
    partner = make_user(app, roles.PARTNER, org_a, totp=False).user
    assert post_login(client, partner.email).headers["Location"] == "/two-factor/setup"
    assert client.get("/").headers["Location"] == "/two-factor/setup"
    assert "passkey" in client.get("/two-factor/setup").get_data(as_text=True).lower()


def test_an_instance_may_relax_two_factor_for_partners(app, client, org_a):  # AUTH-01
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = STAFF
    partner = make_user(app, roles.PARTNER, org_a, totp=False).user
    assert post_login(client, partner.email).headers["Location"] == "/"
    lawyer = make_user(app, roles.LAWYER, totp=False).user
    assert post_login(app.test_client(), lawyer.email).headers["Location"] == "/two-factor/setup"


@pytest.mark.parametrize("value", [("partner", "lawyer", "admin"), ("lawyer", "coordinator", "admin", "guest"),
                                   "lawyer,coordinator,admin", None])
def test_the_setting_may_leave_out_partners_only(tmp_path, value):  # AUTH-01
    assert required_roles_problem(value)
    with pytest.raises(ConfigurationError, match="TWO_FACTOR_REQUIRED_ROLES"):
        build_app(tmp_path, None, TWO_FACTOR_REQUIRED_ROLES=value)


def test_the_old_setting_name_is_refused_rather_than_ignored(tmp_path):  # AUTH-01
    assert required_roles_problem(list(STAFF)) is None
    with pytest.raises(ConfigurationError, match="TOTP_REQUIRED_ROLES is now TWO_FACTOR_REQUIRED_ROLES"):
        build_app(tmp_path, None, TOTP_REQUIRED_ROLES=STAFF)


# --- AUTH-13: registration -----------------------------------------------------------------------------


def test_a_passkey_can_be_the_first_second_factor_and_recovery_codes_are_shown_once(app):  # AUTH-13, AUTH-01
    user, _device, page = enrolled_with_passkey(app)
    codes = codes_on(page)
    assert len(codes) == app.config["RECOVERY_CODE_COUNT"] == 10 and len(set(codes)) == 10
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert [p.name for p in user.passkeys] == ["laptop"] and user.passkeys[0].transports == "internal"
    stored = db.session.execute(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).scalars().all()
    assert len(stored) == 10
    for code in codes:  # kept only as keyed hashes
        assert all(normalise_recovery_code(code).encode() not in digest for digest in stored)
    assert actions_of(user)[-2:] == ["passkey_registered", "recovery_codes_generated"]


def test_registration_refuses_another_origin_and_a_reused_challenge(app):  # AUTH-13
    user = make_user(app, roles.LAWYER).user
    client = app.test_client()
    login(app, client, user)
    device = SoftAuthenticator(ORIGIN)
    options = options_on(client, "/account")
    phished = client.post("/account/passkeys", data={"name": "x", "credential": device.register(
        options, origin="https://cases.example.net")})
    assert phished.status_code == 400 and "could not be added" in phished.get_data(as_text=True)
    # The challenge was spent by that attempt (the page shown since holds a new one): the right answer
    # to the old options comes too late.
    late = client.post("/account/passkeys", data={"name": "x", "credential": device.register(options)})
    assert late.status_code == 400 and "could not be added" in late.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).passkeys == []


def test_a_page_viewed_again_offers_the_same_challenge_until_an_answer_takes_it(app):  # AUTH-13, REL-04
    """Viewing the account page twice writes nothing new to the session (the pending challenge is offered
    again); an answer takes it, the page shown after a refusal holds a new one and no stale answer."""
    user = make_user(app, roles.LAWYER).user
    client = app.test_client()
    login(app, client, user)
    def challenge_of(options: str) -> str:
        return json.loads(options)["challenge"]

    first = options_on(client, "/account")
    assert challenge_of(options_on(client, "/account")) == challenge_of(first)
    refused = client.post("/account/passkeys", data={"name": "x", "credential": SoftAuthenticator(ORIGIN).register(
        first, origin="https://cases.example.net")})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert challenge_of(html.unescape(re.search(r'data-options="([^"]+)"', page).group(1))) != challenge_of(first)
    assert re.search(r'name="credential"[^>]*value="[^"]', page) is None  # the spent answer is not sent back


def test_a_session_owing_its_passkey_cannot_add_a_factor_instead(app):  # AUTH-13, AUTH-01
    user, _device, _page = enrolled_with_passkey(app)
    client = app.test_client()
    assert post_login(client, user.email).headers["Location"] == "/two-factor/passkey/sign-in"
    assert client.post("/two-factor/passkey", data={"name": "mine now"}).status_code == 403
    assert client.post("/account/passkeys", data={"name": "mine now"}).headers["Location"] == "/two-factor/setup"
    assert client.get("/two-factor/setup").headers["Location"] == "/two-factor/passkey/sign-in"
    assert client.get("/two-factor/setup/qr.svg").status_code == 404
    assert client.get("/account").headers["Location"] == "/two-factor/setup"  # and on to the passkey page


# --- AUTH-13: sign-in ---------------------------------------------------------------------------------


def sign_in_with_passkey(client, device, **sign_kwargs):
    options = options_on(client, "/two-factor/passkey/sign-in")
    return client.post("/two-factor/passkey/sign-in",
                       data={"credential": device.sign(options, rp_id=RP_ID, **sign_kwargs)})


def test_password_then_passkey_signs_in(app):  # AUTH-13
    user, device, _page = enrolled_with_passkey(app)
    client = app.test_client()
    assert post_login(client, user.email).headers["Location"] == "/two-factor/passkey/sign-in"
    assert client.get("/").status_code == 302  # not yet
    response = sign_in_with_passkey(client, device)
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    db.session.expire_all()
    passkey = db.session.get(User, user.id).passkeys[0]
    assert passkey.last_used_at is not None and passkey.sign_count == 1
    assert "login_succeeded" in actions_of(user)
    account = client.get("/account").get_data(as_text=True)
    assert "laptop" in account and "10 unused recovery codes left." in account


def test_a_wrong_password_never_reaches_the_passkey_step(app, client):  # AUTH-08, AUTH-13
    user, _device, _page = enrolled_with_passkey(app)
    response = client.post("/login", data={"email": user.email, "password": "not the password", "code": ""})
    assert response.status_code == 200 and "Sign-in failed" in response.get_data(as_text=True)
    assert client.get("/two-factor/passkey/sign-in").headers["Location"] == "/login"


@pytest.mark.parametrize("attack", ["other_origin", "replayed_counter", "other_device"])
def test_the_passkey_step_refuses_a_bad_answer_and_counts_it(app, attack):  # AUTH-13, AUTH-07
    user, device, _page = enrolled_with_passkey(app)
    client = app.test_client()
    post_login(client, user.email)
    if attack == "other_origin":
        response = sign_in_with_passkey(client, device, origin="https://cases.example.net")
    elif attack == "replayed_counter":  # a cloned authenticator: its counter does not move forward
        device.sign_count = 5
        db.session.execute(Passkey.__table__.update().where(Passkey.user_id == user.id).values(sign_count=5))
        db.session.commit()
        response = sign_in_with_passkey(client, device, count_up=False)
    else:
        response = sign_in_with_passkey(client, SoftAuthenticator(ORIGIN, credential_id=device.credential_id))
    assert response.status_code == 200 and "was not accepted" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert actions_of(user)[-1] == "login_passkey_failed"


def test_an_assertion_cannot_be_replayed(app):  # AUTH-13
    user, device, _page = enrolled_with_passkey(app)
    client = app.test_client()
    post_login(client, user.email)
    answer = device.sign(options_on(client, "/two-factor/passkey/sign-in"), rp_id=RP_ID)
    thief = app.test_client()
    post_login(thief, user.email)
    assert thief.post("/two-factor/passkey/sign-in", data={"credential": answer}).status_code == 200  # no challenge
    assert thief.get("/").status_code == 302
    assert client.post("/two-factor/passkey/sign-in", data={"credential": answer}).headers["Location"] == "/"


# --- AUTH-13: recovery codes -----------------------------------------------------------------------


def test_a_recovery_code_works_once_in_place_of_the_passkey(app):  # AUTH-13
    user, _device, page = enrolled_with_passkey(app)
    code = codes_on(page)[3]
    first = app.test_client()
    assert post_login(first, user.email, code=code.lower().replace("-", " ")).headers["Location"] == "/"
    assert "9 unused recovery codes left." in first.get("/account").get_data(as_text=True)
    again = post_login(app.test_client(), user.email, code=code)
    assert "Sign-in failed" in again.get_data(as_text=True)
    assert actions_of(user).count("recovery_code_used") == 1


def test_a_recovery_code_also_works_on_the_passkey_page_and_for_totp_accounts(app):  # AUTH-13
    user, _device, page = enrolled_with_passkey(app)
    client = app.test_client()
    post_login(client, user.email)
    assert client.post("/two-factor/passkey/sign-in", data={"code": codes_on(page)[0]}).headers["Location"] == "/"
    lawyer = make_user(app, roles.LAWYER)
    with_totp = app.test_client()
    login(app, with_totp, lawyer.user)
    codes = codes_on(with_totp.post("/account/recovery-codes").get_data(as_text=True))
    assert len(codes) == 10
    assert post_login(app.test_client(), lawyer.user.email, code=codes[0]).headers["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(app):  # AUTH-13
    user, _device, page = enrolled_with_passkey(app)
    client = app.test_client()
    login(app, client, user)
    fresh = client.post("/account/recovery-codes").get_data(as_text=True)
    assert "Your earlier recovery codes no longer work." in fresh
    assert "Sign-in failed" in post_login(app.test_client(), user.email, code=codes_on(page)[0]).get_data(as_text=True)
    assert post_login(app.test_client(), user.email, code=codes_on(fresh)[0]).headers["Location"] == "/"


# --- AUTH-13: removal ------------------------------------------------------------------------------


def test_the_last_second_factor_cannot_be_removed_when_two_factor_is_required(app):  # AUTH-13, AUTH-01
    user, _device, _page = enrolled_with_passkey(app)
    client = app.test_client()
    login(app, client, user)
    passkey_uuid = user.passkeys[0].uuid
    response = client.post(f"/account/passkeys/{passkey_uuid}/remove", follow_redirects=True)
    assert "This is your only second factor" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(User, user.id).passkeys) == 1


def test_a_passkey_can_be_removed_beside_another_factor_and_only_by_its_owner(app, org_a):  # AUTH-13, AC-04
    user, _device, _page = enrolled_with_passkey(app)
    client = app.test_client()
    login(app, client, user)
    register_via_web(client, name="blue key")  # a second passkey, from the account page
    db.session.expire_all()
    user = db.session.get(User, user.id)
    first, second = user.passkeys
    stranger = app.test_client()
    login(app, stranger, make_user(app, roles.PARTNER, org_a).user)
    assert stranger.post(f"/account/passkeys/{first.uuid}/remove").status_code == 404
    assert client.post(f"/account/passkeys/{first.uuid}/remove").headers["Location"] == "/account#passkeys"
    db.session.expire_all()
    assert [p.name for p in db.session.get(User, user.id).passkeys] == [second.name]
    assert "passkey_removed" in actions_of(user)


def test_a_relaxed_partner_may_remove_their_only_passkey(app, org_a):  # AUTH-01, AUTH-13
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = STAFF
    user, _device, _page = enrolled_with_passkey(app, roles.PARTNER, org_a)
    client = app.test_client()
    login(app, client, user)
    assert client.post(f"/account/passkeys/{user.passkeys[0].uuid}/remove").headers["Location"] == "/account#passkeys"


def test_an_admin_reset_removes_passkeys_and_recovery_codes(app, people):  # AUTH-13
    user, _device, _page = enrolled_with_passkey(app)
    admin = app.test_client()
    login(app, admin, people["admin"].user)
    assert admin.post(f"/admin/users/{user.uuid}/two-factor/reset").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).passkeys == []
    assert db.session.execute(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).first() is None


def test_the_relying_party_follows_base_url_unless_set(app):  # AUTH-13
    rp = passkeys.RelyingParty.from_config(app.config)
    assert (rp.id, rp.origin) == (RP_ID, ORIGIN)
    app.config.update(WEBAUTHN_RP_ID="cases.example.org", WEBAUTHN_ORIGIN="https://cases.example.org")
    rp = passkeys.RelyingParty.from_config(app.config)
    assert (rp.id, rp.origin) == ("cases.example.org", "https://cases.example.org")
    assert two_factor.CODE_DIGITS == 6  # TOTP is untouched beside passkeys


# --- AUTH-10: a password change proves the second factor again, whichever it is -------------------------

NEW_PASSWORD = "quiet harbour lantern orchard swift"


def confirm_options_on(client) -> str:
    """The passkey options of the account page's password-change form (the CONFIRM ceremony)."""
    page = client.get("/account").get_data(as_text=True)
    match = re.search(r'data-passkey="confirm" data-options="([^"]+)"', page)
    assert match, "the password change offers no passkey"
    return html.unescape(match.group(1))


def change_password(client, **extra):
    return client.post("/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD, "code": "", **extra})


def password_is(app, user: User, password: str) -> bool:
    db.session.expire_all()
    return app.extensions["caseapp.hasher"].verify(db.session.get(User, user.id).password_hash, password).ok


def signed_in_with_passkey_only(app):
    user, device, page = enrolled_with_passkey(app)
    client = app.test_client()
    login(app, client, user)
    return user, device, codes_on(page), client


def test_a_passkey_only_account_cannot_change_its_password_with_the_password_alone(app):  # AUTH-10, AUTH-13
    user, _device, _codes, client = signed_in_with_passkey_only(app)
    response = change_password(client)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="code-error"' in page
    assert "Your two-factor code, or a recovery code" in page and 'id="confirm-with-passkey-hint"' in page
    assert password_is(app, user, PASSWORD) and not password_is(app, user, NEW_PASSWORD)
    assert actions_of(user)[-1] == "two_factor_failed"
    assert "password_changed" not in actions_of(user)


def test_a_fresh_passkey_assertion_changes_the_password_once(app):  # AUTH-10, AUTH-13
    user, device, _codes, client = signed_in_with_passkey_only(app)
    answer = device.sign(confirm_options_on(client), rp_id=RP_ID)
    assert change_password(client, credential=answer).headers["Location"] == "/account"
    assert password_is(app, user, NEW_PASSWORD)
    passkey = db.session.get(User, user.id).passkeys[0]
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    assert actions_of(user)[-1] == "password_changed"
    # The same answer again, after a fresh page (a new challenge) or without one, is refused.
    for _attempt in range(2):
        replayed = client.post("/account/password", data={"current_password": NEW_PASSWORD, "password": PASSWORD + "x",
                                                          "confirm": PASSWORD + "x", "credential": answer})
        assert replayed.status_code == 400 and 'id="credential-error"' in replayed.get_data(as_text=True)
        assert actions_of(user)[-1] == "two_factor_failed"
        client.get("/account")
    assert password_is(app, user, NEW_PASSWORD)


def test_a_sign_in_challenge_or_another_origin_does_not_confirm_a_password_change(app):  # AUTH-10, AUTH-13
    user, device, _codes, client = signed_in_with_passkey_only(app)
    confirm_options_on(client)
    phished = device.sign(confirm_options_on(client), rp_id=RP_ID, origin="https://cases.example.net")
    assert change_password(client, credential=phished).status_code == 400
    other = app.test_client()
    post_login(other, user.email)
    sign_in_answer = device.sign(options_on(other, "/two-factor/passkey/sign-in"), rp_id=RP_ID)
    confirm_options_on(client)
    assert change_password(client, credential=sign_in_answer).status_code == 400  # another ceremony's challenge
    assert password_is(app, user, PASSWORD)


def test_a_recovery_code_changes_the_password_and_is_used_up(app):  # AUTH-10, AUTH-13
    user, _device, codes, client = signed_in_with_passkey_only(app)
    assert change_password(client, code=codes[2].lower()).headers["Location"] == "/account"
    assert password_is(app, user, NEW_PASSWORD)
    assert actions_of(user)[-2:] == ["recovery_code_used", "password_changed"]
    again = client.post("/account/password", data={"current_password": NEW_PASSWORD, "password": PASSWORD + "x",
                                                   "confirm": PASSWORD + "x", "code": codes[2]})
    assert again.status_code == 400 and 'id="code-error"' in again.get_data(as_text=True)
    assert "9 unused recovery codes left." in client.get("/account").get_data(as_text=True)


def test_a_refused_new_password_does_not_spend_the_recovery_code(app):  # AUTH-10, AUTH-05
    user, _device, codes, client = signed_in_with_passkey_only(app)
    weak = client.post("/account/password", data={"current_password": PASSWORD, "password": "passwordpassword1",
                                                  "confirm": "passwordpassword1", "code": codes[0]})
    assert weak.status_code == 400 and 'id="password-error"' in weak.get_data(as_text=True)
    assert "10 unused recovery codes left." in client.get("/account").get_data(as_text=True)
    assert change_password(client, code=codes[0]).headers["Location"] == "/account"


def test_a_totp_account_still_changes_its_password_with_a_code(app):  # AUTH-10
    lawyer = make_user(app, roles.LAWYER)
    client = app.test_client()
    login(app, client, lawyer.user)
    page = client.get("/account").get_data(as_text=True)
    assert 'data-passkey="confirm"' not in page and "confirm-with-passkey-hint" not in page
    assert change_password(client, code="000000").status_code == 400
    assert password_is(app, lawyer.user, PASSWORD)
    code = two_factor.current_code(lawyer.totp_secret)
    assert change_password(client, code=code).headers["Location"] == "/account"
    assert password_is(app, lawyer.user, NEW_PASSWORD)
