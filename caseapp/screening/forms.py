"""The lawyers' forms: the queue's filters, the screening (determinations and strategic scores), and
the decisions."""

from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.domain import covenant
from caseapp.domain.admissibility import CRITERIA, MET, NOT_APPLICABLE, NOT_MET, UNKNOWN
from caseapp.domain.report import MAX_NAME
from caseapp.domain.screening import (
    MAX_NOTES,
    MAX_REASON,
    SCALE_HINTS,
    SCORES,
    STRATEGIC_FACTORS,
    Determination,
    FactorScore,
    ScreeningContent,
)
from caseapp.services.messages import MAX_MESSAGE
from caseapp.services.screening import MAX_DECLINE_REASON
from caseapp.web.forms import MINE_CHOICES, AppForm, FixedOptionsSelect, attach_problems
from caseapp.web.translation import lazy_gettext as _l

STATUS_CHOICES = [SelectChoice(MET, _l("met")), SelectChoice(NOT_MET, _l("not met")),
                  SelectChoice(UNKNOWN, _l("unknown")), SelectChoice(NOT_APPLICABLE, _l("not applicable"))]
DAYS_CHOICES = [SelectChoice("", _l("Any")), SelectChoice("passed", _l("Passed")),
                SelectChoice("7", _l("7 days or less")), SelectChoice("30", _l("30 days or less")),
                SelectChoice("90", _l("90 days or less")), SelectChoice("unknown", _l("Not counted"))]
STAGE_CHOICES = [SelectChoice("queue", _l("To screen (new, in screening, waiting for information)")),
                 SelectChoice("submitted", _l("New")), SelectChoice("screening", _l("In screening")),
                 SelectChoice("info_requested", _l("Information requested")),
                 SelectChoice("candidate", _l("Strategic candidates")),
                 SelectChoice("declined", _l("Declined")), SelectChoice("all", _l("All"))]
# The queue's sortable columns (issue 17, point 6), also offered as a select for narrow screens, where the
# table's headers give way to cards; the direction a header's first click gives is in QUEUE_SORTS.
SORT_CHOICES = [SelectChoice("limit", _l("One-year limit")), SelectChoice("submitted", _l("Submitted")),
                SelectChoice("urgency", _l("Urgency")), SelectChoice("reference", _l("Reference")),
                SelectChoice("state", _l("State")), SelectChoice("stage", _l("Stage"))]
QUEUE_SORTS = {"limit": "asc", "submitted": "desc", "urgency": "desc", "reference": "asc", "state": "asc",
               "stage": "asc"}
DIR_CHOICES = [SelectChoice("", _l("Usual order")), SelectChoice("asc", _l("Ascending")),
               SelectChoice("desc", _l("Descending"))]


def filter_select(label, **options) -> SelectField:
    """A filter of the queue: optional, its options the same for every reader of a language."""
    return SelectField(label, validators=[Optional()], widget=FixedOptionsSelect(), **options)


class QueueFilterForm(AppForm):
    """Filters on codes only (no personal data), so they can travel in the URL."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    stage = filter_select(_l("Stage"), choices=STAGE_CHOICES, default="queue")
    state = filter_select(_l("State"))
    right = filter_select(_l("Right"), choices=[SelectChoice("", _l("All rights"))]
                          + [SelectChoice(right.code, _l(right.label)) for right in covenant.RIGHTS])
    urgent = filter_select(_l("Urgency"), choices=[SelectChoice("", _l("Any")), SelectChoice("yes", _l("Urgent only"))])
    days = filter_select(_l("One-year limit"), choices=DAYS_CHOICES)
    sort = filter_select(_l("Sort by"), choices=SORT_CHOICES, default="limit")
    dir = filter_select(_l("Order"), choices=DIR_CHOICES, default="")
    mine = filter_select(_l("Case team"), choices=MINE_CHOICES)


class VictimSearchForm(AppForm):
    """A victim's name, sent by POST so it never appears in a URL or a log line (DATA-01)."""

    name = StringField(_l("Victim's name"), validators=[DataRequired(), Length(max=MAX_NAME)],
                       description=_l("The full name as written in reports; "
                                      "accents, case and punctuation do not matter."))


