"""The encrypted file store. ``EncryptedStore`` is what the app asks of one; ``FileStore`` keeps the files in
a local folder (the default), ``caseapp.core.object_store.S3Store`` in an S3 bucket (FILE_STORE_URL,
README "Files in an S3 bucket"). Both hold exactly the same bytes for a file.

Files are named by their server-made UUID (UP-04) and hold the chunked AES-GCM format of
``caseapp.crypto.files`` under a per-file key. A new file is written and fsync'd under ``incoming/``
outside any database transaction, and moved into ``files/`` only once the transaction that records
it commits; if that transaction rolls back, the incoming file is deleted (REL-01…03). Files whose
rows were deleted (a shredded case) are unlinked after the commit; ``sweep`` removes anything left.
A write that fails because the disk, the quota or the file-size limit is full (``STORAGE_FULL_ERRNOS``)
leaves no partial file; the error pages answer it with 507 (REL-02).
"""

import errno
import hashlib
import logging
import os
import shutil
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

from sqlalchemy import event
from sqlalchemy.orm import Session

from caseapp.crypto.files import CHUNK_SIZE, FileEncryptor, FileSummary, authenticate_stream, decrypt_stream

log = logging.getLogger("caseapp.files")

PENDING_KEY = "caseapp.file_actions"
INCOMING_GRACE_SECONDS = 3600
# No space left, no quota left, or larger than the process or file system allows (RLIMIT_FSIZE).
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
PROBE_PREFIX = ".write-probe-"
COPY_CHUNK = 1024 * 1024  # ciphertext copied as it is (a backup, a restore, a move): no chunk boundary to keep


class FileTooLargeError(Exception):
    def __init__(self, limit: int):
        super().__init__(f"file larger than {limit} bytes")
        self.limit = limit


def encrypt_upload(file_id: UUID, file_key: bytes, source: BinaryIO, out: BinaryIO, *,
                   max_size: int | None = None) -> FileSummary:
    """Encrypt everything ``source`` yields into ``out`` in the chunked format of ``caseapp.crypto.files``,
    refusing more than ``max_size`` bytes of plaintext. The caller removes what was written on an error."""
    encryptor = FileEncryptor(file_key, file_id, out)
    written = 0
    while chunk := source.read(CHUNK_SIZE):
        written += len(chunk)
        if max_size is not None and written > max_size:
            raise FileTooLargeError(max_size)
        encryptor.write(chunk)
    encryptor.close()
    return FileSummary(size=encryptor.plaintext_size, sha256=encryptor.sha256)


