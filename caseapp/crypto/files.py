"""Attachment files: chunked AES-256-GCM streams (CRY-03, CRY-11).

On disk a file is a header followed by chunk records::

    header = b"ESCRF" ‖ version(1) ‖ file_id(16, the file's UUID) ‖ nonce_prefix(7, random)
    record = ciphertext length(4, big-endian) ‖ AESGCM(ciphertext‖tag)

Chunk ``i`` is encrypted under the file's own key with nonce ``prefix ‖ i(4, big-endian) ‖ final(1)``,
where ``final`` is 1 on the last chunk only, and with the whole header as associated data. So:

* the counter in the nonce makes reordered or dropped chunks fail;
* the final flag makes a file cut at a chunk boundary fail (its new last chunk was not sealed as final),
  and makes anything after the real final chunk fail;
* the header in the associated data binds every chunk to its file id, so a file swapped for another
  one, or a header taken from another file, fails.

Each file has its own random key (wrapped under the case key), so nonces never repeat under one key.
"""

import hashlib
import os
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from caseapp.crypto.envelope import KEY_SIZE, DecryptionError, decrypt_field, encrypt_field

MAGIC = b"ESCRF"
VERSION = 1
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 7
HEADER_SIZE = len(MAGIC) + 1 + 16 + NONCE_PREFIX_SIZE
MAX_RECORD_SIZE = CHUNK_SIZE + TAG_SIZE
MAX_CHUNKS = 2**32  # the counter has 4 bytes
_LENGTH = struct.Struct(">I")


@dataclass(frozen=True)
class FileSummary:
    """What the plaintext was: its size in bytes and its SHA-256 (hex)."""

    size: int
    sha256: str


def new_file_key() -> bytes:
    return os.urandom(KEY_SIZE)


def _file_key_aad(file_id: uuid.UUID) -> bytes:
    return b"fk|" + str(file_id).encode()


def wrap_file_key(case_key: bytes, file_id: uuid.UUID, file_key: bytes) -> bytes:
    """Encrypt a file key under the case key, bound to the file id (a wrapped key moved to another
    file's row does not unwrap)."""
    if len(file_key) != KEY_SIZE:
        raise ValueError(f"a file key must be {KEY_SIZE} bytes")
    return encrypt_field(case_key, file_key, _file_key_aad(file_id))


def unwrap_file_key(case_key: bytes, file_id: uuid.UUID, wrapped: bytes) -> bytes:
    file_key = decrypt_field(case_key, wrapped, _file_key_aad(file_id))
    if len(file_key) != KEY_SIZE:
        raise DecryptionError(f"file key {file_id}")
    return file_key


def _aead(key: bytes) -> AESGCM:
    # AESGCM would also take 16- or 24-byte keys; file keys are always AES-256.
    if len(key) != KEY_SIZE:
        raise ValueError(f"a file key must be {KEY_SIZE} bytes")
    return AESGCM(key)


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


def cut_chunks(pending: bytearray, data: bytes, size: int, *, keep_last: bool) -> Iterator[memoryview | bytearray]:
    """Cut ``pending`` followed by ``data`` into chunks of exactly ``size`` bytes; what is left over
    stays in ``pending``. With ``keep_last``, at least one byte is left over even when the data ends on
    a chunk boundary. Each chunk is valid only until the next one is asked for.

    Whole chunks are taken straight from ``data`` without copying, and nothing is ever deleted from
    the front of ``pending``, which would move the rest of it each time.
    """
    limit = size if keep_last else size - 1  # cut while more than this remains
    with memoryview(data) as raw, raw.cast("B") as view:
        start = 0
        while len(pending) + len(view) - start > limit:
            if pending:
                take = size - len(pending)
                pending += view[start : start + take]
                start += take
                yield pending
                pending.clear()
            else:
                yield view[start : start + size]
                start += size
        pending += view[start:]


class FileEncryptor:
    """Encrypts a stream written in pieces of any size into ``out``.

    Only ``close()`` knows which chunk is the last, so ``write`` always keeps at least one byte back:
    the final chunk then holds 1..chunk_size bytes (or nothing, for an empty file) and carries the flag.
    """

    def __init__(self, key: bytes, file_id: uuid.UUID, out: BinaryIO, chunk_size: int = CHUNK_SIZE):
        # Larger chunks would be refused by decrypt_stream, which bounds what it reads into memory.
        if not 1 <= chunk_size <= CHUNK_SIZE:
            raise ValueError(f"chunk_size must be between 1 and {CHUNK_SIZE}")
        self._aead = _aead(key)
        self._out = out
        self._chunk_size = chunk_size
        self._prefix = os.urandom(NONCE_PREFIX_SIZE)
        self._header = MAGIC + bytes([VERSION]) + file_id.bytes + self._prefix
        self._buffer = bytearray()
        self._counter = 0
        self._size = 0
        self._hash = hashlib.sha256()
        self._closed = False
        out.write(self._header)

    def write(self, data: bytes) -> None:
        if self._closed:
            raise ValueError("write to a closed FileEncryptor")
        self._hash.update(data)
        self._size += len(data)
        for chunk in cut_chunks(self._buffer, data, self._chunk_size, keep_last=True):
            self._emit(chunk, final=False)

    def close(self) -> None:
        if self._closed:
            return
        self._emit(bytes(self._buffer), final=True)
        self._buffer = bytearray()
        self._closed = True

    def _emit(self, chunk, *, final: bool) -> None:
        if self._counter >= MAX_CHUNKS:
            raise ValueError("file too large for the chunk counter")
        ciphertext = self._aead.encrypt(_nonce(self._prefix, self._counter, final), chunk, self._header)
        self._out.write(_LENGTH.pack(len(ciphertext)))
        self._out.write(ciphertext)
        self._counter += 1

    @property
    def plaintext_size(self) -> int:
        return self._size

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def summary(self) -> FileSummary:
        return FileSummary(self._size, self.sha256)

    def __enter__(self) -> "FileEncryptor":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # On an error the final chunk is never written, so the partial output cannot pass as complete.
        if exc_type is None:
            self.close()

    def __repr__(self) -> str:
        return f"FileEncryptor(chunks={self._counter}, closed={self._closed})"


