"""The notification outbox delivered by ``flask notify send`` to a real SMTP server (aiosmtpd on 127.0.0.1), and
to the instance's folder when no server is set (issue 16, points 1–4; DATA-06).

Each message goes out once: when the server is down nothing is lost, and when it comes back every message is
sent exactly once; a refusal is retried later, a final refusal is given up and shown to admins.
"""

import re
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import notifications as kinds
from caseapp.domain import stages
from caseapp.domain.report import VictimInput
from caseapp.models import Notification, SetupToken, User
from caseapp.models.base import utcnow
from caseapp.models.notification import FAILED, NO_MAIL, PENDING, SENT
from caseapp.services import notifications, screening
from caseapp.services.vault import open_vault
from tests.factories import add_to_team, login, make_case, make_user

VICTIM = "Victima Canaria Zq7"
TITLE = "Titulo Secreto Zq7"
NARRATIVE = "Narrativa secreta Zq7"
FILE_NAME = "orden-de-desalojo-Zq7.pdf"


@pytest.fixture
def report(app, people, org_a):
    case, _document = make_case(app, org_a, people["partner_a"].user, submit=True, title=TITLE, narrative=NARRATIVE,
                                name=FILE_NAME, victim=VictimInput(name=VICTIM, identity_number="ID-Zq7"))
    return case


@pytest.fixture
def smtp(app, mail_server):
    app.config.update(mail_server.settings())
    return mail_server


def send(app, *args):
    return app.test_cli_runner().invoke(args=["notify", "send", *args])


def ask_for_information(app, people, report):
    lawyer = app.test_client()
    login(app, lawyer, people["lawyer"].user)
    answer = lawyer.post(f"/screening/{report.uuid}/request-information", data={"body": "Send the court order."})
    assert answer.status_code == 302


def rows(**where):
    query = select(Notification)
    for name, value in where.items():
        query = query.where(getattr(Notification, name) == value)
    return list(db.session.execute(query.order_by(Notification.id)).scalars())


def test_a_request_for_information_reaches_the_organisation_by_mail_without_case_content(
        app, people, report, smtp):  # DATA-06
    ask_for_information(app, people, report)
    written = rows(kind=kinds.INFORMATION_REQUESTED)
    assert [row.user_id for row in written] == [people["partner_a"].user.id]  # not partner_b, not the lawyer
    result = send(app)
    assert result.exit_code == 0, result.output
    assert "Sent 1 message" in result.output
    [message] = smtp.messages
    assert message["To"] == people["partner_a"].user.email
    assert report.reference in message["Subject"] and "ask for information" in message["Subject"]
    assert message["Content-Language"] == "en"
    body = message.get_content()
    assert f"https://localhost/notifications/{written[0].uuid}" in body
    raw = message.as_string()
    for secret in (VICTIM, TITLE, NARRATIVE, FILE_NAME, "ID-Zq7", "Send the court order.", "Organisation A"):
        assert secret not in raw
    unsubscribe = re.search(r"https://localhost/notifications/unsubscribe/\S+", body).group(0)
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert rows(kind=kinds.INFORMATION_REQUESTED)[0].mail_status == SENT


def test_the_mail_is_in_the_recipients_language(app, people, report, smtp):  # issue 18, point 4
    partner = db.session.get(User, people["partner_a"].user.id)
    partner.locale = "es"
    db.session.commit()
    ask_for_information(app, people, report)  # asked by a lawyer who reads English
    assert send(app).exit_code == 0
    [message] = smtp.messages
    assert message["Content-Language"] == "es"
    assert message["Subject"] == f"{report.reference}: los abogados piden información"
    body = message.get_content()
    assert (f"Los abogados de la coalición han pedido a su organización información sobre la denuncia "
            f"{report.reference}.") in body
    assert "Este mensaje no contiene información de los casos" in body
    assert "lawyers" not in body and "ask for information" not in body


def test_the_partners_answer_reaches_the_case_team_lawyer_only(app, people, report, smtp):
    other_lawyer = make_user(app, "lawyer").user
    add_to_team(report, people["lawyer"].user)
    ask_for_information(app, people, report)
    partner = app.test_client()
    login(app, partner, people["partner_a"].user)
    assert partner.post(f"/cases/{report.uuid}/messages", data={"body": "Here it is."}).status_code == 302
    updated = rows(kind=kinds.REPORT_UPDATED)
    assert [row.user_id for row in updated] == [people["lawyer"].user.id]
    assert other_lawyer.id not in [row.user_id for row in updated]
    assert send(app).exit_code == 0
    assert [m["Subject"] for m in smtp.to(people["lawyer"].user.email)] == [
        f"{report.reference}: the partner answered or updated the report"]


