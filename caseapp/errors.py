"""Error pages inside the layout, with a reference and never a traceback (LOG-04)."""

import logging
import secrets

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from caseapp.extensions import db

log = logging.getLogger("caseapp.errors")

HANDLED_CODES = (400, 401, 403, 404, 405, 413, 429, 500)


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
    }


def render_error(code: int, *, message: str | None = None, reference: str | None = None):
    title, default_message = _messages().get(code, _messages()[500])
    try:
        body = render_template("errors/error.html", code=code, title=title, message=message or default_message,
                               reference=reference)
    except Exception:  # the layout itself failed: answer plainly rather than with a traceback
        log.exception("error_page.failed")
        body = f"<!doctype html><title>{code}</title><h1>{escape(title)}</h1><p>{escape(message or default_message)}</p>"
    return body, code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):  # CSRF-03
        db.session.rollback()
        return render_error(
            400, message=_("This form has expired or was sent from elsewhere. Please reload the page and sign in again if asked.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        code = error.code if error.code in HANDLED_CODES else 500
        if code == 500:
            return _internal_error(error)
        response = render_error(code)
        if code == 405 and error.valid_methods:
            return response[0], code, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        return _internal_error(error)


def _internal_error(error: Exception):
    db.session.rollback()
    reference = secrets.token_hex(4)
    original = getattr(error, "original_exception", None) if isinstance(error, InternalServerError) else error
    # Only the exception type: messages can carry user data or SQL (LOG-02).
    failure = original or error
    log.error("request.failed", extra={"reference": reference}, exc_info=(type(failure), failure, failure.__traceback__))
    return render_error(500, reference=reference)
