"""The encrypted thread of a report between its organisation and the lawyers. The blueprint is defined in
``routes`` and re-exported here, so the package and its views never import each other in a cycle."""

from caseapp.messages.routes import bp

__all__ = ["bp"]
