"""Key-encryption keys (KEKs) and the wrapping of data keys.

KEKs live outside the database, the repository and backups: one file per key in a directory
(mode 0400, name ``<kek_id>.kek``, 32 random bytes as base64url) or the ``CASEAPP_KEKS`` setting
(``id:base64url,...``). The first key wraps; every key unwraps, so rotation can proceed gradually.
"""

import base64
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from caseapp.crypto.envelope import KEY_SIZE, DecryptionError, decrypt_field, encrypt_field

KEK_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
KEK_SUFFIX = ".kek"


class KeyringError(Exception):
    """The keys could not be loaded; the message names the setting or file to fix."""


@dataclass(frozen=True)
class Keyring:
    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self):
        if not self.keys:
            raise KeyringError("no key-encryption key")

    @property
    def primary_id(self) -> str:
        return self.keys[0][0]

    def key(self, kek_id: str) -> bytes:
        for candidate_id, key in self.keys:
            if candidate_id == kek_id:
                return key
        raise KeyringError(f"key-encryption key {kek_id!r} is not loaded")

    def __repr__(self) -> str:  # never print key material
        return f"Keyring(ids={[kek_id for kek_id, _ in self.keys]})"


def _wrap_aad(scope: str, kek_id: str) -> bytes:
    return f"dek|{scope}|kek:{kek_id}".encode()


def wrap_key(keyring: Keyring, scope: str, data_key: bytes) -> tuple[str, bytes]:
    """Wrap ``data_key`` under the primary KEK; the scope (e.g. ``case:<uuid>``) is bound in."""
    kek_id = keyring.primary_id
    return kek_id, encrypt_field(keyring.key(kek_id), data_key, _wrap_aad(scope, kek_id))


def unwrap_key(keyring: Keyring, scope: str, kek_id: str, wrapped: bytes) -> bytes:
    try:
        kek = keyring.key(kek_id)
    except KeyringError as exc:
        raise DecryptionError(f"data key {scope}", kek_id) from exc
    return decrypt_field(kek, wrapped, _wrap_aad(scope, kek_id), key_id=kek_id)


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode() + b"==")
    except (ValueError, TypeError) as exc:
        raise KeyringError(f"{where}: not base64url") from exc
    if len(key) != KEY_SIZE:
        raise KeyringError(f"{where}: a key must be {KEY_SIZE} bytes")
    return key


def parse_keks(setting: str) -> Keyring:
    """Parse ``id:base64url,id2:base64url`` (the CASEAPP_KEKS setting)."""
    keys = []
    for item in filter(None, (part.strip() for part in setting.split(","))):
        kek_id, _, encoded = item.partition(":")
        if not KEK_ID_PATTERN.match(kek_id):
            raise KeyringError("CASEAPP_KEKS: each entry must be id:base64url")
        keys.append((kek_id, _decode_key(encoded, f"CASEAPP_KEKS entry {kek_id!r}")))
    if not keys:
        raise KeyringError("CASEAPP_KEKS is empty")
    return Keyring(tuple(keys))


def _key_order(kek_id: str) -> tuple[int, str]:
    """Key files are named k1, k2, …: the highest number is the newest and wraps."""
    match = re.fullmatch(r"k(\d+)", kek_id)
    return (int(match.group(1)) if match else -1, kek_id)


def next_key_id(keyring: Keyring | None) -> str:
    numbers = [_key_order(kek_id)[0] for kek_id, _ in keyring.keys] if keyring else []
    return f"k{max([0, *numbers]) + 1}"


def load_keyring(*, setting: str | None, keys_dir: Path) -> Keyring:
    """Load KEKs from the setting if given (the first wraps), else from ``keys_dir`` (the highest k<n> wraps)."""
    if setting:
        return parse_keks(setting)
    files = sorted(keys_dir.glob(f"*{KEK_SUFFIX}"), key=lambda p: _key_order(p.name.removesuffix(KEK_SUFFIX)),
                   reverse=True)
    if not files:
        raise KeyringError(
            f"no key-encryption key: set CASEAPP_KEKS or put a key file in {keys_dir} (run `flask keys init`)"
        )
    keys = []
    for path in files:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyringError(f"{path} is readable by other users (mode {mode:o}); chmod 400 it")
        keys.append((path.name.removesuffix(KEK_SUFFIX), _decode_key(path.read_text(), str(path))))
    return Keyring(tuple(keys))


def new_key_file(keys_dir: Path, kek_id: str) -> Path:
    """Create ``keys_dir/<kek_id>.kek`` with a fresh random key, mode 0400. Never overwrites."""
    if not KEK_ID_PATTERN.match(kek_id):
        raise KeyringError(f"invalid key id {kek_id!r}")
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = keys_dir / f"{kek_id}{KEK_SUFFIX}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.urlsafe_b64encode(os.urandom(KEY_SIZE)).decode().rstrip("="))
    return path


CANARY_PLAINTEXT = b"caseapp key canary v1"


def _canary_aad(kek_id: str) -> bytes:
    return f"canary|kek:{kek_id}".encode()


def make_canary(keyring: Keyring, kek_id: str) -> bytes:
    """A known value encrypted under one KEK, stored in the database beside the data it protects."""
    return encrypt_field(keyring.key(kek_id), CANARY_PLAINTEXT, _canary_aad(kek_id))


def canary_matches(keyring: Keyring, kek_id: str, canary: bytes) -> bool:
    """False when the loaded key with this id is not the one that made the canary (a wrong key)."""
    try:
        return decrypt_field(keyring.key(kek_id), canary, _canary_aad(kek_id)) == CANARY_PLAINTEXT
    except DecryptionError:
        return False
