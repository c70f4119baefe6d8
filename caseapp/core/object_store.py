"""The encrypted file store in an S3 bucket (FILE_STORE_URL=s3://bucket/prefix), for several app hosts.

Each object holds exactly the bytes the local store's file would hold (the chunked AES-GCM format of
``caseapp.crypto.files``); its key is ``<prefix>incoming/<uuid>`` or ``<prefix>files/<uuid>`` and
carries nothing else about the file (UP-04). Every byte goes through the app in both directions: no
presigned URL ever leaves it, so access control and the audit log see every read.

Why an incoming key and a copy on commit, rather than writing the final key and deleting it on rollback:
then ``files/`` means "its row committed" in the bucket as in the folder, so ``sweep``, ``missing_ids``
and ``flask keys check`` keep one meaning. With the final key, an object without a row could be an upload
whose transaction is still open as well as a shredded case's leftover, and the sweep could remove
neither before a grace period. The price is one server-side copy per upload after the commit (no bytes
through the app), and S3's limit of 5 GiB for one copy (``MAX_COPY_SIZE``; the start-up check keeps
UPLOAD_MAX_FILE_SIZE under ``MAX_UPLOAD_SIZE``).

Uploads stream in explicit multipart parts of ``PART_SIZE`` (8 MiB): the memory one upload adds is about
two parts, whatever the file's size. A file smaller than one part is sent in one PUT. Any error aborts the
multipart upload, so no object and no pending parts are left. A crash between the write and the commit
leaves an incoming object, which ``flask store sweep`` deletes once its LastModified (the S3 server's
clock) is older than the grace period.

Downloads stream the object's body chunk by chunk into ``decrypt_stream``. The body cannot seek, so a
file cut at a chunk boundary fails at its end rather than before the first chunk as in the local store
(CRY-03 still holds: the cut is detected; what differs is that the chunks before it went out). An object
is written whole by a completed multipart upload or a PUT, so only someone with write access to the
bucket can cut one.
"""

import errno
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from caseapp.core.files import INCOMING_GRACE_SECONDS, PROBE_PREFIX, EncryptedStore, encrypt_upload
from caseapp.crypto.files import FileSummary

log = logging.getLogger("caseapp.files")

SCHEME = "s3"
MIB = 1024 * 1024
PART_SIZE = 8 * MIB  # S3 wants at least 5 MiB for every part but the last
MAX_PARTS = 10_000  # S3's limit: 78 GiB of 8 MiB parts, far above any upload limit
MAX_COPY_SIZE = 5 * 1024 * MIB  # the largest object one CopyObject request copies
# The largest upload whose ciphertext (20 bytes more per 64 KiB chunk) stays under MAX_COPY_SIZE.
MAX_UPLOAD_SIZE = 5000 * MIB
READ_SIZE = 64 * 1024
NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
# A bucket or a server with no room left, as S3 servers say it: Ceph's quota, MinIO's full disk and bucket
# quota, and any answer with HTTP 507. These raise an OSError with errno EDQUOT, which the error pages answer
# with 507 as they do a full disk (REL-02).
STORAGE_FULL_CODES = frozenset({"QuotaExceeded", "XMinioStorageFull", "XMinioAdminBucketQuotaExceeded",
                                "StorageFull", "InsufficientStorage"})


class ObjectStoreError(OSError):
    """The bucket could not be reached or refused a request. ``strerror`` is S3's error code (or the
    client's exception name) for the start-up message; no message holds a credential or file content."""


def _now() -> float:
    """The app's clock, compared with the objects' LastModified (tests move it)."""
    return time.time()


def parse_store_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → (``bucket``, ``some/prefix/``); ValueError when it is not one."""
    parts = urlsplit(url)
    if parts.scheme != SCHEME or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("must look like s3://bucket or s3://bucket/prefix")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


@contextmanager
def _s3_errors(operation: str, *, missing_ok: bool = False):
    """Turn the client's errors into OSErrors, the one kind the callers of a store handle: a missing key
    becomes FileNotFoundError (or is ignored with ``missing_ok``), anything else ObjectStoreError."""
    try:
        yield
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = str(exc.response.get("Error", {}).get("Code") or status or "")
        if code in NOT_FOUND_CODES:
            if missing_ok:
                return
            raise FileNotFoundError(f"S3 {operation}: no such object") from exc
        if code in STORAGE_FULL_CODES or status == 507:
            raise ObjectStoreError(errno.EDQUOT, code, f"S3 {operation}") from exc
        raise ObjectStoreError(None, code or "ClientError", f"S3 {operation}") from exc
    except BotoCoreError as exc:
        raise ObjectStoreError(None, type(exc).__name__, f"S3 {operation}") from exc


class _ObjectBody:
    """An object's body as the forward-only stream ``decrypt_stream`` reads."""

    def __init__(self, body):
        self._body = body

    def read(self, size: int = -1) -> bytes:
        with _s3_errors("GetObject"):
            return self._body.read(None if size < 0 else size)

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._body.close()


