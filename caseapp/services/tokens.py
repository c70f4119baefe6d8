"""Personal access tokens for the JSON API.

A token is ``escr_`` followed by 43 characters from ``secrets.token_urlsafe(32)`` (256 random bits,
CRY-09). It is shown once, when it is made; the database keeps only its SHA-256 (a copy of the
database yields no usable token) and its first characters, so its owner can recognise it in a list.
A presented token is looked up by its hash: the comparison happens on digests, so its timing says
nothing about the secret.

Only partners hold tokens: the API is for partner organisations' own systems. A token stops working
when it is revoked, when its owner is disabled, and when its owner stops being a partner; a change of
role or organisation, or disabling the account, also revokes every token of that person for good.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from caseapp.domain import permissions
from caseapp.domain.i18n import N_
from caseapp.models import ApiToken, User
from caseapp.models.base import utcnow
from caseapp.services import ServiceError

log = logging.getLogger("caseapp.tokens")

SECRET_PREFIX = "escr_"  # noqa: S105 — a public marker that makes leaked tokens recognisable, not a secret
SECRET_BYTES = 32
SHOWN_PREFIX_LENGTH = 8
MAX_NAME_LENGTH = 100
MAX_ACTIVE_TOKENS = 20
# Longer than any token we issue: anything longer is refused before it is hashed.
MAX_SECRET_LENGTH = 128


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def create(session: Session, user: User, name: str) -> NewToken:
    """A new token for ``user``; the caller shows ``secret`` once and forgets it."""
    if not permissions.can_hold_api_token(user) or not user.is_active:
        raise ServiceError(N_("Only members of a partner organisation can hold API tokens."))
    name = " ".join((name or "").replace("\x00", "").split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ServiceError(N_("Give the token a name of 1 to %(max)d characters.", max=MAX_NAME_LENGTH), "name")
    active = session.execute(
        select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).scalar_one()
    if active >= MAX_ACTIVE_TOKENS:
        raise ServiceError(N_("You already have %(count)d tokens; revoke one you no longer use first.",
                              count=MAX_ACTIVE_TOKENS), "name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(uuid=uuid4(), user_id=user.id, name=name, token_hash=digest(secret),
                     prefix=secret[:SHOWN_PREFIX_LENGTH], created_at=utcnow())
    session.add(token)
    session.flush()
    log.info("api_token.created", extra={"user_id": user.id, "token": str(token.uuid)})
    return NewToken(token, secret)


@dataclass
class Bearer:
    user: User
    token: ApiToken


def authenticate(session: Session, secret: str | None) -> Bearer | None:
    """The live token and its owner for a presented secret, or None (unknown, revoked, owner disabled or
    no longer a partner of an organisation)."""
    if not secret or len(secret) > MAX_SECRET_LENGTH or not secret.startswith(SECRET_PREFIX):
        return None
    presented = digest(secret)
    token = session.execute(select(ApiToken).where(ApiToken.token_hash == presented)).scalar_one_or_none()
    if token is None or not hmac.compare_digest(token.token_hash, presented) or token.revoked_at is not None:
        return None
    user = token.user
    if user is None or not user.is_active or not permissions.can_hold_api_token(user):
        return None
    return Bearer(user, token)


def needs_touch(last_used_at: datetime | None, interval: timedelta, now: datetime | None = None) -> bool:
    """Whether a token's ``last_used_at`` is stale enough to be written again: at most once per
    ``interval``, so reading through the API does not turn every request into a write."""
    now = now or utcnow()
    return last_used_at is None or now - last_used_at >= interval


def record_use(session: Session, token_id: int, now: datetime | None = None) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now or utcnow()))


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first."""
    return list(session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def find_own_token(session: Session, user: User, token_uuid: UUID) -> ApiToken | None:
    """One of the user's own tokens; someone else's looks like no token (AC-04)."""
    return session.execute(
        select(ApiToken).where(ApiToken.uuid == token_uuid, ApiToken.user_id == user.id)
    ).scalar_one_or_none()


def revoke(session: Session, token: ApiToken) -> bool:
    """Revoke a token for good; False when it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    session.flush()
    log.info("api_token.revoked", extra={"user_id": token.user_id, "token": str(token.uuid)})
    return True


def revoke_all(session: Session, user: User) -> int:
    """Revoke every live token of a user (their access changed, or the account was disabled)."""
    result = session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return result.rowcount or 0
