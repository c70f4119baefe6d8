from uuid import UUID

from flask import Response, abort, stream_with_context

from caseapp.cases import bp
from caseapp.downloads import attachment_headers
from caseapp.extensions import db
from caseapp.runtime import file_store, keyring
from caseapp.security import current_user
from caseapp.services import cases
from caseapp.services.vault import open_vault


def _uuid_or_404(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        abort(404)


@bp.route("/<case_uuid>/documents/<document_uuid>/download")
def download_document(case_uuid: str, document_uuid: str):
    """Stream an evidence file, each chunk authenticated before it is sent (CRY-03, UP-07)."""
    document = cases.find_visible_document(db.session, current_user(), _uuid_or_404(case_uuid), _uuid_or_404(document_uuid))
    if document is None:
        abort(404)  # AC-04: another organisation's file looks like no file
    vault = open_vault(db.session, keyring(), document.case)
    file_key = cases.document_key(vault, document)
    name = vault.get(document, "original_name") or "document"
    chunks = file_store().decrypt(document.uuid, file_key)
    first = next(chunks, b"")  # a missing or corrupt file fails here, before any header is sent
    body = stream_with_context(_chain(first, chunks))
    return Response(body, headers=attachment_headers(name, document.content_type, document.size))


def _chain(first: bytes, rest):
    yield first
    yield from rest
