"""The engine's input: a case's facts as DESIGN.md §5 writes them in JSON, described once in the
field vocabulary (``caseapp.domain.fields``) and read strictly from it.

``CaseFacts.from_json`` raises ``FactsError(field, message)`` naming the dotted field
(``remedies.0.notified``); ``None`` (``"unknown"`` for the tri-state answers) means unknown
(choice 15 of the package docstring). ``CASE_FACTS`` is the description itself: the API reads a
report's facts and writes their OpenAPI schema from it."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from caseapp.domain import report as limits
from caseapp.domain.fields import (
    Choice,
    Date,
    Field,
    FieldError,
    Problems,
    Record,
    Records,
    StateCode,
    Strings,
    Text,
    TriState,
    YesNo,
)
from caseapp.domain.report import (
    EXCEPTION_REASONS,
    PROCEDURE_STATUSES,
    REMEDY_KINDS,
    REMEDY_OUTCOMES,
    UNUSED_REASONS,
)

_Date = date  # OtherProcedure has a field called "date" (DESIGN.md §5), which would hide the type


@dataclass(frozen=True, slots=True)
class Remedy:
    body: str | None = None
    kind: str | None = None
    filed: date | None = None
    decided: date | None = None
    notified: date | None = None
    outcome: str | None = None
    final: bool | None = None
    addressed_substance: bool | None = None


@dataclass(frozen=True, slots=True)
class UnusedRemedy:
    name: str | None = None
    reason: str | None = None
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class RemediesException:
    reason: str | None = None
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class OtherProcedure:
    body: str | None = None
    same_matter: bool | None = None
    status: str | None = None
    date: _Date | None = None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """DESIGN.md §5's input. ``None`` (and ``"unknown"`` for tri-state answers) means unknown."""

    state: str | None = None
    submission_date: date | None = None
    in_writing: bool | None = None
    anonymous: bool | None = None
    author_is_victim: bool | None = None
    acting_on_behalf: bool | None = None
    consent: str = "unknown"
    consent_justification: str | None = None
    victims_under_jurisdiction: bool | None = None
    rights_invoked: tuple[str, ...] | None = None
    other_instruments_invoked: tuple[str, ...] | None = None
    facts_start: date | None = None
    facts_end: date | None = None
    continuing: str = "unknown"
    remedies: tuple[Remedy, ...] | None = None
    unused_remedies: tuple[UnusedRemedy, ...] | None = None
    remedies_exception: RemediesException | None = None
    one_year_exception: str | None = None
    other_procedures: tuple[OtherProcedure, ...] | None = None
    only_mass_media_reports: bool | None = None
    substantiated: str = "unknown"
    abuse: str = "unknown"
    clear_disadvantage: str = "unknown"
    general_importance: str = "unknown"

    @classmethod
    def from_json(cls, data: Any) -> "CaseFacts":
        """Strictly validated facts from the decoded JSON; raises ``FactsError`` at the first problem."""
        try:
            return CASE_FACTS.read(data, "", Problems())
        except FieldError as error:
            raise FactsError(error.field, error.message) from None


class FactsError(FieldError):
    """The JSON does not describe case facts. ``field`` is the dotted name (None: the whole document)."""

    def to_json(self) -> dict:
        return {"error": {"field": self.field, "message": self.message}}


# --- the facts described once ---------------------------------------------------------------------
# Limits are the intake's (caseapp/domain/report.py): facts that could not be stored as a report are
# refused here too, so the command line and the API accept the same documents.

REMEDY = Record("Remedy", (
    Field("body", Text(limits.MAX_BODY), "The court or authority."),
    Field("kind", Choice(REMEDY_KINDS), "What kind of remedy it is."),
    Field("filed", Date(), "When the remedy was filed."),
    Field("decided", Date(), "When it was decided."),
    Field("notified", Date(), "When the decision was notified to the author or counsel: the one-year limit of "
                              "art. 3(2)(a) runs from the day after."),
    Field("outcome", Choice(REMEDY_OUTCOMES), "How it ended, or that it is still pending."),
    Field("final", YesNo(), "Whether the decision is final: no further remedy lies against it."),
    Field("addressed_substance", YesNo(), "Whether the decision addressed the substance of the alleged violation, "
                                          "not only formal points (art. 3(2)(b))."),
), make=Remedy, nullable=False)

