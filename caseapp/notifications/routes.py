from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from caseapp.core.extensions import csrf, db
from caseapp.domain import notifications as kinds
from caseapp.domain import roles, stages
from caseapp.models import Case, User
from caseapp.services import notifications
from caseapp.web.forms import ActionForm
from caseapp.web.pagination import paginate
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def case_page(user: User, case: Case) -> str:
    """The page on which this person sees the case: the report for its organisation, the screening workspace for
    lawyers while it is screened or declined, the Committee page otherwise."""
    if user.role == roles.PARTNER:
        return url_for("intake.show_report", case_uuid=case.uuid)
    if user.role == roles.LAWYER and (case.stage in stages.SCREENING_STAGES or case.stage == stages.DECLINED):
        return url_for("screening.show_report", case_uuid=case.uuid)
    return url_for("committee.show_case", case_uuid=case.uuid)


@bp.route("/<uuid:notification_uuid>")
def open_notification(notification_uuid: UUID):
    """Mark the notification read and open what it is about, on the page this person may see (the page itself
    checks, as always, that they still may)."""
    user = current_user()
    row = notifications.find_own(db.session, user, notification_uuid)
    if row is None:
        abort(404)
    notifications.mark_read(db.session, user, row.uuid)
    db.session.commit()
    if row.case is not None:  # the page it leads to loads the case through its own scoped loader (AC-03)
        return redirect(case_page(user, row.case))
    if row.kind == kinds.DEADLINE_DIGEST:
        return redirect(url_for("deadlines.dashboard"))
    return redirect(row.link or url_for("main.index"))


def _unsubscribing(token: str) -> tuple[User, str]:
    found = notifications.read_unsubscribe_token(current_app.config["SECRET_KEY"], token,
                                                 current_app.config["UNSUBSCRIBE_LINK_LIFETIME"])
    if found is None:
        abort(404)
    user_uuid, kind = found
    user = db.session.execute(select(User).where(User.uuid == user_uuid)).scalar_one_or_none()
    if user is None or (kind not in kinds.CHOOSABLE_KINDS and kind != kinds.DEADLINE_DIGEST):
        abort(404)
    return user, kind


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    """The page an e-mail's unsubscribe link opens, signed in or not: one button, so that a mail scanner that
    follows links turns nothing off."""
    _user, kind = _unsubscribing(token)
    return render_template("notifications/unsubscribe.html", kind_label=_(kinds.KINDS[kind].label), token=token,
                           form=ActionForm(), done=False)


# GET and POST share the URL; OPTIONS there belongs to the GET rule only (as for the API's POST /reports).
@bp.route("/unsubscribe/<token>", methods=["POST"], provide_automatic_options=False)
@csrf.exempt  # the signed, expiring token is the proof (RFC 8058 one-click from the mail client carries no form)
def confirm_unsubscribe(token: str):
    user, kind = _unsubscribing(token)
    if kind == kinds.DEADLINE_DIGEST:
        user.digest_frequency = "never"
    else:
        notifications.set_preference(db.session, user, kind, kinds.NEVER)
    db.session.commit()
    if request.form.get("List-Unsubscribe") == "One-Click":
        return "", 204
    return render_template("notifications/unsubscribe.html", kind_label=_(kinds.KINDS[kind].label), token=token,
                           form=ActionForm(), done=True)


# --- each person's list (issue 16, point 6) -------------------------------------------------------------


def kind_in_words(row) -> str:
    """The kind of a notification in the reader's language; an account change names what changed."""
    kind = kinds.KINDS.get(row.kind)
    if kind is None:
        return row.kind
    change = (row.params or {}).get("change") if row.kind == kinds.ACCOUNT_CHANGED else None
    if change in kinds.ACCOUNT_CHANGES:
        return _("%(kind)s: %(change)s", kind=_(kind.label), change=_(kinds.ACCOUNT_CHANGES[change]))
    return _(kind.label)


@bp.route("", methods=["GET"])
def list_notifications():
    """The signed-in person's notifications, newest first, a page at a time; unread ones marked. Each opens
    through ``open_notification`` (which marks it read and leads to the page this person may see)."""
    user = current_user()
    page = paginate(notifications.inbox_query(user), per_page=current_app.config["PAGE_SIZE"])
    rows = [{"uuid": row.uuid, "label": kind_in_words(row), "reference": row.reference, "created_at": row.created_at,
             "unread": row.read_at is None, "link": notifications.open_path(row)} for row in page.items]
    return render_template("notifications/list_notifications.html", rows=rows, page=page,
                           unread=notifications.unread_count(db.session, user), action_form=ActionForm())


@bp.route("/read", methods=["POST"])
def mark_all_read():
    """Mark every notification of the signed-in person read."""
    changed = notifications.mark_read(db.session, current_user())
    db.session.commit()
    if changed:
        flash(_("Every notification is marked as read."), "success")
    return redirect(url_for("notifications.list_notifications"))
