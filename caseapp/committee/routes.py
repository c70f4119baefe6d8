"""Cases before the Committee, for lawyers and coordinators: the list, a case's page (stage, record,
interim measures, decision, follow-up, publicity, publication, timeline), and the forms that change them.
Victims' identities are never shown here, and a case's title only to whoever may read its content: a
coordinator off the case's team sees a note instead (DESIGN.md §2, AC-06). The case team panel adds and
removes members (``caseapp.services.case_teams``)."""

from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from caseapp.committee.forms import (
    FollowUpAssessmentForm,
    FollowUpSubmissionForm,
    InterimOutcomeForm,
    InterimRequestForm,
    MediaForm,
    MoveForm,
    PublicationForm,
    PublicityForm,
    RecordForm,
)
from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import covenant, deadlines, permissions, stages
from caseapp.domain.committee import (
    COMPLIANCE,
    DEADLINE_KINDS,
    DECISION_TYPES,
    FOLLOW_UP_GRADES,
    FOLLOW_UP_PROCEDURE,
    INTERIM_OUTCOMES,
    PUBLICITY_KINDS,
    RECORD_FIELDS,
    RECORD_LABELS,
    VIEWS_VIOLATION,
    open_deadlines,
)
from caseapp.domain.register import state_name, un_member_states
from caseapp.domain.roles import COORDINATOR
from caseapp.models import (
    Case,
    Communication,
    FollowUpAssessment,
    FollowUpSubmission,
    InterimMeasure,
    MediaCoverage,
    User,
)
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, case_teams, cases, committee, dashboard, timeline, todo
from caseapp.services.vault import CaseVault, open_vault, open_vaults
from caseapp.web.actions import run_action
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm, CaseTeamForm
from caseapp.web.labels import PRESET_LABELS, STATUS_LABELS
from caseapp.web.pagination import ListPagination, page_number, paginate
from caseapp.web.security import current_user
from caseapp.web.sorting import read_sorting

bp = Blueprint("committee", __name__, url_prefix="/committee")

DEADLINE_LABELS = dict(DEADLINE_KINDS)
# The dashboard's headline groups of stages, as the list names them when one is its filter (``?group=``).
GROUP_LABELS = {"candidates": _l("Strategic candidates and in preparation"),
                "before_committee": _l("Before the Committee"), "decided": _l("Decided")}


def _today():
    return utcnow().date()


