"""The drafting page of a case and its downloads, for the case's team only (``permissions.can_draft``):
anyone else gets the 404 of a case they cannot see (AC-04). Every download is audited — which document, in
which language, with which annexes — and built in memory; the annex bundle streams, decrypted chunk by chunk
(issue 19, point 6)."""

from uuid import UUID

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale

from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.domain import drafting, permissions
from caseapp.drafting import documents
from caseapp.drafting.forms import DraftChoiceForm, DraftingSettingsForm
from caseapp.models import Case
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, case_teams, cases
from caseapp.services import drafting as drafting_service
from caseapp.services.vault import CaseVault, open_vault
from caseapp.web.actions import refusal_text
from caseapp.web.audit_hooks import audit_request
from caseapp.web.downloads import DOWNLOAD_CSP, attachment_headers, content_disposition
from caseapp.web.locales import language_choices
from caseapp.web.register import current_register
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _

bp = Blueprint("drafting", __name__, url_prefix="/drafting")
DOCUMENT_PATH = "<any(" + ", ".join(drafting.DOCUMENTS) + "):document>"


def _case_or_404(case_uuid: UUID) -> Case:
    user = current_user()
    case = cases.find_visible_case(db.session, user, case_uuid)
    if case is None or not permissions.can_draft(user, on_team=case_teams.is_on_team(db.session, case, user),
                                                 stage=case.stage):
        abort(404)
    return case


def _vault(case: Case) -> CaseVault:
    return open_vault(db.session, keyring(), case)


def _default_language(case: Case) -> str:
    if case.working_language in drafting.WORKING_LANGUAGES:
        return case.working_language
    page = str(get_locale() or "en")
    return page if page in drafting.WORKING_LANGUAGES else "en"


def _languages() -> list[tuple[str, str]]:
    """The languages drafts are written in, each named in itself as the switcher names it."""
    return [(code, name) for code, name in language_choices() if code in drafting.WORKING_LANGUAGES]


def _settings_form(case: Case, vault: CaseVault, *, from_request: bool) -> DraftingSettingsForm:
    form = DraftingSettingsForm() if from_request else DraftingSettingsForm(
        formdata=None, working_language=_default_language(case), remedies_sought=vault.get(case, "remedies_sought"))
    form.working_language.choices = _languages()
    return form


def _choice_form(case: Case, vault: CaseVault, *, from_request: bool) -> DraftChoiceForm:
    form = DraftChoiceForm(formdata=request.args if from_request else None, lang=_default_language(case))
    form.lang.choices = _languages()
    form.annex.choices = [(str(document.uuid), name) for document, name in drafting_service.annex_choices(vault)]
    return form


def _page(case: Case, vault: CaseVault, *, settings: DraftingSettingsForm | None = None,
          choice: DraftChoiceForm | None = None, status: int = 200):
    settings = settings or _settings_form(case, vault, from_request=False)
    choice = choice or _choice_form(case, vault, from_request=False)
    return render_template("drafting/show_drafts.html", case=case, title=vault.get(case, "title") or "",
                           settings=settings, choice=choice, offered=drafting_service.offered(db.session, case),
                           document_names=drafting.DOCUMENTS,
                           urgent=case.urgent_risk == "yes"), status


