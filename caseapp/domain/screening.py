"""A lawyer's screening of a report: the engine's input from the report, determinations per criterion,
the strategic assessment, versions.

The admissibility engine (``admissibility.assess``) gives its reading; the lawyer records a
determination for each criterion and may differ from the engine only with a written reason
(DESIGN.md §5, last paragraph). The strategic assessment scores five factors from 1 to 5, each with
notes. Every save is a new version; ``changes`` says, in words, what a version changed from the one
before. (The questions a partner is asked about the engine's ``missing`` facts are words for pages:
caseapp/web/labels.py and caseapp/screening/plain.py.) Pure data and functions: no Flask, no database.
"""

from dataclasses import dataclass, field

from caseapp.domain import admissibility
from caseapp.domain.admissibility import (
    CRITERIA,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    STATUSES,
    UNKNOWN,
    WARNING,
    overall_status,
)
from caseapp.domain.i18n import N_, Text
from caseapp.domain.report import ReportInput, victims_consent

# What a lawyer may determine: the engine's own statuses except "warning", which is the engine's way
# of saying "look at this yourself" — a lawyer's determination settles it one way or the other.
DETERMINATION_STATUSES = (MET, NOT_MET, UNKNOWN, NOT_APPLICABLE)
# Words inside a sentence (``check_content``'s "You differ from the engine (met)"): each a ``Text``, which the
# page translates with the sentence.
STATUS_WORDS = {MET: Text(N_("met")), NOT_MET: Text(N_("not met")), UNKNOWN: Text(N_("unknown")),
                WARNING: Text(N_("warning")), NOT_APPLICABLE: Text(N_("not applicable"))}
MAX_REASON = 4000
MAX_NOTES = 4000

# The strategic assessment (issue 5, item 4). For reprisal risk a high score is a high risk.
STRATEGIC_FACTORS: tuple[tuple[str, str], ...] = (
    ("precedent_value", N_("Precedent value")),
    ("systemic_impact", N_("Systemic impact")),
    ("evidence_strength", N_("Strength of evidence")),
    ("informed_consent", N_("Victims' informed consent to litigation")),
    ("reprisal_risk", N_("Risk of reprisals")),
)
SCORES = (1, 2, 3, 4, 5)
SCALE_HINTS = {
    "precedent_value": N_("1 = repeats settled case law, 5 = a question the Committee has never decided"),
    "systemic_impact": N_("1 = one household, 5 = a law or policy affecting many"),
    "evidence_strength": N_("1 = assertions only, 5 = documents for every key fact"),
    "informed_consent": N_("1 = not yet discussed, 5 = recorded, informed consent of every victim"),
    "reprisal_risk": N_("1 = no known risk, 5 = serious risk to victims or the organisation"),
}


@dataclass(frozen=True)
class Determination:
    """The lawyer's status for one criterion, and why; ``engine_status`` is what the engine said then."""

    criterion: str
    engine_status: str
    status: str
    reason: str = ""

    @property
    def differs(self) -> bool:
        return self.status != self.engine_status

    def to_json(self) -> dict:
        return {"criterion": self.criterion, "engine_status": self.engine_status, "status": self.status,
                "reason": self.reason}


@dataclass(frozen=True)
class FactorScore:
    factor: str
    score: int | None
    notes: str = ""

    def to_json(self) -> dict:
        return {"factor": self.factor, "score": self.score, "notes": self.notes}


