"""The in-app notification list and the navigation bar's unread badge (issue 16, point 6): newest first, a
page at a time, each with its kind in words, its case's reference, when, and a link that opens for this
person; unread ones marked; opening one marks it read; "Mark all as read"; someone else's is never shown
nor opened (AC-04); the badge's number is announced as "unread notifications"."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.domain import notifications as kinds
from caseapp.models import Notification
from caseapp.models.base import utcnow
from caseapp.services import notifications
from tests.factories import make_case, signed_in, text_of

NOTIFICATIONS = "/notifications"




def entries(html: str) -> list[str]:
    """The list's entries as the reader sees them, in order."""
    body = html[html.index('id="notifications"'):]
    body = body[:body.index("</ul>")]
    return [text_of(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", body, re.S)]


def badge(html: str) -> str | None:
    """The navigation bar's notifications link as read aloud, or None when it shows no number."""
    link = re.search(r'<a[^>]*id="nav-notifications".*?</a>', html, re.S).group()
    return text_of(link) if "badge" in link else None


@pytest.fixture
def report(app, org_a, people):
    case, _document = make_case(app, org_a, people["partner_a"].user, submit=True)
    return case


@pytest.fixture
def told(app, people, report):
    """Three notifications for partner_a, a minute apart (oldest first), and one for partner_b."""
    partner = people["partner_a"].user
    made = []
    with time_machine.travel(utcnow(), tick=False) as clock:
        for kind, params in ((kinds.INFORMATION_REQUESTED, None), (kinds.SCREENING_DECIDED, None),
                             (kinds.ACCOUNT_CHANGED, {"change": "password"})):
            case = report if kind != kinds.ACCOUNT_CHANGED else None
            made.append(notifications.notify_user(db.session, partner, kind, case=case, params=params,
                                                  link="/account" if case is None else None))
            clock.shift(timedelta(minutes=1))
        notifications.notify_user(db.session, people["partner_b"].user, kinds.INFORMATION_REQUESTED, case=report)
    db.session.commit()
    return made


def test_the_list_shows_each_notification_newest_first_with_its_kind_reference_and_unread_mark(app, people, report,
                                                                                               told):
    html = signed_in(app, people["partner_a"].user).get(NOTIFICATIONS).get_data(as_text=True)

    shown = entries(html)
    assert len(shown) == 3
    assert shown[0].startswith("Unread Change to your account: your password changed")
    assert shown[1].startswith(f"Unread Screening decision {report.reference}")
    assert shown[2].startswith(f"Unread Request for information {report.reference}")
    links = re.findall(r'<a class="stretched-link[^"]*" href="([^"]+)"', html)
    assert links == [f"/notifications/{row.uuid}" for row in reversed(told)]
    assert "Mark all as read" in html


def test_the_badge_counts_the_unread_and_says_so(app, people, told):  # WCAG: the number is named
    client = signed_in(app, people["partner_a"].user)
    assert badge(client.get("/").get_data(as_text=True)) == "Notifications 3 unread notifications"
    assert badge(signed_in(app, people["admin"].user).get("/").get_data(as_text=True)) is None  # none for them


def test_the_badge_counts_up_to_99_then_says_99_plus(app, people, told):
    """The badge's count stops past 99 (issue 20: every page pays for it), and says so in words."""
    partner = people["partner_a"].user
    for _ in range(96):
        notifications.notify_user(db.session, partner, kinds.ACCOUNT_CHANGED, params={"change": "password"},
                                  link="/account")
    db.session.commit()
    client = signed_in(app, partner)
    assert badge(client.get("/").get_data(as_text=True)) == "Notifications 99 unread notifications"

    notifications.notify_user(db.session, partner, kinds.ACCOUNT_CHANGED, params={"change": "password"},
                              link="/account")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert badge(html) == "Notifications 99+ more than 99 unread notifications"
    assert notifications.unread_count(db.session, partner) == 100  # the list's own count is whole


def test_opening_one_marks_it_read_and_opens_the_case_for_this_person(app, people, report, told):
    client = signed_in(app, people["partner_a"].user)
    opened = client.get(f"/notifications/{told[0].uuid}")

    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/intake/{report.uuid}")
    html = client.get(NOTIFICATIONS).get_data(as_text=True)
    assert not entries(html)[2].startswith("Unread")
    assert badge(html) == "Notifications 2 unread notifications"


def test_mark_all_as_read(app, people, told):
    client = signed_in(app, people["partner_a"].user)
    response = client.post(f"{NOTIFICATIONS}/read")

    assert response.status_code == 302 and response.headers["Location"].endswith(NOTIFICATIONS)
    html = client.get(NOTIFICATIONS).get_data(as_text=True)
    assert not any(entry.startswith("Unread") for entry in entries(html))
    assert badge(html) is None and "Mark all as read" not in html
    others = db.session.execute(select(Notification.read_at).where(
        Notification.user_id == people["partner_b"].user.id)).scalars().all()
    assert others == [None]  # only the signed-in person's


def test_someone_elses_notification_is_neither_listed_nor_opened(app, people, told):  # AC-04
    theirs = db.session.execute(select(Notification).where(
        Notification.user_id == people["partner_b"].user.id)).scalar_one()
    client = signed_in(app, people["partner_a"].user)
    assert f"/notifications/{theirs.uuid}" not in client.get(NOTIFICATIONS).get_data(as_text=True)
    assert client.get(f"/notifications/{theirs.uuid}").status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None


@pytest.mark.parametrize("who", ["partner_a", "lawyer", "coordinator", "admin"])
def test_with_no_notification_the_list_says_so(app, people, who):
    html = signed_in(app, people[who].user).get(NOTIFICATIONS).get_data(as_text=True)
    assert 'id="no-notifications"' in html and "Mark all as read" not in html
    assert badge(html) is None


def test_the_list_is_paginated(app, people, report):
    partner = people["partner_a"].user
    size = app.config["PAGE_SIZE"]
    for _number in range(size + 2):
        notifications.notify_user(db.session, partner, kinds.SCREENING_DECIDED, case=report)
    db.session.commit()
    client = signed_in(app, partner)
    assert len(entries(client.get(NOTIFICATIONS).get_data(as_text=True))) == size
    assert len(entries(client.get(f"{NOTIFICATIONS}?page=2").get_data(as_text=True))) == 2
