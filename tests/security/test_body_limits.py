"""Only upload routes take a large body (UP-02, IN-01).

A body that is not a multipart upload to an upload route is limited to ``MAX_FORM_BYTES`` (1 MiB),
checked against ``Content-Length`` before anything reads it, and counted as it is read when there is no
``Content-Length``: an anonymous visitor cannot make a worker read and parse 200 MiB before signing in.
The report form, the message form and the API's document upload keep ``MAX_CONTENT_LENGTH``.
"""

import io

import pytest

from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import roles
from caseapp.services import accounts
from tests.factories import PASSWORD, login, make_user
from tests.web.test_api import auth, new_token, upload
from tests.web.test_intake import PDF, new_draft, post_report, report_form

MIB = 1024 * 1024
TWO_MIB_FORM = b"email=a%40example.org&password=" + b"x" * (2 * MIB)


class CountingStream(io.BytesIO):
    """A request body that records how many bytes the app read from it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.fixture
def partner(app, org_a):
    return make_user(app, roles.PARTNER, org_a, email="ana@ngo-a.org").user


def _assert_413_page(response) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "ESCR Case Desk" in text and '<nav class="navbar' in text  # the app's layout
    assert "Error 413" in text and "larger than the limit" in text
    assert "Traceback" not in text


def test_a_2_mib_form_posted_to_sign_in_gets_413_before_it_is_read(app, client, partner):  # UP-02, IN-01
    body = CountingStream(TWO_MIB_FORM)
    response = client.post("/login", input_stream=body, content_length=len(TWO_MIB_FORM),
                           content_type="application/x-www-form-urlencoded")
    _assert_413_page(response)
    assert body.bytes_read == 0  # refused on its Content-Length


def test_a_body_without_content_length_is_cut_at_the_limit(app, client):  # UP-02, IN-01
    body = CountingStream(TWO_MIB_FORM)
    response = client.post("/login", input_stream=body, content_type="application/x-www-form-urlencoded",
                           environ_overrides={"wsgi.input_terminated": True})  # chunked: no Content-Length
    _assert_413_page(response)
    assert body.bytes_read <= app.config["MAX_FORM_BYTES"] + 64 * 1024  # stopped at the limit, not read whole


def test_a_multipart_body_does_not_lift_the_limit_outside_upload_routes(app, client):  # UP-02, IN-01
    data = {"email": "a@example.org", "password": "x", "file": (io.BytesIO(b"0" * (2 * MIB)), "big.pdf")}
    _assert_413_page(client.post("/login", data=data, content_type="multipart/form-data"))


def test_the_limit_is_the_max_form_bytes_setting(app, client, partner):  # UP-02
    assert app.config["MAX_FORM_BYTES"] == MIB  # the documented default
    app.config["MAX_FORM_BYTES"] = 10
    _assert_413_page(client.post("/login", data={"email": partner.email, "password": PASSWORD, "code": ""}))


def test_a_normal_sign_in_still_works(app, client, partner):  # UP-02
    code = two_factor.current_code(accounts.decrypt_totp_secret(db.session, keyring(), partner))  # AUTH-01
    response = client.post("/login", data={"email": partner.email, "password": PASSWORD, "code": code})
    assert response.status_code == 302 and not response.headers["Location"].endswith("/login")
    assert "Sign out" in client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)


def test_uploads_of_a_few_mib_still_work_on_the_upload_routes(app, client, partner):  # UP-02
    big = PDF + b"0" * (3 * MIB)
    secret = new_token(partner)
    draft_id = client.post("/api/v1/reports", json={"title": "With evidence", "narrative": "n"},
                           headers=auth(secret)).get_json()["id"]
    response = upload(client, secret, draft_id, [("three-mib.pdf", big)])
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    stored = client.get(f"/api/v1/reports/{draft_id}", headers=auth(secret)).get_json()
    assert stored["documents"][0]["size"] == len(big)

    login(app, client, partner)
    draft = new_draft(client)
    assert post_report(client, draft, report_form(), files=[("three-mib.pdf", big)]).status_code == 302
    page = client.get(f"/intake/{draft}/edit/files").get_data(as_text=True)  # the report form's files step
    assert "three-mib.pdf" in page
