"""The four roles and what distinguishes them."""

PARTNER = "partner"
LAWYER = "lawyer"
COORDINATOR = "coordinator"
ADMIN = "admin"

ROLES = (PARTNER, LAWYER, COORDINATOR, ADMIN)
STAFF_ROLES = frozenset({LAWYER, COORDINATOR, ADMIN})


def needs_organisation(role: str) -> bool:
    """Partners act for one organisation; staff belong to the coalition."""
    return role == PARTNER
