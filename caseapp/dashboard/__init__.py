"""The lawyers' and coordinators' dashboard: where the cases stand, decisions, follow-up and publicity.
The blueprint is defined in ``routes`` and re-exported here, so the package and its views never import
each other in a cycle."""

from caseapp.dashboard.routes import bp

__all__ = ["bp"]
