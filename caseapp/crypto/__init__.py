"""Cryptography for data at rest. The only package that imports ``cryptography``.

Nothing here knows about Flask or the database: keys are passed in.
"""

from caseapp.crypto.blind_index import (
    FIELDS,
    BlindIndexer,
    derive_index_key,
    load_index_secret,
    new_index_secret_file,
    normalise_identifier,
    normalise_name,
)
from caseapp.crypto.envelope import DecryptionError, decrypt_field, encrypt_field
from caseapp.crypto.files import (
    CHUNK_SIZE,
    FileEncryptor,
    FileSummary,
    authenticate_stream,
    decrypt_stream,
    encrypt_stream,
    new_file_key,
    unwrap_file_key,
    wrap_file_key,
)
from caseapp.crypto.keyring import Keyring, KeyringError, load_keyring, new_key_file, unwrap_key, wrap_key
from caseapp.crypto.spool import EncryptedSpool

__all__ = [
    "CHUNK_SIZE",
    "FIELDS",
    "BlindIndexer",
    "DecryptionError",
    "EncryptedSpool",
    "FileEncryptor",
    "FileSummary",
    "Keyring",
    "KeyringError",
    "authenticate_stream",
    "decrypt_field",
    "decrypt_stream",
    "derive_index_key",
    "encrypt_field",
    "encrypt_stream",
    "load_index_secret",
    "load_keyring",
    "new_file_key",
    "new_index_secret_file",
    "new_key_file",
    "normalise_identifier",
    "normalise_name",
    "unwrap_file_key",
    "unwrap_key",
    "wrap_file_key",
    "wrap_key",
]
