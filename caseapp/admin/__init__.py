"""Administration: accounts (users), organisations, and the audit log, one
module per area, each registering its views on the one ``bp``."""

from caseapp.admin import audit, mail, organisations, users  # noqa: F401 (imported for their routes)
from caseapp.admin.blueprint import bp

__all__ = ["bp"]
