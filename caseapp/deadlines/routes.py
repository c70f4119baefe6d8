"""Routes of the deadlines blueprint."""

from caseapp.deadlines import bp  # noqa: F401
