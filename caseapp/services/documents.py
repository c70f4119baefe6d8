"""Evidence files (documents): the checks every upload passes, whether it comes from the report form,
the thread or the API, and the decryption of a document for its download.

UP-01 limits (per file, per report, files per report, per-organisation quota) come from the config;
UP-03: the extension *and* the first bytes must match one allowed kind; UP-04: the user's file name is
kept only sanitised (and encrypted, with its row, by ``store_before_the_lock``); the stored name is a
server-made UUID. UP-08: when ``UPLOAD_CLAMD_ADDRESS`` is set, each file must also pass the ClamAV daemon
(``services.antivirus``).

``store_before_the_lock`` checks, scans and encrypts each accepted file into the store's incoming folder
and seals its row before the write lock, then takes the lock (REL-04: no file I/O or crypto inside the
write transaction); the files are promoted when the caller's transaction commits and discarded when it
rolls back, so a refused upload leaves nothing behind. ``record`` then adds the document rows.

``open_document`` decrypts a stored document lazily, one authenticated chunk at a time (CRY-03); the
HTTP response around it is ``caseapp.web.downloads.send_document``.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from sqlalchemy.orm import Session

from caseapp.core import antivirus
from caseapp.core.database import start_writing
from caseapp.core.files import EncryptedStore, FileTooLargeError, kept_across_rollback
from caseapp.crypto import Keyring
from caseapp.domain.i18n import N_
from caseapp.domain.uploads import SNIFF_BYTES, FileKind, UploadError, identify, safe_display_name
from caseapp.models import Case, Document, User
from caseapp.services import audit
from caseapp.services.cases import (
    StoredUpload,
    add_document,
    document_key,
    organisation_storage_used,
    seal_document,
    store_upload,
)
from caseapp.services.vault import CaseVault, open_vault

MIB = 1024 * 1024
log = logging.getLogger(__name__)


class IncomingFile(Protocol):
    """What a file field of a request offers (Werkzeug's ``FileStorage``)."""

    filename: str | None
    stream: BinaryIO


@dataclass(frozen=True)
class UploadLimits:
    max_file_size: int
    max_files_per_report: int
    max_report_size: int
    organisation_quota: int
    scanner: antivirus.ClamdScanner | None = None

    @classmethod
    def from_config(cls, config) -> "UploadLimits":
        return cls(config["UPLOAD_MAX_FILE_SIZE"], config["UPLOAD_MAX_FILES_PER_REPORT"],
                   config["UPLOAD_MAX_REPORT_SIZE"], config["UPLOAD_ORGANISATION_QUOTA"],
                   antivirus.from_config(config))


@dataclass
class AcceptedFile:
    upload: StoredUpload
    name: str  # the sanitised display name, stored encrypted
    kind: FileKind
    document: Document  # its row, key wrapped and name encrypted, not yet in the session (``seal_document``)


@dataclass
class FileProblem:
    """Why one file (``index`` in the request) or the whole upload (``index`` None) was refused."""

    message: str  # English; a page says it in the reader's language (web.locales.say)
    index: int | None = None
    too_large: bool = False


@dataclass
class StoredFiles:
    accepted: list[AcceptedFile]
    problems: list[FileProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def chosen_files(files) -> list[IncomingFile]:
    """The file fields that carry a file (a form's empty file input sends one without a name)."""
    return [item for item in files or () if getattr(item, "filename", "")]


def store(session: Session, file_store: EncryptedStore, vault: CaseVault, files: list[IncomingFile],
          limits: UploadLimits, *, uploaded_by: User | None) -> StoredFiles:
    """Check each file, encrypt the acceptable ones into the store and seal their rows (UP-01…04, UP-06).

    Every file is looked at, so all problems are reported at once; when there is any problem the
    caller must roll back, which discards what was stored.
    """
    case = vault.case
    if not files:
        return StoredFiles([], [])
    if len(case.documents) + len(files) > limits.max_files_per_report:
        return StoredFiles([], [_too_many(limits)])
    report_used, used = _in_use(session, case)
    accepted, problems = [], []
    for index, item in enumerate(files):
        original = item.filename or ""
        name = safe_display_name(original)
        head = item.stream.read(SNIFF_BYTES)
        item.stream.seek(0)
        try:
            kind = identify(head, original)
        except UploadError as exc:
            problems.append(FileProblem(N_("%(name)s: %(problem)s", name=name, problem=exc.message), index))
            continue
        if limits.scanner and (problem := _scan(limits.scanner, item.stream, name, case)):
            problems.append(FileProblem(problem, index))
            continue
        try:
            upload = store_upload(session, file_store, item.stream, max_size=limits.max_file_size)
        except FileTooLargeError:
            too_large = N_("%(name)s is larger than %(mb)d MB.", name=name, mb=limits.max_file_size // MIB)
            problems.append(FileProblem(too_large, index, too_large=True))
            continue
        report_used += upload.summary.size
        used += upload.summary.size
        if problem := _over_size_limits(report_used, used, limits, index):
            problems.append(problem)
        accepted.append(AcceptedFile(upload, name, kind, seal_document(
            vault, upload, original_name=name, content_type=kind.content_type, uploaded_by=uploaded_by)))
    return StoredFiles(accepted, problems)


def store_before_the_lock(session: Session, file_store: EncryptedStore, vault: CaseVault, files: list[IncomingFile],
                          limits: UploadLimits, *, uploaded_by: User | None) -> StoredFiles:
    """Check, scan and encrypt each file into the store and seal its row before the write lock (REL-04: a
    large file or a slow virus scan never holds the other writers), then take the lock and check the upload
    limits again with what is committed now. The caller must be a ``writes_late`` view that has written
    nothing yet; on a problem it rolls back, which discards the stored files."""
    stored = store(session, file_store, vault, files, limits, uploaded_by=uploaded_by)
    if not stored.ok:
        return stored
    with kept_across_rollback(session):  # start_writing's rollback ends a read: the files stay pending
        start_writing(session)
    stored.problems.extend(limits_still_hold(session, vault.case, stored.accepted, limits))
    return stored


def limits_still_hold(session: Session, case: Case, accepted: list[AcceptedFile],
                      limits: UploadLimits) -> list[FileProblem]:
    """The limits ``store`` checked, checked again under the write lock with what is committed now: ``store``
    runs before it (scanning and encrypting take the time, REL-04), so another upload of the same report or
    organisation may have been committed meanwhile."""
    if not accepted:
        return []
    if len(case.documents) + len(accepted) > limits.max_files_per_report:
        return [_too_many(limits)]
    added = sum(item.upload.summary.size for item in accepted)
    report_used, organisation_used = _in_use(session, case)
    problem = _over_size_limits(report_used + added, organisation_used + added, limits, None)
    return [problem] if problem else []


def _in_use(session: Session, case: Case) -> tuple[int, int]:
    """The bytes the case's files and its organisation's files take now."""
    return sum(document.size for document in case.documents), organisation_storage_used(session, case.organisation_id)


def _too_many(limits: UploadLimits) -> FileProblem:
    return FileProblem(N_("A report can hold at most %(num)d files.", num=limits.max_files_per_report))


def _over_size_limits(report_used: int, organisation_used: int, limits: UploadLimits,
                      index: int | None) -> FileProblem | None:
    if report_used > limits.max_report_size:
        return FileProblem(N_("The files of one report may total at most %(mb)d MB.",
                              mb=limits.max_report_size // MIB), index, too_large=True)
    if organisation_used > limits.organisation_quota:
        return FileProblem(N_("Your organisation's storage quota is full; ask the coordinators."), index,
                           too_large=True)
    return None


def _scan(scanner: antivirus.ClamdScanner, stream: BinaryIO, name: str, case: Case) -> str | None:
    """Why the file may not be stored, or None when clamd found it clean; the stream is rewound."""
    try:
        verdict = scanner.scan(stream)
    except antivirus.ScannerUnavailableError as exc:
        log.warning("upload not scanned for case %s: %s", case.uuid, exc)
        return N_("%(name)s could not be checked for viruses, so it was not stored; please try again later.", name=name)
    finally:
        stream.seek(0)
    if verdict.clean:
        return None
    log.warning("upload refused for case %s: the virus scanner found %s", case.uuid, verdict.signature)
    return N_("%(name)s was refused: the virus scanner found %(signature)s.", name=name,
              signature=verdict.signature)


def record(session: Session, vault: CaseVault, accepted: list[AcceptedFile], *,
           uploaded_by: User | None) -> list[Document]:
    """The rows ``store_before_the_lock`` sealed, added in the caller's write transaction, each one audited."""
    documents = [item.document for item in accepted]
    for document in documents:
        add_document(session, vault, document)
    for document in documents:
        audit.record(session, action="document_uploaded", actor=uploaded_by, target_type="document",
                     target_id=document.uuid, case=vault.case)
    return documents


@dataclass(frozen=True)
class OpenedDocument:
    """A document ready to send: its decrypted display name and its plaintext, not yet read."""

    name: str
    content_type: str
    size: int
    chunks: Iterator[bytes]


def open_document(session: Session, keyring: Keyring, file_store: EncryptedStore, document: Document) -> OpenedDocument:
    """Decrypt a document the caller may see. Nothing is read until ``chunks`` is iterated, and each chunk is
    authenticated before it is yielded (CRY-03)."""
    vault = open_vault(session, keyring, document.case)
    name = vault.get(document, "original_name") or "document"
    chunks = file_store.decrypt(document.uuid, document_key(vault, document))
    return OpenedDocument(name, document.content_type, document.size, chunks)
