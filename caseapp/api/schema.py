"""The API's report body: strict JSON validation onto the domain's ``ReportInput``, and the same shape back.

Field names are DESIGN.md §5's (the screening engine's CaseFacts) plus ``title``, ``summary``,
``narrative``, ``victims``, ``urgent`` and ``submit``. The types are CaseFacts' too: yes/no answers
that the example writes as booleans (``author_is_victim``, ``final``, ``same_matter``…) are
``true``/``false``/``null`` here, ``null`` meaning unknown, and are kept as the domain's tri-state
``"yes"``/``"no"``/``"unknown"``; the others are the tri-state strings themselves.

Checks here are about the JSON (types, enums, ISO dates, lengths and list sizes from
``caseapp.domain.report``); the report rules (dates in order, completeness on submission) stay in the
domain, and their messages come back under the same dotted names (``victims.0.name``).

Text is kept trimmed, and empty optional text comes back as ``""`` (or ``null`` where CaseFacts has
``null``): send values without surrounding spaces and a report comes back exactly as it was sent.
"""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from caseapp.domain import report as rules
from caseapp.domain.report import (
    ProcedureInput,
    RemedyInput,
    ReportInput,
    UnusedRemedyInput,
    VictimInput,
    victims_consent,
)

MAX_RIGHTS = 50
MAX_RIGHT_CODE = 20
DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
STATE_FORMAT = re.compile(r"[A-Z]{2}")

# CaseFacts fields the server sets: accepted (type-checked, and in_writing/anonymous must agree with
# the facts) and returned with the server's values, never taken from the body.
SERVER_SET = ("submission_date", "in_writing", "anonymous")
# CaseFacts questions the partner may answer for the lawyers, as tri-state strings (DESIGN.md §5).
PARTNER_VIEW = ("substantiated", "abuse", "clear_disadvantage", "general_importance")

REPORT_FIELDS = (
    "title", "summary", "narrative", "state", "rights_invoked", "other_instruments_invoked", "facts_start",
    "facts_end", "continuing", "author_is_victim", "acting_on_behalf", "consent", "consent_justification",
    "victims", "remedies", "unused_remedies", "remedies_exception", "one_year_exception", "other_procedures",
    "only_mass_media_reports", "victims_under_jurisdiction", *PARTNER_VIEW, "urgent",
)
BODY_FIELDS = (*REPORT_FIELDS, *SERVER_SET, "submit")
VICTIM_FIELDS = ("name", "kind", "contact", "identity_number", "consent", "confidential")
REMEDY_FIELDS = ("body", "kind", "filed", "decided", "notified", "outcome", "final", "addressed_substance")
UNUSED_REMEDY_FIELDS = ("name", "reason", "explanation")
EXCEPTION_FIELDS = ("reason", "explanation")
PROCEDURE_FIELDS = ("body", "same_matter", "status", "date")
URGENT_FIELDS = ("risk", "date", "explanation")

REQUIRED = "This field is required."

# The domain's field names (the browser form's) that differ from the API's.
_DOMAIN_TO_API = {
    "other_instruments": "other_instruments_invoked",
    "urgent_risk": "urgent.risk",
    "urgent_date": "urgent.date",
    "urgent_explanation": "urgent.explanation",
    "remedies_exception_reason": "remedies_exception.reason",
    "remedies_exception_explanation": "remedies_exception.explanation",
}


