"""Committee: cases before the UN Committee, for lawyers and coordinators — stage, record, interim
measures, follow-up, publicity and publication. The blueprint is defined in ``routes`` and re-exported
here, so the package and its views never import each other in a cycle."""

from caseapp.committee.routes import bp

__all__ = ["bp"]
