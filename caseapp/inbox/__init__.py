from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

from caseapp.inbox import routes  # noqa: E402,F401
