"""The lawyers' screening workspace: the queue of submitted reports, a report's facts beside the
engine's assessment, the versioned screening, and the decisions (request information, decline, accept)."""

from datetime import timedelta
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import false, select, true
from wtforms import SelectChoice

from caseapp.core.database import reads_only
from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer, keyring
from caseapp.domain import covenant, roles, stages
from caseapp.domain.admissibility import CRITERIA
from caseapp.domain.screening import STRATEGIC_FACTORS, ScreeningContent, default_determinations
from caseapp.models import Case, User
from caseapp.models.base import utcnow
from caseapp.models.case import QUEUE_ORDER_INDEX
from caseapp.screening import plain
from caseapp.screening.forms import (
    QUEUE_SORTS,
    AcceptForm,
    DeclineForm,
    InformationRequestForm,
    QueueFilterForm,
    ReopenForm,
    ScreeningForm,
    VictimSearchForm,
)
from caseapp.services import (
    ServiceError,
    case_teams,
    cases,
    committee,
    duplicates,
    intake,
    messages,
    register,
    screening,
    search,
    state_names,
    timeline,
    todo,
)
from caseapp.services.vault import open_vault, open_vaults
from caseapp.web.actions import refusal_text, run_action
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm, CaseTeamForm, MessageForm
from caseapp.web.labels import PRESET_LABELS, STATUS_LABELS
from caseapp.web.pagination import CountedPagination, page_number
from caseapp.web.security import current_user
from caseapp.web.sorting import read_sorting
from caseapp.web.translation import gettext as _

bp = Blueprint("screening", __name__, url_prefix="/screening")
plain.register(bp)

QUEUE_FILTERS = ("stage", "state", "right", "urgent", "days", "sort", "dir", "mine")


def _queue_form(source) -> QueueFilterForm:
    form = QueueFilterForm(formdata=source)
    form.state.choices = [SelectChoice("", _("All States"))] + [SelectChoice(code, name)
                                                                 for code, name in state_names.choices()]
    return form


def _filtered(query, form: QueueFilterForm):
    """The queue's filters, on clear columns only: nothing is decrypted to filter or sort."""
    today = utcnow().date()
    if form.mine.data == "yes":
        query = query.where(Case.id.in_(case_teams.team_case_ids(current_user())))
    stage = form.stage.data or "queue"
    if stage == "queue":
        query = query.where(Case.stage.in_(stages.SCREENING_STAGES))
    elif stage != "all":
        query = query.where(Case.stage == stage)
    if form.state.data:
        query = query.where(Case.state_code == form.state.data)
    if form.right.data:
        query = query.where(cases.invoking(db.session, form.right.data))
    if form.urgent.data == "yes":
        query = query.where(Case.urgent_risk == "yes")
    days = form.days.data
    if days == "passed":
        query = query.where(Case.one_year_last_day < today)
    # "Not counted" and the next days' limits are ranges of ``QUEUE_ORDER_INDEX`` (``list_reports``):
    # its first column (whether the limit is counted) in the index's own words, then the last day.
    elif days == "unknown":
        query = query.where(Case.one_year_last_day.is_(None) == true(), Case.one_year_last_day.is_(None))
    elif days:
        query = query.where(Case.one_year_last_day.is_(None) == false(), Case.one_year_last_day >= today,
                            Case.one_year_last_day <= today + timedelta(days=int(days)))
    return _sorted(query, form)


# Each sortable column of the queue and what it orders by (clear columns only); ties newest first.
_SORT_COLUMNS = {
    "limit": lambda: (Case.one_year_last_day,),
    "submitted": lambda: (Case.submitted_at,),
    "urgency": lambda: ((Case.urgent_risk == "yes"), Case.urgent_date),
    "reference": lambda: (Case.reference,),
    "state": lambda: (Case.state_code,),
    "stage": lambda: (committee.STAGE_ORDER,),
}


def _sorting(form: QueueFilterForm):
    """The queue's order from its form (``sort`` and ``dir``, whitelisted by the form's choices)."""
    return read_sorting(QUEUE_SORTS, "limit", {"sort": form.sort.data or "limit", "dir": form.dir.data or ""})


