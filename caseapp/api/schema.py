"""The API's report body: its description in the field vocabulary, strict JSON validation from it onto
the domain's ``ReportInput``, and the same shape back.

Field names are DESIGN.md §5's (the screening engine's CaseFacts) plus ``title``, ``summary``,
``narrative``, ``victims``, ``urgent`` and ``submit``. The CaseFacts fields are not described here: the
body takes them as the engine's own description (``caseapp.domain.admissibility.CASE_FACTS``) has them,
with the same rules and messages, and the OpenAPI document is written from the same description
(``caseapp/api/openapi.py``). So yes/no answers that the contract writes as booleans
(``author_is_victim``, ``final``, ``same_matter``…) are ``true``/``false``/``null`` here, ``null`` meaning
unknown, and are kept as the domain's tri-state ``"yes"``/``"no"``/``"unknown"``; and as in the
contract a CaseFacts field may be ``null``, which is the same as leaving it out. The report's own fields
(title, victims, urgency) refuse ``null``.

Checks here are about the JSON (types, enums, ISO dates, lengths and list sizes from
``caseapp.domain.report``); the report rules (dates in order, completeness on submission) stay in the
domain, and their messages come back under the same dotted names (``victims.0.name``).

Text is kept trimmed, and empty optional text comes back as ``""`` (or ``null`` where CaseFacts has
``null``): send values without surrounding spaces and a report comes back exactly as it was sent.
"""

from datetime import date
from typing import Any

from caseapp.domain import report as rules
from caseapp.domain.admissibility import CASE_FACTS
from caseapp.domain.fields import TRI_STATE, Choice, Date, Field, Problems, Record, Records, Text, YesNo
from caseapp.domain.report import (
    ProcedureInput,
    RemedyInput,
    ReportInput,
    UnusedRemedyInput,
    VictimInput,
    victims_consent,
)

# CaseFacts fields the server sets: accepted (type-checked, and in_writing/anonymous must agree with
# the facts) and returned with the server's values, never taken from the body.
SERVER_SET = ("submission_date", "in_writing", "anonymous")
# CaseFacts questions the partner may answer for the lawyers, as tri-state strings (DESIGN.md §5).
PARTNER_VIEW = ("substantiated", "abuse", "clear_disadvantage", "general_importance")

# A victim's consent and the urgency's risk are tri-state words too, but an absent one takes a default
# (the report's consent; "unknown"), so they read as a plain choice whose unknown is None.
VICTIM = Record("Victim", (
    Field("name", Text(rules.MAX_NAME, nullable=False),
          "A person's full name, or the group's name; not blank. Stored encrypted.", required=True),
    Field("kind", Choice(rules.VICTIM_KINDS, nullable=False), "A person or a group."),
    Field("contact", Text(rules.MAX_CONTACT, nullable=False), "Stored encrypted."),
    Field("identity_number", Text(rules.MAX_IDENTITY, nullable=False),
          "Stored encrypted; helps the lawyers spot the same person in another report."),
    Field("consent", Choice(TRI_STATE, nullable=False),
          "Whether the victim consents to the communication. Defaults to the report's `consent`."),
    Field("confidential", YesNo(nullable=False), "Keep this identity confidential in any decision."),
), nullable=False)

URGENT = Record("Urgent", (
    Field("risk", Choice(TRI_STATE, nullable=False), "Whether there is a risk of irreparable harm."),
    Field("date", Date(), "The date of the threatened harm."),
    Field("explanation", Text(rules.MAX_EXPLANATION, nullable=False), "Required on submission when risk is yes."),
), nullable=False)

BODY = Record("ReportBody", (
    Field("title", Text(rules.MAX_TITLE, nullable=False), "A short name for the report. Stored encrypted.",
          required=True),
    Field("summary", Text(rules.MAX_SUMMARY, nullable=False), "Stored encrypted."),
    Field("narrative", Text(rules.MAX_NARRATIVE, nullable=False),
          "What happened, with dates; plain text. Stored encrypted.", required=True),
    *CASE_FACTS.fields,
    Field("victims", Records(VICTIM, max_items=rules.MAX_VICTIMS, nullable=False), "At least one on submission."),
    Field("urgent", URGENT, "Risk of irreparable harm, e.g. an eviction date: flags the report for interim "
                            "measures (art. 5)."),
    Field("submit", YesNo(nullable=False), "true submits the report to the lawyers (every rule is checked and it "
                                           "gets its ESCR-YYYY-NNNN reference); false keeps it as a draft."),
), nullable=False)

BODY_FIELDS = BODY.names
REPORT_FIELDS = tuple(name for name in BODY_FIELDS if name not in (*SERVER_SET, "submit"))

# The domain's field names (the browser form's) that differ from the API's.
_DOMAIN_TO_API = {
    "other_instruments": "other_instruments_invoked",
    "urgent_risk": "urgent.risk",
    "urgent_date": "urgent.date",
    "urgent_explanation": "urgent.explanation",
    "remedies_exception_reason": "remedies_exception.reason",
    "remedies_exception_explanation": "remedies_exception.explanation",
}


