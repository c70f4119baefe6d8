"""Values sealed under a secret that is never stored: a signed-in session's payload (CRY-01, DATA-01).

A server-side session row holds what the app keeps between requests for one signed-in user: the CSRF
token, flash messages, a list's search words. The row is found by the SHA-256 of the session id; the id
itself lives only in the user's cookie. Sealing the payload under a key derived from that id keeps it
unreadable in the database, its WAL and its backups, while the request that carries the cookie reads it
back at the cost of one HKDF and one AES-GCM operation, with no key to manage or rotate: the key dies
with the session.

Stored form: ``SEALED_PREFIX`` + base64url(``0x01 ‖ nonce ‖ ciphertext‖tag``) — text, so it fits the
session table's text column.
"""

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from caseapp.crypto.envelope import KEY_SIZE, DecryptionError, decrypt_field, encrypt_field

SEALED_PREFIX = "sealed1:"


def _key(secret: str, purpose: str) -> bytes:
    # No salt: the secret (a session id) is already 256 random bits; the purpose keeps keys apart.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=f"sealed|{purpose}|v1".encode())
    return hkdf.derive(secret.encode("utf-8"))


def seal(secret: str, purpose: str, binding: str, plaintext: str) -> str:
    """``plaintext`` encrypted under a key derived from ``secret``, bound to ``binding`` (e.g. the row's id)."""
    blob = encrypt_field(_key(secret, purpose), plaintext.encode("utf-8"), binding.encode("utf-8"))
    return SEALED_PREFIX + base64.urlsafe_b64encode(blob).decode("ascii")


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def unseal(secret: str, purpose: str, binding: str, stored: str) -> str:
    """The plaintext of ``seal``; ``DecryptionError`` for a wrong secret, a moved or altered value."""
    if not is_sealed(stored):
        raise DecryptionError(f"{purpose}: not a sealed value")
    try:
        blob = base64.urlsafe_b64decode(stored[len(SEALED_PREFIX):].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise DecryptionError(f"{purpose}: malformed sealed value") from exc
    return decrypt_field(_key(secret, purpose), blob, binding.encode("utf-8")).decode("utf-8")