class EncryptedStore(ABC):
    """A file store as the rest of the app sees it, wherever the bytes live. A file is first *incoming*
    (written, its row not yet committed), then *stored* (its row committed). Every failure to reach the
    storage is an OSError, so callers handle one kind of error whatever the store."""

    #: What an operator reads in messages: a folder, or s3://bucket/prefix. Never holds a credential.
    location: str
    #: The settings to look at when the store cannot be written (ends the start-up message).
    settings_hint: str

    @abstractmethod
    def write_incoming(self, file_id: UUID, file_key: bytes, source: BinaryIO, *,
                       max_size: int | None = None) -> FileSummary:
        """Encrypt ``source`` into incoming; on any error (too large, storage full) nothing is left behind."""

    @abstractmethod
    def promote(self, file_id: UUID) -> None:
        """Make an incoming file stored, once its row committed."""

    @abstractmethod
    def discard(self, file_id: UUID) -> None:
        """Delete an incoming file whose row never committed; a file already gone is fine."""

    @abstractmethod
    def remove(self, file_id: UUID) -> None:
        """Delete a stored file whose row was deleted; a file already gone is fine."""

    @abstractmethod
    def open_object(self, file_id: UUID, *, incoming: bool = False) -> AbstractContextManager[BinaryIO]:
        """The ciphertext of the stored (or the incoming) file, to read from the start; FileNotFoundError,
        when opened or entered, if there is none."""

    @abstractmethod
    def put_stored(self, file_id: UUID, source: BinaryIO) -> tuple[str, int]:
        """Write ``source``, a file's ciphertext as ``open_object`` gives it, as the stored file, all at once:
        a failure leaves the previous stored file (or none), never part of one. Returns the SHA-256 (hex)
        and size of what was written. For restoring a backup and moving a store; uploads use
        ``write_incoming``."""

    @abstractmethod
    def is_incoming(self, file_id: UUID) -> bool:
        """Whether the file waits in incoming: written, but not (yet) made stored."""

    @abstractmethod
    def stored_ids(self) -> set[UUID]: ...

    @abstractmethod
    def incoming_ids(self, *, older_than: float = 0) -> set[UUID]:
        """Incoming files last written at least ``older_than`` seconds ago."""

    @abstractmethod
    def check_writable(self) -> None:
        """Write where the store writes, and delete it again (REL-05); OSError when it cannot."""

    @abstractmethod
    def health_problem(self, min_free_bytes: int) -> str | None:
        """Why the store could not take an upload now, or None; cheap enough for ``/healthz``."""

    @abstractmethod
    def free_bytes(self) -> int | None:
        """Free space for new files, or None when the storage has no such limit to check."""

    # --- reading ---

    @contextmanager
    def open_stored(self, file_id: UUID) -> Iterator[BinaryIO]:
        """The ciphertext of a file whose row committed; FileNotFoundError when there is none.

        Its row commits before it moves out of incoming (``promote`` runs after the commit), so for a moment
        another process, or another host, can see the row and not the stored file: it is read from incoming
        then. Incoming is tried between two looks at the stored file, so a promote that runs between the
        looks is found too. Only rows that committed are read, so what incoming holds here is never an upload
        still in flight."""
        looks = (False, True, False)
        with ExitStack() as stack:
            for number, incoming in enumerate(looks, start=1):
                try:
                    source = stack.enter_context(self.open_object(file_id, incoming=incoming))
                    break
                except FileNotFoundError:
                    if number == len(looks):
                        raise
            yield source

    def stored_digest(self, file_id: UUID) -> tuple[str, int]:
        """SHA-256 (hex) and size of the stored ciphertext, read through; FileNotFoundError when none."""
        digest, size = hashlib.sha256(), 0
        with self.open_object(file_id) as source:
            while chunk := source.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size

    def decrypt(self, file_id: UUID, file_key: bytes) -> Iterator[bytes]:
        """Plaintext chunks, each yielded only after it authenticated."""
        with self.open_stored(file_id) as source:
            yield from decrypt_stream(file_key, file_id, source)

    def authenticate(self, file_id: UUID, file_key: bytes) -> FileSummary:
        with self.open_stored(file_id) as source:
            return authenticate_stream(file_key, file_id, source)

    # --- housekeeping ---

    def sweep(self, known_ids: set[UUID], *, grace_seconds: float = INCOMING_GRACE_SECONDS) -> dict[str, int]:
        """Finish or undo what a crash interrupted: promote incoming files whose row committed, delete
        incoming files without a row (after a grace period for uploads in flight) and stored files
        without a row (shredded cases)."""
        counts = {"promoted": 0, "discarded": 0, "removed": 0}
        for file_id in self.incoming_ids(older_than=0):
            if file_id in known_ids:
                self.promote(file_id)
                counts["promoted"] += 1
        for file_id in self.incoming_ids(older_than=grace_seconds):
            if file_id not in known_ids:
                self.discard(file_id)
                counts["discarded"] += 1
        for file_id in self.stored_ids() - known_ids:
            self.remove(file_id)
            counts["removed"] += 1
        return counts

    def missing_ids(self, known_ids: set[UUID]) -> set[UUID]:
        """Ids of rows whose file is neither stored nor waiting in incoming: nothing here can bring
        it back, so these are reported, never deleted (REL-03)."""
        return known_ids - self.stored_ids() - self.incoming_ids()


