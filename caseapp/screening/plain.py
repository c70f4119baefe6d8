"""The engine's answer in the lawyer's words (issue 17, points 3 and 4): each criterion by its plain
name, each missing fact as the question that settles it with a link to where it is answered, the
engine's sentences in the reader's language with their dates in the pages' one date format, and the
drafted request for information with the blocking problems first.

The engine (caseapp/domain/admissibility) stays free of Flask and of words for pages: it answers in
codes (criterion ids, ``MISSING_KINDS``, ``WARNING_CODES``) and messages (a template's code and its
parameters, rendered here with the request's translations); the labels are in caseapp/web/labels.py."""

from collections.abc import Callable
from datetime import date

from flask import current_app
from flask_babel import format_date, get_translations

from caseapp.domain.admissibility import (
    DATE,
    MONTH,
    NOT_MET,
    UNKNOWN,
    Assessment,
    Criterion,
    Renderer,
    missing_index,
    missing_kind,
)
from caseapp.services import state_names
from caseapp.web.labels import (
    CRITERION_NAMES,
    CRITERION_QUESTIONS,
    FACT_WORDS,
    MISSING_QUESTIONS,
    ONE_YEAR_PASSED_QUESTION,
    STILL_OPEN_LABELS,
    WARNING_LABELS,
)
from caseapp.web.translation import gettext as _


def local_date(day: date) -> str:
    """A day in the pages' one date format: the ``date`` filter's (caseapp/web/templating.py)."""
    return current_app.jinja_env.filters["date"](day)


def engine_renderer(reason_date: Callable[[date], str] | None = None) -> Renderer:
    """The engine's messages in the current locale (its Babel translations: the request's, or the one
    ``force_locale`` sets), dates as the pages show them: every day in the one date format, a month by its
    name; a State named in the reader's language (``services.state_names``). ``reason_date``: how the
    reasons' own dates are written instead
    (``flask screen`` keeps DESIGN.md §5's ISO dates)."""
    translations = get_translations()

    def dates(day: date, style: str) -> str:
        if style == MONTH:
            return format_date(day, "LLLL")
        if style == DATE and reason_date is not None:
            return reason_date(day)
        return local_date(day)

    def states(code: str, name: str) -> str:
        return state_names.localised(code, name)

    return Renderer(translations.gettext, translations.ngettext, dates, states)


def engine_reason(criterion: Criterion) -> str:
    """A criterion's reason in the reader's language."""
    return criterion.rendered(engine_renderer()).reason


def engine_warnings(assessment: Assessment) -> list[tuple[str, str]]:
    """The assessment's warnings in the reader's language, each with its code (``WARNING_CODES``)."""
    return list(zip(assessment.warning_codes, assessment.rendered(engine_renderer()).warnings, strict=True))


def criterion_name(criterion_id: str) -> str:
    return str(CRITERION_NAMES[criterion_id])


def fact_word(value):
    """A report's coded answer (``partly_granted``) in words; free text and dates as they are."""
    return FACT_WORDS[value] if isinstance(value, str) and value in FACT_WORDS else value


def warning_label(code: str) -> str:
    return str(WARNING_LABELS[code])


def missing_question(path: str) -> str:
    """The question that settles one of the engine's ``missing`` paths."""
    kind = missing_kind(path)
    question, _where = MISSING_QUESTIONS[kind]
    if kind.startswith("register:"):
        code = path.split(":", 1)[1].split(".", 1)[0]
        return str(question) % {"state": state_names.name(code) or code}
    index = missing_index(path)
    return str(question) % {"n": index + 1} if index is not None else str(question)


def missing_items(criterion: Criterion) -> list[dict]:
    """The criterion's missing facts as questions, each with where it is answered: ``on`` "report" (a
    section of the report's facts on the workspace) or "assessment" (the lawyer's determination on the
    assessment form), and the ``anchor`` there. The page makes the link: the same page's anchor, or the
    other page's."""
    items = []
    for path in criterion.missing:
        _question, anchor = MISSING_QUESTIONS[missing_kind(path)]
        items.append({"question": missing_question(path), "anchor": anchor,
                      "on": "assessment" if anchor.startswith("criterion-") else "report"})
    return items


def still_open_label(status: str) -> str | None:
    """What a criterion that is not blocked says above its missing facts: why they still matter."""
    label = STILL_OPEN_LABELS.get(status)
    return str(label) if label is not None else None


def criterion_question(criterion: Criterion, assessment: Assessment) -> str:
    """The question a not-met or unknown criterion puts to the partner; the one-year limit's names its
    last day once it has passed."""
    last_day = assessment.deadlines.one_year_last_day
    if criterion.id == "art3_2_a" and criterion.status == NOT_MET and last_day is not None:
        return str(ONE_YEAR_PASSED_QUESTION) % {"day": local_date(last_day)}
    return str(CRITERION_QUESTIONS[criterion.id])


def draft_request(assessment: Assessment) -> str:
    """The request for information a lawyer starts from (point 4): first every criterion not met, then every
    one not known, each as its question with the facts that would settle it; then the facts missing under
    the other criteria. Each question once, in the Protocol's order within each part. "" when the engine
    has nothing to ask."""
    blocking, rest, asked = [], [], set()
    words = {NOT_MET: _("not met as reported"), UNKNOWN: _("not yet known")}

    def questions(criterion: Criterion) -> list[str]:
        """The partner's questions only: a fact the lawyer determines or the States register settles (its
        place is a determination on the assessment form) is not the partner's to answer."""
        found = []
        for path in criterion.missing:
            if MISSING_QUESTIONS[missing_kind(path)][1].startswith("criterion-"):
                continue
            question = missing_question(path)
            if question not in asked:
                asked.add(question)
                found.append(question)
        return found

    for status in (NOT_MET, UNKNOWN):
        for criterion in assessment.criteria:
            if criterion.status != status:
                continue
            lines = [f"{criterion_name(criterion.id)} ({words[status]}): {criterion_question(criterion, assessment)}"]
            lines += [f"   - {question}" for question in questions(criterion)]
            blocking.append("\n".join(lines))
    for criterion in assessment.criteria:
        if criterion.status not in (NOT_MET, UNKNOWN):
            rest += questions(criterion)
    if not blocking and not rest:
        return ""
    lines = [_("To screen this report for a communication to the Committee we need the following information."), ""]
    if blocking:
        lines += [_("First, what stands in the way of the communication now:"), ""]
        lines += [f"{number}. {entry}" for number, entry in enumerate(blocking, 1)]
        lines.append("")
    if rest:
        lines += [_("Then, to complete the file:"), ""]
        lines += [f"{number}. {question}" for number, question in enumerate(rest, len(blocking) + 1)]
        lines.append("")
    lines.append(_("You can answer here, and add documents, or update the report itself."))
    return "\n".join(lines)


def register(bp) -> None:
    """The words as template filters, for every page that shows the engine's answer or a report's facts
    (the partner's report page includes the same facts)."""
    bp.add_app_template_global(engine_reason, "engine_reason")
    bp.add_app_template_global(engine_warnings, "engine_warnings")
    bp.add_app_template_filter(fact_word, "fact_word")
    bp.add_app_template_global(criterion_name, "criterion_name")
    bp.add_app_template_global(missing_items, "missing_items")
    bp.add_app_template_global(still_open_label, "still_open_label")
    bp.add_app_template_global(warning_label, "warning_label")