def _sorted(query, form: QueueFilterForm):
    sorting = _sorting(form)
    columns = [column.desc() if sorting.descending else column.asc() for column in _SORT_COLUMNS[sorting.key]()]
    # "Not counted" last, whichever the direction; when only those are shown the term orders nothing, and
    # without it SQLite sees that its index already holds them in order (it would sort them all).
    if sorting.key == "limit" and form.days.data != "unknown":
        columns.insert(0, Case.one_year_last_day.is_(None))
    return query.order_by(*columns, Case.submitted_at.desc(), Case.id.desc())


@bp.route("")
def list_reports():
    form = _queue_form(request.args)
    show = request.args.get("show") or None
    if not form.validate() or (show is not None and show not in todo.SCREENING_PRESETS):
        abort(400)
    query = cases.visible_cases(current_user()).where(Case.reference.is_not(None))
    if show:
        # A home page's count (a preset from a fixed vocabulary): exactly its cases, in the chosen order.
        query = _sorted(query.where(todo.clause(show, current_user(), now=utcnow())), form)
    else:
        query = _filtered(query, form)
    # The page's ids come from an index; then its rows, their keys and their duplicate checks are read
    # a page at a time, not a row at a time.
    sorting = _sorting(form)
    per_page, number = current_app.config["PAGE_SIZE"], page_number()
    # The queue in its default order has an index of its own: walked when the list is long, and a range of
    # it for the limits not counted or due in the next days (not for those passed: most of the index).
    # The home page's presets keep the database's own plan.
    in_its_order = sorting.key == "limit" and not sorting.descending and not show
    days = form.days.data or ""
    found = cases.page_of_ids(db.session, query, page=number, per_page=per_page,
                              order_index=QUEUE_ORDER_INDEX if in_its_order else None,
                              seeks_index=days == "unknown" or days.isdigit())
    page = CountedPagination(cases.by_ids(db.session, found.ids), total=found.total, more=found.more,
                             page=number, per_page=per_page)
    vaults = open_vaults(db.session, keyring(), page.items)
    flags = duplicates.flags_of(db.session, keyring(), list(vaults.values()))
    rows = []
    for case in page.items:
        rows.append({
            "case": case,
            "title": vaults[case.id].get(case, "title"),
            "state": state_names.name(case.state_code) if case.state_code else None,
            "rights": [(code, _(covenant.label(code))) for code in case.rights_invoked],
            "duplicates": flags[case.id],
        })
    filtered = any(request.args.get(name) for name in QUEUE_FILTERS if name not in ("stage", "sort", "dir"))
    return render_template("screening/list_reports.html", rows=rows, page=page, form=form, filtered=filtered,
                           sorting=sorting, status_labels=STATUS_LABELS,
                           preset=PRESET_LABELS.get(show) if show else None)


@bp.route("/search", methods=["GET", "POST"])
@reads_only
def search_victims():
    """The reports that name a victim, found by the blind index and confirmed on the decrypted names
    (CRY-07); the name travels by POST only (DATA-01)."""
    form = VictimSearchForm()
    hits, status = None, 200
    if request.method == "POST":
        if form.validate():
            hits = search.find_by_victim_name(db.session, keyring(), blind_indexer(), current_user(), form.name.data)
        else:
            status = 400
    return render_template("screening/search.html", form=form, hits=hits, limit=search.MAX_RESULTS,
                           status_labels=STATUS_LABELS), status


def _case_or_404(case_uuid: UUID) -> Case:
    case = cases.find_visible_case(db.session, current_user(), case_uuid)
    if case is None or case.reference is None:
        abort(404)
    return case


