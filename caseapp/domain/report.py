"""A violation report as a partner enters it, and the rules it must meet.

The browser form and the JSON API both build a ``ReportInput``; ``problems`` says what is wrong with
it, keyed by the field name the form shows the message next to (``victims-0-name``). Drafts must be
consistent (no remedy decided before it was filed); a submission must also be complete enough for the
lawyers to screen it against Articles 1–4 of the Protocol.
"""

from dataclasses import dataclass, field
from datetime import date

from caseapp.domain.i18n import N_

# The report's yes/no/unknown answers are the vocabulary's, defined there once.

VICTIM_KINDS = ("individual", "group")
REMEDY_KINDS = ("judicial", "appeal", "cassation", "constitutional", "administrative", "other")
REMEDY_OUTCOMES = ("rejected", "granted", "partly_granted", "pending", "withdrawn")
UNUSED_REASONS = ("unavailable", "ineffective", "unreasonably_prolonged", "none")
EXCEPTION_REASONS = ("unavailable", "ineffective", "unreasonably_prolonged")
PROCEDURE_STATUSES = ("pending", "examined", "declared_inadmissible_reasoned", "declared_inadmissible_unreasoned",
                      "withdrawn")

# Server-side maximum lengths (IN-01), shared by the form and the API.
MAX_TITLE = 200
MAX_SUMMARY = 2_000
MAX_NARRATIVE = 50_000
MAX_NAME = 200
MAX_CONTACT = 500
MAX_IDENTITY = 100
MAX_BODY = 300
MAX_EXPLANATION = 5_000
MAX_INSTRUMENT = 200
MAX_VICTIMS = 200
MAX_REMEDIES = 50
MAX_OTHER_ITEMS = 20
MAX_RIGHTS = 50
MAX_RIGHT_CODE = 20


@dataclass
class VictimInput:
    name: str = ""
    kind: str = "individual"
    contact: str = ""
    identity_number: str = ""
    consent: str = "unknown"
    consent_record: str = ""
    confidential: bool = True


@dataclass
class RemedyInput:
    body: str = ""
    kind: str = "judicial"
    filed: date | None = None
    decided: date | None = None
    notified: date | None = None
    outcome: str = "pending"
    final: str = "unknown"
    addressed_substance: str = "unknown"


@dataclass
class UnusedRemedyInput:
    name: str = ""
    reason: str = "none"
    explanation: str = ""


_Date = date  # the field below is called "date" (DESIGN.md §5), which would hide the type


@dataclass
class ProcedureInput:
    body: str = ""
    same_matter: str = "unknown"
    status: str = "pending"
    date: _Date | None = None


@dataclass
class ReportInput:
    title: str = ""
    summary: str = ""
    narrative: str = ""
    state: str | None = None
    rights_invoked: list[str] = field(default_factory=list)
    other_instruments: list[str] = field(default_factory=list)
    facts_start: date | None = None
    facts_end: date | None = None
    continuing: str = "unknown"
    author_is_victim: str = "unknown"
    acting_on_behalf: str = "unknown"
    consent_justification: str = ""
    victims: list[VictimInput] = field(default_factory=list)
    remedies: list[RemedyInput] = field(default_factory=list)
    unused_remedies: list[UnusedRemedyInput] = field(default_factory=list)
    remedies_exception_reason: str | None = None
    remedies_exception_explanation: str = ""
    one_year_exception: str = ""
    other_procedures: list[ProcedureInput] = field(default_factory=list)
    only_mass_media_reports: str = "unknown"
    # The partner's own answers to the remaining CaseFacts questions (DESIGN.md §5); the lawyers'
    # screening may come to other conclusions.
    victims_under_jurisdiction: str = "unknown"
    substantiated: str = "unknown"
    abuse: str = "unknown"
    clear_disadvantage: str = "unknown"
    general_importance: str = "unknown"
    urgent_risk: str = "unknown"
    urgent_date: date | None = None
    urgent_explanation: str = ""


def victims_consent(victims: list[VictimInput]) -> str:
    """The report's consent (art. 2) from each victim's: yes when all consent, no when any refuses,
    otherwise unknown."""
    answers = {victim.consent for victim in victims}
    if not answers:
        return "unknown"
    if answers == {"yes"}:
        return "yes"
    return "no" if "no" in answers else "unknown"


