"""The States register (domain/OP-ICESCR.md §5), one name for the workflow in every layer: this blueprint,
``caseapp.services.register``, ``templates/register/`` and ``tests/web/test_register*.py``. Its pages stay
under /admin/states, where admins have bookmarked them. The
blueprint is defined in ``routes`` and re-exported here, so the package and its views never import
each other in a cycle."""

from caseapp.register.routes import bp

__all__ = ["bp"]
