from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, url_for

from caseapp.core.database import writes_late
from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.domain import permissions, roles
from caseapp.services import ServiceError, cases, documents, messages
from caseapp.services.vault import open_vault
from caseapp.web.actions import refusal_text
from caseapp.web.forms import MessageForm
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _
from caseapp.web.uploads import accepts_uploads

bp = Blueprint("messages", __name__, url_prefix="/cases")


def thread_page(case) -> str:
    user = current_user()
    endpoint = "intake.show_report" if user.role == roles.PARTNER else "screening.show_report"
    return url_for(endpoint, case_uuid=case.uuid, _anchor="thread")


@bp.route("/<uuid:case_uuid>/messages", methods=["POST"])
@accepts_uploads
@writes_late  # the files are scanned and the message encrypted beside other writers, then the lock is taken
def post_message(case_uuid: UUID):
    user = current_user()
    case = cases.find_visible_case(db.session, user, case_uuid)
    if case is None or case.reference is None or not permissions.can_use_thread(user, case.organisation_id):
        abort(404)
    form = MessageForm()
    if not form.validate_on_submit():
        flash(" ".join(form.body.errors) or _("Write a message."), "danger")
        return redirect(thread_page(case))
    vault = open_vault(db.session, keyring(), case)
    try:
        message = messages.seal_message(vault, user, form.body.data)
    except ServiceError as exc:
        flash(refusal_text(exc), "danger")
        return redirect(thread_page(case))
    # Files are checked and encrypted into the store before the write lock, which this then takes (REL-04);
    # a refusal keeps nothing.
    stored = documents.store_before_the_lock(db.session, file_store(), vault, documents.chosen_files(form.files.data),
                                             documents.UploadLimits.from_config(current_app.config),
                                             uploaded_by=user)
    if not stored.ok:
        db.session.rollback()
        # The problems name the files; a flash message is kept in the session between two requests, so it
        # says which files by position only and never carries a name the user typed (CRY-01).
        positions = sorted({problem.index + 1 for problem in stored.problems if problem.index is not None})
        flash(_("The message was not sent: file %(positions)s could not be accepted (its type or size, or the "
                "report's limits). Check it and send again.", positions=", ".join(map(str, positions)))
              if positions else _("The message was not sent: the files exceed the report's limits."), "danger")
        return redirect(thread_page(case))
    try:
        messages.add_message(db.session, vault, user, message)
        for document in documents.record(db.session, vault, stored.accepted, uploaded_by=user):
            document.message_id = message.id
    except ServiceError as exc:
        db.session.rollback()
        flash(refusal_text(exc), "danger")
        return redirect(thread_page(case))
    db.session.commit()
    flash(_("Message sent."), "success")
    return redirect(thread_page(case))
