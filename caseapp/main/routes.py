from flask import jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from caseapp.extensions import db
from caseapp.main import bp
from caseapp.security import current_user


@bp.route("/")
def index():
    user = current_user()
    return render_template("main/index.html", user=user)


@bp.route("/healthz")
def healthz():
    """Liveness for the proxy: says whether the database answers, and nothing more (REL-05)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
