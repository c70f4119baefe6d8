from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, url_for

from caseapp.core.database import writes_late
from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.domain import permissions, roles
from caseapp.intake import routes as intake_pages
from caseapp.screening import routes as screening_pages
from caseapp.services import ServiceError, cases, documents, messages
from caseapp.services.vault import open_vault
from caseapp.web.actions import refusal_text
from caseapp.web.forms import MessageForm
from caseapp.web.locales import say
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _
from caseapp.web.uploads import accepts_uploads

bp = Blueprint("messages", __name__, url_prefix="/cases")


def thread_page(case) -> str:
    user = current_user()
    endpoint = "intake.show_report" if user.role == roles.PARTNER else "screening.show_report"
    return url_for(endpoint, case_uuid=case.uuid, _anchor="thread")


def _shown_again(case, form: MessageForm):
    """The page the thread is on, with the refused message as typed and its problems beside its fields: a
    redirect would lose what was written (and a flash message waits in the session, where no typed words
    may go, CRY-01)."""
    if current_user().role == roles.PARTNER:
        return intake_pages.report_page(case, message_form=form), 400
    return screening_pages.workspace(case, message_form=form), 400


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
        return _shown_again(case, form)
    vault = open_vault(db.session, keyring(), case)
    try:
        message = messages.seal_message(vault, user, form.body.data)
    except ServiceError as exc:
        form.body.errors = [*form.body.errors, refusal_text(exc)]
        return _shown_again(case, form)
    # Files are checked and encrypted into the store before the write lock, which this then takes (REL-04);
    # a refusal keeps nothing.
    stored = documents.store_before_the_lock(db.session, file_store(), vault, documents.chosen_files(form.files.data),
                                             documents.UploadLimits.from_config(current_app.config),
                                             uploaded_by=user)
    if not stored.ok:
        db.session.rollback()
        form.files.errors = [*form.files.errors, *(say(problem.message) for problem in stored.problems)]
        return _shown_again(case, form)
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
