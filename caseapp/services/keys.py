"""Data keys (stored only wrapped under the primary key-encryption key), key canaries and rotation."""

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseapp.crypto import Keyring, unwrap_key, wrap_key
from caseapp.crypto.envelope import new_data_key
from caseapp.crypto.keyring import canary_matches, make_canary
from caseapp.models import DataKey, KekCanary

ACCOUNTS_SCOPE = "accounts"


def data_key(session: Session, keyring: Keyring, scope: str) -> bytes:
    """The unwrapped data key for ``scope``; created (and flushed) when it does not exist yet."""
    row = session.execute(select(DataKey).where(DataKey.scope == scope)).scalar_one_or_none()
    if row is None:
        key = new_data_key()
        kek_id, wrapped = wrap_key(keyring, scope, key)
        try:
            with session.begin_nested():
                session.add(DataKey(scope=scope, kek_id=kek_id, wrapped_key=wrapped))
            return key
        except IntegrityError:  # another worker created it first
            row = session.execute(select(DataKey).where(DataKey.scope == scope)).scalar_one()
    return unwrap_key(keyring, scope, row.kek_id, row.wrapped_key)


# --- canaries and rotation ------------------------------------------------------------------------


def check_canaries(session: Session, keyring: Keyring) -> list[str]:
    """Ids of loaded keys that are not the key that wrapped this database's data (CRY-08).

    A key seen for the first time gets its canary now, so the next start can tell if it changes.
    """
    stored = {row.kek_id: row.ciphertext for row in session.execute(select(KekCanary)).scalars()}
    wrong = []
    for kek_id, _key in keyring.keys:
        if kek_id not in stored:
            stored[kek_id] = _add_canary(session, keyring, kek_id)
        if not canary_matches(keyring, kek_id, stored[kek_id]):
            wrong.append(kek_id)
    return wrong


def _add_canary(session: Session, keyring: Keyring, kek_id: str) -> bytes:
    """Store this key's canary, or read the one another worker stored while this one was starting
    (several gunicorn workers start at once against one PostgreSQL database)."""
    canary = make_canary(keyring, kek_id)
    try:
        with session.begin_nested():
            session.add(KekCanary(kek_id=kek_id, ciphertext=canary))
        return canary
    except IntegrityError:
        return session.execute(select(KekCanary.ciphertext).where(KekCanary.kek_id == kek_id)).scalar_one()


def keys_in_use(session: Session) -> dict[str, int]:
    """How many data keys each key-encryption key wraps."""
    rows = session.execute(select(DataKey.kek_id, func.count()).group_by(DataKey.kek_id)).all()
    return dict(rows)


def count_to_rewrap(session: Session, keyring: Keyring) -> int:
    return session.execute(
        select(func.count()).select_from(DataKey).where(DataKey.kek_id != keyring.primary_id)
    ).scalar_one()


def rewrap_batch(session: Session, keyring: Keyring, batch_size: int = 200) -> int:
    """Re-wrap up to ``batch_size`` data keys under the primary key; returns how many. The caller
    commits after each batch, so an interrupted rotation resumes where it stopped (CRY-05)."""
    rows = session.execute(
        select(DataKey).where(DataKey.kek_id != keyring.primary_id).order_by(DataKey.scope).limit(batch_size)
    ).scalars().all()
    for row in rows:
        key = unwrap_key(keyring, row.scope, row.kek_id, row.wrapped_key)
        row.kek_id, row.wrapped_key = wrap_key(keyring, row.scope, key)
    session.flush()
    return len(rows)


def forget_canary(session: Session, kek_id: str) -> None:
    session.execute(delete(KekCanary).where(KekCanary.kek_id == kek_id))
