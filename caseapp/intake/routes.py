"""Partners' reports: list, the guided form (drafts), submission, and the report page."""

import re
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer, file_store, keyring
from caseapp.domain import covenant
from caseapp.domain.register import protocol_warnings, state_name, un_member_states
from caseapp.domain.uploads import ALLOWED_EXTENSIONS
from caseapp.intake.forms import REPEATABLE, ReportForm, configure, form_data, to_input
from caseapp.intake.listing import DEFAULT_SORT, LIST_SORTS, ReportFilterForm, report_rows
from caseapp.models import Case, Document
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, cases, documents, intake, messages, todo
from caseapp.services.vault import open_vault
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm, MessageForm, flash_filter_errors
from caseapp.web.labels import PRESET_LABELS, STATUS_LABELS
from caseapp.web.pagination import page_number
from caseapp.web.register import current_register
from caseapp.web.security import current_user
from caseapp.web.sorting import read_sorting
from caseapp.web.uploads import accepts_uploads

bp = Blueprint("intake", __name__, url_prefix="/intake")

FILTER_SESSION_KEY = "report_filter"
ACTION_PATTERN = re.compile(r"^(save|submit|add-(\w+)|remove-(\w+)-(\d+))$")


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
    return render_template("intake/list_reports.html", rows=rows, total=total, sorting=sorting,
                           page=page, pages=max((total + size - 1) // size, 1), form=form,
                           filtered=any(criteria.values()), action_form=ActionForm(), status_labels=STATUS_LABELS,
                           preset=PRESET_LABELS.get(criteria.get("show")))


@bp.route("/new", methods=["POST"])
def new_report():
    try:
        case, _vault = intake.new_draft(db.session, keyring(), current_user())
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("intake.list_reports"))
    audit_request("report_created", case=case)
    db.session.commit()
    return redirect(url_for("intake.edit_report", case_uuid=case.uuid))


def _render_form(case: Case, form: ReportForm, status: int = 200, extra_errors: list[str] | None = None):
    warnings = protocol_warnings(current_register(), form.state.data or None, form.facts_start.data,
                                 form.facts_end.data, form.continuing.data or "unknown")
    vault = open_vault(db.session, keyring(), case)
    files = [(document, vault.get(document, "original_name")) for document in case.documents]
    return (
        render_template("intake/edit_report.html", case=case, form=form, warnings=warnings, documents=files,
                        extra_errors=extra_errors or [], rejected=status >= 400, action_form=ActionForm(),
                        upload_hint=_upload_hint()),
        status,
    )


def _upload_hint() -> str:
    limit = current_app.config["UPLOAD_MAX_FILE_SIZE"] // (1024 * 1024)
    return _("Up to %(limit)d MB each. Accepted: %(types)s.", limit=limit, types=", ".join(ALLOWED_EXTENSIONS))


@bp.route("/<uuid:case_uuid>/edit", methods=["GET", "POST"])
@accepts_uploads
def edit_report(case_uuid: UUID):
    case = _own_case_or_404(case_uuid)
    if case.stage not in intake.EDITABLE_STAGES:
        return redirect(url_for("intake.show_report", case_uuid=case.uuid))
    vault = open_vault(db.session, keyring(), case)
    if request.method == "GET":
        audit_request("report_viewed", case=case)  # AC-08: the form shows the decrypted report
        form = configure(ReportForm(data=form_data(intake.load_report(vault))), un_member_states())
        return _render_form(case, form)

    form = configure(ReportForm(), un_member_states())
    match = ACTION_PATTERN.match(request.form.get("action", "save"))
    if match is None or not form.validate():
        return _render_form(case, form, 400)
    report = to_input(form)
    action, anchor = match.group(1), None
    if match.group(2) in REPEATABLE:
        getattr(report, match.group(2)).append(REPEATABLE[match.group(2)]())
        anchor = match.group(2)
    elif match.group(3) in REPEATABLE:
        items = getattr(report, match.group(3))
        index = int(match.group(4))
        if index < len(items):
            items.pop(index)
        anchor = match.group(3)

    if match.group(2) in REPEATABLE:  # if the save is refused, the new entry is still there to fill in
        getattr(form, match.group(2)).append_entry()
    stored = _store_evidence(case, form)
    if not stored.ok:  # show every problem at once: the files', and the report's own
        db.session.rollback()
        form.evidence.errors.extend(problem.message for problem in stored.problems)
        unplaced = _attach_errors(form, intake.check(report, today=utcnow().date(), submitting=action == "submit"))
        return _render_form(case, form, 400, unplaced)
    try:
        was_draft = case.stage == intake.DRAFT
        reference = intake.save_report(db.session, vault, blind_indexer(), report, today=utcnow().date(),
                                       submit=action == "submit", actor=current_user())
        documents.record(db.session, vault, stored.accepted, uploaded_by=current_user())
    except intake.ReportError as exc:
        db.session.rollback()
        unplaced = _attach_errors(form, exc.errors)
        return _render_form(case, form, 400, unplaced)
    audit_request("report_submitted" if reference else "report_edited", case=case)
    db.session.commit()
    if reference and was_draft:
        return redirect(url_for("intake.submitted", case_uuid=case.uuid))
    if reference:
        flash(_("Your updated report was sent to the lawyers."), "success")
        return redirect(url_for("intake.show_report", case_uuid=case.uuid))
    if anchor is None:
        flash(_("Draft saved. You can come back to it at any time.") if was_draft
              else _("Changes saved. Send the updated report when it is complete."), "success")
    return redirect(url_for("intake.edit_report", case_uuid=case.uuid, _anchor=anchor or None))


def _store_evidence(case: Case, form: ReportForm) -> documents.StoredFiles:
    """Check and encrypt each new file into the store before any database write (UP-01…04)."""
    files = documents.chosen_files(form.evidence.data)
    limits = documents.UploadLimits.from_config(current_app.config)
    return documents.store(db.session, file_store(), case, files, limits)


def _attach_errors(form: ReportForm, errors: dict[str, str]) -> list[str]:
    """Put each message next to its field; return those that belong to no single field."""
    unplaced = []
    for key, message in errors.items():
        parts = key.split("-")
        field = getattr(form, parts[0], None)
        if field is not None and len(parts) == 3 and parts[0] in REPEATABLE and int(parts[1]) < len(field.entries):
            target = getattr(field.entries[int(parts[1])].form, parts[2], None)
        else:
            target = field if len(parts) == 1 and parts[0] not in REPEATABLE else None
        if target is None:
            unplaced.append(message)
        else:
            target.errors = [*target.errors, message]
    return unplaced


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
    vault = open_vault(db.session, keyring(), case)
    report = intake.load_report(vault)
    files = [(document, vault.get(document, "original_name")) for document in case.documents]
    entries = messages.thread(db.session, vault) if case.reference else []
    return render_template("intake/show_report.html", case=case, report=report, documents=files,
                           state_label=state_name(case.state_code) if case.state_code else None,
                           rights=covenant.BY_CODE, status_labels=STATUS_LABELS, duplicates=None,
                           thread=entries, message_form=MessageForm(),
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
