"""The deadline digest (`flask notify digest`) mailed to a real SMTP server, and each person's choices on
/account/notifications (issue 16, point 4; DATA-06: no case content in an e-mail).

Dates are frozen with time_machine, as in tests/integration/test_deadlines_cli.py, and the expected dates are
formatted with Babel as the e-mail formats them for the person's language.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from babel.dates import format_date
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.domain import notifications as kinds
from caseapp.domain import stages
from caseapp.domain.report import VictimInput
from caseapp.models import Notification, User
from caseapp.models.notification import NO_MAIL, PENDING
from caseapp.services import notifications
from tests.factories import add_to_team, make_case, make_staged_case, make_user, signed_in

TODAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
VICTIM = "Victima Digest Qx4"
TITLE = "Titulo Digest Qx4"
NARRATIVE = "What happened."  # make_staged_case's narrative
ONE_YEAR_LAST_DAY = TODAY.date() + timedelta(days=10)
TRANSMITTED_ON = date(2025, 8, 1)  # + 6 months: the State's observations were due on 1 February 2026
STATE_OBSERVATIONS_DUE = date(2026, 2, 1)


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def smtp(app, mail_server):
    app.config.update(mail_server.settings())
    return mail_server


@pytest.fixture
def docket(app, clock, people, org_a):
    """Two cases of Organisation A on the lawyer's team: a one-year limit due in 10 days (screening) and the
    State's observations overdue (before the Committee)."""
    victim = VictimInput(name=VICTIM, identity_number="ID-Qx4")
    one_year = make_staged_case(app, org_a, stage=stages.SCREENING, title=TITLE, victim=victim,
                                one_year=(ONE_YEAR_LAST_DAY - timedelta(days=365), ONE_YEAR_LAST_DAY))
    observations = make_staged_case(app, org_a, stage=stages.OBSERVATIONS, title=TITLE, victim=victim,
                                    transmitted_on=TRANSMITTED_ON)
    add_to_team(one_year, people["lawyer"].user)
    add_to_team(observations, people["lawyer"].user)
    return {"one_year": one_year, "observations": observations}


def run(app, *args):
    return app.test_cli_runner().invoke(args=["notify", *args])


def digest_and_send(app):
    written = run(app, "digest")
    assert written.exit_code == 0, written.output
    sent = run(app, "send")
    assert sent.exit_code == 0, sent.output
    return written


def digests_of(user: User) -> list[Notification]:
    return list(db.session.execute(select(Notification).where(Notification.user_id == user.id,
                                                              Notification.kind == kinds.DEADLINE_DIGEST)
                                   .order_by(Notification.id)).scalars())


def day(value: date) -> str:
    return format_date(value, format="medium", locale="en")


def test_a_lawyer_gets_one_digest_with_the_team_cases_deadlines_and_no_case_content(
        app, people, docket, smtp):  # DATA-06
    written = digest_and_send(app)
    assert "Wrote" in written.output
    [message] = smtp.to(people["lawyer"].user.email)
    assert message["Subject"] == "Your deadlines and news"
    body = message.get_content()
    overdue, upcoming = body.split("Overdue", 1)[1].split("Due in the next 14 days", 1)
    assert f"{docket['observations'].reference} · State's observations (art. 6(2)) · {day(STATE_OBSERVATIONS_DUE)}" \
        in overdue
    assert (f"{docket['one_year'].reference} · One-year limit to submit (art. 3(2)(a)) · {day(ONE_YEAR_LAST_DAY)}"
            in upcoming.split("Since your last digest")[0])
    assert "https://localhost/deadlines" in body
    raw = message.as_string()
    for secret in (VICTIM, TITLE, NARRATIVE, "ID-Qx4", "Organisation A"):
        assert secret not in raw
    # The outbox row holds codes, references and ISO dates only.
    [row] = digests_of(people["lawyer"].user)
    assert row.delivery == kinds.IMMEDIATE
    assert row.params["overdue"] == [{"reference": docket["observations"].reference,
                                      "kind": "state_observations", "due": STATE_OBSERVATIONS_DUE.isoformat()}]
    assert row.params["upcoming"] == [{"reference": docket["one_year"].reference, "kind": "one_year_limit",
                                       "due": ONE_YEAR_LAST_DAY.isoformat()}]


