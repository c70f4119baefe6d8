"""Intake: partners report violations — the guided form with drafts, evidence, submission and the
report page. The blueprint is defined in ``routes`` and re-exported here, so the package and its views
never import each other in a cycle."""

from caseapp.intake.routes import bp

__all__ = ["bp"]
