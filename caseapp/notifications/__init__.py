"""Notifications in the app: opening one (the link of every e-mail), unsubscribing from a kind by the signed
link of an e-mail, and each person's list. The blueprint is defined in ``routes`` and re-exported here, so
the package and its views never import each other in a cycle."""

from caseapp.notifications.routes import bp

__all__ = ["bp"]