def encrypt_stream(
    key: bytes, file_id: uuid.UUID, source: BinaryIO, out: BinaryIO, chunk_size: int = CHUNK_SIZE
) -> FileSummary:
    """Encrypt everything ``source`` yields into ``out``."""
    encryptor = FileEncryptor(key, file_id, out, chunk_size)
    while piece := source.read(chunk_size):
        encryptor.write(piece)
    encryptor.close()
    return encryptor.summary()


def _read_exact(source: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the stream (raw streams may return short reads)."""
    data = source.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    missing = size - len(data)
    while missing and (more := source.read(missing)):
        parts.append(more)
        missing -= len(more)
    return b"".join(parts)


def decrypt_stream(key: bytes, file_id: uuid.UUID, source: BinaryIO) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk, each only after it authenticated.

    Raises DecryptionError for a wrong key, a foreign or damaged header, any altered, reordered or
    missing chunk, a missing final chunk (truncation) and trailing bytes. Chunks yielded before the
    error are authentic but the file as a whole is not: callers must discard them.
    """
    context = f"file {file_id}"
    aead = _aead(key)
    header = _read_exact(source, HEADER_SIZE)
    if (
        len(header) != HEADER_SIZE
        or header[: len(MAGIC)] != MAGIC
        or header[len(MAGIC)] != VERSION
        or header[len(MAGIC) + 1 : len(MAGIC) + 17] != file_id.bytes
    ):
        raise DecryptionError(context)
    prefix = header[-NONCE_PREFIX_SIZE:]
    if source.seekable():
        _authenticate_final_record(aead, prefix, header, source, context)

    def read_record() -> bytes | None:
        """The next record's ciphertext, or None at a clean end of stream."""
        length_bytes = _read_exact(source, _LENGTH.size)
        if not length_bytes:
            return None
        if len(length_bytes) != _LENGTH.size:
            raise DecryptionError(context)
        (length,) = _LENGTH.unpack(length_bytes)
        if not TAG_SIZE <= length <= MAX_RECORD_SIZE:
            raise DecryptionError(context)
        ciphertext = _read_exact(source, length)
        if len(ciphertext) != length:
            raise DecryptionError(context)
        return ciphertext

    # A record is the final one exactly when no record follows it, so read one ahead. If the sender
    # sealed it differently (cut file, or bytes after the real end), the tag does not match.
    current = read_record()
    if current is None:
        raise DecryptionError(context)
    counter = 0
    while current is not None:
        if counter >= MAX_CHUNKS:
            raise DecryptionError(context)
        following = read_record()
        try:
            plaintext = aead.decrypt(_nonce(prefix, counter, following is None), current, header)
        except InvalidTag as exc:
            raise DecryptionError(context) from exc
        yield plaintext
        current = following
        counter += 1


def _authenticate_final_record(aead: AESGCM, prefix: bytes, header: bytes, source: BinaryIO, context: str) -> None:
    """Check, before the first chunk is yielded, that the file ends with the chunk sealed as final (CRY-08).

    Each chunk authenticates on its own, so a file cut at a chunk boundary would otherwise stream every
    chunk before the cut and fail only at the end, after a download had sent them. Walking the records'
    lengths costs one 4-byte read per 64 KiB; only the last record is decrypted here. Leaves ``source``
    at the first record."""
    end = source.seek(0, os.SEEK_END)
    position, counter, last = HEADER_SIZE, 0, None
    while position < end:
        if counter >= MAX_CHUNKS:
            raise DecryptionError(context)
        source.seek(position)
        length_bytes = _read_exact(source, _LENGTH.size)
        if len(length_bytes) != _LENGTH.size:
            raise DecryptionError(context)
        (length,) = _LENGTH.unpack(length_bytes)
        if not TAG_SIZE <= length <= MAX_RECORD_SIZE or position + _LENGTH.size + length > end:
            raise DecryptionError(context)
        last = (position + _LENGTH.size, length, counter)
        position += _LENGTH.size + length
        counter += 1
    if last is None:
        raise DecryptionError(context)
    start, length, index = last
    source.seek(start)
    try:
        aead.decrypt(_nonce(prefix, index, True), _read_exact(source, length), header)
    except InvalidTag as exc:
        raise DecryptionError(context) from exc
    source.seek(HEADER_SIZE)


def authenticate_stream(key: bytes, file_id: uuid.UUID, source: BinaryIO) -> FileSummary:
    """Verify a whole file without keeping its plaintext; returns its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    for chunk in decrypt_stream(key, file_id, source):
        digest.update(chunk)
        size += len(chunk)
    return FileSummary(size, digest.hexdigest())
