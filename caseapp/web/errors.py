"""Error pages inside the layout, with a reference and never a traceback (LOG-04).

Under ``/api/`` the same errors are answered as JSON, ``{"error": {"code", "message", "fields"?}}``,
never as a page: for errors raised before any view (a 404 or 405 from routing, a 413 from Werkzeug,
a 429 from the rate limiter) as much as for those raised inside the API blueprint.

A write that fails because the disk, the quota or the file-size limit is full (in the file store or
the upload spool) is answered 507 with a message saying so and that nothing was saved (REL-02).
"""

import errno
import logging
import secrets

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.orm.exc import ObjectDeletedError
from werkzeug.exceptions import HTTPException, InternalServerError

from caseapp.core.extensions import db
from caseapp.core.files import STORAGE_FULL_ERRNOS
from caseapp.web.translation import gettext as _

log = logging.getLogger("caseapp.web.errors")

HANDLED_CODES = (400, 401, 403, 404, 405, 413, 429, 500)
STORAGE_FULL = 507  # Insufficient Storage (RFC 4918)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        401: (_("Please sign in"), _("You need to sign in to see this page.")),
        403: (_("Not allowed"), _("Your account does not have access to this page.")),
        404: (_("Not found"), _("There is nothing here, or you do not have access to it.")),
        405: (_("Not allowed"), _("This page cannot be used this way.")),
        413: (_("Too large"), _("What you sent is larger than the limit. Nothing was saved.")),
        429: (_("Too many attempts"), _("Please wait a minute before trying again.")),
        500: (_("Something went wrong"), _("The error was recorded. Nothing was half-saved; please try again.")),
        507: (_("No room to store files"), _("The server has no room left to store files. Nothing was saved; "
                                             "the error was recorded. Please try again later.")),
    }


API_PATH_PREFIX = "/api/"

# The machine-readable ``error.code`` of each status, for the JSON API.
JSON_ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "too_large", 422: "invalid", 429: "rate_limited", 500: "server_error", 507: "storage_full",
}


def _json_messages() -> dict[int, str]:
    return {
        400: "The request could not be understood.",
        401: "Send a valid personal access token: Authorization: Bearer <token>.",
        403: "This request is not allowed.",
        404: "There is nothing here, or you do not have access to it.",
        405: "This method is not allowed here.",
        413: "The request is larger than the limit. Nothing was saved.",
        422: "Some fields are not valid. Nothing was saved.",
        429: "Too many requests. Please wait a minute before trying again.",
        500: "Something went wrong. The error was recorded; nothing was half-saved.",
        507: "The server has no room left to store files. Nothing was saved; please try again later.",
    }


def is_api_request() -> bool:
    return request.path.startswith(API_PATH_PREFIX)


def json_error(status: int, message: str | None = None, *, code: str | None = None,
               fields: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Response:
    """The API's one error shape: ``{"error": {"code", "message", "fields"?}}``."""
    error = {"code": code or JSON_ERROR_CODES.get(status, "error"),
             "message": message or _json_messages().get(status, _json_messages()[500])}
    if fields:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def render_error(code: int, *, message: str | None = None, reference: str | None = None):
    title, default_message = _messages().get(code, _messages()[500])
    try:
        body = render_template("errors/error.html", code=code, title=title, message=message or default_message,
                               reference=reference)
    except Exception:  # the layout itself failed: answer plainly rather than with a traceback
        log.exception("error_page.failed")
        body = (f"<!doctype html><title>{code}</title><h1>{escape(title)}</h1>"
                f"<p>{escape(message or default_message)}</p>")
    return body, code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):  # CSRF-03
        db.session.rollback()
        if is_api_request():  # the API blueprint is exempt; this is for any other path under /api/
            return http_error_response(error)
        return render_error(
            400, message=_("This form has expired or was sent from elsewhere. "
                           "Please reload the page and sign in again if asked.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        code = error.code if error.code in HANDLED_CODES else 500
        if code == 500:
            return internal_error(error)
        if is_api_request():
            return http_error_response(error)
        response = render_error(code)
        if code == 405 and error.valid_methods:
            return response[0], code, {"Allow": ", ".join(error.valid_methods)}
        return response

    app.register_error_handler(ObjectDeletedError, deleted_meanwhile)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        return internal_error(error)


def deleted_meanwhile(_error: ObjectDeletedError):
    """A row the request had read was deleted before it took the write lock: a view that reads and scans
    beside other writers (``writes_late``, REL-04) can find its draft deleted in another tab meanwhile.
    Answered as if it had never been found; the rollback also discards the files it stored."""
    db.session.rollback()
    return json_error(404) if is_api_request() else render_error(404)


def http_error_response(error: HTTPException) -> Response:
    """A Werkzeug error (404, 405, 413, 429…) as the API's JSON error, with the page's generic message:
    Werkzeug's own descriptions are HTML-flavoured and the rate limiter's name the limit."""
    code = error.code if error.code in HANDLED_CODES else 500
    if code == 500:
        return internal_error(error)
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="ESCR Case Desk API"'
    return json_error(code, headers=headers)


def internal_error(error: Exception):
    """The last resort: logged with a reference (the exception type and trace, never its message) and
    answered with a generic page, or a generic JSON error under /api/."""
    db.session.rollback()
    reference = secrets.token_hex(4)
    original = getattr(error, "original_exception", None) if isinstance(error, InternalServerError) else error
    # Only the exception type: messages can carry user data or SQL (LOG-02).
    failure = original or error
    if isinstance(failure, OSError) and failure.errno in STORAGE_FULL_ERRNOS:
        return storage_full(failure, reference)
    # The path says which page failed; the JSON formatter redacts the secret of a setup link or a
    # calendar feed in it (LOG-02). Never the query string: a search's terms can be names.
    log.error("request.failed", extra={"reference": reference, "method": request.method, "path": request.path},
              exc_info=(type(failure), failure, failure.__traceback__))
    if is_api_request():
        return json_error(500, f"Something went wrong. The error was recorded (reference {reference}); "
                               "nothing was half-saved.")
    return render_error(500, reference=reference)


def storage_full(error: OSError, reference: str):
    """A write found the disk, the quota or the file-size limit full (REL-02). The request's transaction
    was rolled back, which also deleted the files it had written; the log names the errno only."""
    log.error("storage.full", extra={"reference": reference, "errno": errno.errorcode.get(error.errno, "?")})
    if is_api_request():
        return json_error(STORAGE_FULL, "The server has no room left to store files. Nothing was saved (reference "
                                        f"{reference}); please try again later.")
    return render_error(STORAGE_FULL, reference=reference)