class _MultipartWriter:
    """The ``out`` of a FileEncryptor that sends what it is given to one object, a part at a time.

    The multipart upload is created when the first part is full; what is left at ``finish`` goes as the
    last part, or, when no part was sent, as one PutObject. ``abort`` leaves nothing behind."""

    def __init__(self, client, bucket: str, key: str):
        self._client, self._bucket, self._key = client, bucket, key
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict] = []

    def write(self, data) -> int:
        self._buffer += data
        if len(self._buffer) >= PART_SIZE:
            self._send_part()
        return len(data)

    def _send_part(self) -> None:
        if len(self._parts) >= MAX_PARTS:
            raise ObjectStoreError(None, "TooManyParts", "S3 UploadPart")
        if self._upload_id is None:
            with _s3_errors("CreateMultipartUpload"):
                created = self._client.create_multipart_upload(
                    Bucket=self._bucket, Key=self._key, ContentType="application/octet-stream")
            self._upload_id = created["UploadId"]
        number = len(self._parts) + 1
        body, self._buffer = bytes(self._buffer), bytearray()  # the buffer's memory goes with the part
        with _s3_errors("UploadPart"):
            sent = self._client.upload_part(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id,
                                            PartNumber=number, Body=body)
        self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})

    def finish(self) -> None:
        if self._upload_id is None:
            with _s3_errors("PutObject"):
                self._client.put_object(Bucket=self._bucket, Key=self._key, Body=bytes(self._buffer),
                                        ContentType="application/octet-stream")
            self._buffer = bytearray()
            return
        if self._buffer:
            self._send_part()
        with _s3_errors("CompleteMultipartUpload"):
            self._client.complete_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id,
                                                   MultipartUpload={"Parts": self._parts})

    def abort(self) -> None:
        self._buffer = bytearray()
        if self._upload_id is None:
            return
        try:
            with _s3_errors("AbortMultipartUpload", missing_ok=True):
                self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id)
        except OSError:
            # The upload's own error is the one to raise; S3 lifecycle rules (README) clear what is left.
            log.exception("file.abort_failed", extra={"key": self._key})