@bp.route("")
def list_cases():
    stage = request.args.get("stage") or ""
    state = request.args.get("state") or ""
    mine = request.args.get("mine") or ""
    show = request.args.get("show") or None
    group = request.args.get("group") or ""
    if (stage and stage not in committee.TRACKED_STAGES) or (state and state_name(state) is None) or mine not in (
            "", "yes") or (show is not None and show not in todo.COMMITTEE_PRESETS) or (
            group and group not in GROUP_LABELS):
        abort(400)
    user = current_user()
    query = cases.visible_cases(user).where(Case.stage.in_(committee.TRACKED_STAGES))
    if show:
        # A home page's count (a preset from a fixed vocabulary): exactly its cases.
        query = query.where(todo.clause(show, user, now=utcnow()))
        stage = state = mine = ""
    if stage:
        query = query.where(Case.stage == stage)
    if group:  # a dashboard's headline number: the stages it counts
        query = query.where(Case.stage.in_(dashboard.STAGE_GROUPS[group]))
    if state:
        query = query.where(Case.state_code == state)
    if mine:
        query = query.where(Case.id.in_(case_teams.team_case_ids(user)))
    sorting = read_sorting(committee.LIST_SORTS, committee.DEFAULT_SORT)
    today = _today()
    if sorting.key == committee.DEFAULT_SORT:
        # The order that needs action: due dates come from the domain's rules, so the ids are ordered first.
        ordered_ids = committee.by_next_deadline(db.session, query, today=today, descending=sorting.descending)
        page = ListPagination(ordered_ids, page=page_number(), per_page=current_app.config["PAGE_SIZE"])
    else:
        page = paginate(cases.only_ids(committee.ordered(query, sorting.key, descending=sorting.descending)),
                        per_page=current_app.config["PAGE_SIZE"])
    page.items = cases.by_ids(db.session, page.items)
    vaults = open_vaults(db.session, keyring(), page.items)
    on_team = case_teams.on_team_of(db.session, user, [case.id for case in page.items])
    shared = committee.shared_numbers(db.session, [case.id for case in page.items])
    rows = []
    communications = {c.case_id: c for c in db.session.execute(
        select(Communication).where(Communication.case_id.in_([case.id for case in page.items]))).scalars()}
    for case in page.items:
        communication = communications.get(case.id)
        due = open_deadlines(committee.deadline_record(case, communication))
        readable = permissions.can_read_case_content(user, on_team=case.id in on_team)
        rows.append({"case": case, "communication": communication, "on_team": case.id in on_team,
                     "title": vaults[case.id].get(case, "title") if readable else None,
                     "state": state_name(case.state_code), "next": min(due, key=lambda d: d.due_date) if due else None,
                     "shared_number": shared.get(case.id, [])})
    return render_template("committee/list_cases.html", rows=rows, page=page, today=today, status_labels=STATUS_LABELS,
                           stages=committee.TRACKED_STAGES, states=un_member_states(), stage=stage, state=state,
                           mine=mine, preset=PRESET_LABELS.get(show) if show else None,
                           group=GROUP_LABELS.get(group) if group else None, group_code=group,
                           deadline_labels=DEADLINE_LABELS, days_left=deadlines.days_left, sorting=sorting)


def _case_or_404(case_uuid: UUID) -> Case:
    case = cases.find_visible_case(db.session, current_user(), case_uuid)
    if case is None or case.stage not in committee.TRACKED_STAGES:
        abort(404)
    return case


def _vault(case: Case) -> CaseVault:
    return open_vault(db.session, keyring(), case)


def _move_form(case: Case, form: MoveForm | None = None) -> MoveForm:
    form = form or MoveForm(formdata=None)
    form.target.choices = [SelectChoice(stage, STATUS_LABELS.get(stage, stage))
                           for stage in stages.targets(case.stage, current_user().role)]
    return form


def _title(case: Case, vault: CaseVault) -> str | None:
    """The case's title, or None for whoever may not read the case's content (a coordinator off its team)."""
    return vault.get(case, "title") if case_teams.may_read_content(db.session, current_user(), case) else None


def _team_form(case: Case, form: CaseTeamForm | None = None) -> CaseTeamForm:
    return (form or CaseTeamForm(formdata=None)).offer(case_teams.candidates(db.session, case))