def problems(
    report: ReportInput, *, today: date, submitting: bool, is_known_state, is_covenant_right
) -> dict[str, str]:
    """Field name → plain-language message. Empty when the report may be saved (or submitted)."""
    errors: dict[str, str] = {}
    _consistency(report, today, errors, is_known_state, is_covenant_right)
    if submitting:
        _completeness(report, errors)
    return errors


def _consistency(report: ReportInput, today: date, errors: dict[str, str], is_known_state, is_covenant_right) -> None:
    if report.state and not is_known_state(report.state):
        errors["state"] = N_("Choose a State from the list.")
    unknown_rights = [code for code in report.rights_invoked if not is_covenant_right(code)]
    if unknown_rights:
        errors["rights_invoked"] = N_("Choose rights from the list; other treaties go under “other instruments”.")
    for name in ("facts_start", "facts_end", "urgent_date"):
        value = getattr(report, name)
        if value and value > today and name != "urgent_date":
            errors[name] = N_("This date is in the future.")
    if report.facts_start and report.facts_end and report.facts_end < report.facts_start:
        errors["facts_end"] = N_("The facts cannot end before they began.")
    for index, remedy in enumerate(report.remedies):
        prefix = f"remedies-{index}-"
        for name in ("filed", "decided", "notified"):
            value = getattr(remedy, name)
            if value and value > today:
                errors[prefix + name] = N_("This date is in the future.")
        if remedy.filed and remedy.decided and remedy.decided < remedy.filed:
            errors[prefix + "decided"] = N_("A remedy cannot be decided before it was filed.")
        if remedy.decided and remedy.notified and remedy.notified < remedy.decided:
            errors[prefix + "notified"] = N_("The decision cannot be notified before it was taken.")
        if remedy.outcome == "pending" and remedy.decided:
            errors[prefix + "outcome"] = N_("A decided remedy is not pending: give its outcome.")
    for index, procedure in enumerate(report.other_procedures):
        if procedure.date and procedure.date > today:
            errors[f"other_procedures-{index}-date"] = N_("This date is in the future.")


def _completeness(report: ReportInput, errors: dict[str, str]) -> None:
    required = {
        "title": N_("Give the report a short title."),
        "narrative": N_("Describe what happened."),
        "state": N_("Choose the State concerned."),
    }
    for name, message in required.items():
        if not (getattr(report, name) or "").strip():
            errors.setdefault(name, message)
    if not report.rights_invoked:
        errors.setdefault("rights_invoked", N_("Choose at least one right of the Covenant that was violated."))
    if not report.facts_start:
        errors.setdefault("facts_start",
                          N_("Give the date the facts began, even approximately (it decides art. 3(2)(b))."))
    if not report.victims:
        errors.setdefault("victims", N_("Add at least one victim (a person or a group)."))
    for index, victim in enumerate(report.victims):
        if not victim.name.strip():
            errors.setdefault(f"victims-{index}-name", N_("Give the victim's name (it stays encrypted)."))
    missing_consent = any(victim.consent != "yes" for victim in report.victims)
    if report.acting_on_behalf == "yes" and missing_consent and not report.consent_justification.strip():
        errors.setdefault("consent_justification",
                          N_("Some victims have not consented: explain why you may act for them (art. 2)."))
    for index, remedy in enumerate(report.remedies):
        if not remedy.body.strip():
            errors.setdefault(f"remedies-{index}-body", N_("Name the court or authority."))
    for index, unused in enumerate(report.unused_remedies):
        if not unused.name.strip():
            errors.setdefault(f"unused_remedies-{index}-name", N_("Name the remedy that was not used."))
    if report.remedies_exception_reason and not report.remedies_exception_explanation.strip():
        errors.setdefault("remedies_exception_explanation", N_("Explain why domestic remedies need not be exhausted."))
    for index, procedure in enumerate(report.other_procedures):
        if not procedure.body.strip():
            errors.setdefault(f"other_procedures-{index}-body", N_("Name the international body."))
    if report.urgent_risk == "yes" and not report.urgent_explanation.strip():
        errors.setdefault("urgent_explanation",
                          N_("Describe the risk of irreparable harm (for interim measures, art. 5)."))
