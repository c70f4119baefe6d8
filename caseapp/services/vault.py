"""Per-case data keys and the one way to read and write encrypted columns.

Each case has its own random data key, stored only wrapped under the primary key-encryption key
(``data_keys`` row, scope ``case:<uuid>``). A ``CaseVault`` holds the unwrapped key for one request or
command; ``vault.set(obj, "name", value)`` and ``vault.get(obj, "name")`` encrypt and decrypt the
``name_encrypted`` column of any model row of that case, with associated data
``table|column|row-uuid|v1`` so a ciphertext moved elsewhere fails to decrypt (CRY-02).
Deleting the key row crypto-shreds the case (CRY-06).
"""

import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from caseapp.crypto import DecryptionError, Keyring, decrypt_field, encrypt_field, unwrap_key, wrap_key
from caseapp.crypto.envelope import new_data_key
from caseapp.models import Case, DataKey

log = logging.getLogger("caseapp.vault")

FIELD_FORMAT_VERSION = "v1"


class MissingKeyError(DecryptionError):
    """The case's data key is gone: the case was shredded, or never had one."""


class CaseVault:
    def __init__(self, case: Case, key: bytes, kek_id: str):
        self.case = case
        self.key_id = kek_id
        self._key = key

    def __repr__(self) -> str:
        return f"CaseVault(case={self.case.uuid}, kek={self.key_id!r})"

    @property
    def data_key(self) -> bytes:
        """The raw case key, for wrapping file keys (caseapp.crypto.files)."""
        return self._key

    @staticmethod
    def _aad(obj, column: str) -> bytes:
        return f"{obj.__tablename__}|{column}|{obj.uuid}|{FIELD_FORMAT_VERSION}".encode()

    @staticmethod
    def _check(obj, column: str) -> None:
        if column not in getattr(obj, "ENCRYPTED", ()):
            raise AttributeError(f"{type(obj).__name__}.{column} is not an encrypted column")

    def set(self, obj, column: str, value: str | None) -> None:
        self.put(obj, column, self.seal(obj, column, value))

    def seal(self, obj, column: str, value: str | None) -> bytes | None:
        """The ciphertext ``set`` would store, without touching the row: sealed before a write transaction,
        stored by ``put`` inside it (REL-04: no crypto inside the write transaction)."""
        self._check(obj, column)
        if obj.uuid is None:
            raise ValueError("give the row its uuid before encrypting its columns")
        return None if value is None else encrypt_field(self._key, value.encode("utf-8"), self._aad(obj, column))

    def put(self, obj, column: str, blob: bytes | None) -> None:
        """Store a ciphertext ``seal`` made for this very row and column (its associated data names them)."""
        self._check(obj, column)
        setattr(obj, f"{column}_encrypted", blob)

    def get(self, obj, column: str) -> str | None:
        self._check(obj, column)
        blob = getattr(obj, f"{column}_encrypted")
        if blob is None:
            return None
        try:
            return decrypt_field(self._key, blob, self._aad(obj, column), key_id=self.key_id).decode("utf-8")
        except DecryptionError:
            # Which record, which key — never what it holds (CRY-08, LOG-02).
            log.error("field.decryption_failed",
                      extra={"table": obj.__tablename__, "column": column, "record": str(obj.uuid),
                             "kek_id": self.key_id})
            raise

    def read(self, obj) -> dict[str, str | None]:
        """Every encrypted column of a row, decrypted, so a page is built whole or not at all."""
        return {column: self.get(obj, column) for column in obj.ENCRYPTED}


def create_vault(session: Session, keyring: Keyring, case: Case) -> CaseVault:
    """A fresh data key for a new case, stored wrapped in the same transaction as the case."""
    vault, key_row = new_vault(keyring, case)
    session.add(key_row)
    return vault


def new_vault(keyring: Keyring, case: Case) -> tuple[CaseVault, DataKey]:
    """A fresh data key for a new case and its wrapped row, not yet in any session: made before a write
    transaction, added inside it with the case (REL-04: no crypto inside the write transaction)."""
    if case.uuid is None:
        raise ValueError("give the case its uuid first")
    key = new_data_key()
    kek_id, wrapped = wrap_key(keyring, case.key_scope, key)
    return CaseVault(case, key, kek_id), DataKey(scope=case.key_scope, kek_id=kek_id, wrapped_key=wrapped)


def open_vault(session: Session, keyring: Keyring, case: Case) -> CaseVault:
    return open_vaults(session, keyring, [case])[case.id]


def open_vaults(session: Session, keyring: Keyring, cases: list[Case]) -> dict[int, CaseVault]:
    """``open_vault`` for many cases with one query for their keys (a list page): by case id."""
    scopes = {case.key_scope: case for case in cases}
    rows = {row.scope: row for row in session.execute(select(DataKey).where(DataKey.scope.in_(scopes))).scalars()} \
        if scopes else {}
    vaults = {}
    for scope, case in scopes.items():
        row = rows.get(scope)
        if row is None:
            log.error("case_key.missing", extra={"record": str(case.uuid)})
            raise MissingKeyError(f"data key for case {case.uuid}")
        try:
            key = unwrap_key(keyring, scope, row.kek_id, row.wrapped_key)
        except DecryptionError:
            log.error("case_key.unwrap_failed", extra={"record": str(case.uuid), "kek_id": row.kek_id})
            raise
        vaults[case.id] = CaseVault(case, key, row.kek_id)
    return vaults


def shred_case_key(session: Session, case: Case) -> None:
    """Delete the wrapped data key: everything encrypted under it becomes unreadable (CRY-06)."""
    session.execute(delete(DataKey).where(DataKey.scope == case.key_scope))
