"""What the engine answers (DESIGN.md §5): the statuses, the criteria in their contractual order, one
criterion's result, the deadlines, the whole assessment, and the rule that turns statuses into
``overall``. ``Findings`` and ``conclude`` are how the criteria modules build their results."""

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from caseapp.domain.admissibility.messages import ENGLISH, Message, Renderer

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"
WARNING = "warning"
NOT_APPLICABLE = "not_applicable"
STATUSES = (MET, NOT_MET, UNKNOWN, WARNING, NOT_APPLICABLE)

ADMISSIBLE = "admissible"
INADMISSIBLE = "inadmissible"
INCOMPLETE = "incomplete"

BASIS_NOTIFICATION = "notification"
BASIS_DECISION = "decision"

# DESIGN.md §5: always all present, in this order.
CRITERIA: tuple[tuple[str, str], ...] = (
    ("art1", "Article 1"),
    ("art2", "Article 2"),
    ("art3_1", "Article 3(1)"),
    ("art3_2_a", "Article 3(2)(a)"),
    ("art3_2_b", "Article 3(2)(b)"),
    ("art3_2_c", "Article 3(2)(c)"),
    ("art3_2_d", "Article 3(2)(d)"),
    ("art3_2_e", "Article 3(2)(e)"),
    ("art3_2_f", "Article 3(2)(f)"),
    ("art3_2_g", "Article 3(2)(g)"),
    ("art4", "Article 4"),
)
ARTICLES = dict(CRITERIA)

# Every fact the engine can name in a criterion's ``missing``, as a kind: a list entry's index is "*"
# (``remedies.*.final``) and a register entry's State is "*" (``register:*.entry_into_force``). The web
# layer gives each kind a question and the place where it is answered; ``missing_kind`` refuses any other,
# so a new code cannot reach a page without a label (tests/web/test_screening_labels.py).
MISSING_KINDS: tuple[str, ...] = (
    "state", "victims_under_jurisdiction", "author_is_victim", "acting_on_behalf", "consent",
    "consent_justification", "rights_invoked", "facts_start", "facts_end", "continuing", "remedies",
    "remedies.*.final", "remedies.*.notified", "remedies.*.decided", "remedies.*.addressed_substance",
    "unused_remedies", "unused_remedies.*.reason", "unused_remedies.*.explanation", "remedies_exception",
    "remedies_exception.reason", "remedies_exception.explanation", "one_year_exception", "other_procedures",
    "other_procedures.*.same_matter", "other_procedures.*.status", "only_mass_media_reports", "substantiated",
    "abuse", "anonymous", "in_writing", "clear_disadvantage", "general_importance",
    "register:*.entry_into_force", "register:*.party_status",
)
_INDEX = re.compile(r"^(remedies|unused_remedies|other_procedures)\.[0-9]+\.")
_REGISTER = re.compile(r"^register:[A-Z]{2}\.")


def missing_kind(path: str) -> str:
    """The kind of a ``missing`` path (``remedies.0.final`` → ``remedies.*.final``); ValueError for a path
    that is no declared kind."""
    kind = _REGISTER.sub("register:*.", _INDEX.sub(lambda m: f"{m.group(1)}.*.", path))
    if kind not in MISSING_KINDS:
        raise ValueError(f"undeclared missing fact: {path}")
    return kind


def missing_index(path: str) -> int | None:
    """The list entry a ``missing`` path names (``remedies.2.final`` → 2), None for a single fact."""
    match = _INDEX.match(path)
    return int(path.split(".")[1]) if match else None


# The warnings the engine can add to ``warnings``, by code (``Assessment.warning_codes``, in the same order):
# the sentences stay the engine's (``Assessment.warning_messages``, rendered in the reader's language), the codes
# let a page title them in plain words.
WARNING_ONE_YEAR_PASSED = "one_year_passed"
WARNING_ONE_YEAR_SOON = "one_year_soon"
WARNING_REGISTER_UNVERIFIED = "register_unverified"
WARNING_OTHERS_WITHOUT_CONSENT = "others_without_consent"
WARNING_ACCESSORY_ONLY = "accessory_articles_only"
WARNING_HOUSING = "housing_due_diligence"
WARNING_REMEDY_GRANTED = "remedy_granted"
WARNING_FACTS_DATE_ORDER = "facts_date_order"
WARNING_REMEDY_DATE_ORDER = "remedy_date_order"
WARNING_CODES: tuple[str, ...] = (
    WARNING_ONE_YEAR_PASSED, WARNING_ONE_YEAR_SOON, WARNING_REGISTER_UNVERIFIED, WARNING_OTHERS_WITHOUT_CONSENT,
    WARNING_ACCESSORY_ONLY, WARNING_HOUSING, WARNING_REMEDY_GRANTED, WARNING_FACTS_DATE_ORDER,
    WARNING_REMEDY_DATE_ORDER,
)


