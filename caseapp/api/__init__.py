"""The JSON API, version 1: partner organisations' own systems and mobile collection tools report
through it (README "JSON API"; the OpenAPI document is served at ``/api/v1/openapi.json``)."""

from flask import Blueprint

from caseapp.core.extensions import csrf

URL_PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=URL_PREFIX)

# CSRF protection is for the browser, whose cookie the browser attaches to any request, even one a
# foreign page makes it send. The API ignores that cookie (the session layer never opens it under
# /api/) and accepts only an ``Authorization: Bearer`` token, which a browser never adds by itself: a
# forged cross-site request carries no credential, so there is nothing for a CSRF token to protect.
# Only this blueprint is exempt; every other state-changing route keeps its CSRF check.
csrf.exempt(bp)

from caseapp.api import routes  # noqa: E402,F401
