"""Files sent as downloads, never rendered (UP-07): the attachment headers, and an evidence file's streamed,
decrypted body. Request plumbing shared by the documents blueprint, the JSON API and the CSV exports, so
none of them imports another blueprint."""

import unicodedata
from urllib.parse import quote

from flask import Response, stream_with_context
from sqlalchemy.orm import Session

from caseapp.core.files import EncryptedStore
from caseapp.crypto import Keyring
from caseapp.models import Document
from caseapp.services import documents

# Types a browser may be told; anything else goes out as application/octet-stream.
DOWNLOAD_TYPES = frozenset({
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain",
    "audio/mpeg", "audio/ogg", "audio/wav", "video/mp4", "video/webm",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
})
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 name, both free of quotes, slashes and controls."""
    cleaned = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").replace("/", "_").replace("\\", "_")
    cleaned = cleaned.strip() or "document"
    fallback = unicodedata.normalize("NFKD", cleaned).encode("ascii", "ignore").decode()
    fallback = "".join(ch if ch.isalnum() or ch in " .-_()" else "_" for ch in fallback).strip() or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def attachment_headers(name: str, content_type: str, size: int) -> dict[str, str]:
    return {
        "Content-Type": content_type if content_type in DOWNLOAD_TYPES else "application/octet-stream",
        "Content-Disposition": content_disposition(name),
        "Content-Length": str(size),
        "Content-Security-Policy": DOWNLOAD_CSP,
    }


def send_document(session: Session, keyring: Keyring, store: EncryptedStore, document: Document) -> Response:
    """Stream a document the caller may see, each chunk authenticated before it is sent (CRY-03, UP-07)."""
    opened = documents.open_document(session, keyring, store, document)
    first = next(opened.chunks, b"")  # a missing or corrupt file fails here, before any header is sent
    body = stream_with_context(_chain(first, opened.chunks))
    return Response(body, headers=attachment_headers(opened.name, opened.content_type, opened.size))


def _chain(first: bytes, rest):
    yield first
    yield from rest