def test_without_a_team_every_lawyer_hears_of_a_new_report(app, people, org_a):
    other_lawyer = make_user(app, "lawyer").user
    case, _document = make_case(app, org_a, people["partner_a"].user, submit=True)
    told = {row.user_id for row in rows(kind=kinds.REPORT_SUBMITTED, case_id=case.id)}
    assert told == {people["lawyer"].user.id, other_lawyer.id, people["pending_2fa"].user.id}
    # A new report goes into the digest by default: in the app at once, no e-mail of its own.
    assert {row.mail_status for row in rows(kind=kinds.REPORT_SUBMITTED)} == {NO_MAIL}


def test_stage_moves_and_decisions_reach_the_caseworkers_and_the_coordinators(app, people, org_a):
    case, _document = make_case(app, org_a, people["partner_a"].user, submit=True)
    case.stage = stages.CANDIDATE
    db.session.commit()
    add_to_team(case, people["lawyer"].user, people["coordinator"].user)
    lawyer = app.test_client()
    login(app, lawyer, people["lawyer"].user)
    moved = lawyer.post(f"/committee/{case.uuid}/move", data={"target": stages.PREPARING, "note": ""})
    assert moved.status_code == 302, moved.get_data(as_text=True)
    assert [row.user_id for row in rows(kind=kinds.CASE_MOVED, case_id=case.id)] == [people["coordinator"].user.id]


def test_an_event_rolled_back_tells_nobody(app, people, report):
    vault = open_vault(db.session, keyring(), report)
    screening.request_information(db.session, vault, people["lawyer"].user, "Question")
    assert rows(kind=kinds.INFORMATION_REQUESTED)
    db.session.rollback()
    assert rows(kind=kinds.INFORMATION_REQUESTED) == []


def test_a_server_that_is_down_loses_nothing_and_each_message_goes_out_once(app, people, report, smtp):
    ask_for_information(app, people, report)
    partner_two = make_user(app, "partner", people["partner_a"].user.organisation).user
    ask_again = notifications.notify_user(db.session, partner_two, kinds.ACCOUNT_CHANGED, params={"change": "role"})
    db.session.commit()
    smtp.stop()
    down = send(app)
    assert down.exit_code != 0 and "could not be reached" in down.output
    assert {row.mail_status for row in rows()} >= {PENDING}
    assert all(row.attempts == 0 and row.claimed_until is None for row in rows(mail_status=PENDING))
    smtp.start()
    assert send(app).exit_code == 0
    assert send(app).exit_code == 0  # a second run finds nothing left to send
    assert sorted(m["To"] for m in smtp.messages) == sorted([people["partner_a"].user.email, partner_two.email])
    assert {row.mail_status for row in rows(mail_status=SENT)} == {SENT}
    assert db.session.get(Notification, ask_again.id).mail_status == SENT


