"""Request hooks: who is signed in, deny by default, write intent, and the response headers."""

import logging
import re

from flask import Flask, abort, current_app, flash, g, has_request_context, redirect, request, session, url_for
from sqlalchemy import event
from sqlalchemy.orm import Session

from caseapp.core.database import SAFE_METHODS, reset_write_intent, set_write_intent, will_write, write_intent
from caseapp.core.extensions import db
from caseapp.core.files import discard_uncommitted
from caseapp.domain import permissions
from caseapp.models import User
from caseapp.web.errors import API_PATH_PREFIX, render_error
from caseapp.web.translation import gettext as _

log = logging.getLogger("caseapp.web.security")

STATIC_ENDPOINTS = frozenset({"static", "bootstrap.static", "main.bootstrap_css"})

# connect-src 'self': the report form's remedies step asks this server for the engine's one-year date as the
# partner types (intake.one_year_limit); no other origin can be reached.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {  # HDR-01
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"


# The pages an e-mail links to: someone who follows the link signed out comes back to it after signing in.
RETURN_AFTER_LOGIN = frozenset({"notifications.open_notification"})
_RETURN_PATH = re.compile(r"/notifications/[0-9a-f-]{36}")


def return_path(value: str | None) -> str | None:
    """The path to go back to after signing in, when it is one of ours (never another site: no open redirect)."""
    return value if value and _RETURN_PATH.fullmatch(value) else None


def current_user() -> User | None:
    return g.get("user")


def init_app(app: Flask) -> None:
    app.before_request(_mark_write_intent)
    app.before_request(_load_user)
    app.before_request(_enforce_policy)
    app.before_request(_refuse_nul_characters)
    app.after_request(_set_headers)
    app.teardown_request(_end_request)
    if not event.contains(Session, "before_flush", _no_write_before_the_lock):
        event.listen(Session, "before_flush", _no_write_before_the_lock)


def _mark_write_intent() -> None:
    view = current_app.view_functions.get(request.endpoint)
    g.write_intent_token = set_write_intent(will_write(request.method, view))
    g.writes_late = request.method not in SAFE_METHODS and getattr(view, "writes_late", False)


def _no_write_before_the_lock(session, _context, _instances) -> None:
    """A ``writes_late`` view must call ``start_writing`` before it writes: on SQLite a write in its
    deferred read transaction fails at once whenever another writer committed since it began."""
    if (has_request_context() and g.get("writes_late") and not write_intent()
            and (session.new or session.dirty or session.deleted)):
        raise RuntimeError(f"{request.endpoint} wrote before start_writing()")


def _end_request(_exc=None) -> None:
    discard_uncommitted(db.session)
    token = g.pop("write_intent_token", None)
    if token is not None:
        reset_write_intent(token)


def _load_user() -> None:
    g.user = None
    user_id = getattr(session, "user_id", None)
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        session.end()
        return
    g.user = user


def _enforce_policy():
    """Deny by default (AC-01): an endpoint missing from the policy table is refused to everyone."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # routing failed: the 404/405 handler answers
    if _is_automatic_options(endpoint):
        return None  # Flask answers it: 200, an empty body and the URL's methods in ``Allow``
    level = permissions.access_level(endpoint, request.method)
    if level is None:
        log.error("policy.missing", extra={"endpoint": endpoint, "method": request.method})
        abort(403)
    user = current_user()
    two_factor_done = bool(getattr(session, "two_factor_done", False))
    if permissions.level_allows(level, user, two_factor_done=two_factor_done):
        return None
    if user is None:
        if getattr(session, "expired", False):
            flash(_("Your session has ended. Please sign in again."), "info")
        if endpoint in RETURN_AFTER_LOGIN and request.method == "GET":
            return redirect(url_for("auth.login", next=request.path))
        return redirect(url_for("auth.login"))
    if not two_factor_done:
        return redirect(url_for("auth.enrol_two_factor"))  # AUTH-01: confined until enrolled
    abort(403)


def _is_automatic_options(endpoint: str) -> bool:
    """An ``OPTIONS`` request that Flask answers by itself (``provide_automatic_options``) on an endpoint
    the policy table lists: it runs no view and says only which methods the URL has, as a 405 does.
    An ``OPTIONS`` a view declares, or one on an endpoint missing from the table, stays under the policy."""
    rule = request.url_rule
    return (request.method == "OPTIONS" and rule is not None and bool(getattr(rule, "provide_automatic_options", False))
            and endpoint in permissions.ENDPOINT_POLICY)


def _refuse_nul_characters():
    """A form or query string with a NUL character gets a 400 page (IN-02): no text may hold one, and
    PostgreSQL refuses it in any query, which would fail as a 500. The JSON API refuses it field by
    field (caseapp/api/schema.py)."""
    if request.path.startswith(API_PATH_PREFIX):
        return None
    fields = [*request.args.items(multi=True), *(request.form.items(multi=True) if request.method not in SAFE_METHODS
                                                 else ())]
    if any("\x00" in name or "\x00" in value for name, value in fields):
        return render_error(400, message=_("The form contained a null character (U+0000), which text cannot hold. "
                                           "Nothing was saved: remove it and send the form again."))
    return None


def _set_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS  # HDR-02
    if request.endpoint not in STATIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"  # SESS-08
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")  # a visitor's pages follow the browser's languages (issue 18)
    return response
