import re
import unicodedata
from datetime import date
from uuid import UUID

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from caseapp.admin import bp
from caseapp.admin.forms import (
    DECLARATION_LABELS,
    FIELD_LABELS,
    INSTRUMENT_LABELS,
    LISTING_LABELS,
    VERIFIED_LABELS,
    AuditFilterForm,
    NewStateForm,
    NewUserForm,
    OrganisationForm,
    RegisterCheckForm,
    StateForm,
    UpdateUserForm,
    UserFilterForm,
)
from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import audit as audit_rules
from caseapp.domain import permissions
from caseapp.domain.states import ENTRY_FIELDS, PARTY, SIGNATORY, protocol_entry_into_force, un_member_states
from caseapp.models import Organisation, StateParty, StatePartyChange, User
from caseapp.models.register import ADDED, CORRECTED, IMPORTED, REGISTER_CHECKED, REMOVED, SEEDED, UPDATED
from caseapp.services import ServiceError, accounts, audit
from caseapp.services import register as states
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm, flash_filter_errors
from caseapp.web.register import current_register
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



# --- the States register (domain/OP-ICESCR.md §5) --------------------------------------------------

ISO2_PATTERN = re.compile(r"[A-Z]{2}")
ACTION_LABELS = {
    SEEDED: _l("Seeded from the shipped register"),
    UPDATED: _l("Updated from a later shipped register"),
    ADDED: _l("Added"),
    CORRECTED: _l("Corrected"),
    IMPORTED: _l("Imported from a list of parties"),
    REMOVED: _l("Removed: no longer listed as a party"),
    REGISTER_CHECKED: _l("Register checked"),
}
VALUE_LABELS = {
    "listing": LISTING_LABELS,
    "instrument_type": INSTRUMENT_LABELS,
    "art10_declaration": DECLARATION_LABELS,
    "art11_declaration": DECLARATION_LABELS,
    "verified": VERIFIED_LABELS,
}
DATE_FIELDS = frozenset({"signature", "instrument_date", "entry_into_force", "as_of"})
MAX_QUERY = 100


def _state_or_404(iso2: str) -> StateParty:
    """A State of the register by its code; a malformed or unknown code is not found."""
    row = states.find_state(db.session, iso2) if ISO2_PATTERN.fullmatch(iso2) else None
    if row is None:
        abort(404)
    return row


def _display(name: str, value) -> str:
    """A stored (or history JSON) value as the pages show it."""
    if value is None or value == "":
        return str(DECLARATION_LABELS[""]) if name in ("art10_declaration", "art11_declaration") else "—"
    if name == "complete":
        return _("yes") if value else _("no")
    if name in DATE_FIELDS:
        day = value if isinstance(value, date) else date.fromisoformat(value)
        return format_date(day, "d MMM y")
    if name in VALUE_LABELS:
        return str(VALUE_LABELS[name].get(value, value))
    return str(value)


def _who(change: StatePartyChange) -> str:
    if change.changed_by is not None:
        return change.changed_by.email
    check = change.action == REGISTER_CHECKED
    if change.action in (SEEDED, UPDATED) or (check and (change.before is None or change.after.get("shipped"))):
        return _("seeded")
    if change.action in (IMPORTED, REMOVED) or check:  # the other changes no account made: `flask states import`
        return _("imported")
    return _("a removed account")


def _history_entry(change: StatePartyChange) -> dict:
    """One change as the history shows it: each field's value before and after (only after for a State
    seeded or added, when its empty fields are left out)."""
    after = change.after or {}
    before = change.before or {}
    if change.action == REGISTER_CHECKED:
        names = [name for name in ("as_of", "reported_parties", "complete") if name in after]
        labels = {"as_of": _("As of"), "reported_parties": _("Parties reported"), "complete": _("Complete")}
    else:
        names = [name for name in ENTRY_FIELDS if name in after or (change.action == REMOVED and name in before)]
        labels = FIELD_LABELS
    fields = []
    for name in names:
        if change.action in (SEEDED, ADDED) and (
                after.get(name) in (None, "") or (name == "instrument_year" and after.get("instrument_date"))):
            continue  # a new entry: its empty fields, and the year a full date already gives
        fields.append({
            "label": labels[name],
            "before": _display(name, before.get(name)) if change.before is not None else None,
            "after": _display(name, after.get(name)),
        })
    return {"change": change, "who": _who(change), "action": ACTION_LABELS[change.action], "fields": fields}


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _attach_state_errors(form, errors: dict[str, str]) -> list[str]:
    """Each message next to its field; those that belong to no field of the form are returned."""
    unplaced = []
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None or not hasattr(field, "errors"):
            unplaced.append(message)
        else:
            field.errors = [*field.errors, message]
    return unplaced


