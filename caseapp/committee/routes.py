"""Cases before the Committee, for lawyers and coordinators: the list, a case's page (stage, record,
interim measures, decision, follow-up, publicity, publication, timeline), and the forms that change them.
Victims' identities are never shown here, and a case's title only to whoever may read its content: a
coordinator off the case's team sees a note instead (DESIGN.md §2, AC-06). The case team panel adds and
removes members (``caseapp.services.case_teams``)."""

from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SelectChoice

from caseapp.committee.forms import (
    EVENT_LABELS,
    STEP_LABELS,
    STEP_STATUS_LABELS,
    FollowUpAssessmentForm,
    FollowUpSubmissionForm,
    InterimOutcomeForm,
    InterimRequestForm,
    MediaForm,
    MoveForm,
    NameConsentForm,
    PublicationForm,
    PublicityForm,
    RecordForm,
    distinct_ids,
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
    RECORD_EVENT_FIELDS,
    RECORD_EVENTS,
    RECORD_FIELDS,
    RECORD_LABELS,
    VIEWS_VIOLATION,
    merge_event,
    open_deadlines,
    procedure_steps,
)
from caseapp.domain.register import state_name
from caseapp.domain.roles import COORDINATOR, LAWYER
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
from caseapp.services import ServiceError, case_teams, cases, committee, dashboard, state_names, timeline, todo
from caseapp.services.vault import CaseVault, open_vault, open_vaults
from caseapp.web.actions import refusal_text, run_action
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm, CaseTeamForm, attach_problems
from caseapp.web.labels import PRESET_LABELS, STATUS_LABELS
from caseapp.web.pagination import CountedPagination, page_number, paginate
from caseapp.web.security import current_user
from caseapp.web.sorting import read_sorting
from caseapp.web.translation import gettext as _
from caseapp.web.translation import lazy_gettext as _l

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
    per_page = current_app.config["PAGE_SIZE"]
    if sorting.key == committee.DEFAULT_SORT:  # the order that needs action
        number = page_number()
        found = committee.page_by_next_deadline(db.session, query, page=number, per_page=per_page,
                                                descending=sorting.descending)
        page = CountedPagination(found.ids, total=found.total, more=found.more, page=number, per_page=per_page)
    else:
        page = paginate(cases.only_ids(committee.ordered(query, sorting.key, descending=sorting.descending)),
                        per_page=per_page)
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
                     "state": state_names.name(case.state_code),
                     "next": min(due, key=lambda d: d.due_date) if due else None,
                     "shared_number": shared.get(case.id, [])})
    return render_template("committee/list_cases.html", rows=rows, page=page, today=today, status_labels=STATUS_LABELS,
                           stages=committee.TRACKED_STAGES, states=state_names.choices(), stage=stage, state=state,
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
    """The move form; its list starts empty ("Choose…"): a consequential choice is never preselected."""
    form = form or MoveForm(formdata=None)
    targets = stages.targets(case.stage, current_user().role)
    form.target.choices = [SelectChoice("", _("Choose…"))] * bool(targets) + [
        SelectChoice(stage, STATUS_LABELS.get(stage, stage)) for stage in targets]
    return distinct_ids(form, "move", ("note",))


def _stage_needs(form: MoveForm, values: dict) -> list[dict]:
    """For each stage the move form offers that needs something recorded first: what, and whether it is.
    Empty when no offered stage needs anything (the page then shows no panel)."""
    return [{"stage": STATUS_LABELS.get(choice.value, choice.value),
             "fields": [(_(RECORD_LABELS[name]), values.get(name) not in (None, "", []))
                        for name in stages.REQUIRED_FIELDS[choice.value]]}
            for choice in form.target.choices if stages.REQUIRED_FIELDS.get(choice.value)]


def _urgency(case: Case, vault: CaseVault, readable: bool, measures: list) -> dict | None:
    """The risk of irreparable harm the partner reported, while the case is open: that it was reported and
    the date of the threatened harm (clear columns) for every caseworker; the partner's own words (encrypted
    case content) only for whoever may read the case's content (AC-06)."""
    if case.urgent_risk != "yes" or case.stage in stages.FINAL_STAGES:
        return None
    return {"date": case.urgent_date,
            "explanation": vault.get(case, "urgent_explanation") if readable else None,
            "latest_measure": measures[-1] if measures else None}


def _title(case: Case, vault: CaseVault) -> str | None:
    """The case's title, or None for whoever may not read the case's content (a coordinator off its team)."""
    return vault.get(case, "title") if case_teams.may_read_content(db.session, current_user(), case) else None


def _team_form(case: Case, form: CaseTeamForm | None = None) -> CaseTeamForm:
    return (form or CaseTeamForm(formdata=None)).offer(case_teams.candidates(db.session, case))


def _page(case: Case, *, problem: str | None = None, **forms) -> str:
    # The form sent back with errors (at most one per request): the error summary at the top lists them.
    failed_form = next(iter(forms.values()), None)
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
    })
    values = committee.record_values(communication)
    move_form = _move_form(case, forms.pop("move_form", None))
    user = current_user()
    team = case_teams.members(db.session, case)
    follow_up_due = (deadlines.follow_up_response_due(communication.decision_transmitted_on)
                     if communication and communication.decision_type == VIEWS_VIOLATION
                     and communication.decision_transmitted_on else None)
    may_draft = permissions.can_draft(user, on_team=any(member.user_id == user.id for member in team),
                                      stage=case.stage)
    return render_template(
        "committee/show_case.html", case=case, title=vault.get(case, "title") if readable else None,
        readable=readable, team=team, may_draft=may_draft,
        team_form=_team_form(case, forms.pop("team_form", None)), state=state_names.name(case.state_code),
        rights=[_(covenant.label(code)) for code in case.rights_invoked],
        communication=communication, values=values,
        recommendations=vault.get(communication, "recommendations") if communication else None,
        notes=vault.get(communication, "notes") if communication else None,
        record_fields=RECORD_FIELDS, decision_labels=dict(DECISION_TYPES),
        open_deadlines=open_deadlines(committee.deadline_record(case, communication)),
        deadline_labels=DEADLINE_LABELS, today=today, days_left=deadlines.days_left,
        measures=[(m, vault.get(m, "note"), InterimOutcomeForm(formdata=None, obj=m, prefix=f"m{m.id}"))
                  for m in measures],
        urgency=_urgency(case, vault, readable, measures),
        steps=procedure_steps(case.stage, values), step_labels=STEP_LABELS, step_status_labels=STEP_STATUS_LABELS,
        assessments=[(a, vault.get(a, "note")) for a in assessments],
        submissions=[(s, vault.get(s, "note")) for s in submissions],
        follow_up_due=follow_up_due, publicity=publicity, publicity_kinds=PUBLICITY_KINDS,
        labels=dict(INTERIM_OUTCOMES) | dict(COMPLIANCE) | dict(FOLLOW_UP_GRADES)
        | dict(FOLLOW_UP_PROCEDURE),
        publicity_notes={kind: vault.get(action, "note") for kind, action in publicity.done.items()},
        timeline=timeline.timeline(db.session, vault), status_labels=STATUS_LABELS,
        move_form=move_form, stage_needs=_stage_needs(move_form, values),
        interim_form=distinct_ids(forms.pop("interim_form", None) or InterimRequestForm(formdata=None),
                                  "interim", ("note",)),
        assessment_form=distinct_ids(forms.pop("assessment_form", None) or FollowUpAssessmentForm(formdata=None),
                                     "assessment", ("note",)),
        submission_form=distinct_ids(forms.pop("submission_form", None) or FollowUpSubmissionForm(formdata=None),
                                     "submission", ("note",)),
        publicity_form=distinct_ids(forms.pop("publicity_form", None) or PublicityForm(formdata=None),
                                    "publicity", ("language", "note")),
        media_form=distinct_ids(forms.pop("media_form", None) or MediaForm(formdata=None), "media", ("language",)),
        publication_form=publication, action_form=ActionForm(), problem=problem, failed_form=failed_form,
        can_publish=user.role == COORDINATOR,
        name_consent=committee.name_consent_confirmation(db.session, case),
        team_lawyer=any(member.user.role == LAWYER for member in team),
        may_confirm_names=permissions.can_confirm_name_consent(
            user, on_team=user.role == LAWYER and case_teams.is_on_team(db.session, case, user)),
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


def _shown_value(name: str, value):
    """A recorded value as the list of events shows it: a date stays a date (the page formats it)."""
    if name == "decision_type":
        return _(dict(DECISION_TYPES).get(value, value))
    if isinstance(value, list):
        return ", ".join(value)
    return value


@bp.route("/<uuid:case_uuid>/record", methods=["GET", "POST"])
def edit_record(case_uuid: UUID):
    """The communication record, one event at a time (issue 17, point 7): without an event, the list of
    what may have happened (each a link, with what is recorded); with one (``?event=`` or the form's own
    field), only that event's fields. Saving writes that event's fields and leaves the rest as recorded."""
    case = _case_or_404(case_uuid)
    vault = _vault(case)
    communication = committee.communication_of(db.session, case)
    recorded = committee.record_values(communication)
    texts = {name: vault.get(communication, name) if communication else "" for name in ("recommendations", "notes")}
    event = (request.form.get("event") if request.method == "POST" else request.args.get("event")) or ""
    if request.method == "GET":
        audit_request("report_viewed", case=case)  # AC-08: the form shows the decrypted notes
        _warn_shared_number(case)
    if event not in RECORD_EVENT_FIELDS:
        if event or request.method == "POST":
            abort(400)  # only a hand-made request names no event, or one that does not exist
        return render_template("committee/edit_record.html", case=case, title=_title(case, vault), form=None,
                               events=[(key, EVENT_LABELS[key], [(_(RECORD_LABELS[name]), _shown_value(name, value))
                                                                 for name in fields if (value := recorded.get(name))])
                                       for key, fields in RECORD_EVENTS])
    shown = RecordForm.fields_of(event)
    problems: list[str] = []
    status = 200
    if request.method == "GET":
        form = RecordForm(formdata=None, data=recorded | texts | {"event": event})
        if form.author_comments_letter_on.data and not form.author_comments_due.data:
            form.author_comments_due.data = deadlines.suggested_author_comments_due(form.author_comments_letter_on.data)
    else:
        form = RecordForm()
        # Only the event's fields are read from the post: any other field posted is ignored (AC-05).
        form.validate()
        ignored = {field.name for field in form} - {*shown, "csrf_token"}
        if any(form[name].errors for name in ignored if name in request.form):
            abort(400)  # an invalid value in a field of another event: only a hand-made request posts one (IN-01)
        if not any(field.errors for field in form if field.name not in ignored):
            values = merge_event(recorded, event, form.values())
            written = {name: form[name].data if name in shown else texts[name] for name in texts}
            try:
                changed = committee.update_record(db.session, vault, current_user(), values, today=_today(),
                                                  recommendations=written["recommendations"], notes=written["notes"])
            except committee.RecordError as exc:
                db.session.rollback()
                # A field of another event (a date out of order with this one) is named in the summary.
                problems.extend(message for _name, message in attach_problems(
                    exc.errors, lambda name: form[name] if name in shown else None))
                status = 400
            except ServiceError as exc:
                db.session.rollback()
                flash(refusal_text(exc), "danger")
                return redirect(url_for("committee.show_case", case_uuid=case.uuid))
            else:
                db.session.commit()
                flash(_("Record saved: %(what)s.", what=", ".join(changed)) if changed else _("Nothing had changed."),
                      "success" if changed else "info")
                return redirect(url_for("committee.show_case", case_uuid=case.uuid, _anchor="record"))
        else:
            status = 400
        for name in ignored:
            form[name].errors = []  # a field the page does not show cannot be corrected there
    return render_template("committee/edit_record.html", case=case, form=form, title=_title(case, vault),
                           event=event, event_label=EVENT_LABELS[event], shown=shown, problems=problems), status


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
    # The victims' names are not the coordinator's to give: the case's lawyer confirms them (confirm_name_consent).
    return run_action(form, lambda: committee.publish(db.session, _vault(case), current_user(),
                                                      summary=form.summary.data,
                                                      links=(form.links.data or "").splitlines()),
                      page=lambda problem: _page(case, problem=problem, publication_form=form), field="summary",
                      done=_("Published on the public decisions page."),
                      then=url_for("committee.show_case", case_uuid=case.uuid, _anchor="publication"))


@bp.route("/<uuid:case_uuid>/publication/names", methods=["GET", "POST"])
def confirm_name_consent(case_uuid: UUID):
    """The case's lawyer reads the victims' own consent (from the report) and confirms whether their names
    may be published with the decision, and which (issue 17, point 7). A lawyer off the case's team is
    refused: this is the team's decision."""
    case = _case_or_404(case_uuid)
    user = current_user()
    on_team = case_teams.is_on_team(db.session, case, user)
    if not permissions.can_confirm_name_consent(user, on_team=on_team):
        abort(403)
    vault = _vault(case)
    communication = committee.communication_of(db.session, case)
    if request.method == "POST":
        form = NameConsentForm()
    else:
        form = NameConsentForm(formdata=None, data={
            "identity_consented": bool(communication and communication.publish_victim_identity),
            "victim_names": communication.public_victim_names if communication else ""})

    def page(problem: str | None):
        audit_request("report_viewed", case=case)  # AC-08: the page shows the victims, decrypted
        return render_template("committee/confirm_name_consent.html", case=case, form=form,
                               title=vault.get(case, "title"), victims=committee.victims_consent(vault),
                               communication=communication, problem=problem,
                               confirmation=committee.name_consent_confirmation(db.session, case))

    if request.method == "GET":
        return page(None)
    return run_action(form, lambda: committee.confirm_name_consent(
        db.session, vault, user, on_team=on_team, consented=bool(form.identity_consented.data),
        victim_names=form.victim_names.data), page=page, field="victim_names",
        done=_("The victims' consent to publish their names is recorded."),
        then=url_for("committee.show_case", case_uuid=case.uuid, _anchor="publication"))


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
