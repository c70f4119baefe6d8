import logging
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from caseapp.core.extensions import db
from caseapp.core.resources import file_store
from caseapp.models.base import utcnow
from caseapp.services import todo
from caseapp.web import assets
from caseapp.web.locales import SESSION_KEY, local_path
from caseapp.web.security import current_user

bp = Blueprint("main", __name__)

log = logging.getLogger(__name__)

STARTED = datetime.now(UTC)


@bp.route("/")
def index():
    """The signed-in user's to-do list: counts that open the lists filtered to exactly those cases."""
    user = current_user()
    return render_template("main/index.html", user=user, todo=todo.for_user(db.session, user, now=utcnow()),
                           todo_days=todo.DAYS)


@bp.route("/language")
def choose_locale():
    """The layout's switcher for someone without a saved preference: a visitor, or a session still owing its
    second factor. A GET form, so public pages need no CSRF token and so no cookie until someone chooses
    (SESS-01); it changes only this browser's session, never an account (signed-in users post to
    account.change_locale). An unknown language is refused; the page to go back to must be one of ours."""
    chosen = request.args.get("locale")
    if chosen not in current_app.config["LANGUAGES"]:
        abort(400)
    session[SESSION_KEY] = chosen
    return redirect(local_path(request.args.get("next")) or url_for("main.index"))


@bp.route("/assets/bootstrap.min.css")
def bootstrap_css():
    return Response(assets.bootstrap_css(), mimetype="text/css", headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/healthz")
def healthz():
    """Readiness for the proxy: whether the database answers and the file store can take an upload, and
    nothing more (REL-05); the reason goes to the log only."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("healthz.unavailable", extra={"reason": "database"})
        return jsonify(status="unavailable"), 503
    problem = file_store().health_problem(current_app.config["FILE_STORE_MIN_FREE_MB"] * 1024 * 1024)
    if problem:
        log.warning("healthz.unavailable", extra={"reason": problem})
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.route("/.well-known/security.txt")
def security_txt():
    """Where to report a vulnerability (OPS-02, RFC 9116); 404 until the coalition sets a contact."""
    config = current_app.config
    if not config.get("SECURITY_CONTACT"):
        abort(404)
    if config.get("SECURITY_TXT_EXPIRES"):
        expires = datetime.fromisoformat(config["SECURITY_TXT_EXPIRES"]).replace(tzinfo=UTC)
    else:
        expires = STARTED + timedelta(days=180)
    lines = [f"Contact: {config['SECURITY_CONTACT']}", f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
             "Preferred-Languages: en, es, fr",
             f"Canonical: {config['BASE_URL'].rstrip('/')}/.well-known/security.txt"]
    if config.get("SECURITY_POLICY_URL"):
        lines.append(f"Policy: {config['SECURITY_POLICY_URL']}")
    return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
