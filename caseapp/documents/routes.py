"""Evidence files, downloaded by whoever may see their case: the partners of its organisation and the case
team (the JSON API streams them too, through the same ``caseapp.web.downloads``)."""

from uuid import UUID

from flask import Blueprint, abort

from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.services import cases
from caseapp.web.audit_hooks import audit_request
from caseapp.web.downloads import send_document
from caseapp.web.security import current_user

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.route("/<uuid:case_uuid>/<uuid:document_uuid>/download")
def download_document(case_uuid: UUID, document_uuid: UUID):
    """Stream an evidence file, each chunk authenticated before it is sent (CRY-03, UP-07)."""
    document = cases.find_visible_document(db.session, current_user(), case_uuid, document_uuid)
    if document is None:
        abort(404)  # AC-04: another organisation's file looks like no file
    audit_request("document_downloaded", target_type="document", target_id=document.uuid, case=document.case)  # AC-08
    return send_document(db.session, keyring(), file_store(), document)