def workspace(case: Case, *, problem: str | None = None, **forms) -> str:
    """The case page: the facts on one side, the engine's assessment and the lawyer's on the other.
    ``problem``: a decision the rules refused, shown above the decisions; ``forms``: a decision's form, or
    the thread's message (``message_form``), as the lawyer filled it in."""
    vault = open_vault(db.session, keyring(), case)
    report = intake.load_report(vault)
    assessment = screening.assess_report(vault, today=utcnow().date(), register=register.load_register(db.session),
                                         report=report)
    saved = screening.versions(db.session, vault)
    forms.setdefault("decline_form", DeclineForm())
    forms.setdefault("accept_form", _accept_form())
    forms["team_form"] = _team_form(case, forms.get("team_form"))
    forms.setdefault("reopen_form", ReopenForm())
    forms.setdefault("message_form", MessageForm())
    return render_template(
        "screening/show_report.html", case=case, report=report, team=case_teams.members(db.session, case),
        documents=[(document, vault.get(document, "original_name")) for document in case.documents],
        state_label=state_names.name(case.state_code) if case.state_code else None, rights=covenant.BY_CODE,
        status_labels=STATUS_LABELS, duplicates=duplicates.flags_of(db.session, keyring(), [vault])[case.id],
        assessment=assessment, versions=saved, current=saved[0] if saved else None,
        factors=STRATEGIC_FACTORS, timeline=timeline.timeline(db.session, vault),
        decline_reason=vault.get(case, "decline_reason"),
        thread=messages.thread(db.session, vault), action_form=ActionForm(),
        can_decide=case.stage in stages.SCREENING_STAGES,
        can_reopen=case.stage in (stages.DECLINED, stages.CANDIDATE), problem=problem, **forms,
    )


