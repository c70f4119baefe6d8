"""Marker strings planted in test data, and scans of raw bytes for them (CRY-01, DATA-04).

Shared by the encryption-at-rest tests (the instance folder) and the backup drill (a backup folder).
"""

from pathlib import Path

MARKERS = {
    "narrative": "MARKERNARRATIVE7f3a",
    "name": "MARKERVICTIMNAMEb21c",
    "contact": "MARKERCONTACT90de",
    "identity": "MARKERIDNUM55aa",
    "file_name": "MARKERFILENAME31bb.pdf",
    "file_body": "MARKERFILEBODY88cc",
}


def bytes_under(root: Path) -> bytes:
    """Every byte of every file under ``root`` (a database, its WAL, a file store, a backup)."""
    return b"".join(path.read_bytes() for path in sorted(Path(root).rglob("*")) if path.is_file())


def readable_markers(raw: bytes, markers=None) -> list[str]:
    """The markers (default: ``MARKERS``) found in ``raw`` as UTF-8, UTF-16 or hex text (PostgreSQL
    prints bytea as hex)."""
    found = []
    for marker in MARKERS.values() if markers is None else markers:
        forms = (marker.encode(), marker.encode("utf-16-le"), marker.encode().hex().encode())
        if any(form in raw for form in forms):
            found.append(marker)
    return found
