"""Partners' reports: list, the guided form (drafts), submission, and the report page."""

import re
from functools import partial
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict

from caseapp.core.database import start_writing, writes_late
from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer, file_store, keyring
from caseapp.domain import covenant
from caseapp.domain.register import protocol_warnings
from caseapp.domain.report import ReportInput
from caseapp.domain.uploads import ALLOWED_EXTENSIONS
from caseapp.intake import steps
from caseapp.intake.forms import (
    REPEATABLE,
    OneYearForm,
    ReportForm,
    configure,
    form_data,
    mark_required,
    read_fields,
    remedies_input,
    to_input,
)
from caseapp.intake.listing import DEFAULT_SORT, LIST_SORTS, ReportFilterForm, report_rows
from caseapp.models import Case, Document
from caseapp.models.base import utcnow
from caseapp.services import cases, documents, intake, messages, state_names, todo
from caseapp.services.vault import CaseVault, open_vault
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm, MessageForm, attach_problems, flash_filter_errors
from caseapp.web.labels import PRESET_LABELS, STATUS_LABELS
from caseapp.web.locales import say
from caseapp.web.pagination import CountedPagination, page_number
from caseapp.web.register import current_register
from caseapp.web.security import current_user
from caseapp.web.sorting import read_sorting
from caseapp.web.translation import gettext as _
from caseapp.web.translation import lazy_gettext as _l
from caseapp.web.uploads import accepts_uploads

bp = Blueprint("intake", __name__, url_prefix="/intake")

FILTER_SESSION_KEY = "report_filter"
FOCUS_SESSION_KEY = "report_focus"  # the field to focus after "Add" or "Remove" (a field id, never an answer)
# The buttons of a step: move (next, back, go-<step>), stay (save, add-…, remove-…-<n>), leave, or submit.
ACTION_PATTERN = re.compile(r"^(next|back|leave|save|submit|go-(\w+)|add-(\w+)|remove-(\w+)-(\d+))$")
# What the error summary calls an entry of each list, and the field focused in a new or neighbouring entry.
ENTRY_LABELS = {"victims": _l("Victim"), "remedies": _l("Remedy"), "unused_remedies": _l("Remedy not used"),
                "other_procedures": _l("Procedure")}
FIRST_FIELD = {"victims": "name", "remedies": "body", "unused_remedies": "name", "other_procedures": "body"}


def _own_case_or_404(case_uuid: UUID) -> Case:
    """The scoped loader for a partner's reports (AC-03): another organisation's report is not found."""
    case = cases.find_visible_case(db.session, current_user(), case_uuid)
    if case is None:
        abort(404)
    return case


@bp.route("", methods=["GET", "POST"])
def list_reports():
    show = request.args.get("show") or None
    if request.method == "GET" and show is not None:
        # A home page's count: a preset from a fixed vocabulary (never free text, DATA-01) becomes the
        # list's filter in the session, like the form's, and the list is shown at its own address.
        if show not in todo.INTAKE_PRESETS:
            abort(400)
        session[FILTER_SESSION_KEY] = {"q": "", "status": "", "show": show}
        return redirect(url_for("intake.list_reports"))
    form = ReportFilterForm(data=session.get(FILTER_SESSION_KEY, {}))
    if request.method == "POST":  # search words travel by POST and stay out of URLs (DATA-01)
        if form.validate_on_submit():
            session[FILTER_SESSION_KEY] = {"q": form.q.data or "", "status": form.status.data or ""}
        else:
            flash_filter_errors(form)
        return redirect(url_for("intake.list_reports"))
    criteria = session.get(FILTER_SESSION_KEY, {})
    page = page_number()
    size = current_app.config["PAGE_SIZE"]
    sorting = read_sorting(LIST_SORTS, DEFAULT_SORT)  # column codes only in the URL (DATA-01)
    rows, total = report_rows(db.session, keyring(), current_user(), criteria, page=page, per_page=size,
                              sorting=sorting)
    return render_template("intake/list_reports.html", rows=rows, sorting=sorting,
                           page=CountedPagination(rows, total=total, page=page, per_page=size), form=form,
                           filtered=any(criteria.values()), action_form=ActionForm(), status_labels=STATUS_LABELS,
                           preset=PRESET_LABELS.get(criteria.get("show")))


