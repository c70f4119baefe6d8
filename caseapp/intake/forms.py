"""The guided report form: sections of one form, with repeatable victims, remedies and procedures.

Every "add" or "remove" button saves the draft and shows the form again, so the form works without
JavaScript. ``to_input`` and ``from_input`` translate to and from the domain's ``ReportInput``.
"""

from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from caseapp.domain import covenant
from caseapp.domain import report as rules
from caseapp.domain.report import ProcedureInput, RemedyInput, ReportInput, UnusedRemedyInput, VictimInput
from caseapp.intake.steps import REQUIRED, REQUIRED_IN_ENTRY, REQUIRED_WHEN
from caseapp.web.forms import AppForm
from caseapp.web.translation import gettext, lazy_pgettext
from caseapp.web.translation import lazy_gettext as _l

TRI_CHOICES = [SelectChoice("unknown", _l("Don't know")), SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class VictimForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=rules.MAX_NAME)],
                       description=_l("A person's full name, or the name of the group."))
    kind = SelectField(_l("Individual or group"),
                       choices=_choices([("individual", _l("Individual")), ("group", _l("Group"))]))
    contact = StringField(_l("Contact"), validators=[Length(max=rules.MAX_CONTACT)])
    identity_number = StringField(_l("Identity number"), validators=[Length(max=rules.MAX_IDENTITY)],
                                  description=_l("Helps the lawyers spot the same person in another report."))
    consent = SelectField(_l("Consents to the communication"), choices=TRI_CHOICES)
    consent_record = StringField(_l("How consent is recorded"), validators=[Length(max=rules.MAX_EXPLANATION)],
                                 description=_l("E.g. signed authorisation of 3 March, recorded interview."))
    confidential = BooleanField(_l("Keep this identity confidential in any decision"), default=True)


class RemedyForm(Form):
    body = StringField(_l("Court or authority"), validators=[Length(max=rules.MAX_BODY)])
    kind = SelectField(_l("Kind"), choices=_choices([
        ("judicial", _l("Court (first instance)")), ("appeal", _l("Appeal")),
        ("cassation", _l("Cassation / supreme court")),
        ("constitutional", _l("Constitutional")), ("administrative", _l("Administrative")), ("other", _l("Other")),
    ]))
    filed = DateField(_l("Filed on"), validators=[Optional()])
    decided = DateField(_l("Decided on"), validators=[Optional()])
    notified = DateField(_l("Decision notified on"), validators=[Optional()],
                         description=_l("The one-year limit runs from the day after notification."))
    outcome = SelectField(_l("Outcome"), choices=_choices([
        ("pending", _l("Pending")), ("rejected", _l("Rejected")),
        ("granted", lazy_pgettext("a domestic remedy's outcome", "Granted")),
        ("partly_granted", _l("Partly granted")), ("withdrawn", _l("Withdrawn")),
    ]))
    final = SelectField(_l("Final (no further appeal)"), choices=TRI_CHOICES)
    addressed_substance = SelectField(_l("Did it address the substance?"), choices=TRI_CHOICES)


class UnusedRemedyForm(Form):
    name = StringField(_l("Remedy not used"), validators=[Length(max=rules.MAX_BODY)])
    reason = SelectField(_l("Why not"), choices=_choices([
        ("none", _l("No particular reason")), ("unavailable", _l("Not available")), ("ineffective", _l("Ineffective")),
        ("unreasonably_prolonged", _l("Unreasonably prolonged")),
    ]))
    explanation = TextAreaField(_l("Explanation"), validators=[Length(max=rules.MAX_EXPLANATION)])


class ProcedureForm(Form):
    body = StringField(_l("International body"), validators=[Length(max=rules.MAX_BODY)],
                       description=_l("E.g. European Court of Human Rights, Human Rights Committee."))
    same_matter = SelectField(_l("Same facts and victims?"), choices=TRI_CHOICES)
    status = SelectField(_l("Status"), choices=_choices([
        ("pending", _l("Pending")), ("examined", _l("Examined")),
        ("declared_inadmissible_reasoned", _l("Declared inadmissible, with reasons")),
        ("declared_inadmissible_unreasoned", _l("Declared inadmissible, without reasons")),
        ("withdrawn", _l("Withdrawn")),
    ]))
    date = DateField(_l("Date"), validators=[Optional()])


