"""Administration: accounts (users), organisations, the audit log and the States register (routes), one
module per area, each registering its views on the one ``bp``."""

from caseapp.admin import audit, organisations, routes, users  # noqa: F401 (imported for their routes)
from caseapp.admin.blueprint import bp

__all__ = ["bp"]