def _page(case: Case, *, problem: str | None = None, **forms) -> str:
    vault = _vault(case)
    readable = case_teams.may_read_content(db.session, current_user(), case)
    today = _today()
    communication = committee.communication_of(db.session, case)
    measures = db.session.execute(select(InterimMeasure).where(InterimMeasure.case_id == case.id)
                                  .order_by(InterimMeasure.requested_on)).scalars().all()
    assessments = db.session.execute(select(FollowUpAssessment).where(FollowUpAssessment.case_id == case.id)
                                     .order_by(FollowUpAssessment.assessed_on)).scalars().all()
    submissions = db.session.execute(select(FollowUpSubmission).where(FollowUpSubmission.case_id == case.id)
                                     .order_by(FollowUpSubmission.submitted_on)).scalars().all()
    publicity = committee.publicity_of(db.session, case, communication, today=today)
    publication = forms.pop("publication_form", None) or PublicationForm(formdata=None, data={
        "summary": communication.public_summary if communication else "",
        "links": "\n".join(communication.public_links or []) if communication else "",
        "identity_consented": bool(communication and communication.publish_victim_identity),
        # The victims' names are identity: only for whoever may read the case's content.
        "victim_names": communication.public_victim_names if communication and readable else "",
    })
    follow_up_due = (deadlines.follow_up_response_due(communication.decision_transmitted_on)
                     if communication and communication.decision_type == VIEWS_VIOLATION
                     and communication.decision_transmitted_on else None)
    return render_template(
        "committee/show_case.html", case=case, title=vault.get(case, "title") if readable else None,
        readable=readable, team=case_teams.members(db.session, case),
        team_form=_team_form(case, forms.pop("team_form", None)), state=state_name(case.state_code),
        rights=[covenant.BY_CODE[c].label if c in covenant.BY_CODE else c for c in case.rights_invoked],
        communication=communication, values=committee.record_values(communication),
        recommendations=vault.get(communication, "recommendations") if communication else None,
        notes=vault.get(communication, "notes") if communication else None,
        record_fields=RECORD_FIELDS, decision_labels=dict(DECISION_TYPES),
        open_deadlines=open_deadlines(committee.deadline_record(case, communication)),
        deadline_labels=DEADLINE_LABELS, today=today, days_left=deadlines.days_left,
        measures=[(m, vault.get(m, "note"), InterimOutcomeForm(formdata=None, obj=m, prefix=f"m{m.id}"))
                  for m in measures],
        assessments=[(a, vault.get(a, "note")) for a in assessments],
        submissions=[(s, vault.get(s, "note")) for s in submissions],
        follow_up_due=follow_up_due, publicity=publicity, publicity_kinds=PUBLICITY_KINDS,
        labels=dict(INTERIM_OUTCOMES) | dict(COMPLIANCE) | dict(FOLLOW_UP_GRADES)
        | dict(FOLLOW_UP_PROCEDURE),
        publicity_notes={kind: vault.get(action, "note") for kind, action in publicity.done.items()},
        timeline=timeline.timeline(db.session, vault), status_labels=STATUS_LABELS,
        move_form=_move_form(case, forms.pop("move_form", None)),
        interim_form=forms.pop("interim_form", None) or InterimRequestForm(formdata=None),
        assessment_form=forms.pop("assessment_form", None) or FollowUpAssessmentForm(formdata=None),
        submission_form=forms.pop("submission_form", None) or FollowUpSubmissionForm(formdata=None),
        publicity_form=forms.pop("publicity_form", None) or PublicityForm(formdata=None),
        media_form=forms.pop("media_form", None) or MediaForm(formdata=None),
        publication_form=publication, action_form=ActionForm(), problem=problem,
        can_publish=current_user().role == COORDINATOR,
        required={target: [RECORD_LABELS[n] for n in fields] for target, fields in stages.REQUIRED_FIELDS.items()},
    )


def _warn_shared_number(case: Case) -> None:
    """Where the communication number is read and entered (the case's page, the record form): a warning
    when another case has the same number (issue 17, point 6). Shown in the layout's messages."""
    others = committee.shared_numbers(db.session, [case.id]).get(case.id)
    if others:
        flash(_("Check the communication number: the same number is recorded on %(refs)s. The Committee gives "
                "each communication its own number.", refs=", ".join(others)), "warning")


