"""The States register's pages, for admins (domain/OP-ICESCR.md §5): the register with its date, completeness,
counts and history; a State's entry with its history; a new State; corrections; the dated checks of the
whole register; the Covenant statuses. Paths stay under /admin/states (bookmarks)."""

import re
import unicodedata
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from caseapp.core.extensions import db
from caseapp.domain.register import (
    ENTRY_FIELDS,
    PARTY,
    SIGNATORY,
    protocol_entry_into_force,
    state_name,
    un_member_states,
)
from caseapp.models import StateParty, StatePartyChange
from caseapp.models.register import (
    ADDED,
    CORRECTED,
    COVENANT,
    IMPORTED,
    PROTOCOL,
    REGISTER_CHECKED,
    REMOVED,
    SEEDED,
    UPDATED,
)
from caseapp.register.forms import (
    COVENANT_FIELD_LABELS,
    COVENANT_INSTRUMENT_LABELS,
    COVENANT_STATUS_LABELS,
    DECLARATION_LABELS,
    FIELD_LABELS,
    INSTRUMENT_LABELS,
    LISTING_LABELS,
    VERIFIED_LABELS,
    NewStateForm,
    RegisterCheckForm,
    StateForm,
)
from caseapp.services import ServiceError, register
from caseapp.web.actions import refusal_text
from caseapp.web.forms import attach_problems
from caseapp.web.pagination import paginate
from caseapp.web.register import current_register
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _
from caseapp.web.translation import lazy_gettext as _l

bp = Blueprint("register", __name__, url_prefix="/admin/states")  # paths kept: admins bookmarked them

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
COVENANT_VALUE_LABELS = {**VALUE_LABELS, "status": COVENANT_STATUS_LABELS,
                         "instrument_type": COVENANT_INSTRUMENT_LABELS}
DATE_FIELDS = frozenset({"signature", "instrument_date", "entry_into_force", "as_of"})
CHECK_LABELS = {"as_of": _l("As of"), "reported_parties": _l("Parties reported"), "complete": _l("Complete")}
MAX_QUERY = 100
HISTORY_PAGE_SIZE = 50


def _state_or_404(iso2: str) -> StateParty:
    """A State of the register by its code; a malformed or unknown code is not found."""
    row = register.find_state(db.session, iso2) if ISO2_PATTERN.fullmatch(iso2) else None
    if row is None:
        abort(404)
    return row


def _display(name: str, value, labels: dict = VALUE_LABELS) -> str:
    """A stored (or history JSON) value as the pages show it."""
    if value is None or value == "":
        return str(DECLARATION_LABELS[""]) if name in ("art10_declaration", "art11_declaration") else "—"
    if name == "complete":
        return _("yes") if value else _("no")
    if name in DATE_FIELDS:
        day = value if isinstance(value, date) else date.fromisoformat(value)
        return format_date(day, "d MMM y")
    if name in labels:
        return str(labels[name].get(value, value))
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


# Fields whose values are the register's own notes on its sources, written in English as the sources are
# (UN Treaty Collection, decisions' paragraphs): pages mark them lang="en" rather than translate them.
SOURCE_TEXT_FIELDS = frozenset({"source_note", "eif_basis", "source"})


def _history_entry(change: StatePartyChange) -> dict:
    """One change as the histories show it: the State (or the whole list) and its treaty, and each field's
    value before and after (only after for a new entry, whose empty fields are left out; only before for a
    removed one)."""
    after = change.after or {}
    before = change.before or {}
    covenant = change.treaty == COVENANT
    values = COVENANT_VALUE_LABELS if covenant else VALUE_LABELS
    if change.action == REGISTER_CHECKED:
        names = [name for name in CHECK_LABELS if name in after or name in before]
        labels = CHECK_LABELS
    else:
        labels = COVENANT_FIELD_LABELS if covenant else FIELD_LABELS
        names = [name for name in (COVENANT_FIELD_LABELS if covenant else ENTRY_FIELDS)
                 if name in after or (change.action == REMOVED and name in before)]
    new = change.before is None and change.action != REGISTER_CHECKED
    fields = []
    for name in names:
        if new and (after.get(name) in (None, "") or (name == "instrument_year" and after.get("instrument_date"))):
            continue  # a new entry: its empty fields, and the year a full date already gives
        fields.append({
            "label": labels[name],
            "source_text": name in SOURCE_TEXT_FIELDS,
            "before": _display(name, before.get(name), values) if change.before is not None else None,
            "after": _display(name, after.get(name), values),
        })
    return {"change": change, "who": _who(change), "action": ACTION_LABELS[change.action], "fields": fields,
            "state": state_name(change.iso2) or change.iso2}


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _attach_state_errors(form, errors: dict[str, str]) -> list[str]:
    """Each message next to its field; those that belong to no field of the form are returned."""
    def field_of(name: str):
        field = getattr(form, name, None)
        return field if hasattr(field, "errors") else None

    return [message for _name, message in attach_problems(errors, field_of)]


def _history_page(treaty: str):
    """One page of a list's history, newest first, with who made each change loaded in the same query count."""
    query = register.register_history(treaty).options(selectinload(StatePartyChange.changed_by))
    return paginate(query, per_page=HISTORY_PAGE_SIZE)


