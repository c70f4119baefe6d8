from flask import Blueprint

bp = Blueprint("auth", __name__)

from caseapp.auth import routes  # noqa: E402,F401
