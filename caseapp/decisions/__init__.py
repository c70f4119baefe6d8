from flask import Blueprint

bp = Blueprint("decisions", __name__)

from caseapp.decisions import routes  # noqa: E402,F401
