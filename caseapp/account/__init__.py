"""Accounts: a user's own page — password, sessions, API tokens and the calendar feed. The blueprint is
defined in ``routes`` and re-exported here, so the package and its views never import each other in a
cycle."""

from caseapp.account.routes import bp

__all__ = ["bp"]