def test_a_refusal_is_retried_later_and_a_final_one_is_shown_to_admins(app, people, report, smtp):
    ask_for_information(app, people, report)
    smtp.refuse = "451 4.3.0 try again later"
    assert send(app).exit_code == 0
    [row] = rows(kind=kinds.INFORMATION_REQUESTED)
    assert row.mail_status == PENDING and row.attempts == 1 and row.next_attempt_at > utcnow()
    assert row.last_error == "SMTPDataError:451"
    assert send(app).output.startswith("Nothing to send")  # not due yet: backoff
    smtp.refuse = "550 5.1.1 no such mailbox"
    db.session.execute(Notification.__table__.update().values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert "1 given up" in send(app).output
    db.session.expire_all()
    [row] = rows(kind=kinds.INFORMATION_REQUESTED)
    assert row.mail_status == FAILED and notifications.undeliverable_count(db.session) == 1
    smtp.refuse = None
    assert notifications.send_again(db.session, row.uuid)
    db.session.commit()
    assert send(app).exit_code == 0 and len(smtp.messages) == 1


def test_two_senders_never_take_the_same_message(app, people, report):
    ask_for_information(app, people, report)
    [row] = rows(kind=kinds.INFORMATION_REQUESTED)
    now = utcnow()
    assert notifications.claim(db.session, row.id, now=now)
    db.session.commit()
    assert not notifications.claim(db.session, row.id, now=now)  # the other sender's claim
    assert notifications.claim(db.session, row.id, now=now + timedelta(seconds=notifications.CLAIM_SECONDS + 1))


def test_without_a_mail_server_messages_are_eml_files_in_the_instance(app, people, report):
    ask_for_information(app, people, report)
    result = send(app)
    assert result.exit_code == 0 and "mail-outbox" in result.output
    [path] = list((Path(app.instance_path) / "mail-outbox").glob("*.eml"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert f"To: {people['partner_a'].user.email}" in text and VICTIM not in text


def test_a_setup_link_exists_only_in_its_email_and_works_once(app, people, smtp):
    newcomer = make_user(app, "lawyer", password=None, totp=False).user
    notifications.notify_user(db.session, newcomer, kinds.ACCOUNT_SETUP)
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(SetupToken)).scalar_one() == 0  # no link yet
    assert send(app).exit_code == 0
    [message] = smtp.to(newcomer.email)
    link = re.search(r"https://localhost(/setup/\S+)", message.get_content()).group(1)
    assert "List-Unsubscribe" not in message  # account messages cannot be turned off
    assert app.test_client().get(link).status_code == 200
    token = link.rsplit("/", 1)[1]
    stored = db.session.execute(select(SetupToken.token_hash)).scalars().all()
    assert token not in stored and len(stored) == 1


def test_the_unsubscribe_link_turns_one_kind_off(app, people, report, smtp):
    ask_for_information(app, people, report)
    send(app)
    link = re.search(r"https://localhost(/notifications/unsubscribe/\S+)", smtp.messages[0].get_content()).group(1)
    visitor = app.test_client()
    page = visitor.get(link)
    assert page.status_code == 200 and "Request for information" in page.get_data(as_text=True)
    assert notifications.chosen_deliveries(db.session, people["partner_a"].user)[kinds.INFORMATION_REQUESTED] == \
        kinds.IMMEDIATE  # a GET changes nothing (link scanners)
    assert visitor.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 204
    assert notifications.chosen_deliveries(db.session, people["partner_a"].user)[kinds.INFORMATION_REQUESTED] == \
        kinds.NEVER
    assert visitor.get(link[:-3] + "xyz").status_code == 404  # a forged token


def test_an_expired_unsubscribe_link_is_refused(app, people):
    token = notifications.unsubscribe_token(app.config["SECRET_KEY"], people["lawyer"].user, kinds.CASE_MOVED)
    assert notifications.read_unsubscribe_token(app.config["SECRET_KEY"], token, timedelta(days=1)) is not None
    assert notifications.read_unsubscribe_token(app.config["SECRET_KEY"], token, timedelta(seconds=-1)) is None


def test_the_link_in_an_email_brings_a_signed_out_person_back_after_signing_in(app, people, report):
    ask_for_information(app, people, report)
    [row] = rows(kind=kinds.INFORMATION_REQUESTED)
    visitor = app.test_client()
    first = visitor.get(f"/notifications/{row.uuid}")
    assert first.status_code == 302 and first.location.endswith(f"/login?next=/notifications/{row.uuid}")
    assert "evil.example" not in visitor.get("/login?next=https://evil.example/").get_data(as_text=True)
    login(app, visitor, people["partner_a"].user)
    opened = visitor.get(f"/notifications/{row.uuid}")
    assert opened.status_code == 302 and opened.location.endswith(f"/intake/{report.uuid}")
    db.session.expire_all()
    assert rows(kind=kinds.INFORMATION_REQUESTED)[0].read_at is not None
    stranger = app.test_client()
    login(app, stranger, people["partner_b"].user)
    assert stranger.get(f"/notifications/{row.uuid}").status_code == 404  # AC-04


def test_an_account_waiting_for_approval_hears_of_no_case(app, people, org_a):  # AUTH-12
    waiting = make_user(app, "lawyer").user
    waiting.approval_requested_at = utcnow()
    db.session.commit()
    case, _document = make_case(app, org_a, people["partner_a"].user, submit=True)
    told = {row.user_id for row in rows(kind=kinds.REPORT_SUBMITTED, case_id=case.id)}
    assert people["lawyer"].user.id in told and waiting.id not in told