def test_a_lawyer_off_the_team_does_not_see_the_case_and_nothing_to_say_sends_nothing(app, people, docket, smtp):
    outsider = make_user(app, "lawyer").user  # after the submissions: no "new report" news either
    digest_and_send(app)
    assert smtp.to(outsider.email) == []
    assert digests_of(outsider) == []
    assert db.session.get(User, outsider.id).digest_last_sent_at is None
    assert smtp.to(people["admin"].user.email) == []  # admins see no case: no digest


def test_a_partner_sees_only_the_one_year_limits_of_the_organisations_reports(app, people, docket, smtp):
    digest_and_send(app)
    [message] = smtp.to(people["partner_a"].user.email)
    body = message.get_content()
    assert docket["one_year"].reference in body and day(ONE_YEAR_LAST_DAY) in body
    assert docket["observations"].reference not in body and "State's observations" not in body
    assert "https://localhost/intake" in body
    assert smtp.to(people["partner_b"].user.email) == []


def test_a_coordinator_follows_the_cases_whose_team_has_no_coordinator(app, people, docket, smtp):
    digest_and_send(app)
    [message] = smtp.to(people["coordinator"].user.email)
    body = message.get_content()
    assert docket["one_year"].reference in body and docket["observations"].reference in body


def test_a_weekly_digest_goes_once_a_week_and_its_news_once(app, people, docket, smtp, clock):
    lawyer = people["lawyer"].user
    first = digest_and_send(app)
    assert "Wrote" in first.output
    body = smtp.to(lawyer.email)[0].get_content()
    # The new reports (REPORT_SUBMITTED goes into the digest by default) are in the first digest.
    news = body.split("Since your last digest", 1)[1]
    assert docket["one_year"].reference in news and "New report" in news
    assert all(row.digested_at is not None for row in db.session.execute(
        select(Notification).where(Notification.user_id == lawyer.id,
                                   Notification.kind == kinds.REPORT_SUBMITTED)).scalars())
    clock.shift(timedelta(days=3))
    again = run(app, "digest")
    assert again.exit_code == 0, again.output
    assert len(digests_of(lawyer)) == 1
    assert len(smtp.to(lawyer.email)) == 1
    clock.shift(timedelta(days=4, hours=1))
    digest_and_send(app)
    assert len(digests_of(lawyer)) == 2
    later = smtp.to(lawyer.email)[1].get_content()
    assert docket["observations"].reference in later  # still overdue
    assert "Since your last digest" not in later and "New report" not in later


def test_a_daily_digest_is_written_once_a_day_whatever_the_cron(app, people, docket, smtp, clock):
    lawyer = people["lawyer"].user
    lawyer.digest_frequency = "daily"
    db.session.commit()
    assert run(app, "digest", "--frequency", "weekly").exit_code == 0
    assert digests_of(lawyer) == []
    assert run(app, "digest", "--frequency", "daily").exit_code == 0
    clock.shift(timedelta(hours=5))
    assert run(app, "digest", "--frequency", "daily").exit_code == 0
    assert len(digests_of(lawyer)) == 1
    clock.shift(timedelta(hours=19))
    assert run(app, "digest").exit_code == 0
    assert len(digests_of(lawyer)) == 2


def test_the_digests_unsubscribe_link_turns_the_digest_off(app, people, docket, smtp, clock):
    lawyer = people["lawyer"].user
    digest_and_send(app)
    body = smtp.to(lawyer.email)[0].get_content()
    link = re.search(r"https://localhost(/notifications/unsubscribe/\S+)", body).group(1)
    assert app.test_client().post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 204
    assert db.session.get(User, lawyer.id).digest_frequency == "never"
    clock.shift(timedelta(days=8))
    digest_and_send(app)
    assert len(smtp.to(lawyer.email)) == 1


