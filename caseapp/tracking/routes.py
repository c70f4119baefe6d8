"""Routes of the tracking blueprint."""

from caseapp.tracking import bp  # noqa: F401