class InvalidBody(Exception):
    """The JSON does not describe a report; ``fields`` maps dotted field names to messages."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("invalid report body")
        self.fields = fields


def api_fields(domain_errors: dict[str, str]) -> dict[str, str]:
    """The domain's error keys (``victims-0-name``, ``urgent_date``) under the API's names (``victims.0.name``,
    ``urgent.date``)."""
    return {_DOMAIN_TO_API.get(key, key.replace("-", ".")): message for key, message in domain_errors.items()}


class _Reader:
    """Reads one JSON object after another, collecting every problem under its dotted path."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def object(self, value: Any, path: str, allowed: tuple[str, ...], explained: dict[str, str] | None = None
               ) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path or "body", "Must be a JSON object.")
            return None
        for key in value:
            if key not in allowed:
                self.fail(_join(path, key), (explained or {}).get(key, "Unknown field."))
        return value

    def text(self, obj: dict, key: str, path: str, *, max_length: int, required: bool = False,
             nullable: bool = False) -> str:
        where = _join(path, key)
        if key not in obj:
            if required:
                self.fail(where, REQUIRED)
            return ""
        value = obj[key]
        if value is None and nullable:
            return ""
        if not isinstance(value, str):
            self.fail(where, "Must be a string or null." if nullable else "Must be a string.")
            return ""
        if not _is_unicode(value):
            self.fail(where, "Must be valid Unicode text.")
            return ""
        if "\x00" in value:
            self.fail(where, "Must not contain NUL characters.")
            return ""
        if len(value) > max_length:
            self.fail(where, f"At most {max_length} characters.")
            return ""
        if required and not value.strip():
            self.fail(where, REQUIRED)
        return value

    def choice(self, obj: dict, key: str, path: str, choices: tuple[str, ...], default: str) -> str:
        if key not in obj:
            return default
        value = obj[key]
        if not isinstance(value, str) or value not in choices:
            self.fail(_join(path, key), "Must be one of: " + ", ".join(f'"{c}"' for c in choices) + ".")
            return default
        return value

    def yes_no(self, obj: dict, key: str, path: str) -> str:
        """A CaseFacts boolean: true, false, or null (unknown) → the domain's tri-state."""
        value = obj.get(key)
        if value is None:
            return "unknown"
        if not isinstance(value, bool):
            self.fail(_join(path, key), "Must be true, false or null (unknown).")
            return "unknown"
        return "yes" if value else "no"

    def boolean(self, obj: dict, key: str, path: str, default: bool) -> bool:
        if key not in obj:
            return default
        value = obj[key]
        if not isinstance(value, bool):
            self.fail(_join(path, key), "Must be true or false.")
            return default
        return value

    def day(self, obj: dict, key: str, path: str) -> date | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, str) and DATE_FORMAT.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(_join(path, key), "Must be a date as YYYY-MM-DD, or null.")
        return None

    def items(self, obj: dict, key: str, path: str, max_items: int, read: Callable[[Any, str], Any]) -> list:
        if key not in obj:
            return []
        value = obj[key]
        where = _join(path, key)
        if not isinstance(value, list):
            self.fail(where, "Must be a list.")
            return []
        if len(value) > max_items:
            self.fail(where, f"At most {max_items} items.")
            return []
        results = [read(item, f"{where}.{index}") for index, item in enumerate(value)]
        return [result for result in results if result is not None]

    def string_item(self, max_length: int, what: str) -> Callable[[Any, str], str | None]:
        def read(value: Any, where: str) -> str | None:
            if not isinstance(value, str) or not _is_unicode(value) or "\x00" in value:
                self.fail(where, "Must be a string of Unicode text.")
                return None
            if not value.strip():
                self.fail(where, f"Give {what}, or leave the empty item out.")
                return None
            if len(value) > max_length:
                self.fail(where, f"At most {max_length} characters.")
                return None
            return value
        return read


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") that JSON can carry but UTF-8 cannot
        return False
    return True