def test_the_digest_is_in_the_persons_language(app, people, docket, smtp):
    lawyer = people["lawyer"].user
    lawyer.locale = "fr"
    db.session.commit()
    digest_and_send(app)
    body = smtp.to(lawyer.email)[0].get_content()
    assert format_date(ONE_YEAR_LAST_DAY, format="medium", locale="fr") in body


# --- the choices page ------------------------------------------------------------------------------------



def test_the_choices_page_offers_the_kinds_of_the_persons_role(app, people):
    lawyer_page = signed_in(app, people["lawyer"].user).get("/account/notifications").get_data(as_text=True)
    for label in ("New report", "Answer or update from the partner", "Stage or record changed", "In the digest",
                  "Never (in the app only)", "Deadline digest"):
        assert label in lawyer_page
    partner_page = signed_in(app, people["partner_a"].user).get("/account/notifications").get_data(as_text=True)
    assert "Request for information" in partner_page and "Screening decision" in partner_page
    assert "Stage or record changed" not in partner_page and "New report" not in partner_page
    account = signed_in(app, people["partner_a"].user).get("/account").get_data(as_text=True)
    assert 'href="/account/notifications"' in account


def test_saved_choices_are_followed_by_the_next_notification(app, people, org_a, smtp):
    lawyer = people["lawyer"].user
    client = signed_in(app, lawyer)
    answer = client.post("/account/notifications", data={
        "kind_report_submitted": kinds.IMMEDIATE, "kind_report_updated": kinds.NEVER,
        "kind_case_moved": kinds.NEVER, "digest_frequency": "daily", "digest_within_days": "30"},
        follow_redirects=True)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "Saved." in page
    assert re.search(r'<option selected value="daily">|<option value="daily" selected>', page)
    stored = db.session.get(User, lawyer.id)
    assert (stored.digest_frequency, stored.digest_within_days) == ("daily", 30)
    case, _document = make_case(app, org_a, people["partner_a"].user, submit=True)
    [told] = db.session.execute(select(Notification).where(Notification.user_id == lawyer.id,
                                                           Notification.case_id == case.id)).scalars()
    assert (told.delivery, told.mail_status) == (kinds.IMMEDIATE, PENDING)
    assert run(app, "send").exit_code == 0
    assert [m["Subject"] for m in smtp.to(lawyer.email)] == [f"{case.reference}: a new report to screen"]
    [moved] = [row for row in notifications.notify_case(db.session, case, kinds.REPORT_UPDATED, actor=None)
               if row.user_id == lawyer.id]
    db.session.commit()
    assert (moved.delivery, moved.mail_status) == (kinds.NEVER, NO_MAIL)


@pytest.mark.parametrize("typed", ["0", "91", "abc", ""])
def test_a_wrong_number_of_days_is_shown_next_to_the_field_and_kept(app, people, typed):
    lawyer = people["lawyer"].user
    answer = signed_in(app, lawyer).post("/account/notifications", data={
        "kind_report_submitted": kinds.NEVER, "kind_report_updated": kinds.IMMEDIATE,
        "kind_case_moved": kinds.DIGEST, "digest_frequency": "daily", "digest_within_days": typed})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Please correct the fields marked below." in page
    error = re.search(r'id="digest_within_days-error"[^>]*>\s*([^<]+)', page).group(1).strip()
    assert error == "Give a number of days from 1 to 90."
    assert re.search(r'<input[^>]*id="digest_within_days"[^>]*value="' + re.escape(typed) + '"', page) or \
        re.search(r'<input[^>]*value="' + re.escape(typed) + '"[^>]*id="digest_within_days"', page)
    stored = db.session.get(User, lawyer.id)
    assert (stored.digest_frequency, stored.digest_within_days) == ("weekly", 14)
    assert notifications.chosen_deliveries(db.session, lawyer)[kinds.REPORT_SUBMITTED] == kinds.DIGEST
