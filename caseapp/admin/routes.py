"""The States register, for admins (domain/OP-ICESCR.md §5): the list, a State's entry with its history,
a new State, corrections, and the dated checks of the whole register. Accounts, organisations and the
audit log have their own modules (users, organisations, audit)."""

import re
import unicodedata
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from caseapp.admin.blueprint import bp
from caseapp.admin.forms import (
    DECLARATION_LABELS,
    FIELD_LABELS,
    INSTRUMENT_LABELS,
    LISTING_LABELS,
    VERIFIED_LABELS,
    NewStateForm,
    RegisterCheckForm,
    StateForm,
)
from caseapp.core.extensions import db
from caseapp.domain.states import ENTRY_FIELDS, PARTY, SIGNATORY, un_member_states
from caseapp.models import StateParty, StatePartyChange
from caseapp.models.register import ADDED, CORRECTED, REGISTER_CHECKED, SEEDED
from caseapp.services import ServiceError
from caseapp.services import register as states
from caseapp.web.register import current_register
from caseapp.web.security import current_user

# --- the States register (domain/OP-ICESCR.md §5) --------------------------------------------------

ISO2_PATTERN = re.compile(r"[A-Z]{2}")
ACTION_LABELS = {
    SEEDED: _l("Seeded from the shipped register"),
    ADDED: _l("Added"),
    CORRECTED: _l("Corrected"),
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
    if name in DATE_FIELDS:
        day = value if isinstance(value, date) else date.fromisoformat(value)
        return format_date(day, "d MMM y")
    if name in VALUE_LABELS:
        return str(VALUE_LABELS[name].get(value, value))
    return str(value)


def _who(change: StatePartyChange) -> str:
    if change.changed_by is not None:
        return change.changed_by.email
    if change.action == SEEDED or (change.action == REGISTER_CHECKED and change.before is None):
        return _("seeded")
    return _("a removed account")


def _history_entry(change: StatePartyChange) -> dict:
    """One change as the history shows it: each field's value before and after (only after for a State
    seeded or added, when its empty fields are left out)."""
    after = change.after or {}
    before = change.before or {}
    if change.action == REGISTER_CHECKED:
        names = ("as_of", "reported_parties")
        labels = {"as_of": _("As of"), "reported_parties": _("Parties reported")}
    else:
        names = [name for name in ENTRY_FIELDS if name in after]
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
                           display=_display)


@bp.route("/states/<iso2>")
def show_state(iso2: str):
    row = _state_or_404(iso2)
    register = current_register()
    record = register.party(row.iso2) or register.signatory(row.iso2)
    changes = [_history_entry(change) for change in states.history(db.session, row.iso2)]
    details = [(FIELD_LABELS[name], _display(name, getattr(row, name))) for name in ENTRY_FIELDS
               if not (name == "instrument_year" and row.instrument_date is not None)]
    return render_template("admin/show_state.html", row=row, record=record, details=details, changes=changes,
                           check=states.latest_check(db.session))


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
                                form.source.data)
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
