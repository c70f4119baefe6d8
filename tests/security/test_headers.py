"""Response headers, the session cookie and error pages (HDR-01, HDR-02, SESS-07, SESS-08, LOG-04).

The expected values are spelled out here, not imported from ``caseapp.web.security``, so that a change
to the app's header set fails this test.
"""

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import abort
from flask.testing import FlaskClient

from caseapp.core import two_factor
from caseapp.core.logs import JsonFormatter
from caseapp.domain import roles
from tests.factories import PASSWORD, login, make_user, running_app

EXPECTED_HEADERS = {  # HDR-01
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"  # HDR-02
BRAND = "ESCR Case Desk"
ERROR_MARKER = "marker-7f3a: secret narrative of a victim"


def _raise_with_marker():
    raise RuntimeError(ERROR_MARKER)


def _vary(response) -> set[str]:
    return {value.strip().lower() for value in response.headers.get("Vary", "").split(",") if value.strip()}


def _assert_security_headers(response) -> None:  # HDR-01
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.getlist(name) == [value], name


def _assert_error_page(response, code: int) -> str:  # LOG-04
    text = response.get_data(as_text=True)
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert BRAND in text  # rendered inside the layout, with the navigation brand
    assert '<nav class="navbar' in text
    assert f"Error {code}" in text
    assert "Traceback" not in text
    assert 'File "' not in text
    return text


# --- HDR-01, HDR-02, SESS-08 on each kind of response ---------------------------------------------


@dataclass
class Case:
    name: str
    fetch: Callable  # (app, client, people, monkeypatch) -> response
    status: int
    static: bool = False


def _login_page(app, client, people, monkeypatch):
    return client.get("/login")


def _not_found(app, client, people, monkeypatch):
    return client.get("/no-such-page")


def _method_not_allowed(app, client, people, monkeypatch):
    return client.get("/logout")


def _server_error(app, client, people, monkeypatch):
    monkeypatch.setitem(app.view_functions, "main.healthz", _raise_with_marker)
    return client.get("/healthz")


def _redirect(app, client, people, monkeypatch):
    return client.get("/")  # anonymous: sent to the sign-in page


def _signed_in_page(app, client, people, monkeypatch):
    login(app, client, people["admin"].user)
    return client.get("/admin/users")


def _qr_code(app, client, people, monkeypatch):  # a dynamic response that is not HTML
    login(app, client, people["pending_2fa"].user, two_factor_done=False)
    assert client.get("/two-factor/setup").status_code == 200
    return client.get("/two-factor/setup/qr.svg")


def _public_decisions(app, client, people, monkeypatch):  # a public page, anonymous
    return client.get("/decisions")


def _atom_feed(app, client, people, monkeypatch):  # public, not HTML
    return client.get("/decisions.atom")


def _csv_export(app, client, people, monkeypatch):  # a streamed download
    login(app, client, people["coordinator"].user)
    response = client.get("/exports/cases.csv")
    response.get_data()
    return response


def _static_css(app, client, people, monkeypatch):
    return client.get("/static/css/app.css")


def _bootstrap_css(app, client, people, monkeypatch):
    html = client.get("/login").get_data(as_text=True)
    match = re.search(r'<link rel="stylesheet" href="(/assets/bootstrap[^"]+\.css)"', html)
    assert match, "the layout loads no local Bootstrap CSS"
    return client.get(match.group(1))


CASES = [
    Case("login page", _login_page, 200),
    Case("404", _not_found, 404),
    Case("405", _method_not_allowed, 405),
    Case("forced 500", _server_error, 500),
    Case("redirect", _redirect, 302),
    Case("signed-in page", _signed_in_page, 200),
    Case("qr code svg", _qr_code, 200),
    Case("public decisions page", _public_decisions, 200),
    Case("atom feed", _atom_feed, 200),
    Case("csv export", _csv_export, 200),
    Case("static app.css", _static_css, 200, static=True),
    Case("bootstrap css", _bootstrap_css, 200, static=True),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_response_carries_the_header_set(app, client, people, monkeypatch, case):  # HDR-01, HDR-02, SESS-08
    response = case.fetch(app, client, people, monkeypatch)
    assert response.status_code == case.status
    _assert_security_headers(response)
    assert response.headers.getlist("Strict-Transport-Security") == [HSTS]  # HDR-02: https://localhost
    if case.static:
        assert "no-store" not in response.headers.get("Cache-Control", "")  # static files may be cached
    else:
        assert response.headers.getlist("Cache-Control") == ["no-store"]  # SESS-08
        assert "cookie" in _vary(response)  # SESS-08 (CVE-2023-30861)


def test_forced_500_is_the_app_error_page_with_a_reference(app, client, monkeypatch, caplog):  # LOG-04, HDR-01
    monkeypatch.setitem(app.view_functions, "main.healthz", _raise_with_marker)
    with caplog.at_level(logging.ERROR, logger="caseapp.web.errors"):
        response = client.get("/healthz")
    text = _assert_error_page(response, 500)
    _assert_security_headers(response)
    assert "Something went wrong" in text
    match = re.search(r"Error reference:\s*<code>([0-9a-f]{8})</code>", text)
    assert match, "the 500 page gives no error reference"
    assert ERROR_MARKER not in text and "RuntimeError" not in text  # no exception details for the user
    # The reference the user reads out is in the log line, which names the exception type only.
    records = [r for r in caplog.records if getattr(r, "reference", None) == match.group(1)]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["event"] == "request.failed" and line["error_type"] == "RuntimeError"
    assert ERROR_MARKER not in json.dumps(line)


@pytest.mark.parametrize(
    "fetch", [_login_page, _not_found, _redirect, _static_css], ids=["login page", "404", "redirect", "static"]
)
def test_no_hsts_over_plain_http(app, people, monkeypatch, fetch):  # HDR-02
    monkeypatch.setattr(app, "test_client_class", FlaskClient)  # plain http://localhost
    client = app.test_client()
    response = fetch(app, client, people, monkeypatch)
    assert response.status_code < 500
    assert "Strict-Transport-Security" not in response.headers
    _assert_security_headers(response)  # the rest of the set does not depend on the scheme


def test_hsts_behind_the_tls_proxy(tmp_path, database_url):  # HDR-02 (X-Forwarded-Proto)
    with running_app(tmp_path, database_url, PROXY_FIX_X_PROTO=1) as proxied:
        client = proxied.test_client()
        behind_proxy = client.get("/login", base_url="http://localhost", headers={"X-Forwarded-Proto": "https"})
        assert behind_proxy.headers.getlist("Strict-Transport-Security") == [HSTS]
        plain = client.get("/login", base_url="http://localhost")
        assert "Strict-Transport-Security" not in plain.headers


def test_forwarded_proto_is_ignored_without_a_proxy(app):  # HDR-02: no HSTS from a spoofed header
    response = app.test_client().get("/login", base_url="http://localhost", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


# --- SESS-07 -------------------------------------------------------------------------------------


def test_session_cookie_from_a_real_login(app, client, org_a):  # SESS-07
    partner = make_user(app, roles.PARTNER, org_a)
    response = client.post("/login", data={"email": partner.user.email, "password": PASSWORD,
                                           "code": two_factor.current_code(partner.totp_secret)})  # AUTH-01
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1, cookies  # one session cookie, no remember-me cookie
    name_value, *attributes = (part.strip() for part in cookies[0].split(";"))
    name, _, value = name_value.partition("=")
    assert name.startswith("__Host-")
    assert value
    parsed = {}
    for attribute in attributes:
        key, _, attribute_value = attribute.partition("=")
        parsed[key.lower()] = attribute_value
    assert "secure" in parsed
    assert "httponly" in parsed
    assert parsed.get("samesite") == "Strict"
    assert parsed.get("path") == "/"
    assert "domain" not in parsed
    assert "expires" not in parsed and "max-age" not in parsed  # a browser-session cookie only

    home = client.get("/")  # the cookie signs the partner in, and nothing else is set
    assert home.status_code == 200
    assert "Welcome" in home.get_data(as_text=True)
    assert home.headers.getlist("Set-Cookie") == []


# --- LOG-04: error pages -------------------------------------------------------------------------


def _bad_request(app, client, people, tmp_path, database_url):  # a CSRF failure is the usual 400
    with running_app(tmp_path / "csrf", database_url, WTF_CSRF_ENABLED=True) as csrf_app:
        return csrf_app.test_client().post("/login", data={"email": "someone@example.org", "password": "x"})


def _forbidden(app, client, people, tmp_path, database_url):
    login(app, client, people["partner_a"].user)
    return client.get("/admin/users")


def _too_large(app, client, people, tmp_path, database_url):  # a form field over MAX_FORM_MEMORY_SIZE
    return client.post(
        "/login", data={"email": "x" * (600 * 1024), "password": "x"}, content_type="multipart/form-data"
    )


def _too_many(app, client, people, tmp_path, database_url):
    with running_app(tmp_path / "limited", database_url,
                     RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="2 per minute") as limited:
        limited_client = limited.test_client()
        for _ in range(2):
            assert limited_client.post("/login", data={"email": "a@example.org", "password": "x"}).status_code == 200
        return limited_client.post("/login", data={"email": "a@example.org", "password": "x"})


def _error_500(app, client, people, tmp_path, database_url):
    app.view_functions["main.healthz"] = _raise_with_marker  # this test's own app
    return client.get("/healthz")


ERROR_TRIGGERS = {
    400: _bad_request,
    403: _forbidden,
    404: lambda app, client, *_: client.get("/no-such-page"),
    405: lambda app, client, *_: client.get("/logout"),
    413: _too_large,
    429: _too_many,
    500: _error_500,
}


@pytest.mark.parametrize("code", sorted(ERROR_TRIGGERS))
def test_real_error_pages_render_in_the_layout(app, client, people, tmp_path, database_url, code):  # LOG-04, HDR-01
    response = ERROR_TRIGGERS[code](app, client, people, tmp_path, database_url)
    _assert_error_page(response, code)
    _assert_security_headers(response)
    assert response.headers.getlist("Cache-Control") == ["no-store"]


@pytest.mark.parametrize("code", [400, 401, 403, 404, 405, 413, 429, 500])
def test_each_handled_code_has_its_page(app, client, monkeypatch, code):  # LOG-04: a handler per code
    def fail():
        abort(code)

    monkeypatch.setitem(app.view_functions, "main.healthz", fail)
    response = client.get("/healthz")
    _assert_error_page(response, code)
    _assert_security_headers(response)


def test_405_names_the_allowed_method(client):  # LOG-04: the custom 405 keeps the Allow header
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in {method.strip() for method in response.headers.get("Allow", "").split(",")}


def test_signed_in_error_page_keeps_the_navigation(app, client, people):  # LOG-04
    login(app, client, people["admin"].user)
    text = _assert_error_page(client.get("/no-such-page"), 404)
    assert "Sign out" in text  # the signed-in layout, not a bare page


def test_security_txt_publishes_the_disclosure_contact(app, client):  # OPS-02
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in response.get_data(as_text=True).splitlines())
    assert fields["Contact"] == "mailto:security@example.org"
    assert fields["Canonical"] == "https://localhost/.well-known/security.txt"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert datetime.now(UTC) < expires <= datetime.now(UTC) + timedelta(days=366)  # RFC 9116: under a year
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    app.config.update(SECURITY_TXT_EXPIRES="2027-05-01", SECURITY_POLICY_URL="https://coalition.example/disclosure")
    fields = dict(line.split(": ", 1) for line in client.get("/.well-known/security.txt").get_data(as_text=True)
                  .splitlines())
    assert fields["Expires"] == "2027-05-01T00:00:00Z" and fields["Policy"] == "https://coalition.example/disclosure"

    app.config["SECURITY_CONTACT"] = None  # nothing to publish: never an invented contact
    assert client.get("/.well-known/security.txt").status_code == 404


def test_stylesheets_carry_no_inline_images_the_csp_would_refuse(app, client):  # HDR-01
    """Bootstrap's own CSS inlines its icons as data: URLs, which img-src 'self' refuses; the app serves it
    without them (caseapp/web/assets.py), so no page can trigger a CSP violation while its styles load."""
    page = client.get("/login").get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert len(sheets) == 2 and "/assets/bootstrap.min.css" in sheets
    for sheet in sheets:
        response = client.get(sheet)
        css = b"".join(response.response).decode()
        assert response.status_code == 200 and response.mimetype == "text/css"
        assert 'url("data:' not in css
    bootstrap = b"".join(client.get("/assets/bootstrap.min.css").response).decode()
    assert ".form-select" in bootstrap and "--bs-form-select-bg-img:none" in bootstrap
    assert response.headers["Content-Security-Policy"].count("img-src 'self';") == 1
