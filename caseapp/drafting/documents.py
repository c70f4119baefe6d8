"""A drafted document, from its template to a Word file in memory (issue 19).

The template (``templates/drafts/<document>.<language>.txt``, ``caseapp.domain.drafting`` describes its
markup) is filled from the ``DraftRecord`` with every code said in the document's language — the same
catalogues as the pages, under ``force_locale`` — and written into a ``.docx`` with python-docx into a
buffer: nothing of it touches the disk. The Word file carries the language (document properties and the
proofing language of its text), so the word processor checks its spelling in that language."""

import io
import re
from datetime import date
from pathlib import Path

import docx
from babel.languages import get_official_languages
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from flask import current_app
from flask_babel import force_locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from caseapp.domain import covenant, deadlines, drafting
from caseapp.domain.committee import DECISION_TYPES, FOLLOW_UP_GRADES, FOLLOW_UP_PROCEDURE
from caseapp.screening.plain import engine_reason, fact_word  # the engine's reasons, as the screening page says them
from caseapp.services import state_names
from caseapp.services.drafting import DraftRecord
from caseapp.web.labels import CRITERION_NAMES, CRITERION_STATUS_WORDS
from caseapp.web.locales import long_date
from caseapp.web.translation import gettext as _

DECISION_LABELS = dict(DECISION_TYPES)
GRADE_LABELS = dict(FOLLOW_UP_GRADES)
PROCEDURE_LABELS = dict(FOLLOW_UP_PROCEDURE)
# The proofing language each working language's text is marked with.
PROOFING = {"en": "en-GB", "es": "es-ES", "fr": "fr-FR"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def template_folder() -> Path:
    return Path(current_app.root_path).parent / "templates" / "drafts"


def _environment() -> Environment:
    # The drafts are plain text for a Word document (python-docx escapes the XML itself), so a ``.txt``
    # template is not HTML-escaped; were an HTML template ever put here, it would be.
    environment = Environment(loader=FileSystemLoader(template_folder()), autoescape=select_autoescape(),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["paragraphs"] = paragraphs
    return environment


def paragraphs(text: str | None) -> str:
    """Words a person wrote, one paragraph per line, marked so that none of their lines is read as markup
    (a line of a narrative that begins with "# " stays a sentence)."""
    lines = [line.strip() for line in (text or "").splitlines()]
    return "\n".join(f"| {line}" for line in lines if line)


def render(document: str, language: str, fields, *, reference: str) -> bytes:
    """The filled document as the bytes of a Word file; ``fields`` builds the template's fields (called in the
    document's language, so that every code and date it says is in that language)."""
    with force_locale(language):
        text = _environment().get_template(f"{document}.{language}.txt").render(**fields())
        title = _(drafting.DOCUMENTS[document])
    return write_docx(drafting.blocks(text), language=language, title=f"{title} — {reference}")


def country_language(state_code: str | None, fallback: str) -> str:
    """The first official language of the State (CLDR) that the drafts are written in — Spanish for Bolivia,
    French for Belgium or Niger —, or ``fallback`` (the case's working language) when it has none of them."""
    if state_code:
        for language in get_official_languages(state_code.upper(), de_facto=True):
            if language in drafting.WORKING_LANGUAGES:
                return language
    return fallback


def file_name(document: str, language: str, reference: str) -> str:
    with force_locale(language):
        return f"{reference} - {_(drafting.DOCUMENTS[document])} ({language}).docx"


# Characters XML 1.0 cannot hold (C0 controls but tab and line ends, non-characters): a word processor would
# refuse the file, and python-docx refuses to write them. A report's text may carry one (pasted from a PDF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_docx(blocks: list[drafting.Block], *, language: str, title: str) -> bytes:
    word = docx.Document()
    properties = word.core_properties
    properties.title, properties.language = title, PROOFING.get(language, language)
    properties.author = properties.last_modified_by = "ESCR Case Desk"
    properties.comments = ""
    normal = word.styles["Normal"].element.get_or_add_rPr()
    proofing = OxmlElement("w:lang")
    proofing.set(qn("w:val"), PROOFING.get(language, language))
    normal.append(proofing)
    for block in (drafting.Block(block.kind, _NOT_XML.sub("", block.text)) for block in blocks):
        if block.kind == drafting.HEADING:
            word.add_heading(block.text, level=1)
        elif block.kind == drafting.SUBHEADING:
            word.add_heading(block.text, level=2)
        elif block.kind == drafting.BULLET:
            word.add_paragraph(block.text, style="List Bullet")
        elif block.kind == drafting.QUOTE:
            word.add_paragraph(block.text, style="Quote")
        else:
            word.add_paragraph(block.text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# --- the fields, in the document's language -------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return long_date(value) if value else None


def _word(code: str | None) -> str:
    return str(fact_word(code)) if code else ""


def _right(code: str) -> str:
    return _(covenant.label(code))


def context(record: DraftRecord, *, today: date) -> dict:
    """The template's fields: the record's values with every code and date said in the current locale."""
    report, case = record.report, record.case
    victims = [{"name": victim.name, "kind": _word(victim.kind), "contact": victim.contact,
                "consent": _word(victim.consent), "consent_record": victim.consent_record,
                "confidential": victim.confidential} for victim in report.victims]
    criteria = record.assessment.criteria if record.assessment else ()
    return {
        "reference": case.reference,
        "today": _day(today),
        "organisation": record.organisation,
        "state": state_names.name(case.state_code) if case.state_code else None,
        "protocol_in_force": _day(record.protocol_in_force),
        "authors_are_victims": report.author_is_victim == "yes",
        "acting_on_behalf": report.acting_on_behalf == "yes",
        "victims": victims,
        "confidential_victims": [victim["name"] for victim in victims if victim["confidential"] and victim["name"]],
        "title": report.title,
        "summary": report.summary,
        "narrative": report.narrative,
        "facts_start": _day(report.facts_start),
        "facts_end": _day(report.facts_end),
        "continuing": report.continuing == "yes",
        "remedies": [{"kind": _word(remedy.kind), "body": remedy.body, "filed": _day(remedy.filed),
                      "decided": _day(remedy.decided), "notified": _day(remedy.notified),
                      "outcome": _word(remedy.outcome), "final": _word(remedy.final)} for remedy in report.remedies],
        "unused_remedies": [{"name": unused.name, "reason": _word(unused.reason), "explanation": unused.explanation}
                            for unused in report.unused_remedies],
        "remedies_exception": ({"reason": _word(report.remedies_exception_reason),
                                "explanation": report.remedies_exception_explanation}
                               if report.remedies_exception_reason else None),
        "other_procedures": [{"body": procedure.body, "status": _word(procedure.status), "date": _day(procedure.date),
                              "same_matter": _word(procedure.same_matter)} for procedure in report.other_procedures],
        "admissibility": [_criterion(criterion, record) for criterion in criteria],
        "rights": [_right(code) for code in report.rights_invoked],
        "other_instruments": list(report.other_instruments),
        "remedies_sought": record.remedies_sought,
        "annexes": [{"number": annex.number, "name": annex.name} for annex in record.annexes],
        "consent_justification": report.consent_justification,
        "urgent": {"date": _day(report.urgent_date), "explanation": report.urgent_explanation,
                   "measures": record.measures_asked},
        "decision": _decision(record),
    }


def _decision(record: DraftRecord) -> dict:
    """The Committee's decision and what followed it, for the comments on the State's follow-up (art. 9(2))."""
    communication = record.communication
    if communication is None:
        return {}
    transmitted = communication.decision_transmitted_on
    return {
        "outcome": _(DECISION_LABELS[communication.decision_type]) if communication.decision_type else None,
        "number": communication.communication_number, "symbol": communication.un_symbol,
        "adopted_on": _day(communication.decision_adopted_on), "transmitted_on": _day(transmitted),
        "articles_violated": [_right(code) for code in communication.articles_violated or ()],
        "recommendations": record.recommendations,
        "response_due": _day(deadlines.follow_up_response_due(transmitted)) if transmitted else None,
        "response_received_on": _day(communication.follow_up_response_received_on),
        "assessments": [{"date": _day(row.assessed_on), "grade": _(GRADE_LABELS[row.grade]),
                         "procedure": _(PROCEDURE_LABELS[row.procedure])} for row in record.assessments],
        "submissions": [{"date": _day(day), "note": note} for day, note in record.submissions],
    }


def press_fields(public, *, reference: str, organisation: str, today: date) -> dict:
    """A press release's fields: only what the public decisions page shows of the decision."""
    return {
        "reference": reference, "today": _day(today), "organisation": organisation,
        "state": state_names.name(public.state_code) if public.state_code else public.state,
        "outcome": public.outcome, "adopted_on": _day(public.adopted_on), "symbol": public.un_symbol,
        "rights": [_right(code) for code in public.articles_violated] or list(public.rights),
        "summary": public.summary, "links": [link.url for link in public.links], "victims": public.victim_names,
    }


def _criterion(criterion, record: DraftRecord) -> dict:
    determination = record.determinations.get(criterion.id)
    return {
        "name": str(CRITERION_NAMES[criterion.id]),
        "engine_status": str(CRITERION_STATUS_WORDS[criterion.status]),
        "engine_reason": engine_reason(criterion),
        "status": str(CRITERION_STATUS_WORDS[determination.status]) if determination else None,
        "reason": determination.reason if determination else "",
    }