class FileStore(EncryptedStore):
    """The files in a local folder (FILE_STORE_DIR): ``files/<id>``, and ``incoming/<id>.tmp`` until the
    row commits. The default store, and the only one for a single host on SQLite."""

    settings_hint = ("check FILE_STORE_DIR, its owner and permissions, and that its file system is mounted "
                     "read-write")

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.files_dir = self.root / "files"
        self.incoming_dir = self.root / "incoming"
        self.location = str(self.root)

    def ensure(self) -> None:
        for directory in (self.files_dir, self.incoming_dir):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def path(self, file_id: UUID) -> Path:
        return self._inside(self.files_dir / str(UUID(str(file_id))))

    def incoming_path(self, file_id: UUID) -> Path:
        return self._inside(self.incoming_dir / f"{UUID(str(file_id))}.tmp")

    def _inside(self, path: Path) -> Path:
        if not path.resolve().is_relative_to(self.root):
            raise ValueError("path outside the file store")
        return path

    def check_writable(self) -> None:
        """Create, fsync and delete a small file in each folder the store writes to (REL-05); raises
        OSError when one cannot be written. Probe names are neither UUIDs nor ``*.tmp``, so ``sweep``
        and ``stored_ids`` never take one for a stored file."""
        self.ensure()
        for directory in (self.incoming_dir, self.files_dir):
            probe = directory / f"{PROBE_PREFIX}{os.getpid()}"
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"probe")
                os.fsync(fd)
            finally:
                os.close(fd)
                probe.unlink(missing_ok=True)

    def health_problem(self, min_free_bytes: int) -> str | None:
        """Why the store could not take an upload now, or None: for ``/healthz``, which is probed often,
        so it looks (permissions, free space) instead of writing a file as the start-up check does."""
        try:
            self.ensure()  # creates the folders only when they are missing
        except OSError:
            return "the store's folders cannot be created"
        for directory in (self.incoming_dir, self.files_dir):
            if not os.access(directory, os.W_OK | os.X_OK):
                return f"{directory.name}/ is not writable"
        if shutil.disk_usage(self.root).free < min_free_bytes:
            return "free space is under FILE_STORE_MIN_FREE_MB"
        return None

    def free_bytes(self) -> int:
        self.ensure()
        return shutil.disk_usage(self.root).free

    # --- writing ---

    def write_incoming(
        self, file_id: UUID, file_key: bytes, source: BinaryIO, *, max_size: int | None = None
    ) -> FileSummary:
        self.ensure()
        path = self.incoming_path(file_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                summary = encrypt_upload(file_id, file_key, source, out, max_size=max_size)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return summary

    def promote(self, file_id: UUID) -> None:
        os.replace(self.incoming_path(file_id), self.path(file_id))
        fsync_directory(self.files_dir)

    def discard(self, file_id: UUID) -> None:
        self.incoming_path(file_id).unlink(missing_ok=True)

    def remove(self, file_id: UUID) -> None:
        self.path(file_id).unlink(missing_ok=True)

    # --- reading ---

    def open_object(self, file_id: UUID, *, incoming: bool = False) -> BinaryIO:
        return open(self.incoming_path(file_id) if incoming else self.path(file_id), "rb")

    def put_stored(self, file_id: UUID, source: BinaryIO) -> tuple[str, int]:
        self.ensure()
        tmp = self.files_dir / f".{file_id}.restoring"  # not a UUID name: ``sweep`` and ``stored_ids`` skip it
        tmp.unlink(missing_ok=True)  # left by a crash during an earlier attempt
        written = write_private(source, tmp)
        try:
            os.replace(tmp, self.path(file_id))
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_directory(self.files_dir)
        return written

    def is_incoming(self, file_id: UUID) -> bool:
        return self.incoming_path(file_id).exists()

    # --- housekeeping ---

    def stored_ids(self) -> set[UUID]:
        if not self.files_dir.exists():
            return set()
        return {UUID(path.name) for path in self.files_dir.glob("*") if _is_uuid(path.name)}

    def incoming_ids(self, *, older_than: float = 0) -> set[UUID]:
        if not self.incoming_dir.exists():
            return set()
        cutoff = time.time() - older_than
        return {
            UUID(path.stem) for path in self.incoming_dir.glob("*.tmp")
            if _is_uuid(path.stem) and path.stat().st_mtime <= cutoff
        }


class CopyMismatchError(Exception):
    """What a store holds after ``copy_stored`` is not what was read from the other."""


def copy_stored(source: EncryptedStore, target: EncryptedStore, file_id: UUID, *, in_target: bool) -> tuple[str, int]:
    """Copy one stored file's ciphertext from ``source`` to ``target`` and read it back: ``("moved", size)``,
    or ``("already there", size)`` when ``target`` holds the same bytes already (``in_target``: its listing
    names the file), or ``("rewritten", size)`` when it held other bytes. What ``target`` holds afterwards
    is checked byte for byte (SHA-256 and size); CopyMismatchError when it differs. Nothing is deleted.

    Reads: the source file once (twice when the target held other bytes: once to compare, once to copy),
    the target's object once when it was listed, and once more after each write."""
    outcome = "moved"
    if in_target:
        wanted = source.stored_digest(file_id)
        try:
            if target.stored_digest(file_id) == wanted:
                return "already there", wanted[1]
            outcome = "rewritten"
        except FileNotFoundError:
            pass  # removed since it was listed: write it as a new one
    with source.open_object(file_id) as handle:
        sent = target.put_stored(file_id, handle)
    read_back = target.stored_digest(file_id)
    if read_back != sent:
        raise CopyMismatchError(f"the copy read back differs from the file ({read_back[1]} bytes, SHA-256 "
                                f"{read_back[0][:12]}…, instead of {sent[1]} bytes, {sent[0][:12]}…)")
    return outcome, sent[1]


def write_private(source: BinaryIO, dest: Path) -> tuple[str, int]:
    """Write what ``source`` reads to the new file ``dest`` (mode 0600, fsync'd); the SHA-256 (hex) and size of
    the bytes written. Leaves nothing behind on error. A file's ciphertext copied as it is: by ``put_stored``,
    and by a backup into its directory."""
    digest, size = hashlib.sha256(), 0
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(COPY_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- tying file moves to the database transaction ------------------------------------------------


def promote_on_commit(session: Session, store: EncryptedStore, file_id: UUID) -> None:
    session.info.setdefault(PENDING_KEY, []).append(("promote", store, file_id))


def remove_on_commit(session: Session, store: EncryptedStore, file_id: UUID) -> None:
    session.info.setdefault(PENDING_KEY, []).append(("remove", store, file_id))


@contextmanager
def kept_across_rollback(session: Session):
    """Files stored for ``session`` stay pending through a rollback inside the block: the one with which
    ``start_writing`` ends a read transaction that wrote nothing, after the files were scanned and encrypted
    outside the write lock (REL-04). A rollback after the block discards them as usual."""
    pending = session.info.pop(PENDING_KEY, [])
    try:
        yield
    finally:
        session.info.setdefault(PENDING_KEY, [])[:0] = pending


@event.listens_for(Session, "after_commit")
def _apply_file_actions(session: Session) -> None:
    for action, store, file_id in session.info.pop(PENDING_KEY, []):
        try:
            store.promote(file_id) if action == "promote" else store.remove(file_id)
        except OSError:
            # The row is committed; `flask store sweep` finishes the move or the removal later.
            log.exception("file.%s_failed", action, extra={"file_id": str(file_id)})


@event.listens_for(Session, "after_rollback")
def discard_uncommitted(session: Session) -> None:
    """Delete incoming files whose rows never committed. Runs on rollback, and at the end of each
    request, since a session that never began a transaction emits no rollback event."""
    for action, store, file_id in session.info.pop(PENDING_KEY, []):
        if action == "promote":
            store.discard(file_id)
