from flask import Blueprint

bp = Blueprint("tracking", __name__, url_prefix="/tracking")

from caseapp.tracking import routes  # noqa: E402,F401
