from flask import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/cases")

from caseapp.messages import routes  # noqa: E402,F401