class ReportForm(AppForm):
    # 1. The State and the rights
    title = StringField(_l("Title"), validators=[Length(max=rules.MAX_TITLE)],
                        description=_l("A short name for the report, e.g. “Eviction of the Riverside settlement”."))
    state = SelectField(_l("State concerned"), choices=[], validate_choice=False)
    rights_invoked = SelectMultipleField(_l("Covenant rights violated"), choices=[], validate_choice=False,
                                         widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                         description=_l("Tick every right concerned."))
    other_instruments = TextAreaField(_l("Other instruments invoked"), validators=[Length(max=rules.MAX_EXPLANATION)],
                                      description=_l("One per line, e.g. “ICCPR art. 26”. The Committee examines only "
                                                     "Covenant rights (art. 3(2)(d))."))
    # 2. The facts
    summary = TextAreaField(_l("Summary"), validators=[Length(max=rules.MAX_SUMMARY)])
    narrative = TextAreaField(_l("What happened"), validators=[Length(max=rules.MAX_NARRATIVE)],
                              description=_l("Facts in order, with dates. Stored encrypted, shown as plain text."))
    facts_start = DateField(_l("The facts began on"), validators=[Optional()])
    facts_end = DateField(_l("The facts ended on"), validators=[Optional()])
    continuing = SelectField(_l("Do the facts continue today?"), choices=TRI_CHOICES,
                             description=_l("Continuing violations, not effects that merely persist."))
    only_mass_media_reports = SelectField(_l("Is the report based only on media reports?"), choices=TRI_CHOICES)
    clear_disadvantage = SelectField(_l("Did the victims suffer a clear disadvantage?"), choices=TRI_CHOICES,
                                     description=_l("The Committee may decline cases without one (art. 4)."))
    general_importance = SelectField(_l("Does the case raise a serious issue of general importance?"),
                                     choices=TRI_CHOICES)
    # 3. Victims and authorship
    author_is_victim = SelectField(_l("Is your organisation (the author) itself a victim?"), choices=TRI_CHOICES)
    acting_on_behalf = SelectField(_l("Do you act on behalf of the victims?"), choices=TRI_CHOICES)
    victims_under_jurisdiction = SelectField(_l("Were the victims under the State's jurisdiction?"),
                                             choices=TRI_CHOICES, description=_l("Article 2 of the Protocol."))
    consent_justification = TextAreaField(_l("Why you may act without a victim's consent"),
                                          validators=[Length(max=rules.MAX_EXPLANATION)],
                                          description=_l("Needed when acting for victims who have not consented "
                                                         "(art. 2)."))
    victims = FieldList(FormField(VictimForm), min_entries=0, max_entries=rules.MAX_VICTIMS)
    # 4. Domestic remedies
    remedies = FieldList(FormField(RemedyForm), min_entries=0, max_entries=rules.MAX_REMEDIES)
    unused_remedies = FieldList(FormField(UnusedRemedyForm), min_entries=0, max_entries=rules.MAX_OTHER_ITEMS)
    remedies_exception_reason = SelectField(
        _l("Domestic remedies need not be exhausted because they are…"),
        choices=_choices([
            ("", _l("— not claimed —")), ("unavailable", _l("not available")), ("ineffective", _l("ineffective")),
            ("unreasonably_prolonged", _l("unreasonably prolonged")),
        ]),
    )
    remedies_exception_explanation = TextAreaField(_l("Explanation"), validators=[Length(max=rules.MAX_EXPLANATION)])
    one_year_exception = TextAreaField(_l("If more than a year has passed since the final decision, why?"),
                                       validators=[Length(max=rules.MAX_EXPLANATION)])
    # 5. Other international procedures
    other_procedures = FieldList(FormField(ProcedureForm), min_entries=0, max_entries=rules.MAX_OTHER_ITEMS)
    # 6. Urgency
    urgent_risk = SelectField(_l("Is there a risk of irreparable harm?"), choices=TRI_CHOICES,
                              description=_l("E.g. an eviction date. "
                                             "The lawyers may ask the Committee for interim measures (art. 5)."))
    urgent_date = DateField(_l("Date of the threatened harm"), validators=[Optional()])
    urgent_explanation = TextAreaField(_l("Describe the risk"), validators=[Length(max=rules.MAX_EXPLANATION)])
    # 7. Evidence
    evidence = MultipleFileField(_l("Add evidence files"))


class OneYearForm(AppForm):
    """The remedies step's remedies alone, for the live one-year date (intake.one_year_limit); nothing stored."""
    remedies = FieldList(FormField(RemedyForm), min_entries=0, max_entries=rules.MAX_REMEDIES)


