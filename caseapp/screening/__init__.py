"""Screening: the lawyers' queue of submitted reports and their workspace (the facts beside the
engine's assessment, the versioned screening, the decisions). The blueprint is defined in ``routes``
and re-exported here, so the package and its views never import each other in a cycle."""

from caseapp.screening.routes import bp

__all__ = ["bp"]
