"""Signing in and out, setting up an account from its link, and enrolling a second factor. The blueprint is
defined in ``routes`` and re-exported here, so the package and its views never import each other in a
cycle."""

from caseapp.auth.routes import bp

__all__ = ["bp"]
