from uuid import UUID

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from caseapp.admin import bp
from caseapp.admin.forms import (
    AuditFilterForm,
    NewUserForm,
    OrganisationForm,
    UpdateUserForm,
    UserFilterForm,
)
from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import audit as audit_rules
from caseapp.domain import permissions
from caseapp.models import Organisation, User
from caseapp.services import ServiceError, accounts, audit
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm, flash_filter_errors
from caseapp.web.security import current_user

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


def _back_to(user: User):
    return redirect(url_for("admin.show_user", user_uuid=user.uuid))


# --- users ---------------------------------------------------------------------------------------


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
    query = query.order_by(*SORTS.get(criteria.get("sort") or "email", SORTS["email"]))
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/list_users.html", page=page, form=form, filtered=any(criteria.values()))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session, keyring(), email=form.email.data, role=form.role.data,
                organisation=_selected_organisation(form), display_name=form.display_name.data or "",
                actor=current_user(),
            )
            token = accounts.issue_setup_token(db.session, user, current_app.config["SETUP_TOKEN_LIFETIME"],
                                               actor=current_user())
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            db.session.commit()
            return render_template("admin/setup_link.html", user=user, link=_setup_link(token), created=True)
    return render_template("admin/new_user.html", form=form), 400 if form.errors else 200


def _setup_link(token: str) -> str:
    return url_for("auth.setup_account", token=token, _external=True)


@bp.route("/users/<uuid:user_uuid>")
def show_user(user_uuid: UUID):
    user = _user_or_404(user_uuid)
    form = UpdateUserForm(obj=user, organisation=str(user.organisation_id or ""))
    form.organisation.choices = _organisation_choices()
    return _render_user(user, form)


def _render_user(user: User, form: UpdateUserForm, status: int = 200):
    sessions = accounts.active_sessions(db.session, user)
    return (
        render_template("admin/show_user.html", user=user, form=form, sessions=sessions, action_form=ActionForm(),
                        editable=permissions.can_change_account(current_user(), user)),
        status,
    )


@bp.route("/users/<uuid:user_uuid>/update", methods=["POST"])
def update_user(user_uuid: UUID):
    user = _user_or_404(user_uuid)
    if not permissions.can_change_account(current_user(), user):
        flash(_("You cannot change your own account; ask another administrator."), "danger")
        return _back_to(user)
    form = UpdateUserForm()
    form.organisation.choices = _organisation_choices()
    if not form.validate_on_submit():
        return _render_user(user, form, 400)
    try:
        ended = accounts.update_user(
            db.session, current_user(), user, role=form.role.data,
            organisation=_selected_organisation(form), display_name=form.display_name.data or "",
        )
    except ServiceError as exc:
        db.session.rollback()
        getattr(form, exc.field or "role").errors.append(exc.message)
        return _render_user(user, form, 400)
    db.session.commit()
    flash(_("Account updated.") + (" " + _("Their sessions were ended because their access changed.") if ended else ""), "success")
    return _back_to(user)


def _account_action(user_uuid: str, action, message: str):
    user = _user_or_404(user_uuid)
    try:
        action(user)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return _back_to(user)
    db.session.commit()
    flash(message, "success")
    return _back_to(user)


@bp.route("/users/<uuid:user_uuid>/disable", methods=["POST"])
def disable_user(user_uuid: UUID):
    return _account_action(
        user_uuid, lambda user: accounts.set_disabled(db.session, current_user(), user, True),
        _("Account disabled; its sessions and setup links no longer work."),
    )


@bp.route("/users/<uuid:user_uuid>/enable", methods=["POST"])
def enable_user(user_uuid: UUID):
    return _account_action(
        user_uuid, lambda user: accounts.set_disabled(db.session, current_user(), user, False), _("Account enabled.")
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
        user_uuid, lambda user: accounts.reset_two_factor(db.session, current_user(), user),
        _("Two-factor reset. The user must set it up again at their next sign-in."),
    )


@bp.route("/users/<uuid:user_uuid>/setup-link", methods=["POST"])
def issue_setup_link(user_uuid: UUID):
    user = _user_or_404(user_uuid)
    if not permissions.can_change_account(current_user(), user) or not user.is_active:
        flash(_("A setup link can only be made for another, active account."), "danger")
        return _back_to(user)
    token = accounts.issue_setup_token(db.session, user, current_app.config["SETUP_TOKEN_LIFETIME"], actor=current_user())
    db.session.commit()
    return render_template("admin/setup_link.html", user=user, link=_setup_link(token), created=False)


# --- organisations -------------------------------------------------------------------------------


@bp.route("/organisations")
def list_organisations():
    counts = (
        select(Organisation, func.count(User.id))
        .outerjoin(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    )
    rows = db.session.execute(counts).all()
    return render_template("admin/list_organisations.html", rows=rows)


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = accounts.create_organisation(db.session, form.name.data, actor=current_user())
        except ServiceError as exc:
            db.session.rollback()
            form.name.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Organisation “%(name)s” created.", name=organisation.name), "success")
            return redirect(url_for("admin.list_organisations"))
    return render_template("admin/new_organisation.html", form=form), 400 if form.errors else 200



# --- the audit log (LOG-01) --------------------------------------------------------------------------

AUDIT_PAGE_SIZE = 50


@bp.route("/audit")
def audit_log():
    """Audit events, newest first, filtered by actor, case, action and dates. The chain itself is
    checked by `flask audit verify`."""
    accounts_by_uuid = {str(user.uuid): user for user in db.session.execute(select(User).order_by(User.email)).scalars()}
    form = AuditFilterForm(formdata=request.args)
    form.actor.choices = [SelectChoice("", _("Everyone"))] + [SelectChoice(key, user.email)
                                                              for key, user in accounts_by_uuid.items()]
    if not form.validate():
        return render_template("admin/audit_log.html", form=form, page=None, total=audit.count(db.session),
                               describe=audit_rules.describe, accounts={}, filtered=True), 400
    actor = accounts_by_uuid.get(form.actor.data or "")
    query = audit.search(actor_id=actor.id if actor else None, case_reference=form.case.data or None,
                         action=form.action.data or None, since=form.since.data, until=form.until.data)
    page = db.paginate(query, per_page=AUDIT_PAGE_SIZE, error_out=False)
    filtered = any(request.args.get(name) for name in ("actor", "case", "action", "since", "until"))
    return render_template("admin/audit_log.html", form=form, page=page, total=audit.count(db.session),
                           describe=audit_rules.describe, filtered=filtered,
                           accounts={user.id: user for user in accounts_by_uuid.values()})
