"""Page numbers of every paginated list (IN-01): a number too large for the database's offset, zero,
a negative or a non-number is refused with the app's 400 page, never a 500."""

import pytest

from caseapp.core.extensions import db
from caseapp.models import AuditEvent
from tests.factories import login

# Every page that paginates, with a principal who may see it and the query argument of its page number.
PAGINATED = [
    ("/decisions", None, "page"),
    ("/intake", "partner_a", "page"),
    ("/screening", "lawyer", "page"),
    ("/committee", "lawyer", "page"),
    ("/deadlines", "lawyer", "page"),
    ("/deadlines", "lawyer", "overdue_page"),
    ("/admin/audit", "admin", "page"),
    ("/admin/users", "admin", "page"),
    ("/admin/states", "admin", "page"),
]
BAD_PAGES = ["9999999999999999999999999", "9223372036854775807", "1000001", "0", "-1", "x", "1.5"]


def _client(app, people, who):
    client = app.test_client()
    if who:
        login(app, client, people[who].user)
    return client


@pytest.mark.parametrize(("path", "who", "arg"), PAGINATED, ids=[f"{p}?{a}" for p, _w, a in PAGINATED])
def test_out_of_range_or_malformed_page_numbers_get_the_400_page(app, people, path, who, arg):  # IN-01
    client = _client(app, people, who)
    assert client.get(f"{path}?{arg}=2").status_code == 200  # a page past the end is still a page
    for bad in BAD_PAGES:
        response = client.get(path, query_string={arg: bad})
        text = response.get_data(as_text=True)
        assert response.status_code == 400, (bad, response.status_code)
        assert response.mimetype == "text/html"
        assert "ESCR Case Desk" in text and '<nav class="navbar' in text  # the app's layout
        assert "Error 400" in text and "Bad request" in text
        assert "Traceback" not in text and "OverflowError" not in text


def test_a_huge_page_number_logs_no_failure(app, people, caplog):  # IN-01
    client = _client(app, people, "admin")
    before = db.session.query(AuditEvent).count()
    with caplog.at_level("ERROR"):
        assert client.get("/admin/audit?page=9999999999999999999999999").status_code == 400
    assert [record for record in caplog.records if record.levelname == "ERROR"] == []
    assert db.session.query(AuditEvent).count() == before