@dataclass(frozen=True)
class ScreeningContent:
    """What one version of a screening holds (stored encrypted, as JSON)."""

    determinations: tuple[Determination, ...]
    factors: tuple[FactorScore, ...]
    summary: str = ""
    engine: dict = field(default_factory=dict)  # the engine's assessment (DESIGN.md §5 JSON) at the time

    @property
    def overall(self) -> str:
        """The lawyer's overall reading: the engine's rule applied to the determinations."""
        return overall_status(tuple(d.status for d in self.determinations))

    @property
    def complete_strategy(self) -> bool:
        return all(score.score is not None for score in self.factors)

    def determination(self, criterion: str) -> Determination | None:
        return next((d for d in self.determinations if d.criterion == criterion), None)

    def factor(self, factor: str) -> FactorScore | None:
        return next((f for f in self.factors if f.factor == factor), None)

    def to_json(self) -> dict:
        return {
            "determinations": [d.to_json() for d in self.determinations],
            "factors": [f.to_json() for f in self.factors],
            "summary": self.summary,
            "engine": self.engine,
        }

    @classmethod
    def from_json(cls, data: dict) -> "ScreeningContent":
        return cls(
            determinations=tuple(Determination(d["criterion"], d["engine_status"], d["status"], d.get("reason", ""))
                                 for d in data.get("determinations", [])),
            factors=tuple(FactorScore(f["factor"], f.get("score"), f.get("notes", ""))
                          for f in data.get("factors", [])),
            summary=data.get("summary", ""),
            engine=data.get("engine", {}),
        )


def check_content(content: ScreeningContent) -> dict[str, str]:
    """Problems with a screening, by field name (``determination-art3_1``, ``factor-reprisal_risk``)."""
    errors: dict[str, str] = {}
    seen = [d.criterion for d in content.determinations]
    if seen != [criterion for criterion, _article in CRITERIA]:
        errors["determinations"] = N_("Give a determination for every criterion, in the order of the Protocol.")
    for determination in content.determinations:
        name = f"determination-{determination.criterion}"
        if determination.status not in DETERMINATION_STATUSES:
            errors[name] = N_("Choose met, not met, unknown or not applicable.")
        elif determination.engine_status not in STATUSES:
            errors[name] = N_("The engine's status is not one the engine gives.")
        elif determination.differs and not determination.reason.strip():
            errors[name] = N_("You differ from the engine (%(status)s): write your reason.",
                              status=STATUS_WORDS[determination.engine_status])
        elif len(determination.reason) > MAX_REASON:
            errors[name] = N_("Keep the reason under %(max)d characters.", max=MAX_REASON)
    if [f.factor for f in content.factors] != [factor for factor, _name in STRATEGIC_FACTORS]:
        errors["factors"] = N_("Score every strategic factor.")
    for score in content.factors:
        name = f"factor-{score.factor}"
        if score.score is not None and score.score not in SCORES:
            errors[name] = N_("Score from 1 to 5.")
        elif len(score.notes) > MAX_NOTES:
            errors[name] = N_("Keep the notes under %(max)d characters.", max=MAX_NOTES)
    if len(content.summary) > MAX_NOTES:
        errors["summary"] = N_("Keep the summary under %(max)d characters.", max=MAX_NOTES)
    return errors


def engine_statuses(engine: dict) -> dict[str, str]:
    return {criterion["id"]: criterion["status"] for criterion in engine.get("criteria", [])}


def default_determinations(engine: dict) -> tuple[Determination, ...]:
    """The starting point of a first screening: the engine's status for each criterion, adopted."""
    statuses = engine_statuses(engine)
    return tuple(Determination(criterion, statuses.get(criterion, UNKNOWN),
                               _adopted(statuses.get(criterion, UNKNOWN)))
                 for criterion, _article in CRITERIA)


def _adopted(engine_status: str) -> str:
    """A lawyer cannot leave a criterion at "warning": adopting a warning means "not settled"."""
    return UNKNOWN if engine_status == WARNING else engine_status


def needs_reason(engine_status: str, status: str) -> bool:
    return status != engine_status


# What a version changed (``Change.kind``): the page words each one (templates/screening/_changes.html),
# naming criteria by their plain names (issue 17, point 3), so the domain holds codes, not sentences.
FIRST, OVERALL, ENGINE_STATUS, DETERMINATION, REASON, SCORE, FACTOR_NOTES, SUMMARY = (
    "first", "overall", "engine_status", "determination", "reason", "score", "factor_notes", "summary")


