"""The report form's steps: which fields each step shows, which answers are required, and how far the
partner has come.

The form is one ``ReportForm`` cut into server-rendered steps, so it works without JavaScript: each step
posts only its own fields and the rest of the report is read back from the saved draft.
"""

from dataclasses import dataclass

from caseapp.domain.report import ReportInput
from caseapp.web.translation import lazy_gettext as _l


@dataclass(frozen=True)
class Step:
    slug: str
    title: object  # a lazy gettext string
    fields: tuple[str, ...]


STEPS = (
    Step("state", _l("The State and the rights"), ("title", "state", "rights_invoked", "other_instruments")),
    Step("facts", _l("What happened"), (
        "summary", "narrative", "facts_start", "facts_end", "continuing", "only_mass_media_reports",
        "clear_disadvantage", "general_importance", "urgent_risk", "urgent_date", "urgent_explanation")),
    Step("victims", _l("Victims"), (
        "author_is_victim", "acting_on_behalf", "victims_under_jurisdiction", "victims", "consent_justification")),
    Step("remedies", _l("Domestic remedies"), (
        "remedies", "unused_remedies", "remedies_exception_reason", "remedies_exception_explanation",
        "one_year_exception")),
    Step("procedures", _l("Other international procedures"), ("other_procedures",)),
    Step("files", _l("Evidence files"), ("evidence",)),
    Step("review", _l("Review and submit"), ()),
)
BY_SLUG = {step.slug: step for step in STEPS}
FIRST = STEPS[0]
REVIEW = STEPS[-1]

# Answers needed to submit to the coalition's lawyers (domain/report.py, ``_completeness``), marked
# "(required)" on the form. Within a victim, remedy or procedure: the sub-field's name.
REQUIRED = frozenset({"title", "state", "rights_invoked", "narrative", "facts_start"})
REQUIRED_IN_ENTRY = {"victims": "name", "remedies": "body", "unused_remedies": "name", "other_procedures": "body"}
# Answers needed only after another answer (``_completeness`` again), marked with their condition in words.
REQUIRED_WHEN = {
    "consent_justification": _l("required if you act for victims who have not all consented"),
    "remedies_exception_explanation": _l("required if you give a reason"),
    "urgent_explanation": _l("required if there is a risk of irreparable harm"),
}

# A step is "done" once something in it was answered; steps without a required answer are done once seen.
_ANSWERED_WITHOUT_DEFAULT = {"unknown", "", None, False}


def step_of(key: str) -> Step:
    """The step that shows the field ``key`` ("title", "victims-0-name", "victims"); the review otherwise."""
    name = key.split("-")[0]
    return next((step for step in STEPS if name in step.fields), REVIEW)


def neighbour(slug: str, offset: int) -> Step:
    index = [step.slug for step in STEPS].index(slug) + offset
    return STEPS[min(max(index, 0), len(STEPS) - 1)]


def answered(report: ReportInput, step: Step, has_files: bool) -> bool:
    """Whether the partner has answered anything in ``step`` (its "done" mark, with no problem left)."""
    if step.slug == "files":
        return has_files
    for name in step.fields:
        value = getattr(report, name, None)
        if isinstance(value, list):
            if value:
                return True
        elif isinstance(value, str):
            if value.strip() and value not in _ANSWERED_WITHOUT_DEFAULT:
                return True
        elif value not in _ANSWERED_WITHOUT_DEFAULT:
            return True
    return False


def progress(report: ReportInput, problems: dict[str, str], has_files: bool) -> dict[str, str]:
    """Each step's state in words' keys: "done" (answered, nothing missing to submit), "missing" (an answer
    needed to submit is missing) or "todo" (nothing answered yet). The review step is never "done"."""
    missing = {step_of(key).slug for key in problems}
    states = {}
    for step in STEPS[:-1]:
        if step.slug in missing:
            states[step.slug] = "missing" if answered(report, step, has_files) else "todo"
        else:
            states[step.slug] = "done" if answered(report, step, has_files) else "todo"
    states[REVIEW.slug] = "todo"
    return states
