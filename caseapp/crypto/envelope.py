"""AES-256-GCM for small values, bound to where they are stored.

Byte format (CRY-11): ``0x01 ‖ nonce(12) ‖ ciphertext‖tag(16)``. The version byte lets the algorithm
change later. The associated data names the value's place (e.g. ``users|totp_secret|<uuid>|v1``),
so a ciphertext copied to another row or column fails to decrypt (CRY-02).
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_V1 = b"\x01"
NONCE_SIZE = 12
KEY_SIZE = 32


class DecryptionError(Exception):
    """A value did not authenticate. Carries where it came from, never its content."""

    def __init__(self, context: str, key_id: str | None = None):
        self.context = context
        self.key_id = key_id
        super().__init__(f"value does not decrypt: {context} (key {key_id or '?'})")


def new_data_key() -> bytes:
    return os.urandom(KEY_SIZE)


def encrypt_field(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return FORMAT_V1 + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt_field(key: bytes, blob: bytes, aad: bytes, *, key_id: str | None = None) -> bytes:
    context = aad.decode("utf-8", "replace")
    if len(blob) < 1 + NONCE_SIZE + 16 or blob[:1] != FORMAT_V1:
        raise DecryptionError(context, key_id)
    nonce, body = blob[1 : 1 + NONCE_SIZE], blob[1 + NONCE_SIZE :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag as exc:
        raise DecryptionError(context, key_id) from exc
