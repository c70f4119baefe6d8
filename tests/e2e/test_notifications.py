"""Notifications in a browser with a real mail server (issue 16, point 7): a lawyer asks for information, the
partner receives the e-mail, follows its link (signed out: through the sign-in form and back), answers in the
thread, and the lawyer sees the answer on the home page."""

import re
from datetime import timedelta

import pyotp
import pytest

from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.models.base import utcnow
from tests.e2e.harness import follow, sign_in
from tests.factories import PASSWORD, make_organisation, make_user, submit_report
from tests.mail import MailServer

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips every test with the reason (and fails them in CI)
    expect = None


@pytest.fixture
def mail_server(live_server):
    server = MailServer().start()
    saved = {name: live_server.app.config.get(name) for name in server.settings()}
    live_server.app.config.update(server.settings())
    yield server
    live_server.app.config.update(saved)
    server.stop()


def send_mail(app) -> str:
    # The command shares this thread's database session: end its read snapshot so that it sees what the live
    # server wrote since (a real `flask notify send` is a process of its own).
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_request_for_information_by_mail_to_the_answer_on_the_lawyers_home_page(browsing, live_server, mail_server):
    app = live_server.app
    org = make_organisation("Valle Verde Water Committee")
    partner = make_user(app, roles.PARTNER, org)
    lawyer = make_user(app, roles.LAWYER)
    case, _vault = submit_report(app, partner.user, notified=utcnow().date() - timedelta(days=60))

    # 1. The lawyer asks for information.
    law = browsing.person("lawyer")
    sign_in(law, lawyer)
    law.goto(f"/screening/{case.uuid}/request-information")
    law.get_by_label("Request to the partner").fill("Please send the water company's disconnection notice.")
    follow(law.get_by_role("button", name="Send the request"))
    browsing.step(law, "lawyer-asked")

    # 2. The partner's e-mail: the reference, the kind of event and a link; nothing of the case.
    sent = send_mail(app)
    assert len(mail_server.to(partner.user.email)) == 1, (sent, law.url, [m["To"] for m in mail_server.messages])
    [message] = mail_server.to(partner.user.email)
    assert case.reference in message["Subject"]
    body = message.get_content()
    for secret in ("Eviction", "Ana", "disconnection notice", "Valle Verde"):
        assert secret not in body and secret not in message["Subject"]
    link = re.search(re.escape(live_server.url) + r"(/notifications/[0-9a-f-]{36})", body).group(1)

    # 3. Signed out, the link leads through the sign-in form and back to the report.
    p = browsing.person("partner")
    p.goto(link)
    expect(p.get_by_role("heading", name="Sign in")).to_be_visible()
    p.get_by_label("E-mail").fill(partner.user.email)
    p.get_by_label("Password").fill(PASSWORD)
    p.locator("input[name=code]").fill(pyotp.TOTP(partner.totp_secret).now())
    follow(p.locator("main button[type=submit]"))
    expect(p).to_have_url(re.compile(rf"/intake/{case.uuid}$"))
    expect(p.get_by_text("Please send the water company's disconnection notice.")).to_be_visible()
    browsing.step(p, "partner-followed-the-link")

    # 4. The partner answers in the thread.
    p.locator("#body").fill("Here is the notice, dated 2 May.")
    follow(p.get_by_role("button", name="Send", exact=True))
    expect(p.get_by_text("Here is the notice, dated 2 May.")).to_be_visible()

    # 5. The lawyer hears of it by mail and sees it on the home page.
    send_mail(app)
    assert [m["Subject"] for m in mail_server.to(lawyer.user.email)] == [
        f"{case.reference}: the partner answered or updated the report"]
    follow(law.get_by_role("link", name="Home"))
    answered = law.get_by_role("link", name=re.compile(r"answer from a partner to read"))
    expect(answered).to_contain_text("1")
    follow(answered)
    expect(law.get_by_text(case.reference)).to_be_visible()
    browsing.step(law, "lawyer-home")
    browsing.assert_clean()