def parse_report(body: Any) -> tuple[ReportInput, bool]:
    """(the report, whether to submit it) from a decoded JSON body; raises ``InvalidBody``."""
    reader = _Reader()
    obj = reader.object(body, "", BODY_FIELDS)
    if obj is None:
        raise InvalidBody(reader.errors)

    state = obj.get("state")
    if state is not None and not (isinstance(state, str) and STATE_FORMAT.fullmatch(state)):
        reader.fail("state", 'Must be the State\'s two-letter ISO 3166-1 code in capitals (e.g. "ES"), or null.')
        state = None
    case_consent = reader.choice(obj, "consent", "", rules.TRI_STATE, "unknown")

    def victim(value: Any, where: str) -> VictimInput | None:
        item = reader.object(value, where, VICTIM_FIELDS)
        if item is None:
            return None
        return VictimInput(
            name=reader.text(item, "name", where, max_length=rules.MAX_NAME, required=True),
            kind=reader.choice(item, "kind", where, rules.VICTIM_KINDS, "individual"),
            contact=reader.text(item, "contact", where, max_length=rules.MAX_CONTACT),
            identity_number=reader.text(item, "identity_number", where, max_length=rules.MAX_IDENTITY),
            consent=reader.choice(item, "consent", where, rules.TRI_STATE, case_consent),
            confidential=reader.boolean(item, "confidential", where, True),
        )

    def remedy(value: Any, where: str) -> RemedyInput | None:
        item = reader.object(value, where, REMEDY_FIELDS)
        if item is None:
            return None
        return RemedyInput(
            body=reader.text(item, "body", where, max_length=rules.MAX_BODY),
            kind=reader.choice(item, "kind", where, rules.REMEDY_KINDS, "judicial"),
            filed=reader.day(item, "filed", where), decided=reader.day(item, "decided", where),
            notified=reader.day(item, "notified", where),
            outcome=reader.choice(item, "outcome", where, rules.REMEDY_OUTCOMES, "pending"),
            final=reader.yes_no(item, "final", where),
            addressed_substance=reader.yes_no(item, "addressed_substance", where),
        )

    def unused_remedy(value: Any, where: str) -> UnusedRemedyInput | None:
        item = reader.object(value, where, UNUSED_REMEDY_FIELDS)
        if item is None:
            return None
        return UnusedRemedyInput(
            name=reader.text(item, "name", where, max_length=rules.MAX_BODY),
            reason=reader.choice(item, "reason", where, rules.UNUSED_REASONS, "none"),
            explanation=reader.text(item, "explanation", where, max_length=rules.MAX_EXPLANATION),
        )

    def procedure(value: Any, where: str) -> ProcedureInput | None:
        item = reader.object(value, where, PROCEDURE_FIELDS)
        if item is None:
            return None
        return ProcedureInput(
            body=reader.text(item, "body", where, max_length=rules.MAX_BODY),
            same_matter=reader.yes_no(item, "same_matter", where),
            status=reader.choice(item, "status", where, rules.PROCEDURE_STATUSES, "pending"),
            date=reader.day(item, "date", where),
        )

    exception_reason, exception_explanation = None, ""
    if obj.get("remedies_exception") is not None:
        exception = reader.object(obj["remedies_exception"], "remedies_exception", EXCEPTION_FIELDS)
        if exception is not None:
            if exception.get("reason") is not None:
                exception_reason = reader.choice(exception, "reason", "remedies_exception",
                                                 rules.EXCEPTION_REASONS, "") or None
            exception_explanation = reader.text(exception, "explanation", "remedies_exception",
                                                max_length=rules.MAX_EXPLANATION)

    urgent = {}
    if "urgent" in obj:
        urgent = reader.object(obj["urgent"], "urgent", URGENT_FIELDS) or {}

    report = ReportInput(
        title=reader.text(obj, "title", "", max_length=rules.MAX_TITLE, required=True),
        summary=reader.text(obj, "summary", "", max_length=rules.MAX_SUMMARY),
        narrative=reader.text(obj, "narrative", "", max_length=rules.MAX_NARRATIVE, required=True),
        state=state,
        rights_invoked=reader.items(obj, "rights_invoked", "", MAX_RIGHTS,
                                    reader.string_item(MAX_RIGHT_CODE, "the article, e.g. \"11(1)\"")),
        other_instruments=reader.items(obj, "other_instruments_invoked", "", rules.MAX_OTHER_ITEMS,
                                       reader.string_item(rules.MAX_INSTRUMENT, "the instrument and article")),
        facts_start=reader.day(obj, "facts_start", ""), facts_end=reader.day(obj, "facts_end", ""),
        continuing=reader.choice(obj, "continuing", "", rules.TRI_STATE, "unknown"),
        author_is_victim=reader.yes_no(obj, "author_is_victim", ""),
        acting_on_behalf=reader.yes_no(obj, "acting_on_behalf", ""),
        consent_justification=reader.text(obj, "consent_justification", "", max_length=rules.MAX_EXPLANATION,
                                          nullable=True),
        victims=reader.items(obj, "victims", "", rules.MAX_VICTIMS, victim),
        remedies=reader.items(obj, "remedies", "", rules.MAX_REMEDIES, remedy),
        unused_remedies=reader.items(obj, "unused_remedies", "", rules.MAX_OTHER_ITEMS, unused_remedy),
        remedies_exception_reason=exception_reason,
        remedies_exception_explanation=exception_explanation,
        one_year_exception=reader.text(obj, "one_year_exception", "", max_length=rules.MAX_EXPLANATION, nullable=True),
        other_procedures=reader.items(obj, "other_procedures", "", rules.MAX_OTHER_ITEMS, procedure),
        only_mass_media_reports=reader.yes_no(obj, "only_mass_media_reports", ""),
        victims_under_jurisdiction=reader.yes_no(obj, "victims_under_jurisdiction", ""),
        **{name: reader.choice(obj, name, "", rules.TRI_STATE, "unknown") for name in PARTNER_VIEW},
        urgent_risk=reader.choice(urgent, "risk", "urgent", rules.TRI_STATE, "unknown"),
        urgent_date=reader.day(urgent, "date", "urgent"),
        urgent_explanation=reader.text(urgent, "explanation", "urgent", max_length=rules.MAX_EXPLANATION),
    )
    submit = reader.boolean(obj, "submit", "", False)
    reader.day(obj, "submission_date", "")  # the server's date of submission wins
    if reader.boolean(obj, "in_writing", "", True) is not True:
        reader.fail("in_writing", "A report sent through the API is in writing: send true or leave it out.")
    if reader.boolean(obj, "anonymous", "", False) is not False:
        reader.fail("anonymous", "A report comes from a known partner organisation: send false or leave it out.")
    victims_read = not any(key == "victims" or key.startswith("victims.") for key in reader.errors)
    if ("consent" in obj and "consent" not in reader.errors and victims_read and report.victims
            and victims_consent(report.victims) != case_consent):
        reader.fail("consent", 'Must agree with the victims\' own consent: "yes" when every victim consents, '
                               '"no" when any does not, otherwise "unknown" (it is the default for victims '
                               "that give none).")
    if reader.errors:
        raise InvalidBody(reader.errors)
    return report, submit