class Criterion:
    """One admissibility condition's result (immutable by convention; slotted, cheap to build). Its reason
    is ``reason_messages``; ``reason`` is their English text (messages.ENGLISH), written on first use — most
    readers (the pages, ``flask screen --lang``) render the messages in their own language instead, and
    only ``reason`` is in the JSON (DESIGN.md §5)."""

    __slots__ = ("id", "article", "status", "missing", "reason_messages", "_reason")

    def __init__(self, id: str, article: str, status: str, reason: str | None = None,  # noqa: A002 — the JSON's key
                 missing: tuple[str, ...] = (), reason_messages: tuple[Message, ...] = ()):
        self.id = id
        self.article = article
        self.status = status
        self.missing = missing
        self.reason_messages = reason_messages
        self._reason = reason

    @property
    def reason(self) -> str:
        if self._reason is None:
            self._reason = ENGLISH.sentences(self.reason_messages)
        return self._reason

    def __eq__(self, other) -> bool:
        if not isinstance(other, Criterion):
            return NotImplemented
        return ((self.id, self.article, self.status, self.reason, self.missing) ==
                (other.id, other.article, other.status, other.reason, other.missing))

    __hash__ = None  # compared by value, and the messages' parameters are dictionaries

    def __repr__(self) -> str:
        return (f"Criterion(id={self.id!r}, article={self.article!r}, status={self.status!r}, "
                f"reason={self.reason!r}, missing={self.missing!r})")

    def to_json(self) -> dict:
        return {"id": self.id, "article": self.article, "status": self.status, "reason": self.reason,
                "missing": list(self.missing)}

    def rendered(self, renderer: Renderer) -> "Criterion":
        """The same result with its reason in ``renderer``'s language and dates."""
        if not self.reason_messages:
            return self
        return Criterion(self.id, self.article, self.status, renderer.sentences(self.reason_messages), self.missing,
                         self.reason_messages)


class Deadlines(NamedTuple):
    one_year_last_day: date | None = None
    days_left: int | None = None
    basis: str | None = None  # "notification" | "decision"

    def to_json(self) -> dict:
        last = self.one_year_last_day
        return {"one_year_last_day": last.isoformat() if last else None, "days_left": self.days_left,
                "basis": self.basis}


@dataclass(frozen=True, slots=True)
class Assessment:
    overall: str
    criteria: tuple[Criterion, ...]
    excluded_claims: tuple[str, ...]
    deadlines: Deadlines
    warnings: tuple[str, ...]
    warning_codes: tuple[str, ...] = ()  # one per warning, same order (WARNING_CODES); not in the JSON
    warning_messages: tuple[Message, ...] = ()  # one per warning, same order: what ``warnings`` renders in English

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def rendered(self, renderer: Renderer) -> "Assessment":
        """The same assessment with its reasons and warnings in ``renderer``'s language and dates (the
        JSON's shape unchanged: ``flask screen --lang``)."""
        # An assessment built without messages (by hand, in a test) keeps its English warnings.
        warnings = (tuple(renderer(message) for message in self.warning_messages) if self.warning_messages else
                    self.warnings)
        return replace(self, criteria=tuple(criterion.rendered(renderer) for criterion in self.criteria),
                       warnings=warnings)

    def to_json(self) -> dict:
        """Exactly DESIGN.md §5's shape."""
        return {
            "overall": self.overall,
            "criteria": [criterion.to_json() for criterion in self.criteria],
            "excluded_claims": list(self.excluded_claims),
            "deadlines": self.deadlines.to_json(),
            "warnings": list(self.warnings),
        }


def overall_status(statuses) -> str:
    """DESIGN.md §5: inadmissible if any not_met, else incomplete if any unknown, else admissible."""
    if not isinstance(statuses, (tuple, list)):
        statuses = tuple(statuses)
    if NOT_MET in statuses:
        return INADMISSIBLE
    if UNKNOWN in statuses:
        return INCOMPLETE
    return ADMISSIBLE


class Findings:
    """Sentences (messages) sorted by what they do to the status; the worst decides it."""

    __slots__ = ("not_met", "unknown", "warning", "met", "missing")

    def __init__(self):
        self.not_met: list[Message] = []
        self.unknown: list[Message] = []
        self.warning: list[Message] = []
        self.met: list[Message] = []
        self.missing: list[str] = []

    def need(self, *fields: str) -> None:
        for field in fields:
            missing_kind(field)
            if field not in self.missing:
                self.missing.append(field)

    def criterion(self, criterion_id: str) -> Criterion:
        if self.not_met:
            status = NOT_MET
        elif self.unknown:
            status = UNKNOWN
        elif self.warning:
            status = WARNING
        else:
            status = MET
        return Criterion(criterion_id, ARTICLES[criterion_id], status, None, tuple(self.missing),
                         tuple(self.not_met + self.unknown + self.warning + self.met))


def conclude(criterion_id: str, status: str, reason: Message | tuple[Message | None, ...],
             missing: tuple[str, ...] = ()) -> Criterion:
    """A criterion decided by one sentence, or a few (a tuple; None for a sentence that does not apply), and
    the facts it misses."""
    for field in missing:
        missing_kind(field)
    sentences = ((reason,) if isinstance(reason, Message) else
                 tuple(sentence for sentence in reason if sentence is not None))
    return Criterion(criterion_id, ARTICLES[criterion_id], status, None, missing, sentences)


