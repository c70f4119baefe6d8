"""Data keys: created on first use, stored wrapped under the primary key-encryption key."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseapp.crypto import Keyring, unwrap_key, wrap_key
from caseapp.crypto.envelope import new_data_key
from caseapp.models import DataKey

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