def _boolean(answer: str) -> bool | None:
    return {"yes": True, "no": False}.get(answer)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def dump_report(report: ReportInput) -> dict:
    """The report in the shape ``parse_report`` reads (without ``submit``)."""
    exception = None
    if report.remedies_exception_reason or report.remedies_exception_explanation:
        exception = {"reason": report.remedies_exception_reason or None,
                     "explanation": report.remedies_exception_explanation}
    return {
        "title": report.title,
        "summary": report.summary,
        "narrative": report.narrative,
        "state": report.state or None,
        "rights_invoked": list(report.rights_invoked),
        "other_instruments_invoked": list(report.other_instruments),
        "facts_start": _iso(report.facts_start),
        "facts_end": _iso(report.facts_end),
        "continuing": report.continuing,
        "author_is_victim": _boolean(report.author_is_victim),
        "acting_on_behalf": _boolean(report.acting_on_behalf),
        "consent": victims_consent(report.victims),
        "consent_justification": report.consent_justification or None,
        "victims": [
            {"name": v.name, "kind": v.kind, "contact": v.contact, "identity_number": v.identity_number,
             "consent": v.consent, "confidential": v.confidential}
            for v in report.victims
        ],
        "remedies": [
            {"body": r.body, "kind": r.kind, "filed": _iso(r.filed), "decided": _iso(r.decided),
             "notified": _iso(r.notified), "outcome": r.outcome, "final": _boolean(r.final),
             "addressed_substance": _boolean(r.addressed_substance)}
            for r in report.remedies
        ],
        "unused_remedies": [
            {"name": u.name, "reason": u.reason, "explanation": u.explanation} for u in report.unused_remedies
        ],
        "remedies_exception": exception,
        "one_year_exception": report.one_year_exception or None,
        "other_procedures": [
            {"body": p.body, "same_matter": _boolean(p.same_matter), "status": p.status, "date": _iso(p.date)}
            for p in report.other_procedures
        ],
        "only_mass_media_reports": _boolean(report.only_mass_media_reports),
        "victims_under_jurisdiction": _boolean(report.victims_under_jurisdiction),
        **{name: getattr(report, name) for name in PARTNER_VIEW},
        "urgent": {"risk": report.urgent_risk, "date": _iso(report.urgent_date),
                   "explanation": report.urgent_explanation},
    }
