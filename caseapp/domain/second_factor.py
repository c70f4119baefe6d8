"""Second factors (AUTH-01, AUTH-13): which roles need one, when one may be removed, the recovery codes'
form, and the passkeys' relying party. Pure rules; the ceremonies themselves are in services/passkeys."""

import secrets
from urllib.parse import urlsplit

from caseapp.domain.permissions import requires_two_factor
from caseapp.domain.roles import PARTNER, ROLES

# Only partners may be let off two-factor by an instance: staff see every case or every account.
RELAXABLE_ROLES = frozenset({PARTNER})

# Recovery codes: 12 characters of a 32-letter alphabet without look-alikes (0/O, 1/I/L) = 60 bits,
# far past guessing under the sign-in throttle (AUTH-07); shown in groups of four.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 12
RECOVERY_GROUP = 4


def required_roles_problem(value: object) -> str | None:
    """Why a TWO_FACTOR_REQUIRED_ROLES setting is refused, or None when it is acceptable."""
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        return "must be a list of roles"
    unknown = sorted(str(role) for role in value if role not in ROLES)
    if unknown:
        return f"names unknown roles {unknown}; the roles are {list(ROLES)}"
    missing = sorted(set(ROLES) - set(value) - RELAXABLE_ROLES)
    if missing:
        return f"may leave out only {sorted(RELAXABLE_ROLES)}; it leaves out {missing}"
    return None


def may_remove_factor(role: str, required_roles, factors_left: int) -> bool:
    """A second factor may go unless it is the last one and the role must keep one (no lock-out by
    accident, no way round AUTH-01 by removing it)."""
    return factors_left > 0 or not requires_two_factor(role, required_roles)


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + RECOVERY_GROUP] for i in range(0, RECOVERY_CODE_LENGTH, RECOVERY_GROUP))


def normalise_recovery_code(text: str | None) -> str | None:
    """The code as stored (upper case, no spaces or dashes), or None when it cannot be a recovery code;
    people copy them from paper, so case and separators do not matter."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -\t")
    if len(code) != RECOVERY_CODE_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in code):
        return None
    return code


def relying_party(base_url: str, rp_id: str | None, origin: str | None) -> tuple[str, str]:
    """The WebAuthn RP id and expected origin: the settings when given, otherwise BASE_URL's host and
    scheme://host[:port]. Browsers refuse an IP address as RP id, so use a host name."""
    parts = urlsplit(base_url)
    return (rp_id or parts.hostname or "", origin or f"{parts.scheme}://{parts.netloc}")
