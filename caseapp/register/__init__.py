"""The States register (domain/OP-ICESCR.md §5), one name for the workflow in every layer: this blueprint,
``caseapp.services.register``, ``templates/register/`` and ``tests/web/test_register*.py``. Its pages stay
under /admin/states, where admins have bookmarked them."""

from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/admin/states")

from caseapp.register import routes  # noqa: E402,F401
