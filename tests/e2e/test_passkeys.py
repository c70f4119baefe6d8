"""Passkeys in a real browser (AUTH-13): Debian's Chromium with a virtual authenticator (Chrome DevTools
Protocol ``WebAuthn.addVirtualAuthenticator``: CTAP2, internal transport, resident keys, user
verification) registers a passkey on the account page through caseapp/static/js/passkeys.js, signs in
again with the password and the passkey, and confirms a password change with it (AUTH-10).

WebAuthn refuses an IP address as relying party id, so this test browses the live server as
``localhost`` (same port) and points the app's WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN at it meanwhile.
"""

import dataclasses
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.models import User
from tests.e2e.harness import KEEP_SCREENSHOTS, SCREENSHOTS, Browsing, follow, safe_name, sign_in
from tests.factories import PASSWORD, make_user

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.e2e

VIRTUAL_AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                         "hasUserVerification": True, "isUserVerified": True}


@pytest.fixture
def on_localhost(request, browser, live_server):
    """The people of the test browse ``http://localhost:<port>``, the relying party the app expects.
    Screenshots are kept as by the ``browsing`` fixture: on failure, or with E2E_KEEP_SCREENSHOTS=1."""
    app = live_server.app
    url = live_server.url.replace("127.0.0.1", "localhost")
    saved = {name: app.config.get(name) for name in ("WEBAUTHN_RP_ID", "WEBAUTHN_ORIGIN")}
    app.config.update(WEBAUTHN_RP_ID="localhost", WEBAUTHN_ORIGIN=url)
    db.session.rollback()
    with tempfile.TemporaryDirectory(prefix="caseapp-e2e-shots-") as folder:
        browsing = Browsing(browser, dataclasses.replace(live_server, url=url), Path(folder))
        try:
            yield browsing
        finally:
            report = getattr(request.node, "report_call", None)
            failed = report is None or report.failed
            browsing.close(failed)
            app.config.update(saved)
            if (failed or KEEP_SCREENSHOTS) and any(Path(folder).iterdir()):
                target = SCREENSHOTS / safe_name(request.node.name)
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(folder, target)


def test_a_passkey_is_registered_on_the_account_page_and_signs_in(on_localhost):  # AUTH-13, AUTH-10
    account = make_user(on_localhost.server.app, roles.LAWYER)
    page = on_localhost.person("lawyer")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})

    sign_in(page, account)  # password and TOTP code, as today
    page.goto("/account")
    page.get_by_label("Passkey name").fill("work laptop")
    follow(page.get_by_role("button", name="Add a passkey"))
    expect(page.locator("main .alert").filter(has_text="The passkey “work laptop” is added.")).to_be_visible()
    passkeys_table = page.locator("#passkeys table")
    expect(passkeys_table).to_contain_text("work laptop")
    expect(passkeys_table).to_contain_text("Never")
    on_localhost.step(page, "passkey added")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]})
    assert len(credentials["credentials"]) == 1

    follow(page.get_by_role("button", name="Sign out"))
    page.goto("/login")
    page.get_by_label("E-mail").fill(account.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page.locator("main button[type=submit]"))  # no code: the passkey comes next
    expect(page.get_by_role("heading", name="Use your passkey")).to_be_visible()
    on_localhost.step(page, "passkey step")
    follow(page.get_by_role("button", name="Use my passkey"))
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible()

    db.session.rollback()
    passkey = db.session.get(User, account.user.id).passkeys[0]
    assert passkey.name == "work laptop" and passkey.last_used_at is not None
    page.goto("/account")
    expect(page.locator("#passkeys table")).not_to_contain_text("Never")

    # AUTH-10: the password change is confirmed with the passkey when no code is given.
    new_password = "copper meadow violet anchor drift"
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Repeat the new password").fill(new_password)
    expect(page.locator("#confirm-with-passkey-hint")).to_be_visible()
    follow(page.get_by_role("button", name="Change password"))
    expect(page.locator("main .alert").filter(has_text="Your password is changed.")).to_be_visible()
    on_localhost.step(page, "password changed with the passkey")
    db.session.rollback()
    changed = db.session.get(User, account.user.id)
    assert on_localhost.server.app.extensions["caseapp.hasher"].verify(changed.password_hash, new_password).ok
    on_localhost.assert_clean()
