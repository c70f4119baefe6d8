"""Headers for files sent to the browser as downloads, never rendered (UP-07)."""

import unicodedata
from urllib.parse import quote

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
