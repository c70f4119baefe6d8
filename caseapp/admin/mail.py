"""Undeliverable mail, for admins: the messages ``flask notify send`` gave up on (refused for good, or too
often), with who they were for and why, and a button to put one back in the queue once the address or the
server is fixed. Only the kind of event, the case reference and the recipient show: no message holds more."""

from uuid import UUID

from flask import abort, current_app, flash, redirect, render_template, url_for

from caseapp.admin.blueprint import bp
from caseapp.core.extensions import db
from caseapp.domain import notifications as kinds
from caseapp.services import notifications
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm
from caseapp.web.pagination import paginate
from caseapp.web.translation import gettext as _


@bp.route("/mail")
def undeliverable_mail():
    page = paginate(notifications.undeliverable_query(), per_page=current_app.config["PAGE_SIZE"])
    return render_template("admin/undeliverable_mail.html", page=page, kinds=kinds.KINDS, action_form=ActionForm())


@bp.route("/mail/<uuid:notification_uuid>/send-again", methods=["POST"])
def send_mail_again(notification_uuid: UUID):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if not notifications.send_again(db.session, notification_uuid):
        abort(404)
    audit_request("mail_requeued", target_type="notification", target_id=notification_uuid)
    db.session.commit()
    flash(_("The message is back in the queue: the next run of “flask notify send” sends it."), "success")
    return redirect(url_for("admin.undeliverable_mail"))
