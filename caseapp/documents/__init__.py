"""Documents: evidence files downloaded from the report, workspace and thread pages. The blueprint is
defined in ``routes`` and re-exported here, so the package and its views never import each other in a
cycle."""

from caseapp.documents.routes import bp

__all__ = ["bp"]
