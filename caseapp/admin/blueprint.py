"""The admin blueprint object, in a module of its own: its views are spread over one module per area
(users, organisations, the audit log, the States register), which all import it, and the package
imports them to register their routes — none of them imports the package, so there is no cycle."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