class ScreeningForm(AppForm):
    """One status and reason per criterion (fields ``status_<id>``, ``reason_<id>``), one score and notes
    per strategic factor (``score_<factor>``, ``notes_<factor>``), and a summary."""

    summary = TextAreaField(_l("Summary of your assessment"), validators=[Optional(), Length(max=MAX_NOTES)],
                            render_kw={"rows": 3})

    def content(self, engine: dict) -> ScreeningContent:
        statuses = {criterion["id"]: criterion["status"] for criterion in engine.get("criteria", [])}
        determinations = tuple(
            Determination(criterion, statuses.get(criterion, UNKNOWN), self[f"status_{criterion}"].data or "",
                          (self[f"reason_{criterion}"].data or "").strip())
            for criterion, _article in CRITERIA
        )
        # A score of only spaces passes the field's Optional() as "not scored" (it stops the choice check), so it
        # is read as one: int(" ") would fail (found by the form fuzzing test).
        factors = tuple(
            FactorScore(factor, int(score) if (score := (self[f"score_{factor}"].data or "").strip()) else None,
                        (self[f"notes_{factor}"].data or "").strip())
            for factor, _name in STRATEGIC_FACTORS
        )
        return ScreeningContent(determinations, factors, (self.summary.data or "").strip(), engine)

    def fill(self, content: ScreeningContent) -> None:
        for determination in content.determinations:
            self[f"status_{determination.criterion}"].data = determination.status
            self[f"reason_{determination.criterion}"].data = determination.reason
        for score in content.factors:
            self[f"score_{score.factor}"].data = str(score.score) if score.score else ""
            self[f"notes_{score.factor}"].data = score.notes
        self.summary.data = content.summary

    def attach(self, errors: dict[str, str]) -> list[str]:
        """Put each problem next to its field; return those that belong to no field."""
        def field_of(name: str):
            kind, _sep, key = name.partition("-")
            target = {"determination": f"reason_{key}", "factor": f"score_{key}"}.get(kind, name)
            return self[target] if target in self._fields else None

        return [message for _name, message in attach_problems(errors, field_of)]


for _criterion, _article in CRITERIA:
    setattr(ScreeningForm, f"status_{_criterion}", SelectField(_l("Your determination"), choices=STATUS_CHOICES))
    setattr(ScreeningForm, f"reason_{_criterion}", TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=MAX_REASON)], render_kw={"rows": 2},
        description=_l("Required when you differ from the engine.")))
for _factor, _name in STRATEGIC_FACTORS:
    setattr(ScreeningForm, f"score_{_factor}", SelectField(
        _l(_name),
        choices=[SelectChoice("", _l("Not scored"))] + [SelectChoice(str(score), str(score)) for score in SCORES],
        validators=[Optional()], description=_l(SCALE_HINTS[_factor])))
    setattr(ScreeningForm, f"notes_{_factor}", TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=MAX_NOTES)], render_kw={"rows": 2}))


class InformationRequestForm(AppForm):
    body = TextAreaField(_l("Request to the partner"), validators=[DataRequired(), Length(max=MAX_MESSAGE)],
                         render_kw={"rows": 12},
                         description=_l("Sent in the report's thread; "
                                        "the partner can answer there or update the report."))


class DeclineForm(AppForm):
    reason = TextAreaField(_l("Reason for declining"), validators=[DataRequired(), Length(max=MAX_DECLINE_REASON)],
                           render_kw={"rows": 4},
                           description=_l("The partner reads this on their report page. Write it for them."))


class AcceptForm(AppForm):
    """Accepting a report: the accepting lawyer joins the case team; a coordinator may be named to join too
    (the view offers the active coordinators)."""

    note = TextAreaField(_l("Note for the case's timeline"), validators=[Optional(), Length(max=MAX_NOTES)],
                         render_kw={"rows": 2})
    coordinator = SelectField(_l("Coordinator for the case team"), validators=[Optional()],
                              description=_l("Optional: they will see the victims' identity, the narrative "
                                             "and the files."))


class ReopenForm(AppForm):
    note = TextAreaField(_l("Why reopen it?"), validators=[DataRequired(), Length(max=MAX_NOTES)],
                         render_kw={"rows": 2})
