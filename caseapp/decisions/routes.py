"""Routes of the decisions blueprint."""

from caseapp.decisions import bp  # noqa: F401