def _blank_form() -> ReportForm:
    """A form holding an empty report's answers, filled only from what a step posts (``read_fields``)."""
    return configure(ReportForm(formdata=None, data=form_data(ReportInput())), state_names.choices())


def _saved_form(vault) -> ReportForm:
    """A form holding the saved draft's answers; a step's post overwrites only its own fields."""
    return configure(ReportForm(formdata=None, data=form_data(intake.load_report(vault))), state_names.choices())


def _posted() -> CombinedMultiDict:
    return CombinedMultiDict((request.files, request.form))


def _step_or_404(slug: str | None) -> steps.Step:
    if slug is None:
        return steps.FIRST
    step = steps.BY_SLUG.get(slug)
    if step is None:
        abort(404)
    return step


@bp.route("/new", methods=["GET", "POST"])
@writes_late  # a POST checks and encrypts the first answers beside other writers, then takes the write lock
def new_report():
    """The first step of a new report. Nothing is stored until the partner saves it (moves on or leaves
    with something typed), so opening the form leaves no empty draft behind."""
    user = current_user()
    if user.organisation is None:
        flash(_("Only members of a partner organisation can report."), "danger")
        return redirect(url_for("intake.list_reports"))
    form = _blank_form()
    if request.method == "GET":
        return _render_step(None, steps.FIRST, form)
    read_fields(form, steps.FIRST.fields, _posted())
    match = ACTION_PATTERN.match(request.form.get("action", "next"))
    if match is None or not form.validate():
        return _render_step(None, steps.FIRST, form, 400)
    report = to_input(form)
    if not steps.answered(report, steps.FIRST, has_files=False):
        if match.group(1) == "leave":
            flash(_("Nothing was typed, so no draft was kept."), "info")
            return redirect(url_for("intake.list_reports"))
        # Moving on from an empty first step would only leave an empty draft in the list: the report
        # starts with its first answer (issue 17, point 1).
        form.title.errors = [*form.title.errors, _("Give the report a title, or choose the State, to start it.")]
        return _render_step(None, steps.FIRST, form, 400)
    today = utcnow().date()
    try:  # checked, encrypted and its key made before the write lock (REL-04)
        new = intake.seal_new_report(keyring(), blind_indexer(), user, report, today=today, submit=False)
    except intake.ReportError as exc:
        return _render_step(None, steps.FIRST, form, 400, _attach_errors(form, exc.errors))
    start_writing(db.session)
    intake.add_new_report(db.session, new, keyring=keyring(), today=today, submit=False, actor=user)
    audit_request("report_created", case=new.case)
    db.session.commit()
    return _move_on(new.case, steps.FIRST, match, report)


def _anchor(key: str) -> str:
    """The element an error of ``key`` links to: the field itself, the first of a group of boxes, or the
    "Add" button of a list that needs an entry."""
    if key == "rights_invoked":
        return "rights_invoked-0"
    return f"add-{key}" if key in REPEATABLE else key