class S3Store(EncryptedStore):
    """The files as objects of one bucket, under a prefix; see the module's docstring."""

    settings_hint = ("check FILE_STORE_URL, S3_ENDPOINT_URL, S3_REGION and the credentials "
                     "(S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), that the bucket exists and that they may read, "
                     "write and delete in it")

    def __init__(self, url: str, *, endpoint_url: str | None = None, region: str | None = None,
                 access_key_id: str | None = None, secret_access_key: str | None = None):
        self.bucket, self.prefix = parse_store_url(url)
        self.location = f"{SCHEME}://{self.bucket}/{self.prefix}"
        self._endpoint_url = endpoint_url or None
        self._region = region or None
        # Unset, boto3 finds credentials itself (AWS_* environment variables, an instance profile).
        self._credentials = {"aws_access_key_id": access_key_id or None,
                             "aws_secret_access_key": secret_access_key or None}
        self._client = None
        self._client_pid: int | None = None

    def __repr__(self) -> str:  # what a log line or a traceback should name: the location, no credential
        return f"S3Store({self.location!r})"

    @property
    def client(self):
        """A client made in this process: one made before gunicorn forks would share its connections."""
        if self._client is None or self._client_pid != os.getpid():
            config = BotoConfig(
                connect_timeout=10, read_timeout=60, retries={"mode": "standard", "max_attempts": 3},
                # An S3 server of one's own (SeaweedFS, MinIO, Garage) has no per-bucket host names.
                s3={"addressing_style": "path" if self._endpoint_url else "auto"},
            )
            self._client = boto3.session.Session().client(
                "s3", endpoint_url=self._endpoint_url, region_name=self._region, config=config, **self._credentials)
            self._client_pid = os.getpid()
        return self._client

    def key(self, file_id: UUID) -> str:
        return f"{self.prefix}files/{UUID(str(file_id))}"

    def incoming_key(self, file_id: UUID) -> str:
        return f"{self.prefix}incoming/{UUID(str(file_id))}"

    # --- writing ---

    def write_incoming(self, file_id: UUID, file_key: bytes, source: BinaryIO, *,
                       max_size: int | None = None) -> FileSummary:
        out = _MultipartWriter(self.client, self.bucket, self.incoming_key(file_id))
        try:
            summary = encrypt_upload(file_id, file_key, source, out, max_size=max_size)
            out.finish()
        except BaseException:
            out.abort()
            raise
        return summary

    def put_stored(self, file_id: UUID, source: BinaryIO) -> tuple[str, int]:
        """A completed multipart upload (or PUT) replaces an object whole, so no temporary key is needed."""
        out = _MultipartWriter(self.client, self.bucket, self.key(file_id))
        digest, size = hashlib.sha256(), 0
        try:
            while chunk := source.read(PART_SIZE):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.finish()
        except BaseException:
            out.abort()
            raise
        return digest.hexdigest(), size

    def promote(self, file_id: UUID) -> None:
        source = self.incoming_key(file_id)
        with _s3_errors("CopyObject"):
            self.client.copy_object(Bucket=self.bucket, Key=self.key(file_id),
                                    CopySource={"Bucket": self.bucket, "Key": source})
        self._delete(source, "DeleteObject")

    def discard(self, file_id: UUID) -> None:
        self._delete(self.incoming_key(file_id), "DeleteObject")

    def remove(self, file_id: UUID) -> None:
        self._delete(self.key(file_id), "DeleteObject")

    def _delete(self, key: str, operation: str) -> None:
        with _s3_errors(operation, missing_ok=True):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    # --- reading ---

    @contextmanager
    def open_object(self, file_id: UUID, *, incoming: bool = False) -> Iterator[BinaryIO]:
        key = self.incoming_key(file_id) if incoming else self.key(file_id)
        with _s3_errors("GetObject"):
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        body = _ObjectBody(response["Body"])
        try:
            yield body
        finally:
            body.close()

    def is_incoming(self, file_id: UUID) -> bool:
        with _s3_errors("HeadObject"):
            try:
                self.client.head_object(Bucket=self.bucket, Key=self.incoming_key(file_id))
            except ClientError as exc:
                if str(exc.response.get("Error", {}).get("Code")) in NOT_FOUND_CODES:
                    return False
                raise
        return True

    # --- housekeeping ---

    def _listed(self, folder: str) -> Iterator[tuple[UUID, float]]:
        """(id, LastModified as a timestamp) of each object named ``<prefix><folder>/<uuid>``; anything
        else under the prefix (a probe, another program's object) is left out, so never deleted."""
        start = f"{self.prefix}{folder}/"
        with _s3_errors("ListObjectsV2"):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
                for item in page.get("Contents", []):
                    name = item["Key"][len(start):]
                    try:
                        file_id = UUID(name)
                    except ValueError:
                        continue
                    if str(file_id) == name:
                        yield file_id, item["LastModified"].timestamp()

    def stored_ids(self) -> set[UUID]:
        return {file_id for file_id, _modified in self._listed("files")}

    def incoming_ids(self, *, older_than: float = 0) -> set[UUID]:
        cutoff = _now() - older_than
        return {file_id for file_id, modified in self._listed("incoming") if modified <= cutoff}

    def sweep(self, known_ids: set[UUID], *, grace_seconds: float = INCOMING_GRACE_SECONDS) -> dict[str, int]:
        """As the local store's, and also abort the multipart uploads to ``incoming/`` begun more than the
        grace period ago: a host killed while it streamed an upload leaves one, whose parts take space in the
        bucket but appear in no listing of objects. They count as discarded incoming files."""
        counts = super().sweep(known_ids, grace_seconds=grace_seconds)
        counts["discarded"] += self._abort_stale_uploads(known_ids, older_than=grace_seconds)
        return counts

    def _abort_stale_uploads(self, known_ids: set[UUID], *, older_than: float) -> int:
        start = f"{self.prefix}incoming/"
        cutoff = _now() - older_than
        aborted = 0
        with _s3_errors("ListMultipartUploads"):
            response = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=start)
        for upload in response.get("Uploads", []):
            name = upload["Key"][len(start):]
            try:
                file_id = UUID(name)
            except ValueError:
                continue  # not one of ours (as in ``_listed``): never touched
            if str(file_id) != name or file_id in known_ids or upload["Initiated"].timestamp() > cutoff:
                continue
            with _s3_errors("AbortMultipartUpload", missing_ok=True):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
            aborted += 1
        return aborted

    def pending_uploads(self) -> list[str]:
        """Keys of multipart uploads begun under the prefix and neither completed nor aborted."""
        with _s3_errors("ListMultipartUploads"):
            response = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix)
        return [upload["Key"] for upload in response.get("Uploads", [])]

    def check_writable(self) -> None:
        """Put a probe object where uploads go, read it back and delete it (REL-05). Its name is not a
        UUID, so ``sweep`` and ``stored_ids`` never take it for a file."""
        key = f"{self.prefix}incoming/{PROBE_PREFIX}{uuid4().hex}"
        payload = b"probe"
        with _s3_errors("PutObject"):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=payload)
        try:
            with _s3_errors("GetObject"):
                read_back = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            if read_back != payload:
                raise ObjectStoreError(None, "ProbeMismatch", "S3 GetObject")
        finally:
            self._delete(key, "DeleteObject")

    def health_problem(self, min_free_bytes: int) -> str | None:
        """Read the bucket (list one key under the prefix): the server answers and the credentials may list
        it. ``/healthz`` is probed often, so it writes nothing; the start-up check writes a probe. A bucket
        has no free space to check: FILE_STORE_MIN_FREE_MB does not apply."""
        try:
            with _s3_errors("ListObjectsV2"):
                self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
        except OSError as exc:
            return f"the bucket does not answer ({exc.strerror})"
        return None

    def free_bytes(self) -> None:
        return None
