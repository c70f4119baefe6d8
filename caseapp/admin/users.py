"""Accounts, for admins: the list with its filter, a new account, an account's page, and the changes to it
(address, role and organisation, disabling, sessions, two-factor reset, a new setup link, the second
admin's approval). A setup link goes only to the account's own address, by e-mail: no page here ever
shows one (AUTH-12)."""

from uuid import UUID

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from caseapp.admin.blueprint import bp
from caseapp.admin.forms import NewUserForm, UpdateUserForm, UserFilterForm
from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import permissions
from caseapp.models import Organisation, User
from caseapp.services import ServiceError, account_changes, accounts
from caseapp.web.actions import run_action
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm, flash_filter_errors
from caseapp.web.pagination import paginate
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _

FILTER_SESSION_KEY = "admin_user_filter"
SORTS = {
    "email": (User.email.asc(),),
    "role": (User.role.asc(), User.email.asc()),
    "created": (User.created_at.desc(), User.id.desc()),
    "last_login": (User.last_login_at.desc(), User.id.desc()),
}


def _user_or_404(user_uuid: UUID) -> User:
    """The scoped loader for accounts: only admins reach it (a malformed id never routes)."""
    user = db.session.execute(select(User).where(User.uuid == user_uuid)).scalar_one_or_none()
    if user is None or not permissions.can_manage_accounts(current_user()):
        abort(404)
    return user


def _organisation_choices():
    organisations = db.session.execute(select(Organisation).order_by(Organisation.name)).scalars()
    return [SelectChoice("", _("— none —"))] + [SelectChoice(str(o.id), o.name) for o in organisations]


def _selected_organisation(form) -> Organisation | None:
    return db.session.get(Organisation, int(form.organisation.data)) if form.organisation.data else None


def _user_page(user: User) -> str:
    return url_for("admin.show_user", user_uuid=user.uuid)


@bp.route("/users", methods=["GET", "POST"])
def list_users():
    form = UserFilterForm(data=session.get(FILTER_SESSION_KEY, {}))
    if request.method == "POST":
        # Search words travel by POST and live in the session, never in URLs or logs (DATA-01).
        if form.validate_on_submit():
            session[FILTER_SESSION_KEY] = {key: form[key].data or "" for key in ("q", "role", "status", "sort")}
        else:
            flash_filter_errors(form)
        return redirect(url_for("admin.list_users"))
    if request.args.get("show") == "waiting":  # the admin's home page count: a fixed preset, no search words
        session[FILTER_SESSION_KEY] = {"q": "", "role": "", "status": "waiting", "sort": "created"}
        return redirect(url_for("admin.list_users"))
    criteria = session.get(FILTER_SESSION_KEY, {})
    query = select(User)
    if criteria.get("q"):
        pattern = f"%{criteria['q'].strip().lower()}%"
        query = query.where(or_(User.email.like(pattern), func.lower(User.display_name).like(pattern)))
    if criteria.get("role"):
        query = query.where(User.role == criteria["role"])
    if criteria.get("status") == "active":
        query = query.where(User.disabled_at.is_(None))
    elif criteria.get("status") == "disabled":
        query = query.where(User.disabled_at.is_not(None))
    elif criteria.get("status") == "waiting":
        query = query.where(User.approval_requested_at.is_not(None), User.approved_at.is_(None))
    query = query.order_by(*SORTS.get(criteria.get("sort") or "email", SORTS["email"]))
    page = paginate(query, per_page=current_app.config["PAGE_SIZE"])
    return render_template("admin/list_users.html", page=page, form=form, filtered=any(criteria.values()))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    form.organisation.choices = _organisation_choices()

    def page(_problem=None):
        return render_template("admin/new_user.html", form=form)

    def create():
        return account_changes.create_account(
            db.session, keyring(), current_user(), email=form.email.data, role=form.role.data,
            organisation=_selected_organisation(form), display_name=form.display_name.data or "",
        )

    if request.method == "GET":
        return page()
    return run_action(form, create, page=page, field="email", done=_link_sent,
                      then=lambda user: redirect(_user_page(user)))


def _link_sent(user: User) -> str:
    message = _("A set-up link was sent to %(address)s.", address=user.email)
    if user.awaiting_approval:
        message += " " + _("The account reaches case content only after another administrator approves it.")
    return message