@bp.route("/<uuid:case_uuid>")
def show_drafts(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    return _page(case, _vault(case))


@bp.route("/<uuid:case_uuid>/settings", methods=["POST"])
def save_settings(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    vault = _vault(case)
    form = _settings_form(case, vault, from_request=True)
    if not form.validate_on_submit():
        return _page(case, vault, settings=form, status=400)
    try:
        drafting_service.save_settings(db.session, vault, working_language=form.working_language.data,
                                       remedies_sought=form.remedies_sought.data)
    except ServiceError as exc:
        db.session.rollback()
        (form[exc.field].errors if exc.field in form else form.form_errors).append(refusal_text(exc))
        return _page(case, vault, settings=form, status=400)
    db.session.commit()
    flash(_("The drafting settings are saved."), "success")
    return redirect(url_for("drafting.show_drafts", case_uuid=case.uuid))


@bp.route(f"/<uuid:case_uuid>/{DOCUMENT_PATH}.docx")
def download_draft(case_uuid: UUID, document: str):
    """A drafted document as a Word file in the chosen language; a communication lists the chosen annexes."""
    if document not in drafting.HOLDS_IDENTITY:
        return _press_release(case_uuid)
    case = _case_or_404(case_uuid)
    if document not in drafting_service.offered(db.session, case):
        abort(404)
    vault = _vault(case)
    choice = _choice_form(case, vault, from_request=True)
    if not choice.validate():
        return _page(case, vault, choice=choice, status=400)
    chosen = [UUID(value) for value in choice.annex.data] if document == drafting.COMMUNICATION else []
    annexes = drafting_service.chosen_annexes(vault, chosen)
    today = utcnow().date()
    record = drafting_service.draft_record(db.session, vault, register=current_register(), today=today,
                                           annexes=annexes)
    body = documents.render(document, choice.lang.data, lambda: documents.context(record, today=today),
                            reference=case.reference)
    audit_request("draft_downloaded", target_type="draft", target_id=f"{document}.{choice.lang.data}", case=case)
    for annex in annexes:
        audit_request("draft_annex_listed", target_type="document", target_id=annex.document.uuid, case=case)
    return _docx(body, documents.file_name(document, choice.lang.data, case.reference))


def _press_release(case_uuid: UUID):
    """The press release of a published decision, in the language of the State's country unless another is
    asked: public information only (the decisions page's), so any lawyer or coordinator may have it."""
    case = cases.find_visible_case(db.session, current_user(), case_uuid)
    if case is None or drafting_service.public_decision(db.session, case) is None:
        abort(404)
    language = request.args.get("lang") or documents.country_language(case.state_code, _default_language(case))
    if language not in drafting.WORKING_LANGUAGES:
        abort(400)
    today = utcnow().date()

    def fields() -> dict:  # in the release's language: the public page's words, said again in it
        public = drafting_service.public_decision(db.session, case)
        return documents.press_fields(public, reference=case.reference, organisation=case.organisation.name,
                                      today=today)

    body = documents.render(drafting.PRESS_RELEASE, language, fields, reference=case.reference)
    audit_request("draft_downloaded", target_type="draft", target_id=f"{drafting.PRESS_RELEASE}.{language}",
                  case=case)
    return _docx(body, documents.file_name(drafting.PRESS_RELEASE, language, case.reference))


def _docx(body: bytes, name: str) -> Response:
    return Response(body, headers=attachment_headers(name, documents.DOCX_TYPE, len(body)))


@bp.route("/<uuid:case_uuid>/annexes.zip")
def download_annexes(case_uuid: UUID):
    """The chosen annexes as one ZIP, numbered as the communication lists them, streamed and never stored."""
    case = _case_or_404(case_uuid)
    vault = _vault(case)
    choice = _choice_form(case, vault, from_request=True)
    valid = choice.validate()
    if valid and not choice.annex.data:
        choice.annex.errors.append(_("Choose at least one annex."))
        valid = False
    if not valid:
        return _page(case, vault, choice=choice, status=400)
    annexes = drafting_service.chosen_annexes(vault, [UUID(value) for value in choice.annex.data])
    for annex in annexes:  # AC-08: each file read, as a download of it would be
        audit_request("annex_bundle_downloaded", target_type="document", target_id=annex.document.uuid, case=case)
    body = drafting_service.annex_bundle(db.session, keyring(), file_store(), annexes)
    headers = {"Content-Type": "application/zip",
               "Content-Disposition": content_disposition(f"{case.reference} - {_('Annexes')}.zip"),
               "Content-Security-Policy": DOWNLOAD_CSP}
    return Response(stream_with_context(body), headers=headers)
