from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")

from caseapp.cases import routes  # noqa: E402,F401