@bp.route("/<uuid:case_uuid>")
def show_case(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    audit_request("report_viewed", case=case)  # AC-08
    _warn_shared_number(case)
    return _page(case)


@bp.route("/<uuid:case_uuid>/record", methods=["GET", "POST"])
def edit_record(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    vault = _vault(case)
    communication = committee.communication_of(db.session, case)
    status = 200
    if request.method == "GET":
        audit_request("report_viewed", case=case)  # AC-08: the form shows the decrypted notes
        _warn_shared_number(case)
        form = RecordForm(formdata=None, data=committee.record_values(communication) | {
            "recommendations": vault.get(communication, "recommendations") if communication else "",
            "notes": vault.get(communication, "notes") if communication else "",
        })
        if form.author_comments_letter_on.data and not form.author_comments_due.data:
            form.author_comments_due.data = deadlines.suggested_author_comments_due(form.author_comments_letter_on.data)
    else:
        form = RecordForm()
        if form.validate():
            try:
                changed = committee.update_record(db.session, vault, current_user(), form.values(), today=_today(),
                                                 recommendations=form.recommendations.data, notes=form.notes.data)
            except committee.RecordError as exc:
                db.session.rollback()
                for name, message in exc.errors.items():
                    form[name].errors = [*form[name].errors, message]
                status = 400
            except ServiceError as exc:
                db.session.rollback()
                flash(exc.message, "danger")
                return redirect(url_for("committee.show_case", case_uuid=case.uuid))
            else:
                db.session.commit()
                flash(_("Record saved: %(what)s.", what=", ".join(changed)) if changed else _("Nothing had changed."),
                      "success" if changed else "info")
                return redirect(url_for("committee.show_case", case_uuid=case.uuid))
        else:
            status = 400
    return render_template("committee/edit_record.html", case=case, form=form, title=_title(case, vault)), status


def _act(case: Case, form, action, done_message: str, form_name: str, anchor: str):
    """A case-team action from a small form on the case page: on success back to its section; on a
    refusal the page again with the form as filled in and the problem, writing nothing."""
    return run_action(
        form, lambda: action(_vault(case)),
        page=lambda problem: _page(case, problem=problem, **{form_name: form}),
        done=done_message, then=url_for("committee.show_case", case_uuid=case.uuid, _anchor=anchor),
    )


@bp.route("/<uuid:case_uuid>/move", methods=["POST"])
def move_case(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = _move_form(case, MoveForm())
    return _act(case, form, lambda vault: committee.move(db.session, vault, current_user(), form.target.data,
                                                         form.note.data),
                _("Case moved."), "move_form", "stage")


@bp.route("/<uuid:case_uuid>/interim-measures", methods=["POST"])
def add_interim_measure(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = InterimRequestForm()
    return _act(case, form, lambda vault: committee.add_interim_measure(
        db.session, vault, current_user(), requested_on=form.requested_on.data, note=form.note.data, today=_today()),
        _("Interim measures request recorded."), "interim_form", "interim-measures")


@bp.route("/<uuid:case_uuid>/interim-measures/<uuid:measure_uuid>", methods=["POST"])
def update_interim_measure(case_uuid: UUID, measure_uuid: UUID):
    case = _case_or_404(case_uuid)
    measure = db.session.execute(select(InterimMeasure).where(InterimMeasure.case_id == case.id,
                                                              InterimMeasure.uuid == measure_uuid)).scalar_one_or_none()
    if measure is None:
        abort(404)
    form = InterimOutcomeForm(prefix=f"m{measure.id}")
    return _act(case, form, lambda vault: committee.update_interim_measure(
        db.session, vault, current_user(), measure, outcome=form.outcome.data, outcome_on=form.outcome_on.data,
        lifted_on=form.lifted_on.data, compliance=form.compliance.data, today=_today()),
        _("Interim measures updated."), "outcome_form", "interim-measures")


@bp.route("/<uuid:case_uuid>/follow-up/assessments", methods=["POST"])
def add_follow_up_assessment(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = FollowUpAssessmentForm()
    return _act(case, form, lambda vault: committee.add_follow_up_assessment(
        db.session, vault, current_user(), assessed_on=form.assessed_on.data, grade=form.grade.data,
        procedure=form.procedure.data, note=form.note.data, today=_today()),
        _("Follow-up assessment recorded."), "assessment_form", "follow-up")


@bp.route("/<uuid:case_uuid>/follow-up/submissions", methods=["POST"])
def add_follow_up_submission(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = FollowUpSubmissionForm()
    return _act(case, form, lambda vault: committee.add_follow_up_submission(
        db.session, vault, current_user(), submitted_on=form.submitted_on.data, note=form.note.data, today=_today()),
        _("Follow-up submission recorded."), "submission_form", "follow-up")


@bp.route("/<uuid:case_uuid>/publicity", methods=["POST"])
def record_publicity(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = PublicityForm()
    return _act(case, form, lambda vault: committee.record_publicity(
        db.session, vault, current_user(), kind=form.kind.data, done_on=form.done_on.data,
        language=form.language.data, note=form.note.data, today=_today()),
        _("Publicity action recorded."), "publicity_form", "publicity")


@bp.route("/<uuid:case_uuid>/media", methods=["POST"])
def add_media(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = MediaForm()
    return _act(case, form, lambda vault: committee.add_media(
        db.session, vault, current_user(), outlet=form.outlet.data, published_on=form.published_on.data,
        language=form.language.data, link=form.link.data, reach=form.reach.data, today=_today()),
        _("Media coverage recorded."), "media_form", "publicity")


@bp.route("/<uuid:case_uuid>/media/<uuid:item_uuid>/delete", methods=["POST"])
def delete_media(case_uuid: UUID, item_uuid: UUID):
    case = _case_or_404(case_uuid)
    item = db.session.execute(select(MediaCoverage).where(MediaCoverage.case_id == case.id,
                                                          MediaCoverage.uuid == item_uuid)).scalar_one_or_none()
    if item is None:
        abort(404)
    form = ActionForm()
    return _act(case, form, lambda vault: committee.delete_media(db.session, vault, current_user(), item),
                _("Media coverage removed."), "action_form", "publicity")


@bp.route("/<uuid:case_uuid>/publication", methods=["POST"])
def publish(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = PublicationForm()
    consented, names = bool(form.identity_consented.data), form.victim_names.data
    if not case_teams.may_read_content(db.session, current_user(), case):
        # Off the case team the victims' names are neither shown nor changed: the stored choice stays.
        communication = committee.communication_of(db.session, case)
        consented = bool(communication and communication.publish_victim_identity)
        names = communication.public_victim_names if communication else None
    return _act(case, form, lambda vault: committee.publish(
        db.session, vault, current_user(), summary=form.summary.data, links=(form.links.data or "").splitlines(),
        identity_consented=consented, victim_names=names),
        _("Published on the public decisions page."), "publication_form", "publication")


@bp.route("/<uuid:case_uuid>/publication/withdraw", methods=["POST"])
def withdraw_publication(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    return _act(case, ActionForm(), lambda vault: committee.withdraw_publication(db.session, vault, current_user()),
                _("Withdrawn from the public decisions page."), "action_form", "publication")


@bp.route("/<uuid:case_uuid>/team", methods=["POST"])
def add_team_member(case_uuid: UUID):
    case = _case_or_404(case_uuid)
    form = _team_form(case, CaseTeamForm())

    def add(vault: CaseVault):
        return case_teams.add_member(db.session, vault, current_user(), _person_or_404(UUID(form.member.data)))

    return run_action(form, lambda: add(_vault(case)),
                      page=lambda problem: _page(case, problem=problem, team_form=form), field="member",
                      done=_("Added to the case team."),
                      then=url_for("committee.show_case", case_uuid=case.uuid, _anchor="team"))


@bp.route("/<uuid:case_uuid>/team/<uuid:member_uuid>/remove", methods=["POST"])
def remove_team_member(case_uuid: UUID, member_uuid: UUID):
    case = _case_or_404(case_uuid)
    member = _person_or_404(member_uuid)
    return _act(case, ActionForm(), lambda vault: case_teams.remove_member(db.session, vault, current_user(), member),
                _("Removed from the case team."), "action_form", "team")


def _person_or_404(user_uuid: UUID) -> User:
    person = case_teams.find_person(db.session, user_uuid)
    if person is None:
        abort(404)
    return person
