"""Routes of the dashboard blueprint."""

from caseapp.dashboard import bp  # noqa: F401
