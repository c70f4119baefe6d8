"""An encrypted temporary file for request bodies: uploads never touch the disk in plaintext (UP-06).

Werkzeug's multipart parser writes an uploaded file into a stream, rewinds it and hands it to the
view. By default that stream is a plain temporary file once the body passes about 500 KiB.
``EncryptedSpool`` takes its place: the data is cut into chunks, each sealed with AES-256-GCM under a
random key that lives only in this object, and appended to an anonymous temporary file. When the
spool is closed or the process dies, the key is gone and what is left on disk is noise.

A temporary file with a throwaway key needs no header, version or final flag: this object alone
reads what it wrote, and it keeps the size and chunk count in memory, so a shortened file shows up
as a short read and each chunk's index is bound in as associated data.
"""

import io
import os
import tempfile

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from caseapp.crypto.envelope import KEY_SIZE, NONCE_SIZE, DecryptionError
from caseapp.crypto.files import CHUNK_SIZE, TAG_SIZE, cut_chunks

_CONTEXT = "upload spool"


class EncryptedSpool(io.RawIOBase):
    """Written sequentially, rewound with ``seek(0)``, then read; writing after the rewind is refused.

    Memory holds at most about two chunks: the unsealed tail while writing, and one decrypted chunk
    (plus its ciphertext) while reading. ``fileno()`` is deliberately not offered: the descriptor
    would give the ciphertext to code that expects the upload's bytes.
    """

    def __init__(self, directory: str | None = None, chunk_size: int = CHUNK_SIZE):
        super().__init__()
        self._file = None  # set first, so that close() works even if the constructor fails
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        self._chunk_size = chunk_size
        self._aead = AESGCM(os.urandom(KEY_SIZE))
        self._pending = bytearray()  # written bytes not yet sealed into a chunk
        self._size = 0
        self._chunks = 0
        self._reading = False
        self._position = 0
        self._plain_index = -1  # which chunk ``_plain`` holds, decrypted
        self._plain = b""
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 — it lives as long as the spool

    # --- answers about what the spool can do now ---

    def readable(self) -> bool:
        return not self.closed and self._reading

    def writable(self) -> bool:
        return not self.closed and not self._reading

    def seekable(self) -> bool:
        return not self.closed

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on a closed spool")

    # --- writing ---

    def write(self, data) -> int:
        self._check_open()
        if self._reading:
            raise io.UnsupportedOperation("the spool was rewound for reading; writing is refused")
        written = memoryview(data).nbytes
        for chunk in cut_chunks(self._pending, data, self._chunk_size, keep_last=False):
            self._seal(chunk)
        self._size += written
        return written

    def _seal(self, chunk) -> None:
        # A fresh random nonce per chunk; the index in the associated data stops chunks being moved.
        nonce = os.urandom(NONCE_SIZE)
        self._file.write(nonce)
        self._file.write(self._aead.encrypt(nonce, chunk, self._aad(self._chunks)))
        self._chunks += 1

    @staticmethod
    def _aad(index: int) -> bytes:
        return b"spool|" + index.to_bytes(8, "big")

    def _finish_writing(self) -> None:
        if self._pending:
            self._seal(bytes(self._pending))
        self._pending = bytearray()
        self._file.flush()
        self._reading = True

    # --- position ---

    def tell(self) -> int:
        self._check_open()
        return self._position if self._reading else self._size

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self.tell() + offset
        elif whence == io.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if not self._reading:
            if target == 0:
                self._finish_writing()
            elif target != self._size:  # seeking to where we are is a no-op, anything else is not
                raise io.UnsupportedOperation("a spool being written can only be rewound to 0")
            return target
        # Chunks have a fixed size, so any position can be reached by decrypting one chunk.
        if target < 0:
            raise ValueError("negative seek position")
        self._position = target
        return target

    # --- reading ---

    def read(self, size: int | None = -1) -> bytes:
        """Exactly ``size`` bytes (all that is left if ``size`` is negative), fewer only at the end."""
        self._check_open()
        if not self._reading:
            raise io.UnsupportedOperation("rewind the spool with seek(0) before reading")
        remaining = max(self._size - self._position, 0)
        wanted = remaining if size is None or size < 0 else min(size, remaining)
        parts = []
        while wanted:
            chunk = self._chunk_at(self._position)
            offset = self._position % self._chunk_size
            piece = chunk[offset : offset + wanted]
            parts.append(piece)
            wanted -= len(piece)
            self._position += len(piece)
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer) -> int:
        with memoryview(buffer) as view, view.cast("B") as target:
            data = self.read(len(target))
            target[: len(data)] = data
        return len(data)

    def _chunk_at(self, position: int) -> bytes:
        index = position // self._chunk_size
        if index != self._plain_index:
            record_size = NONCE_SIZE + self._chunk_size + TAG_SIZE
            plain_size = min(self._chunk_size, self._size - index * self._chunk_size)
            self._plain = b""  # never keep a chunk around that the next one failed to replace
            self._plain_index = -1
            self._file.seek(index * record_size)
            record = self._file.read(NONCE_SIZE + plain_size + TAG_SIZE)
            if len(record) != NONCE_SIZE + plain_size + TAG_SIZE:
                raise DecryptionError(_CONTEXT)
            try:
                with memoryview(record) as view:  # no copy of the ciphertext
                    self._plain = self._aead.decrypt(view[:NONCE_SIZE], view[NONCE_SIZE:], self._aad(index))
            except InvalidTag as exc:
                raise DecryptionError(_CONTEXT) from exc
            self._plain_index = index
        return self._plain

    # --- end ---

    def close(self) -> None:
        if self.closed:
            return
        if self._file is not None:
            self._file.close()
        # Drop the key and any plaintext now rather than whenever the object is collected.
        self._aead = None
        self._pending = bytearray()
        self._plain = b""
        super().close()
