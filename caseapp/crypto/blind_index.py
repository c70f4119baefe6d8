"""Blind indexes: searching encrypted fields by exact (normalised) value (CRY-07).

The index of a value is ``HMAC-SHA256(field key, normalise(value))`` truncated to a few bytes. Each
field has its own key, derived by HKDF from a root secret kept apart from the key-encryption keys, so
equal values in two fields do not give equal indexes. Truncation makes collisions common enough that
an index alone does not confirm a value: callers must decrypt each candidate and compare again.
Use it only for high-cardinality fields (names, identity numbers), never for e.g. gender or country.
"""

import base64
import hashlib
import hmac
import os
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from caseapp.crypto.envelope import KEY_SIZE
from caseapp.crypto.keyring import KeyringError, _decode_key

INDEX_FILE_NAME = "index.secret"
INDEX_SETTING_NAME = "CASEAPP_INDEX_SECRET"


def derive_index_key(root_secret: bytes, field: str) -> bytes:
    # No salt: the root secret is already uniformly random, and the key must be the same every run.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"bidx|{field}|v1".encode())
    return hkdf.derive(root_secret)


def _without_marks(text: str) -> str:
    # NFKD splits "é" into "e" + a combining accent and folds compatibility forms ("ﬁ" → "fi").
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def normalise_name(value: str) -> str:
    """For names: e.g. ``"  José  María O'Brien-Ruíz "`` becomes ``"jose maria o brien ruiz"``."""
    # Casefolding can produce new accents or compatibility forms (e.g. "İ" → "i̇"), so fold the marks
    # away again afterwards; that makes the result stable when normalised a second time.
    text = _without_marks(_without_marks(value).casefold())
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())


def normalise_identifier(value: str) -> str:
    """For identity numbers: e.g. ``"AB-12 345.6"`` becomes ``"ab123456"``, since people write the
    separators and spacing of the same number differently."""
    text = _without_marks(_without_marks(value).casefold())
    return "".join(ch for ch in text if ch.isalpha() or ch.isdigit())


_NORMALISERS: dict[str, Callable[[str], str]] = {
    "victim_name": normalise_name,
    "victim_identity_number": normalise_identifier,
}
FIELDS: tuple[str, ...] = tuple(_NORMALISERS)


class BlindIndexer:
    """Computes blind indexes for the fields in ``FIELDS``; holds the root secret in memory only."""

    def __init__(self, root_secret: bytes, length: int = 8):
        if len(root_secret) < KEY_SIZE:
            raise ValueError(f"the blind-index secret must be at least {KEY_SIZE} bytes")
        if not 1 <= length <= 32:
            raise ValueError("length must be between 1 and 32 bytes")
        self._root_secret = root_secret
        self.length = length
        self._keys: dict[str, bytes] = {}

    def index(self, field: str, value: str) -> bytes | None:
        """The index of ``value`` in ``field``, or None when nothing is left after normalising
        (an empty value must not match every other empty value)."""
        try:
            normalise = _NORMALISERS[field]
        except KeyError:
            raise ValueError(f"no blind index for field {field!r}") from None
        normalised = normalise(value)
        if not normalised:
            return None
        key = self._keys.get(field)
        if key is None:
            key = self._keys[field] = derive_index_key(self._root_secret, field)
        return hmac.new(key, normalised.encode(), hashlib.sha256).digest()[: self.length]

    def keyed_digest(self, purpose: str, value: str) -> bytes:
        """A full-length HMAC of an already normalised secret value (e.g. a recovery code) under a key of
        its own purpose: the database alone then cannot confirm a guess, unlike a plain hash."""
        name = f"digest|{purpose}"
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = derive_index_key(self._root_secret, name)
        return hmac.new(key, value.encode(), hashlib.sha256).digest()

    def __repr__(self) -> str:  # never print key material
        return f"BlindIndexer(length={self.length})"


def new_index_secret_file(keys_dir: Path) -> Path:
    """Create ``keys_dir/index.secret`` with a fresh random secret, mode 0400. Never overwrites."""
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = keys_dir / INDEX_FILE_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.urlsafe_b64encode(os.urandom(KEY_SIZE)).decode().rstrip("="))
    return path


def load_index_secret(*, setting: str | None, keys_dir: Path) -> bytes:
    """The blind-index root secret from the CASEAPP_INDEX_SECRET setting if given, else from the file."""
    if setting:
        return _decode_key(setting, INDEX_SETTING_NAME)
    path = keys_dir / INDEX_FILE_NAME
    if not path.is_file():
        raise KeyringError(f"no blind-index secret: set {INDEX_SETTING_NAME} or create {path}")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyringError(f"{path} is readable by other users (mode {mode:o}); chmod 400 it")
    return _decode_key(path.read_text(), str(path))
