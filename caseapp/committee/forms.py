"""The caseworkers' forms (lawyers and coordinators) for a case before the Committee."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import Label
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from caseapp.domain import committee, covenant
from caseapp.services.committee import MAX_TEXT
from caseapp.web.forms import AppForm
from caseapp.web.translation import lazy_gettext as _l


def _choices(pairs, blank=None):
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(value, _l(label)) for value, label in pairs]


def distinct_ids(form: AppForm, prefix: str, names: tuple[str, ...]) -> AppForm:
    """Give the named fields ids of their own (``<prefix>-<name>``), label included: the case page holds
    several small forms with a "note" or a "language", and an error summary's link or a label must reach
    one field only. The posted names do not change."""
    for name in names:
        field = form[name]
        field.id = f"{prefix}-{name}"
        field.label = Label(field.id, field.label.text)
    return form


# The steps of the procedure (``domain.committee.PROCEDURE``) and its side exits, as the stepper names them.
STEP_LABELS = {
    "preparation": _l("Preparation"),
    "submission": _l("Submission to the Committee"),
    "registration": _l("Registration"),
    "observations": _l("Observations and comments"),
    "decision": _l("Decision (Views)"),
    "follow_up": _l("Follow-up and publicity"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
    "discontinued": _l("Discontinued"),
    "friendly_settlement": _l("Friendly settlement"),
}
STEP_STATUS_LABELS = {
    committee.DONE: _l("done"),
    committee.CURRENT: _l("current stage"),
    committee.TO_COME: _l("to come"),
}

# What happened (``domain.committee.RECORD_EVENTS``): the record form's first question.
EVENT_LABELS = {
    "submitted": _l("The communication was submitted to the Committee"),
    "registered": _l("The Committee registered it"),
    "transmitted": _l("The Committee transmitted it to the State"),
    "state_observations": _l("The State's observations arrived"),
    "comments_requested": _l("The Secretariat asked for the author's comments"),
    "comments_sent": _l("The author's comments were sent"),
    "admissibility": _l("The Committee decided on admissibility separately"),
    "merits_observations": _l("The State's observations on the merits arrived"),
    "decision": _l("The Committee adopted its decision"),
    "decision_transmitted": _l("The decision was transmitted"),
    "follow_up_response": _l("The State's follow-up response arrived"),
    "discontinued": _l("The Committee discontinued the case"),
    "settlement": _l("A friendly settlement was reached"),
    "notes": _l("Internal notes"),
}


class RecordForm(AppForm):
    """The communication record (DESIGN.md §3 Communication); every field optional, checked as a whole
    by ``domain.committee.check_record``."""

    submitted_on = DateField(_l("Submitted to the Committee on"), validators=[Optional()])
    registered_on = DateField(_l("Registered on"), validators=[Optional()])
    communication_number = StringField(_l("Communication number"), validators=[Optional(), Length(max=16)],
                                       description=_l("As the Committee writes it: number/year, e.g. 12/2026."))
    un_symbol = StringField(_l("UN symbol"), validators=[Optional(), Length(max=40)],
                            description=_l("E.g. E/C.12/77/D/242/2021."))
    transmitted_on = DateField(_l("Transmitted to the State on"), validators=[Optional()],
                               description=_l("The State's observations are due six months later (art. 6(2))."))
    state_observations_received_on = DateField(_l("State's observations received on"), validators=[Optional()])
    author_comments_letter_on = DateField(_l("Secretariat's letter asking for comments, dated"),
                                          validators=[Optional()])
    author_comments_due = DateField(_l("Author's comments due on"), validators=[Optional()],
                                    description=_l("The date set in the Secretariat's letter. "
                                                   "When only the letter's date is entered, "
                                                   "two months after it is suggested: check it."))
    author_comments_sent_on = DateField(_l("Author's comments sent on"), validators=[Optional()])
    admissibility_decided_on = DateField(_l("Separate admissibility decision adopted on"), validators=[Optional()])
    admissibility_transmitted_on = DateField(_l("Admissibility decision transmitted on"), validators=[Optional()],
                                             description=_l("Observations on the merits are due four months later "
                                                            "(rule 15(2))."))
    merits_observations_received_on = DateField(_l("State's observations on the merits received on"),
                                                validators=[Optional()])
    decision_type = SelectField(_l("Decision"), choices=_choices(committee.DECISION_TYPES, _l("No decision yet")),
                                validators=[Optional()])
    decision_adopted_on = DateField(_l("Decision adopted on"), validators=[Optional()])
    decision_transmitted_on = DateField(_l("Decision transmitted on"), validators=[Optional()],
                                        description=_l("For Views, the State's response is due six months later "
                                                       "(art. 9(2))."))
    articles_violated = SelectMultipleField(_l("Articles found violated"), validators=[Optional()],
                                            choices=[SelectChoice(r.code, _l(r.label)) for r in covenant.RIGHTS])
    recommendations = TextAreaField(_l("Recommendations"), validators=[Optional(), Length(max=MAX_TEXT)],
                                    render_kw={"rows": 3})
    follow_up_response_received_on = DateField(_l("State's follow-up response received on"), validators=[Optional()])
    discontinued_on = DateField(_l("Discontinued on"), validators=[Optional()])
    settlement_on = DateField(_l("Friendly settlement reached on"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 3},
                          description=_l("Internal; encrypted."))

    # Which event the form records (``domain.committee.RECORD_EVENTS``); the page names it in its link.
    event = HiddenField()

    def values(self) -> dict:
        return {name: (self[name].data or None) if name != "articles_violated" else (self[name].data or [])
                for name, _label in committee.RECORD_FIELDS}

    @staticmethod
    def fields_of(event: str) -> tuple[str, ...]:
        """The fields the form shows for ``event``: its record fields, then its text."""
        return committee.RECORD_EVENT_FIELDS[event] + committee.RECORD_EVENT_TEXTS.get(event, ())


class MoveForm(AppForm):
    # The choices start with an empty "Choose…" (set by the view): a move is never preselected.
    target = SelectField(_l("Move to"),
                         validators=[DataRequired(message=_l("Choose the stage to move the case to."))])
    note = TextAreaField(_l("Note for the timeline"), validators=[Optional(), Length(max=MAX_TEXT)],
                         render_kw={"rows": 2})


class InterimRequestForm(AppForm):
    requested_on = DateField(_l("Interim measures requested on"), validators=[DataRequired()])
    note = TextAreaField(_l("What was asked"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2})


class InterimOutcomeForm(AppForm):
    outcome = SelectField(_l("Outcome"), choices=_choices(committee.INTERIM_OUTCOMES))
    outcome_on = DateField(_l("Decided on"), validators=[Optional()])
    lifted_on = DateField(_l("Lifted on"), validators=[Optional()])
    compliance = SelectField(_l("State's compliance"), choices=_choices(committee.COMPLIANCE))


class FollowUpAssessmentForm(AppForm):
    assessed_on = DateField(_l("Assessed on"), validators=[DataRequired()])
    grade = SelectField(_l("Committee's grade"), choices=_choices(committee.FOLLOW_UP_GRADES))
    procedure = SelectField(_l("Procedure"), choices=_choices(committee.FOLLOW_UP_PROCEDURE))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2})


class FollowUpSubmissionForm(AppForm):
    submitted_on = DateField(_l("Our follow-up submission sent on"), validators=[DataRequired()])
    note = TextAreaField(_l("What it said"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2})


class PublicityForm(AppForm):
    kind = SelectField(_l("Checklist item"), choices=_choices(committee.PUBLICITY_KINDS))
    done_on = DateField(_l("Done on"), validators=[DataRequired()])
    language = StringField(_l("Language"), validators=[Optional(), Length(max=40)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2})


class MediaForm(AppForm):
    outlet = StringField(_l("Outlet"), validators=[DataRequired(), Length(max=200)])
    published_on = DateField(_l("Published on"), validators=[DataRequired()])
    language = StringField(_l("Language"), validators=[Optional(), Length(max=40)])
    link = StringField(_l("Link"), validators=[Optional(), Length(max=500)])
    reach = IntegerField(_l("Reach (people)"),
                         validators=[Optional(), NumberRange(min=0, max=committee.MAX_MEDIA_REACH)])


class PublicationForm(AppForm):
    summary = TextAreaField(_l("Summary for publication"), validators=[DataRequired(), Length(max=MAX_TEXT)],
                            render_kw={"rows": 6},
                            description=_l("Shown to anyone on the public decisions page. Write it for the public: "
                                           "no confidential facts, no victim identity unless they consented."))
    links = TextAreaField(_l("Links (one per line)"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2},
                          description=_l("E.g. the decision on the OHCHR jurisprudence database."))


class NameConsentForm(AppForm):
    """The case's lawyer confirms, having read the victims' own consent in the report, that their names may
    be published with the decision (issue 17, point 7): coordinators publish, but never decide this."""

    identity_consented = BooleanField(_l("The victims consented to the publication of their names"))
    victim_names = StringField(_l("Names to publish"), validators=[Optional(), Length(max=500)],
                               description=_l("As they should appear on the public decisions page. "
                                              "Leave empty, and untick, to publish no names."))