@bp.route("/<uuid:case_uuid>")
def show_report(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    audit_request("report_viewed", case=case)  # AC-08
    return workspace(case)


@bp.route("/<uuid:case_uuid>/assessment", methods=["GET", "POST"])
def assess_report(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    if case.stage not in (*stages.SCREENING_STAGES, stages.CANDIDATE):
        flash(_("This case is no longer being screened; reopen it first."), "warning")
        return redirect(url_for("screening.show_report", case_uuid=case.uuid))
    vault = open_vault(db.session, keyring(), case)
    assessment = screening.assess_report(vault, today=utcnow().date(), register=register.load_register(db.session))
    engine = assessment.to_json()
    current = screening.latest(db.session, vault)
    form = ScreeningForm()
    unplaced: list[str] = []
    status = 200
    if request.method == "GET":
        audit_request("report_viewed", case=case)  # AC-08
        form.fill(current.content if current else ScreeningContent(default_determinations(engine), (), "", engine))
    elif form.validate():
        try:
            screening.record_screening(db.session, vault, current_user(), form.content(engine))
        except screening.ScreeningError as exc:
            db.session.rollback()
            unplaced, status = form.attach(exc.errors), 400
        except ServiceError as exc:
            db.session.rollback()
            unplaced, status = [refusal_text(exc)], 400
        else:
            db.session.commit()
            flash(_("Assessment saved as a new version."), "success")
            return redirect(url_for("screening.show_report", case_uuid=case.uuid, _anchor="assessment"))
    else:
        status = 400
    return render_template("screening/assess_report.html", case=case, form=form, assessment=assessment,
                           criteria=CRITERIA, factors=STRATEGIC_FACTORS, current=current, unplaced=unplaced,
                           title=vault.get(case, "title")), status


@bp.route("/<uuid:case_uuid>/request-information", methods=["GET", "POST"])
def request_information(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    if case.stage not in stages.SCREENING_STAGES:
        flash(_("Information can be requested only while the report is being screened."), "warning")
        return redirect(url_for("screening.show_report", case_uuid=case.uuid))
    vault = open_vault(db.session, keyring(), case)
    form = InformationRequestForm()

    def page(_problem=None):
        return render_template("screening/request_information.html", case=case, form=form,
                               title=vault.get(case, "title"))

    if request.method == "GET":
        audit_request("report_viewed", case=case)  # AC-08
        assessment = screening.assess_report(vault, today=utcnow().date(), register=register.load_register(db.session))
        form.body.data = plain.draft_request(assessment)
        return page()
    return run_action(
        form, lambda: screening.request_information(db.session, vault, current_user(), form.body.data),
        page=page, field="body",  # the request is one text: any refusal is about it
        done=_("Request sent to the partner; the report now waits for their answer."),
        then=url_for("screening.show_report", case_uuid=case.uuid, _anchor="thread"),
    )


def _decide(case: Case, form, decision, done: str, form_name: str):
    """A screening decision from its small form on the case page: a refusal shows the page again with the
    lawyer's form as filled in and the reason above the decisions."""
    return run_action(
        form, lambda: decision(open_vault(db.session, keyring(), case)),
        page=lambda problem: workspace(case, problem=problem, **{form_name: form}),
        done=done, then=url_for("screening.show_report", case_uuid=case.uuid),
    )


@bp.route("/<uuid:case_uuid>/decline", methods=["POST"])
def decline_report(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = DeclineForm()
    return _decide(case, form, lambda vault: screening.decline(db.session, vault, current_user(), form.reason.data),
                   _("Report declined. The partner sees your reason on their report page."), "decline_form")


def _accept_form(form: AcceptForm | None = None) -> AcceptForm:
    form = form or AcceptForm(formdata=None)
    coordinators = db.session.execute(select(User).where(User.role == roles.COORDINATOR, User.disabled_at.is_(None))
                                      .order_by(User.display_name, User.email)).scalars()
    form.coordinator.choices = [SelectChoice("", _("Nobody for now"))] + [SelectChoice(str(user.uuid), user.label)
                                                                          for user in coordinators]
    return form


def _team_form(case: Case, form: CaseTeamForm | None = None) -> CaseTeamForm:
    return (form or CaseTeamForm(formdata=None)).offer(case_teams.candidates(db.session, case))


def _accept(vault, form: AcceptForm) -> None:
    """Accept, and put the accepting lawyer (and the coordinator named, if any) on the case team."""
    lawyer = current_user()
    screening.accept(db.session, vault, lawyer, form.note.data)
    case_teams.add_member(db.session, vault, lawyer, lawyer)
    if form.coordinator.data:
        case_teams.add_member(db.session, vault, lawyer, _person_or_404(UUID(form.coordinator.data)))


@bp.route("/<uuid:case_uuid>/accept", methods=["POST"])
def accept_report(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = _accept_form(AcceptForm())
    return _decide(case, form, lambda vault: _accept(vault, form), _("Accepted as a strategic candidate."),
                   "accept_form")


@bp.route("/<uuid:case_uuid>/team", methods=["POST"])
def add_team_member(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = _team_form(case, CaseTeamForm())
    return run_action(
        form, lambda: case_teams.add_member(db.session, open_vault(db.session, keyring(), case), current_user(),
                                            _person_or_404(UUID(form.member.data))),
        page=lambda problem: workspace(case, problem=problem, team_form=form), field="member",
        done=_("Added to the case team."), then=url_for("screening.show_report", case_uuid=case.uuid, _anchor="team"),
    )


@bp.route("/<uuid:case_uuid>/team/<uuid:member_uuid>/remove", methods=["POST"])
def remove_team_member(case_uuid: UUID, member_uuid: UUID):
    case = _case_or_404(case_uuid)
    member = _person_or_404(member_uuid)
    return run_action(
        ActionForm(), lambda: case_teams.remove_member(db.session, open_vault(db.session, keyring(), case),
                                                       current_user(), member),
        page=lambda problem: workspace(case, problem=problem), done=_("Removed from the case team."),
        then=url_for("screening.show_report", case_uuid=case.uuid, _anchor="team"),
    )


@bp.route("/<uuid:case_uuid>/reopen", methods=["POST"])
def reopen_report(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = ReopenForm()
    return _decide(case, form, lambda vault: screening.reopen(db.session, vault, current_user(), form.note.data),
                   _("The report is back in screening."), "reopen_form")


def _person_or_404(user_uuid: UUID) -> User:
    person = case_teams.find_person(db.session, user_uuid)
    if person is None:
        abort(404)
    return person
