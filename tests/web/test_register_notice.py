"""The notice that the States register is getting old (issue 14, point 6): admins and lawyers see it on every
page once the register's "as of" date is older than REGISTER_MAX_AGE_MONTHS (6 by default); partners and
coordinators never do. The shipped register is as of 3 February 2026, so in December 2026 it is old."""

from datetime import timedelta

import pytest

from caseapp import ConfigurationError
from caseapp.core.extensions import db
from caseapp.domain.deadlines import add_months
from caseapp.domain.register import REGISTER_AS_OF
from caseapp.models.base import utcnow
from caseapp.services import register
from tests.factories import build_app

NOTICE = 'id="register-notice"'


def months_until_fresh() -> int:
    """The smallest limit, in months, under which the shipped register is not old today."""
    today, months = utcnow().date(), 1
    while add_months(REGISTER_AS_OF, months) < today:
        months += 1
    return months


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "shown"), [("admin", True), ("lawyer", True), ("partner_a", False),
                                            ("coordinator", False)])
def test_who_is_told_that_the_register_is_old(app, clients, who, shown):
    app.config["REGISTER_MAX_AGE_MONTHS"] = months_until_fresh() - 1
    assert (NOTICE in page(clients(who))) is shown


def test_the_admin_is_told_the_date_and_sent_to_the_register(app, clients):
    months = months_until_fresh() - 1
    app.config["REGISTER_MAX_AGE_MONTHS"] = months
    html = page(clients("admin"))
    notice = html[html.index(NOTICE):html.index("</div>", html.index(NOTICE))]
    assert f"The States register is as of 3 Feb 2026, more than {months} months ago." in notice
    assert 'href="/admin/states"' in notice


def test_the_lawyer_is_told_to_check_the_un_treaty_collection(app, clients):
    app.config["REGISTER_MAX_AGE_MONTHS"] = months_until_fresh() - 1
    html = page(clients("lawyer"))
    notice = html[html.index(NOTICE):html.index("</div>", html.index(NOTICE))]
    assert "a State may have ratified or acceded since. Check the UN Treaty Collection" in notice
    assert "ask an administrator to update the register" in notice
    assert "/admin/states" not in notice  # not a page a lawyer may open


def test_the_default_is_six_months_and_the_shipped_register_is_past_it(app, clients):
    assert app.config["REGISTER_MAX_AGE_MONTHS"] == 6
    assert (NOTICE in page(clients("lawyer"))) is (add_months(REGISTER_AS_OF, 6) < utcnow().date())


def test_no_notice_within_the_limit(app, clients):
    app.config["REGISTER_MAX_AGE_MONTHS"] = months_until_fresh()
    assert NOTICE not in page(clients("admin")) and NOTICE not in page(clients("lawyer"))


def test_a_recent_check_of_the_register_ends_the_notice(app, clients, people):
    app.config["REGISTER_MAX_AGE_MONTHS"] = months_until_fresh() - 1
    lawyer = clients("lawyer")
    assert NOTICE in page(lawyer)
    register.record_check(db.session, people["admin"].user, utcnow().date() - timedelta(days=3), 31,
                          "UNTC MTDSG IV-3-a, consulted three days ago", complete=True)
    db.session.commit()
    assert NOTICE not in page(lawyer)


@pytest.mark.parametrize("months", [0, -6, "6", 2.5, True])
def test_the_limit_must_be_a_whole_number_of_months(tmp_path, months):
    with pytest.raises(ConfigurationError, match="REGISTER_MAX_AGE_MONTHS"):
        build_app(tmp_path, None, REGISTER_MAX_AGE_MONTHS=months)
