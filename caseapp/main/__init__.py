"""The home page by role, the health check, security.txt and the Bootstrap stylesheet. The blueprint is
defined in ``routes`` and re-exported here, so the package and its views never import each other in a
cycle."""

from caseapp.main.routes import bp

__all__ = ["bp"]
