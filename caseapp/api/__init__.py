"""The JSON API, version 1: partner organisations' own systems and mobile collection tools report
through it (README "JSON API"; the OpenAPI document is served at ``/api/v1/openapi.json``). The
blueprint is defined in ``routes`` and re-exported here, so the package and its views never import
each other in a cycle."""

from caseapp.api.openapi import URL_PREFIX
from caseapp.api.routes import bp

__all__ = ["URL_PREFIX", "bp"]