def remedies_input(remedies) -> list[RemedyInput]:
    """The domain's remedies from a FieldList of RemedyForm (OneYearForm's)."""
    return [RemedyInput(body=(r.form.body.data or "").replace("\x00", ""), kind=r.form.kind.data,
                        filed=r.form.filed.data, decided=r.form.decided.data,
                        notified=r.form.notified.data, outcome=r.form.outcome.data,
                        final=r.form.final.data, addressed_substance=r.form.addressed_substance.data)
            for r in remedies]


# The repeatable sections and the blank entry each "add" button appends.
REPEATABLE = {"victims": VictimInput, "remedies": RemedyInput, "unused_remedies": UnusedRemedyInput,
              "other_procedures": ProcedureInput}


def configure(form: ReportForm, state_choices: list[tuple[str, str]]) -> ReportForm:
    form.state.choices = [SelectChoice("", "—")] + _choices(state_choices)
    form.rights_invoked.choices = [SelectChoice(code, gettext(label)) for code, label in covenant.choices()]
    return form


def read_fields(form: ReportForm, names, formdata) -> ReportForm:
    """Fill only the fields ``names`` (one step's) from ``formdata``; the others keep the saved draft's
    answers the form was built with. The CSRF token travels with every step."""
    for name in (*names, "csrf_token"):
        if name in form:
            form[name].process(formdata)
    return form


def mark_required(form: ReportForm) -> ReportForm:
    """Flag the answers needed to submit (steps.REQUIRED): the field macro then shows "(required)" and the
    input gets ``required`` (the form is ``novalidate``: a draft is saved with them empty)."""
    for name in REQUIRED:
        if name != "rights_invoked":  # a group of checkboxes: its legend says it (one ticked box is enough)
            form[name].flags.required = True
    for name, sub in REQUIRED_IN_ENTRY.items():
        for entry in form[name].entries:
            entry.form[sub].flags.required = True
    for name, condition in REQUIRED_WHEN.items():
        form[name].flags.required_when = condition  # words only: the input stays optional while the condition is unmet
    return form


def to_input(form: ReportForm) -> ReportInput:
    def text(field) -> str:
        return (field.data or "").replace("\x00", "")

    return ReportInput(
        title=text(form.title), summary=text(form.summary), narrative=text(form.narrative),
        state=form.state.data or None, rights_invoked=list(form.rights_invoked.data or []),
        other_instruments=[line.strip() for line in text(form.other_instruments).splitlines() if line.strip()],
        facts_start=form.facts_start.data, facts_end=form.facts_end.data, continuing=form.continuing.data,
        author_is_victim=form.author_is_victim.data, acting_on_behalf=form.acting_on_behalf.data,
        consent_justification=text(form.consent_justification),
        victims=[VictimInput(name=text(v.form.name), kind=v.form.kind.data, contact=text(v.form.contact),
                             identity_number=text(v.form.identity_number), consent=v.form.consent.data,
                             consent_record=text(v.form.consent_record), confidential=bool(v.form.confidential.data))
                 for v in form.victims],
        remedies=[RemedyInput(body=text(r.form.body), kind=r.form.kind.data, filed=r.form.filed.data,
                              decided=r.form.decided.data, notified=r.form.notified.data, outcome=r.form.outcome.data,
                              final=r.form.final.data, addressed_substance=r.form.addressed_substance.data)
                  for r in form.remedies],
        unused_remedies=[UnusedRemedyInput(name=text(u.form.name), reason=u.form.reason.data,
                                           explanation=text(u.form.explanation)) for u in form.unused_remedies],
        remedies_exception_reason=form.remedies_exception_reason.data or None,
        remedies_exception_explanation=text(form.remedies_exception_explanation),
        one_year_exception=text(form.one_year_exception),
        other_procedures=[ProcedureInput(body=text(p.form.body), same_matter=p.form.same_matter.data,
                                         status=p.form.status.data, date=p.form.date.data)
                          for p in form.other_procedures],
        only_mass_media_reports=form.only_mass_media_reports.data, urgent_risk=form.urgent_risk.data,
        victims_under_jurisdiction=form.victims_under_jurisdiction.data,
        clear_disadvantage=form.clear_disadvantage.data, general_importance=form.general_importance.data,
        urgent_date=form.urgent_date.data, urgent_explanation=text(form.urgent_explanation),
    )


def form_data(report: ReportInput) -> dict:
    """The ``data=`` mapping that fills a ReportForm from a saved report."""
    data = {name: value for name, value in vars(report).items() if name not in REPEATABLE}
    data["other_instruments"] = "\n".join(report.other_instruments)
    data["state"] = report.state or ""
    data["remedies_exception_reason"] = report.remedies_exception_reason or ""
    for name in REPEATABLE:
        data[name] = [vars(item) for item in getattr(report, name)]
    return data
