"""Evidence files, downloaded by whoever may read their case's content: the partners of its organisation,
the lawyers and the coordinators on its case team (AC-06; the JSON API streams them too, through the same
``caseapp.web.downloads``)."""

from uuid import UUID

from flask import Blueprint, abort

from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.services import case_teams, cases
from caseapp.web.audit_hooks import audit_request
from caseapp.web.downloads import send_document
from caseapp.web.security import current_user

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.route("/<uuid:case_uuid>/<uuid:document_uuid>/download")
def download_document(case_uuid: UUID, document_uuid: UUID):
    """Stream an evidence file, each chunk authenticated before it is sent (CRY-03, UP-07)."""
    user = current_user()
    document = cases.find_visible_document(db.session, user, case_uuid, document_uuid)
    # AC-04: another organisation's file looks like no file; AC-06: so does a file of a case whose team
    # a coordinator is not on (the scoped loaders' convention: 404 for what one may not see).
    if document is None or not case_teams.may_read_content(db.session, user, document.case):
        abort(404)
    audit_request("document_downloaded", target_type="document", target_id=document.uuid, case=document.case)  # AC-08
    return send_document(db.session, keyring(), file_store(), document)
