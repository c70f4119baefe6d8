"""Recovery codes (AUTH-13): single-use codes that stand in for the second factor at sign-in when the
phone or security key is lost. Shown once, stored as keyed hashes, every use audited."""

import logging

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from caseapp.crypto.blind_index import BlindIndexer
from caseapp.domain.second_factor import new_recovery_code, normalise_recovery_code
from caseapp.models import RecoveryCode, User
from caseapp.models.base import utcnow
from caseapp.services import audit

log = logging.getLogger("caseapp.recovery_codes")

DIGEST_PURPOSE = "recovery_code"


def _digest(indexer: BlindIndexer, user: User, code: str) -> bytes:
    # The account's uuid is part of the hashed text, so one code's hash says nothing about another account's.
    return indexer.keyed_digest(DIGEST_PURPOSE, f"{user.uuid}|{code}")


def generate(session: Session, indexer: BlindIndexer, user: User, count: int) -> list[str]:
    """Replace the account's codes with ``count`` new ones and return them, for showing once only."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_recovery_code() for _ in range(count)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=_digest(indexer, user, normalise_recovery_code(code))))
    session.flush()
    audit.record(session, action="recovery_codes_generated", actor=user, target_type="user", target_id=user.uuid)
    log.info("recovery_codes.generated", extra={"user_id": user.id, "count": count})
    return codes


def remaining(session: Session, user: User) -> int:
    return session.execute(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def looks_like_code(text: str | None) -> bool:
    return normalise_recovery_code(text) is not None


def use(session: Session, indexer: BlindIndexer, user: User, text: str | None) -> bool:
    """Spend one unused code of this account; True when ``text`` was one. The row is marked used with a
    conditional UPDATE, so two requests racing with the same code cannot both succeed."""
    code = normalise_recovery_code(text)
    if code is None:
        return False
    digest = _digest(indexer, user, code)
    row = session.execute(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest,
                                   RecoveryCode.used_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        return False
    spent = session.execute(
        RecoveryCode.__table__.update()
        .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if spent != 1:
        return False
    session.expire(row)
    audit.record(session, action="recovery_code_used", actor=user, target_type="user", target_id=user.uuid)
    log.info("recovery_codes.used", extra={"user_id": user.id})
    return True


def discard(session: Session, user: User) -> None:
    """Drop every code, e.g. when an administrator resets the account's second factors."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
