"""The lawyers' inbox: submitted reports, newest first, with urgency, State and duplicate flags."""

from uuid import UUID

from flask import abort, current_app, redirect, render_template, request, url_for

from caseapp.domain import covenant, deadlines
from caseapp.domain.deadlines import deadline_label, warning_level
from caseapp.domain.states import state_name, un_member_states
from caseapp.extensions import db
from caseapp.inbox import bp
from caseapp.messages.forms import MessageForm
from caseapp.models import Case
from caseapp.models.base import utcnow
from caseapp.reports.listing import STATUS_LABELS
from caseapp.runtime import blind_indexer, keyring
from caseapp.security import current_user
from caseapp.services import cases, intake, messages, screening
from caseapp.services.vault import open_vault


def one_year_deadline(assessment, today):
    """The one-year limit as users read it, with its warning level (90, 30, 7 days, passed), or None."""
    last_day = assessment.deadlines.one_year_last_day
    if last_day is None:
        return None
    return {"label": deadline_label(last_day, today),
            "level": warning_level(deadlines.days_left(last_day, today))}


@bp.route("", methods=["GET", "POST"])
def list_reports():
    if request.method == "POST":  # the filter form; its values are codes, not personal data
        return redirect(url_for("inbox.list_reports", state=request.form.get("state") or None,
                                urgent=request.form.get("urgent") or None))
    query = cases.visible_cases(current_user()).where(Case.reference.is_not(None))
    state = request.args.get("state") or ""
    if state:
        query = query.where(Case.state_code == state)
    if request.args.get("urgent") == "yes":
        query = query.where(Case.urgent_risk == "yes")
    query = query.order_by(Case.submitted_at.desc(), Case.id.desc())
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    rows = []
    today = utcnow().date()
    for case in page.items:
        vault = open_vault(db.session, keyring(), case)
        rows.append({
            "case": case,
            "title": vault.get(case, "title"),
            "state": state_name(case.state_code) if case.state_code else None,
            "duplicates": intake.confirmed_duplicates(db.session, keyring(), blind_indexer(), vault),
            "deadline": one_year_deadline(screening.assess_report(vault, today=today), today),
        })
    return render_template("inbox/list_reports.html", rows=rows, page=page, states=un_member_states(),
                           selected_state=state, urgent_only=request.args.get("urgent") == "yes",
                           status_labels=STATUS_LABELS)


@bp.route("/<uuid:case_uuid>")
def show_report(case_uuid: UUID):
    case = db.session.execute(
        cases.visible_cases(current_user()).where(Case.uuid == case_uuid, Case.reference.is_not(None))
    ).scalar_one_or_none()
    if case is None:
        abort(404)
    vault = open_vault(db.session, keyring(), case)
    report = intake.load_report(vault)
    documents = [(document, vault.get(document, "original_name")) for document in case.documents]
    duplicates = intake.confirmed_duplicates(db.session, keyring(), blind_indexer(), vault)
    today = utcnow().date()
    assessment = screening.assess_report(vault, today=today)
    return render_template("inbox/show_report.html", case=case, report=report, documents=documents,
                           state_label=state_name(case.state_code) if case.state_code else None,
                           rights=covenant.BY_CODE, status_labels=STATUS_LABELS, duplicates=duplicates,
                           assessment=assessment, deadline=one_year_deadline(assessment, today),
                           thread=messages.thread(db.session, vault), message_form=MessageForm())