class InvalidBodyError(Exception):
    """The JSON does not describe a report; ``fields`` maps dotted field names to messages."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("invalid report body")
        self.fields = fields


def api_fields(domain_errors: dict[str, str]) -> dict[str, str]:
    """The domain's error keys (``victims-0-name``, ``urgent_date``) under the API's names (``victims.0.name``,
    ``urgent.date``)."""
    return {_DOMAIN_TO_API.get(key, key.replace("-", ".")): message for key, message in domain_errors.items()}


def _answer(value: bool | None) -> str:
    """A CaseFacts yes/no (``None``: unknown) as the report's tri-state word."""
    return "unknown" if value is None else ("yes" if value else "no")


def _input(cls, **values):
    """``cls`` from the values read, where an unknown (None) value leaves the report's own default: the
    defaults live in ``caseapp.domain.report`` only, and the OpenAPI document shows them from there."""
    return cls(**{name: value for name, value in values.items() if value is not None})


def _listed(values) -> list | None:
    return list(values) if values is not None else None


def parse_report(body: Any) -> tuple[ReportInput, bool]:
    """(the report, whether to submit it) from a decoded JSON body; raises ``InvalidBodyError``."""
    problems = Problems(collect=True)
    read = BODY.read(body, "", problems)
    if read is None:
        raise InvalidBodyError({"body": problems.found.get("", "Must be a JSON object.")})
    if read["in_writing"] is False:
        problems.refuse("in_writing", "A report sent through the API is in writing: send true or leave it out.")
    if read["anonymous"] is True:
        problems.refuse("anonymous", "A report comes from a known partner organisation: send false or leave it out.")
    # the server's date of submission wins over read["submission_date"], which was only type-checked

    case_consent = read["consent"]
    victims = [
        _input(VictimInput, name=v["name"], kind=v["kind"], contact=v["contact"], identity_number=v["identity_number"],
               consent=v["consent"] or case_consent, confidential=v["confidential"])
        for v in read["victims"] or ()
    ]
    exception = read["remedies_exception"]
    urgent = read["urgent"] or {}
    report = _input(
        ReportInput,
        title=read["title"], summary=read["summary"], narrative=read["narrative"], state=read["state"],
        rights_invoked=_listed(read["rights_invoked"]), other_instruments=_listed(read["other_instruments_invoked"]),
        facts_start=read["facts_start"], facts_end=read["facts_end"], continuing=read["continuing"],
        author_is_victim=_answer(read["author_is_victim"]), acting_on_behalf=_answer(read["acting_on_behalf"]),
        consent_justification=read["consent_justification"],
        victims=victims,
        remedies=[
            _input(RemedyInput, body=r.body, kind=r.kind, filed=r.filed, decided=r.decided, notified=r.notified,
                   outcome=r.outcome, final=_answer(r.final), addressed_substance=_answer(r.addressed_substance))
            for r in read["remedies"] or ()
        ],
        unused_remedies=[_input(UnusedRemedyInput, name=u.name, reason=u.reason, explanation=u.explanation)
                         for u in read["unused_remedies"] or ()],
        remedies_exception_reason=exception.reason if exception else None,
        remedies_exception_explanation=exception.explanation if exception else None,
        one_year_exception=read["one_year_exception"],
        other_procedures=[_input(ProcedureInput, body=p.body, same_matter=_answer(p.same_matter), status=p.status,
                                 date=p.date)
                          for p in read["other_procedures"] or ()],
        only_mass_media_reports=_answer(read["only_mass_media_reports"]),
        victims_under_jurisdiction=_answer(read["victims_under_jurisdiction"]),
        **{name: read[name] for name in PARTNER_VIEW},
        urgent_risk=urgent.get("risk"), urgent_date=urgent.get("date"), urgent_explanation=urgent.get("explanation"),
    )
    victims_read = not any(key == "victims" or key.startswith("victims.") for key in problems.found)
    if (body.get("consent") is not None and "consent" not in problems.found and victims_read and report.victims
            and victims_consent(report.victims) != case_consent):
        problems.refuse("consent", 'Must agree with the victims\' own consent: "yes" when every victim consents, '
                                   '"no" when any does not, otherwise "unknown" (it is the default for victims '
                                   "that give none).")
    if problems.found:
        raise InvalidBodyError(problems.found)
    return report, bool(read["submit"])


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


def stored_defaults() -> dict[str, dict]:
    """Record name → what the server keeps for each field left out, in the body's shape: the dump of a
    report made of the domain's own defaults. The OpenAPI document shows its defaults from here, so they
    are the ones applied."""
    blank = dump_report(ReportInput(victims=[VictimInput()], remedies=[RemedyInput()],
                                    unused_remedies=[UnusedRemedyInput()], other_procedures=[ProcedureInput()]))
    defaults = {BODY.name: {**blank, "submit": False}, URGENT.name: blank["urgent"]}
    for name in ("victims", "remedies", "unused_remedies", "other_procedures"):
        defaults[BODY.field(name).kind.record.name] = blank[name][0]
    return defaults