@dataclass(frozen=True)
class Change:
    kind: str
    subject: str = ""  # a criterion id or a strategic factor
    before: object = None  # a status or overall code, or a score (None: none yet)
    after: object = None


def changes(previous: ScreeningContent | None, current: ScreeningContent) -> list[Change]:
    """What ``current`` changed from ``previous``, most telling first."""
    if previous is None:
        return [Change(FIRST)]
    found = []
    if previous.engine.get("overall") != current.engine.get("overall") and previous.engine:
        found.append(Change(OVERALL, "", previous.engine.get("overall"), current.engine.get("overall")))
    before_engine = engine_statuses(previous.engine)
    for determination in current.determinations:
        old = previous.determination(determination.criterion)
        engine_before = before_engine.get(determination.criterion)
        if engine_before and engine_before != determination.engine_status:
            found.append(Change(ENGINE_STATUS, determination.criterion, engine_before, determination.engine_status))
        if old is None or old.status != determination.status:
            found.append(Change(DETERMINATION, determination.criterion, old.status if old else None,
                                determination.status))
        elif old.reason != determination.reason:
            found.append(Change(REASON, determination.criterion))
    for score in current.factors:
        old = previous.factor(score.factor)
        if old is None or old.score != score.score:
            found.append(Change(SCORE, score.factor, old.score if old else None, score.score))
        elif old.notes != score.notes:
            found.append(Change(FACTOR_NOTES, score.factor))
    if previous.summary != current.summary:
        found.append(Change(SUMMARY))
    return found


def same_judgement(previous: ScreeningContent | None, current: ScreeningContent) -> bool:
    """Whether saving ``current`` would record nothing new (the engine's reading aside)."""
    if previous is None:
        return False
    return (previous.determinations == current.determinations and previous.factors == current.factors
            and previous.summary == current.summary)


# --- the engine's input ---------------------------------------------------------------------------


def _yes_no(answer: str) -> bool | None:
    return {"yes": True, "no": False}.get(answer)


def case_facts(report: ReportInput) -> admissibility.CaseFacts:
    """The engine's input from a report. ``submission_date`` stays empty until the communication is sent
    to the Committee, so days are counted from today; a report made through the app is in writing and
    comes from a known organisation."""
    exception = None
    if report.remedies_exception_reason:
        exception = admissibility.RemediesException(report.remedies_exception_reason,
                                                    report.remedies_exception_explanation or None)
    return admissibility.CaseFacts(
        state=report.state,
        in_writing=True,
        anonymous=False,
        author_is_victim=_yes_no(report.author_is_victim),
        acting_on_behalf=_yes_no(report.acting_on_behalf),
        consent=victims_consent(report.victims),
        consent_justification=report.consent_justification or None,
        victims_under_jurisdiction=_yes_no(report.victims_under_jurisdiction),
        rights_invoked=tuple(report.rights_invoked),
        other_instruments_invoked=tuple(report.other_instruments),
        facts_start=report.facts_start,
        facts_end=report.facts_end,
        continuing=report.continuing,
        remedies=tuple(
            admissibility.Remedy(body=r.body or None, kind=r.kind, filed=r.filed, decided=r.decided,
                                 notified=r.notified, outcome=r.outcome, final=_yes_no(r.final),
                                 addressed_substance=_yes_no(r.addressed_substance))
            for r in report.remedies
        ),
        unused_remedies=tuple(admissibility.UnusedRemedy(u.name or None, u.reason, u.explanation or None)
                              for u in report.unused_remedies),
        remedies_exception=exception,
        one_year_exception=report.one_year_exception or None,
        other_procedures=tuple(
            admissibility.OtherProcedure(body=p.body or None, same_matter=_yes_no(p.same_matter), status=p.status,
                                         date=p.date)
            for p in report.other_procedures
        ),
        only_mass_media_reports=_yes_no(report.only_mass_media_reports),
        substantiated=report.substantiated,
        abuse=report.abuse,
        clear_disadvantage=report.clear_disadvantage,
        general_importance=report.general_importance,
    )
