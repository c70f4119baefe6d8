"""The public decisions page and its Atom feed, and the coordinators' CSV exports. The blueprint is defined
in ``routes`` and re-exported here, so the package and its views never import each other in a cycle."""

from caseapp.decisions.routes import bp

__all__ = ["bp"]