@bp.route("")
def list_states():
    """The register: its date, source and completeness, the counts of both lists, the parties and
    signatories (searchable), and the history of every change to them, a page at a time."""
    check = register.latest_check(db.session)
    loaded = current_register()
    rows = register.entries(db.session)
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    if query:
        folded = _folded(query)
        rows = [row for row in rows if row.iso2 == query.upper() or folded in _folded(row.name)]
    records = {record.iso2: record for record in (*loaded.parties, *loaded.signatories)}
    listed = {
        listing: [(row, records[row.iso2]) for row in rows if row.listing == listing]
        for listing in (PARTY, SIGNATORY)
    }
    history = None if query else _history_page(PROTOCOL)  # a search looks for a State, not for the history
    return render_template(
        "register/list_states.html", check=check, register=loaded, listed=listed, query=query, display=_display,
        eif_certain=lambda record: protocol_entry_into_force(record).certain, page=history,
        changes=[_history_entry(change) for change in history.items] if history else [], covenant=loaded.covenant,
    )


@bp.route("/covenant")
def list_covenant():
    """Every UN member State's status under the Covenant, with its dates, as of the list's date, and the
    history of the list, a page at a time."""
    statuses = register.covenant_entries(db.session)
    check = register.latest_check(db.session, COVENANT)
    counts = {status: sum(row.status == status for row in statuses) for status in COVENANT_STATUS_LABELS}
    history = _history_page(COVENANT)
    return render_template("register/list_covenant.html", statuses=statuses, check=check, counts=counts,
                           page=history, changes=[_history_entry(change) for change in history.items],
                           status_labels=COVENANT_STATUS_LABELS, instrument_labels=COVENANT_INSTRUMENT_LABELS,
                           verified_labels=VERIFIED_LABELS)


@bp.route("/<iso2>")
def show_state(iso2: str):
    row = _state_or_404(iso2)
    loaded = current_register()
    record = loaded.party(row.iso2) or loaded.signatory(row.iso2)
    changes = [_history_entry(change) for change in register.history(db.session, row.iso2)]
    details = [(FIELD_LABELS[name], _display(name, getattr(row, name))) for name in ENTRY_FIELDS
               if not (name == "instrument_year" and row.instrument_date is not None)]
    return render_template("register/show_state.html", row=row, record=record, details=details, changes=changes,
                           check=register.latest_check(db.session), eif=protocol_entry_into_force(record),
                           covenant=loaded.covenant.record(row.iso2) if loaded.covenant else None,
                           status_labels=COVENANT_STATUS_LABELS)


def _state_choices() -> list[SelectChoice]:
    listed = set(db.session.execute(select(StateParty.iso2)).scalars())
    choices = [SelectChoice("", _("— choose a State —"))]
    for iso2, name in un_member_states(include_observers=True):
        label = _("%(name)s (already in the register)", name=name) if iso2 in listed else name
        choices.append(SelectChoice(iso2, label))
    return choices


@bp.route("/new", methods=["GET", "POST"])
def new_state():
    form = NewStateForm()
    form.iso2.choices = _state_choices()
    existing, unplaced = None, []
    if form.validate_on_submit():
        try:
            row = register.add_state(db.session, current_user(), form.entry_data(), form.source.data)
        except register.RegisterChangeError as exc:
            db.session.rollback()
            unplaced = _attach_state_errors(form, exc.errors)
            existing = register.find_state(db.session, form.iso2.data)
        else:
            db.session.commit()
            flash(_("%(name)s was added to the register.", name=row.name), "success")
            return redirect(url_for("register.show_state", iso2=row.iso2))
    return (render_template("register/new_state.html", form=form, existing=existing, unplaced=unplaced),
            400 if form.errors or unplaced else 200)


@bp.route("/<iso2>/edit", methods=["GET", "POST"])
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
            register.correct_state(db.session, current_user(), row.iso2, form.entry_data(), form.source.data)
        except register.RegisterChangeError as exc:
            db.session.rollback()
            unplaced = _attach_state_errors(form, exc.errors)
        except ServiceError as exc:
            db.session.rollback()
            unplaced = [refusal_text(exc)]
        else:
            db.session.commit()
            flash(_("%(name)s was corrected; the history keeps the earlier values.", name=row.name), "success")
            return redirect(url_for("register.show_state", iso2=row.iso2))
    return (render_template("register/edit_state.html", form=form, row=row, unplaced=unplaced),
            400 if form.errors or unplaced else 200)


@bp.route("/check", methods=["GET", "POST"])
def check_register():
    form = RegisterCheckForm()
    unplaced = []
    if form.validate_on_submit():
        try:
            register.record_check(db.session, current_user(), form.as_of.data, form.reported_parties.data,
                                  form.source.data, complete=form.complete.data)
        except register.RegisterChangeError as exc:
            db.session.rollback()
            unplaced = _attach_state_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The register is now dated %(day)s.", day=_display("as_of", form.as_of.data)), "success")
            return redirect(url_for("register.list_states"))
    changes = [_history_entry(change) for change in register.check_history(db.session)]
    return (render_template("register/check_register.html", form=form, changes=changes, unplaced=unplaced,
                            check=register.latest_check(db.session), listed=len(current_register().parties)),
            400 if form.errors or unplaced else 200)
