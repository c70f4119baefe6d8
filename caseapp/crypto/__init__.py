"""Cryptography for data at rest. The only package that imports ``cryptography``.

Nothing here knows about Flask or the database: keys are passed in.
"""

from caseapp.crypto.envelope import DecryptionError, decrypt_field, encrypt_field
from caseapp.crypto.keyring import Keyring, KeyringError, load_keyring, new_key_file, unwrap_key, wrap_key

__all__ = [
    "DecryptionError",
    "Keyring",
    "KeyringError",
    "decrypt_field",
    "encrypt_field",
    "load_keyring",
    "new_key_file",
    "unwrap_key",
    "wrap_key",
]
