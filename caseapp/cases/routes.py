from uuid import UUID

from flask import abort

from caseapp.cases import bp
from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.downloads import send_document
from caseapp.services import cases
from caseapp.web.audit_hooks import audit_request
from caseapp.web.security import current_user


@bp.route("/<uuid:case_uuid>/documents/<uuid:document_uuid>/download")
def download_document(case_uuid: UUID, document_uuid: UUID):
    """Stream an evidence file, each chunk authenticated before it is sent (CRY-03, UP-07)."""
    document = cases.find_visible_document(db.session, current_user(), case_uuid, document_uuid)
    if document is None:
        abort(404)  # AC-04: another organisation's file looks like no file
    audit_request("document_downloaded", target_type="document", target_id=document.uuid, case=document.case)  # AC-08
    return send_document(db.session, keyring(), file_store(), document)