def _error_links(case: Case | None, shown: tuple[str, ...], errors: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(message, link) for each (field key, message): ``#field-id`` when the field is on this page, else the
    step that shows it, at the field."""
    links = []
    for key, message in errors:
        step = steps.step_of(key)
        if step.slug in shown or case is None:
            links.append((message, f"#{_anchor(key)}"))
        else:
            links.append((message, url_for("intake.edit_report", case_uuid=case.uuid, step=step.slug, check=1,
                                           _anchor=_anchor(key))))
    return links


def _field_errors(form: ReportForm) -> list[tuple[str, str]]:
    """(field id, "Label: message") for every error shown beside a field, in the form's order."""
    found = []
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                number = int(entry.id.rsplit("-", 1)[-1]) + 1
                found.extend((sub.id, _("%(entry)s %(n)d, %(label)s: %(message)s", entry=ENTRY_LABELS[field.name],
                                        n=number, label=sub.label.text, message=message))
                             for sub in entry.form for message in sub.errors)
        elif field.name != "csrf_token":
            found.extend((field.id, f"{field.label.text}: {message}") for message in field.errors)
    return found


def _render_step(case: Case | None, step: steps.Step | None, form: ReportForm, status: int = 200,
                 unplaced: list[tuple[str, str]] | None = None, focus: str | None = None, checking: bool = False):
    """One step of the form (``step``), or every step at once (None: the whole-form post's errors)."""
    shown = tuple(s for s in steps.STEPS[:-1]) if step is None else (step,)
    mark_required(form)
    report = to_input(form)
    files = []
    if case is not None:
        vault = open_vault(db.session, keyring(), case)
        files = [(document, vault.get(document, "original_name")) for document in case.documents]
    problems = intake.check(report, today=utcnow().date(), submitting=True)
    last_day = intake.one_year_limit(report)
    warnings = protocol_warnings(current_register(), form.state.data or None, form.facts_start.data,
                                 form.facts_end.data, form.continuing.data or "unknown")
    return (
        render_template(
            "intake/edit_report.html", case=case, form=form, step=step, shown=shown, steps=steps.STEPS,
            progress=steps.progress(report, problems, has_files=bool(files)), documents=files,
            errors=_error_links(case, tuple(s.slug for s in shown), _field_errors(form) + (unplaced or [])),
            problems=_error_links(case, (), [(key, say(message)) for key, message in problems.items()])
            if step is steps.REVIEW else [],
            warnings=warnings, last_day=last_day,
            ask_reason=intake.needs_lateness_reason(last_day, utcnow().date()) or bool(report.one_year_exception),
            report=report, rights=covenant.BY_CODE, status_labels=STATUS_LABELS,
            state_label=state_names.name(report.state) if report.state else None,
            action_form=ActionForm(), upload_hint=_upload_hint(), focus=focus, rejected=status >= 400,
            checking=checking),
        status,
    )


def _upload_hint() -> str:
    limit = current_app.config["UPLOAD_MAX_FILE_SIZE"] // (1024 * 1024)
    return _("Up to %(limit)d MB each. Accepted: %(types)s.", limit=limit, types=", ".join(ALLOWED_EXTENSIONS))


@bp.route("/<uuid:case_uuid>/edit", methods=["GET", "POST"], defaults={"step": None})
@bp.route("/<uuid:case_uuid>/edit/<step>", methods=["GET", "POST"])
@accepts_uploads
@writes_late  # a POST reads, decrypts and validates beside other writers, then takes the write lock
def edit_report(case_uuid: UUID, step: str | None):
    case = _own_case_or_404(case_uuid)
    if case.stage not in intake.EDITABLE_STAGES:
        return redirect(url_for("intake.show_report", case_uuid=case.uuid))
    current = _step_or_404(step)
    vault = open_vault(db.session, keyring(), case)
    if request.method == "GET":
        audit_request("report_viewed", case=case)  # AC-08: the form shows the decrypted report
        form = _saved_form(vault)
        if request.args.get("check") and current is not steps.REVIEW:
            # Arriving from the review's list of what is missing: the same messages, beside this step's fields.
            missing = intake.check(to_input(form), today=utcnow().date(), submitting=True)
            mine = {key: message for key, message in missing.items() if steps.step_of(key) is current}
            return _render_step(case, current, form, unplaced=_attach_errors(form, mine), checking=True)
        return _render_step(case, current, form, focus=session.pop(FOCUS_SESSION_KEY, None))
    if step is None:  # the whole report in one post (the form before it had steps)
        return _save_whole_report(case, vault)
    if current is steps.REVIEW:
        return _review(case, vault)

    form = read_fields(_saved_form(vault), current.fields, _posted())
    match = ACTION_PATTERN.match(request.form.get("action", "next"))
    if match is None or not form.validate():  # with the report's own problems: every error at once
        checked = intake.check(to_input(form), today=utcnow().date(), submitting=False)
        return _render_step(case, current, form, 400, _attach_errors(form, checked))
    report = to_input(form)
    _add_or_remove(report, match)
    sealed = intake.seal_report(vault, blind_indexer(), report)  # before the write lock (REL-04)
    if current.slug == "files":
        stored = _store_evidence(vault, form)  # takes the write lock once the files are stored
        if not stored.ok:  # the refused files alone: every answer was saved by the steps before
            db.session.rollback()
            form.evidence.errors.extend(say(problem.message) for problem in stored.problems)
            return _render_step(case, current, form, 400)
        documents.record(db.session, vault, stored.accepted, uploaded_by=current_user())
    else:
        start_writing(db.session)
    try:
        intake.save_report(db.session, vault, sealed, keyring=keyring(), today=utcnow().date(), submit=False,
                           actor=current_user())
    except intake.ReportError as exc:
        db.session.rollback()
        return _render_step(case, current, form, 400, _attach_errors(form, exc.errors))
    audit_request("report_edited", case=case)
    db.session.commit()
    return _move_on(case, current, match, report)


def _add_or_remove(report, match) -> None:
    """Apply an "Add a victim" or "Remove victim 2" button to the report about to be saved."""
    added, removed = match.group(3), match.group(4)
    if added in REPEATABLE:
        getattr(report, added).append(REPEATABLE[added]())
    elif removed in REPEATABLE:
        items = getattr(report, removed)
        if int(match.group(5)) < len(items):
            items.pop(int(match.group(5)))


def _move_on(case: Case, current: steps.Step, match, report):
    """Where a saved step leads: the same step at the added or neighbouring row (focused there), the next or
    previous step, the step chosen in the progress list, or the list of reports.

    The focus is the field's ``autofocus`` (FOCUS_SESSION_KEY), which also scrolls it into view; the redirect
    carries no #fragment, since browsers ignore ``autofocus`` on a page opened at a fragment (HTML's
    autofocus rules), with or without JavaScript."""
    action, added, removed = match.group(1), match.group(3), match.group(4)
    here = partial(url_for, "intake.edit_report", case_uuid=case.uuid, step=current.slug)
    if added in REPEATABLE:
        index = len(getattr(report, added)) - 1
        session[FOCUS_SESSION_KEY] = f"{added}-{index}-{FIRST_FIELD[added]}"
        return redirect(here())
    if removed in REPEATABLE:
        left = len(getattr(report, removed))
        if left == 0:  # no row left: the "Add" button is where the partner carries on
            session[FOCUS_SESSION_KEY] = f"add-{removed}"
            return redirect(here())
        index = min(int(match.group(5)), left - 1)
        session[FOCUS_SESSION_KEY] = f"{removed}-{index}-{FIRST_FIELD[removed]}"
        return redirect(here())
    if action == "leave":
        flash(_("Draft saved. You can come back to it at any time.") if case.stage == intake.DRAFT
              else _("Changes saved. Send the updated report when it is complete."), "success")
        return redirect(url_for("intake.list_reports"))
    if current.slug == "remedies" and action != "save" and _reason_not_yet_asked(report):
        # Without JavaScript the question appears only now that the dates are saved: ask it before moving on.
        session[FOCUS_SESSION_KEY] = "one_year_exception"
        flash(_("Saved. The last day to submit to the Committee has passed or is close: please say why the "
                "communication could not be submitted in time."), "warning")
        return redirect(here())
    if action == "save":
        flash(_("Saved."), "success")
        return redirect(here())
    target = {"next": steps.neighbour(current.slug, 1), "back": steps.neighbour(current.slug, -1)}.get(action)
    if target is None:
        target = steps.BY_SLUG.get(match.group(2) or "", current)
    return redirect(url_for("intake.edit_report", case_uuid=case.uuid, step=target.slug))


def _reason_not_yet_asked(report) -> bool:
    return (request.form.get("one_year_reason_shown") != "1" and not report.one_year_exception.strip()
            and intake.needs_lateness_reason(intake.one_year_limit(report), utcnow().date()))


def _review(case: Case, vault):
    """The last step: submit to the coalition's lawyers, or leave the draft as it is."""
    match = ACTION_PATTERN.match(request.form.get("action", "submit"))
    if match is None:
        abort(400)
    report = intake.load_report(vault)
    if match.group(1) != "submit":
        return _move_on(case, steps.REVIEW, match, report)
    sealed = intake.seal_report(vault, blind_indexer(), report)  # before the write lock (REL-04)
    start_writing(db.session)
    was_draft = case.stage == intake.DRAFT
    try:
        intake.save_report(db.session, vault, sealed, keyring=keyring(), today=utcnow().date(), submit=True,
                           actor=current_user())
    except intake.ReportError:
        db.session.rollback()
        return _render_step(case, steps.REVIEW, _saved_form(vault), 400)
    audit_request("report_submitted", case=case)
    db.session.commit()
    if was_draft:
        return redirect(url_for("intake.submitted", case_uuid=case.uuid))
    flash(_("Your updated report was sent to the coalition's lawyers."), "success")
    return redirect(url_for("intake.show_report", case_uuid=case.uuid))


def _save_whole_report(case: Case, vault):
    """Save every answer posted at once (all steps), as the one-page form did: a refused file refuses the
    whole post, so nothing of it is kept (UP-01)."""
    form = configure(ReportForm(), state_names.choices())
    match = ACTION_PATTERN.match(request.form.get("action", "save"))
    if match is None or not form.validate():
        return _render_step(case, None, form, 400)
    report = to_input(form)
    action = match.group(1)
    _add_or_remove(report, match)
    if match.group(3) in REPEATABLE:  # if the save is refused, the new entry is still there to fill in
        getattr(form, match.group(3)).append_entry()
    sealed = intake.seal_report(vault, blind_indexer(), report)  # before the write lock (REL-04)
    stored = _store_evidence(vault, form)  # takes the write lock once the files are stored
    if not stored.ok:  # show every problem at once: the files', and the report's own
        db.session.rollback()
        form.evidence.errors.extend(say(problem.message) for problem in stored.problems)
        unplaced = _attach_errors(form, intake.check(report, today=utcnow().date(), submitting=action == "submit"))
        return _render_step(case, None, form, 400, unplaced)
    try:
        was_draft = case.stage == intake.DRAFT
        reference = intake.save_report(db.session, vault, sealed, keyring=keyring(), today=utcnow().date(),
                                       submit=action == "submit", actor=current_user())
        documents.record(db.session, vault, stored.accepted, uploaded_by=current_user())
    except intake.ReportError as exc:
        db.session.rollback()
        return _render_step(case, None, form, 400, _attach_errors(form, exc.errors))
    audit_request("report_submitted" if reference else "report_edited", case=case)
    db.session.commit()
    if reference and was_draft:
        return redirect(url_for("intake.submitted", case_uuid=case.uuid))
    if reference:
        flash(_("Your updated report was sent to the coalition's lawyers."), "success")
        return redirect(url_for("intake.show_report", case_uuid=case.uuid))
    if action == "save":
        flash(_("Draft saved. You can come back to it at any time.") if was_draft
              else _("Changes saved. Send the updated report when it is complete."), "success")
        return redirect(url_for("intake.edit_report", case_uuid=case.uuid))
    return _move_on(case, steps.step_of(match.group(3) or match.group(4)), match, report)


@bp.route("/one-year-limit", methods=["POST"])
def one_year_limit():
    """The engine's last day to submit to the Committee for the remedies being typed (the remedies step's
    live answer where JavaScript runs): the same sentence the step shows once saved. Nothing is stored."""
    form = OneYearForm()
    if not form.validate():  # a date or an answer the form refuses: nothing to count from
        return jsonify(html="", ask_reason=False), 400
    last_day = intake.one_year_limit(ReportInput(remedies=remedies_input(form.remedies)))
    return jsonify(html=render_template("intake/_one_year.html", last_day=last_day),
                   ask_reason=intake.needs_lateness_reason(last_day, utcnow().date()))


def _store_evidence(vault: CaseVault, form: ReportForm) -> documents.StoredFiles:
    """The new files checked, scanned, encrypted and sealed before the write lock, which this takes (REL-04)."""
    return documents.store_before_the_lock(db.session, file_store(), vault, documents.chosen_files(form.evidence.data),
                                           documents.UploadLimits.from_config(current_app.config),
                                           uploaded_by=current_user())


def _attach_errors(form: ReportForm, errors: dict[str, str]) -> list[tuple[str, str]]:
    """Put each message next to its field; return (key, message) for those that belong to no single field."""
    def field_of(key: str):
        parts = key.split("-")
        field = getattr(form, parts[0], None)
        if field is not None and len(parts) == 3 and parts[0] in REPEATABLE and int(parts[1]) < len(field.entries):
            return getattr(field.entries[int(parts[1])].form, parts[2], None)
        return field if len(parts) == 1 and parts[0] not in REPEATABLE else None

    return attach_problems(errors, field_of)


@bp.route("/<uuid:case_uuid>/submitted")
def submitted(case_uuid: UUID):
    case = _own_case_or_404(case_uuid)
    if case.reference is None:
        return redirect(url_for("intake.edit_report", case_uuid=case.uuid))
    return render_template("intake/submitted.html", case=case)


@bp.route("/<uuid:case_uuid>")
def show_report(case_uuid: UUID):
    case = _own_case_or_404(case_uuid)
    audit_request("report_viewed", case=case)  # AC-08
    return report_page(case)


def report_page(case: Case, message_form: MessageForm | None = None) -> str:
    """The partner's page of a report, with the thread's message as typed when it was refused."""
    vault = open_vault(db.session, keyring(), case)
    report = intake.load_report(vault)
    files = [(document, vault.get(document, "original_name")) for document in case.documents]
    entries = messages.thread(db.session, vault) if case.reference else []
    return render_template("intake/show_report.html", case=case, report=report, documents=files,
                           state_label=state_names.name(case.state_code) if case.state_code else None,
                           rights=covenant.BY_CODE, status_labels=STATUS_LABELS, duplicates=None,
                           thread=entries, message_form=message_form or MessageForm(),
                           decline_reason=vault.get(case, "decline_reason") if case.stage == "declined" else None)


@bp.route("/<uuid:case_uuid>/documents/<uuid:document_uuid>/delete", methods=["POST"])
def delete_document(case_uuid: UUID, document_uuid: UUID):
    case = _own_case_or_404(case_uuid)
    if case.stage != intake.DRAFT:
        abort(404)
    document = db.session.execute(
        select(Document).where(Document.case_id == case.id, Document.uuid == document_uuid)
    ).scalar_one_or_none()
    if document is None:
        abort(404)
    cases.delete_document(db.session, file_store(), document, actor=current_user())
    db.session.commit()
    flash(_("File removed."), "success")
    return redirect(url_for("intake.edit_report", case_uuid=case.uuid, _anchor="evidence-files"))


@bp.route("/<uuid:case_uuid>/delete", methods=["POST"])
def delete_draft(case_uuid: UUID):
    case = _own_case_or_404(case_uuid)
    if case.stage != intake.DRAFT:
        abort(404)
    audit_request("case_deleted", case=case)
    cases.delete_case(db.session, file_store(), case)
    db.session.commit()
    flash(_("The draft and its files were deleted for good."), "success")
    return redirect(url_for("intake.list_reports"))
