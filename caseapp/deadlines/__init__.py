"""The lawyers' and coordinators' deadlines: the dashboard of open deadlines and the personal calendar
feed. The blueprint is defined in ``routes`` and re-exported here, so the package and its views never
import each other in a cycle."""

from caseapp.deadlines.routes import bp

__all__ = ["bp"]