@bp.route("/users/<uuid:user_uuid>")
def show_user(user_uuid: UUID):
    user = _user_or_404(user_uuid)
    form = UpdateUserForm(obj=user, organisation=str(user.organisation_id or ""))
    form.organisation.choices = _organisation_choices()
    return _render_user(user, form)


def _render_user(user: User, form: UpdateUserForm) -> str:
    sessions = accounts.active_sessions(db.session, user)
    actor = current_user()
    return render_template(
        "admin/show_user.html", user=user, form=form, sessions=sessions, action_form=ActionForm(),
        editable=permissions.can_change_account(actor, user),
        can_approve=permissions.can_approve_account(actor, user, requested_by_id=user.approval_requested_by_id),
        other_approvers=bool(account_changes.approvers(db.session, besides=(user.id, user.approval_requested_by_id))),
    )


@bp.route("/users/<uuid:user_uuid>/update", methods=["POST"])
def update_user(user_uuid: UUID):
    user = _user_or_404(user_uuid)
    if not permissions.can_change_account(current_user(), user):
        flash(_("You cannot change your own account; ask another administrator."), "danger")
        return redirect(_user_page(user))
    form = UpdateUserForm()
    form.organisation.choices = _organisation_choices()
    return run_action(
        form, lambda: account_changes.update_account(db.session, current_user(), user, email=form.email.data,
                                                     role=form.role.data, organisation=_selected_organisation(form),
                                                     display_name=form.display_name.data or ""),
        page=lambda _problem: _render_user(user, form), field="role",
        done=lambda ended: _("Account updated.") + (
            " " + _("Their sessions were ended because their access changed.") if ended else "") + (
            " " + _("It waits for another administrator's approval.") if user.awaiting_approval else ""),
        then=_user_page(user),
    )


def _account_action(user_uuid: UUID, action, message: str):
    """A button on the account's page: a refusal is flashed there."""
    user = _user_or_404(user_uuid)
    return run_action(None, lambda: action(user), done=message, then=_user_page(user))


@bp.route("/users/<uuid:user_uuid>/disable", methods=["POST"])
def disable_user(user_uuid: UUID):
    return _account_action(
        user_uuid, lambda user: account_changes.set_disabled(db.session, current_user(), user, True),
        _("Account disabled; its sessions and setup links no longer work."),
    )


@bp.route("/users/<uuid:user_uuid>/enable", methods=["POST"])
def enable_user(user_uuid: UUID):
    return _account_action(
        user_uuid, lambda user: account_changes.set_disabled(db.session, current_user(), user, False),
        _("Account enabled."),
    )


@bp.route("/users/<uuid:user_uuid>/sessions/end", methods=["POST"])
def end_user_sessions(user_uuid: UUID):
    def end_all(user):
        if user.id == current_user().id:
            raise ServiceError(_("End your own sessions from your account page."))
        accounts.end_sessions(db.session, user)
        audit_request("sessions_ended", target_type="user", target_id=user.uuid)

    return _account_action(user_uuid, end_all, _("All sessions of this account have been ended."))


@bp.route("/users/<uuid:user_uuid>/two-factor/reset", methods=["POST"])
def reset_two_factor(user_uuid: UUID):
    return _account_action(
        user_uuid, lambda user: account_changes.reset_two_factor(db.session, current_user(), user),
        _("Two-factor reset. The user must set it up again at their next sign-in."),
    )


@bp.route("/users/<uuid:user_uuid>/setup-link", methods=["POST"])
def send_setup_link(user_uuid: UUID):
    """An admin's reset: a new set-up link goes to the account's own address, never to this page."""
    user = _user_or_404(user_uuid)
    return run_action(None, lambda: account_changes.send_setup_link(db.session, current_user(), user),
                      done=lambda _none: _link_sent(user), then=_user_page(user))


@bp.route("/users/<uuid:user_uuid>/approve", methods=["POST"])
def approve_user(user_uuid: UUID):
    """The second admin's approval (AUTH-12, four-eyes)."""
    return _account_action(
        user_uuid, lambda user: account_changes.approve(db.session, current_user(), user),
        _("Account approved. It now reaches what its role allows."),
    )