UNUSED_REMEDY = Record("UnusedRemedy", (
    Field("name", Text(limits.MAX_BODY), "The remedy not used."),
    Field("reason", Choice(UNUSED_REASONS), "Why it was not used; `none`: the author simply did not use it."),
    Field("explanation", Text(limits.MAX_EXPLANATION), "The author's explanation."),
), make=UnusedRemedy, nullable=False)

REMEDIES_EXCEPTION = Record("RemediesException", (
    Field("reason", Choice(EXCEPTION_REASONS), "Why domestic remedies need not be exhausted."),
    Field("explanation", Text(limits.MAX_EXPLANATION), "The author's explanation."),
), make=RemediesException)

OTHER_PROCEDURE = Record("OtherProcedure", (
    Field("body", Text(limits.MAX_BODY), "The international body."),
    Field("same_matter", YesNo(), "Whether it concerns the same matter: the same parties, events and rights."),
    Field("status", Choice(PROCEDURE_STATUSES), "Where the matter stands before that body."),
    Field("date", Date(), "The date of its decision, or of the filing."),
), make=OtherProcedure, nullable=False)

CASE_FACTS = Record("CaseFacts", (
    Field("state", StateCode(), "The State concerned."),
    Field("submission_date", Date(), "When the communication was submitted to the Committee."),
    Field("in_writing", YesNo(), "Whether the communication is in writing (art. 3(2)(g))."),
    Field("anonymous", YesNo(), "Whether the communication is anonymous (art. 3(2)(g))."),
    Field("author_is_victim", YesNo(), "Whether the author is a victim (art. 2)."),
    Field("acting_on_behalf", YesNo(), "Whether the author acts on behalf of victims (art. 2)."),
    Field("consent", TriState(), "Whether the victims consent to the communication (art. 2)."),
    Field("consent_justification", Text(limits.MAX_EXPLANATION),
          "Why the author may act on the victims' behalf without their consent (art. 2)."),
    Field("victims_under_jurisdiction", YesNo(), "Whether the victims are under the State's jurisdiction (art. 2)."),
    Field("rights_invoked", Strings(max_items=limits.MAX_RIGHTS, max_length=limits.MAX_RIGHT_CODE,
                                    item='the article, e.g. "11(1)"'),
          'The Covenant articles invoked, e.g. "11(1)".'),
    Field("other_instruments_invoked", Strings(max_items=limits.MAX_OTHER_ITEMS, max_length=limits.MAX_INSTRUMENT,
                                               item="the instrument and article"),
          'Claims under other treaties, e.g. "ICCPR art. 26": excluded under art. 3(2)(d).'),
    Field("facts_start", Date(), "When the facts began (art. 3(2)(b))."),
    Field("facts_end", Date(), "When the facts ended."),
    Field("continuing", TriState(), "Whether the facts continue (art. 3(2)(b))."),
    Field("remedies", Records(REMEDY, max_items=limits.MAX_REMEDIES), "The domestic remedies used (art. 3(1))."),
    Field("unused_remedies", Records(UNUSED_REMEDY, max_items=limits.MAX_OTHER_ITEMS),
          "Domestic remedies not used, and why (art. 3(1))."),
    Field("remedies_exception", REMEDIES_EXCEPTION,
          "The author's case that domestic remedies need not be exhausted (art. 3(1), second sentence); null when "
          "not claimed."),
    Field("one_year_exception", Text(limits.MAX_EXPLANATION),
          "Why submission within a year of the final domestic decision was not possible (art. 3(2)(a))."),
    Field("other_procedures", Records(OTHER_PROCEDURE, max_items=limits.MAX_OTHER_ITEMS),
          "Other procedures of international investigation or settlement (art. 3(2)(c))."),
    Field("only_mass_media_reports", YesNo(), "Whether the communication rests only on mass-media reports "
                                              "(art. 3(2)(e))."),
    Field("substantiated", TriState(), "Whether the claims are sufficiently substantiated (art. 3(2)(e))."),
    Field("abuse", TriState(), "Whether the communication is an abuse of the right to submit one (art. 3(2)(f))."),
    Field("clear_disadvantage", TriState(), "Whether the author suffered a clear disadvantage (art. 4)."),
    Field("general_importance", TriState(), "Whether the communication raises a serious issue of general "
                                            "importance (art. 4)."),
), make=CaseFacts, nullable=False)

FACT_FIELDS: tuple[str, ...] = CASE_FACTS.names