@bp.route("/states")
def list_states():
    check = states.latest_check(db.session)
    register = current_register()
    rows = states.entries(db.session)
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    if query:
        folded = _folded(query)
        rows = [row for row in rows if row.iso2 == query.upper() or folded in _folded(row.name)]
    records = {record.iso2: record for record in (*register.parties, *register.signatories)}
    listed = {
        listing: [(row, records[row.iso2]) for row in rows if row.listing == listing]
        for listing in (PARTY, SIGNATORY)
    }
    return render_template("admin/list_states.html", check=check, register=register, listed=listed, query=query,
                           display=_display, eif_certain=lambda record: protocol_entry_into_force(record).certain)


@bp.route("/states/<iso2>")
def show_state(iso2: str):
    row = _state_or_404(iso2)
    register = current_register()
    record = register.party(row.iso2) or register.signatory(row.iso2)
    changes = [_history_entry(change) for change in states.history(db.session, row.iso2)]
    details = [(FIELD_LABELS[name], _display(name, getattr(row, name))) for name in ENTRY_FIELDS
               if not (name == "instrument_year" and row.instrument_date is not None)]
    return render_template("admin/show_state.html", row=row, record=record, details=details, changes=changes,
                           check=states.latest_check(db.session), eif=protocol_entry_into_force(record))


def _state_choices() -> list[SelectChoice]:
    listed = set(db.session.execute(select(StateParty.iso2)).scalars())
    choices = [SelectChoice("", _("— choose a State —"))]
    for iso2, name in un_member_states(include_observers=True):
        label = _("%(name)s (already in the register)", name=name) if iso2 in listed else name
        choices.append(SelectChoice(iso2, label))
    return choices


@bp.route("/states/new", methods=["GET", "POST"])
def new_state():
    form = NewStateForm()
    form.iso2.choices = _state_choices()
    existing, unplaced = None, []
    if form.validate_on_submit():
        try:
            row = states.add_state(db.session, current_user(), form.entry_data(), form.source.data)
        except states.StateRejected as exc:
            db.session.rollback()
            unplaced = _attach_state_errors(form, exc.errors)
            existing = states.find_state(db.session, form.iso2.data)
        else:
            db.session.commit()
            flash(_("%(name)s was added to the register.", name=row.name), "success")
            return redirect(url_for("admin.show_state", iso2=row.iso2))
    return (render_template("admin/new_state.html", form=form, existing=existing, unplaced=unplaced),
            400 if form.errors or unplaced else 200)


@bp.route("/states/<iso2>/edit", methods=["GET", "POST"])
def edit_state(iso2: str):
    row = _state_or_404(iso2)
    if request.method == "GET":
        form = StateForm(obj=row)
        if row.instrument_date is not None:
            form.instrument_year.data = None  # the year field is for a deposit whose day is unknown
    else:
        form = StateForm()
    unplaced = []
    if form.validate_on_submit():
        try:
            states.correct_state(db.session, current_user(), row.iso2, form.entry_data(), form.source.data)
        except states.StateRejected as exc:
            db.session.rollback()
            unplaced = _attach_state_errors(form, exc.errors)
        except ServiceError as exc:
            db.session.rollback()
            unplaced = [exc.message]
        else:
            db.session.commit()
            flash(_("%(name)s was corrected; the history keeps the earlier values.", name=row.name), "success")
            return redirect(url_for("admin.show_state", iso2=row.iso2))
    return (render_template("admin/edit_state.html", form=form, row=row, unplaced=unplaced),
            400 if form.errors or unplaced else 200)


@bp.route("/states/check", methods=["GET", "POST"])
def check_register():
    form = RegisterCheckForm()
    unplaced = []
    if form.validate_on_submit():
        try:
            states.record_check(db.session, current_user(), form.as_of.data, form.reported_parties.data,
                                form.source.data, complete=form.complete.data)
        except states.StateRejected as exc:
            db.session.rollback()
            unplaced = _attach_state_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The register is now dated %(day)s.", day=_display("as_of", form.as_of.data)), "success")
            return redirect(url_for("admin.list_states"))
    changes = [_history_entry(change) for change in states.check_history(db.session)]
    return (render_template("admin/check_register.html", form=form, changes=changes, unplaced=unplaced,
                            check=states.latest_check(db.session), listed=len(current_register().parties)),
            400 if form.errors or unplaced else 200)


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
