"""The OpenAPI 3.0 description of the JSON API v1, written by hand and served at /api/v1/openapi.json.

Limits and choices come from ``caseapp.domain.report`` and the config defaults, so the document says
what the server enforces. ``tests/web/test_api_schema.py`` validates it, checks that it describes
exactly the blueprint's routes, and runs Schemathesis against the app with it.
"""

from copy import deepcopy

import config as config_module
from caseapp.api import URL_PREFIX
from caseapp.api.schema import MAX_RIGHT_CODE, MAX_RIGHTS, PARTNER_VIEW
from caseapp.domain import report as rules
from caseapp.domain.uploads import ALLOWED_EXTENSIONS
from caseapp.web.errors import JSON_ERROR_CODES

_CONFIG = config_module.Config
_MIB = 1024 * 1024


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(max_length: int, description: str = "", *, nullable: bool = False) -> dict:
    schema = {"type": "string", "maxLength": max_length}
    if nullable:
        schema["nullable"] = True
    if description:
        schema["description"] = description
    return schema


def _enum(values: tuple[str, ...], description: str = "", default: str | None = None) -> dict:
    schema = {"type": "string", "enum": list(values)}
    if default is not None:
        schema["default"] = default
    if description:
        schema["description"] = description
    return schema


def _yes_no(description: str) -> dict:
    return {"type": "boolean", "nullable": True, "description": description + " null means unknown."}


def _day(description: str) -> dict:
    return {"type": "string", "format": "date", "nullable": True, "description": description + " (YYYY-MM-DD)."}


def _list(items: dict, max_items: int, description: str = "") -> dict:
    schema = {"type": "array", "items": items, "maxItems": max_items}
    if description:
        schema["description"] = description
    return schema


TRI = rules.TRI_STATE

VICTIM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": _text(rules.MAX_NAME, "A person's full name, or the group's name; required and not blank when "
                                      "sent. Stored encrypted."),
        "kind": _enum(rules.VICTIM_KINDS, default="individual"),
        "contact": _text(rules.MAX_CONTACT, "Stored encrypted."),
        "identity_number": _text(rules.MAX_IDENTITY, "Stored encrypted; helps the lawyers spot the same person in "
                                                    "another report."),
        "consent": _enum(TRI, "Whether the victim consents to the communication. Defaults to the report's `consent`.",
                         "unknown"),
        "confidential": {"type": "boolean", "default": True,
                         "description": "Keep this identity confidential in any decision."},
    },
}

REMEDY = {
    "type": "object",
    "additionalProperties": False,
    "description": "A domestic remedy tried. A remedy cannot be decided before it was filed, nor notified "
                   "before it was decided, and a decided remedy is not pending.",
    "properties": {
        "body": _text(rules.MAX_BODY, "The court or authority (required on submission)."),
        "kind": _enum(rules.REMEDY_KINDS, default="judicial"),
        "filed": _day("Filed on"),
        "decided": _day("Decided on"),
        "notified": _day("Decision notified on"),
        "outcome": _enum(rules.REMEDY_OUTCOMES, default="pending"),
        "final": _yes_no("Final, with no further appeal."),
        "addressed_substance": _yes_no("Whether the decision addressed the substance."),
    },
}

UNUSED_REMEDY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": _text(rules.MAX_BODY, "The remedy not used (required on submission)."),
        "reason": _enum(rules.UNUSED_REASONS, "`none`: the author simply did not use it.", "none"),
        "explanation": _text(rules.MAX_EXPLANATION),
    },
}

REMEDIES_EXCEPTION = {
    "type": "object",
    "nullable": True,
    "additionalProperties": False,
    "description": "The author's case that domestic remedies need not be exhausted (art. 3(1)); null when not "
                   "claimed.",
    "properties": {
        "reason": {**_enum(rules.EXCEPTION_REASONS), "nullable": True},
        "explanation": _text(rules.MAX_EXPLANATION, "Required on submission when a reason is given."),
    },
}

PROCEDURE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "body": _text(rules.MAX_BODY, "The international body (required on submission)."),
        "same_matter": _yes_no("Same facts and victims."),
        "status": _enum(rules.PROCEDURE_STATUSES, default="pending"),
        "date": _day("The procedure's decision or filing date"),
    },
}

URGENT = {
    "type": "object",
    "additionalProperties": False,
    "description": "Risk of irreparable harm, e.g. an eviction date: flags the report for interim measures "
                   "(art. 5).",
    "properties": {
        "risk": _enum(TRI, default="unknown"),
        "date": _day("Date of the threatened harm"),
        "explanation": _text(rules.MAX_EXPLANATION, "Required on submission when risk is yes."),
    },
}

REPORT_FIELDS = {
    "title": {**_text(rules.MAX_TITLE, "A short name for the report. Stored encrypted."), "minLength": 1,
              "pattern": r"\S"},
    "summary": _text(rules.MAX_SUMMARY, "Stored encrypted."),
    "narrative": {**_text(rules.MAX_NARRATIVE, "What happened, with dates; plain text. Stored encrypted."),
                  "minLength": 1, "pattern": r"\S"},
    "state": {"type": "string", "pattern": "^[A-Z]{2}$", "nullable": True,
              "description": "The State concerned: its ISO 3166-1 alpha-2 code, a UN member State (required on "
                             "submission)."},
    "rights_invoked": _list({"type": "string", "maxLength": MAX_RIGHT_CODE, "pattern": r"\S"}, MAX_RIGHTS,
                            'Covenant articles, e.g. "11(1)" (at least one on submission).'),
    "other_instruments_invoked": _list({"type": "string", "maxLength": rules.MAX_INSTRUMENT, "pattern": r"\S"},
                                       rules.MAX_OTHER_ITEMS, 'Other treaties, e.g. "ICCPR art. 26".'),
    "facts_start": _day("The facts began on (required on submission)"),
    "facts_end": _day("The facts ended on"),
    "continuing": _enum(TRI, "Whether the facts continue today.", "unknown"),
    "author_is_victim": _yes_no("Whether the author (the organisation) is itself a victim."),
    "acting_on_behalf": _yes_no("Whether the author acts on behalf of the victims."),
    "consent": _enum(TRI, "The victims' consent taken together: yes when every victim consents, no when any "
                          "does not, otherwise unknown. When sent, it is the default for victims that give none "
                          "and must agree with those that do.", "unknown"),
    "consent_justification": _text(rules.MAX_EXPLANATION, "Why the author may act without a victim's consent "
                                                          "(required on submission when acting for victims who "
                                                          "have not all consented).", nullable=True),
    "victims": _list(_ref("Victim"), rules.MAX_VICTIMS, "At least one on submission."),
    "remedies": _list(_ref("Remedy"), rules.MAX_REMEDIES),
    "unused_remedies": _list(_ref("UnusedRemedy"), rules.MAX_OTHER_ITEMS),
    "remedies_exception": _ref("RemediesException"),
    "one_year_exception": _text(rules.MAX_EXPLANATION, "Why submission within a year of the final decision was not "
                                                       "possible.", nullable=True),
    "other_procedures": _list(_ref("OtherProcedure"), rules.MAX_OTHER_ITEMS),
    "only_mass_media_reports": _yes_no("Whether the report rests only on mass-media reports."),
    "victims_under_jurisdiction": _yes_no("Whether the victims were under the State's jurisdiction (art. 2)."),
    **{name: {"type": "string", "enum": ["yes", "no", "unknown"], "default": "unknown",
              "description": f"The partner's answer to the CaseFacts question `{name}`; the lawyers screen it."}
       for name in PARTNER_VIEW},
    "urgent": _ref("Urgent"),
}
SERVER_SET_FIELDS = {
    "submission_date": {"type": "string", "format": "date", "nullable": True,
                        "description": "Set by the server when the report is submitted."},
    "in_writing": {"type": "boolean", "enum": [True], "description": "Always true for the API."},
    "anonymous": {"type": "boolean", "enum": [False], "description": "Always false: reports come from a partner."},
}

_SERVER_SET_NOTE = (
    "`submission_date`, `in_writing` and `anonymous` are set by the server: they may be sent (checked for type; "
    "`in_writing` must be true and `anonymous` false) and come back with the server's values."
)

REPORT_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "narrative"],
    "description": "A report: the CaseFacts fields of DESIGN.md §5 a partner gives, plus title, summary, "
                   "narrative, victims and urgency. Unknown fields are refused. " + _SERVER_SET_NOTE,
    "properties": {
        **REPORT_FIELDS,
        **SERVER_SET_FIELDS,
        "submit": {"type": "boolean", "default": False,
                   "description": "true submits the report to the lawyers (every rule is checked and it gets "
                                  "its ESCR-YYYY-NNNN reference); false keeps it as a draft."},
    },
}

STATUS = {"type": "string", "description": "The report's stage: draft, submitted, screening, info_requested, "
                                           "declined, candidate… (DESIGN.md §4)."}
REFERENCE = {"type": "string", "nullable": True, "pattern": r"^ESCR-\d{4}-\d{4}$",
             "description": "ESCR-YYYY-NNNN once submitted; null for a draft."}
REPORT_ID = {"type": "string", "format": "uuid"}

DOCUMENT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "content_type", "size"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string", "description": "The file's name as sent, made safe (no path, no control "
                                                  "characters)."},
        "content_type": {"type": "string", "description": "Recognised from the file's content."},
        "size": {"type": "integer", "minimum": 0},
    },
}

REPORT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "reference", "status", *REPORT_FIELDS, *SERVER_SET_FIELDS, "documents"],
    "description": "The report as stored, decrypted, in the shape of the body that created it.",
    "properties": {
        "id": REPORT_ID,
        "reference": REFERENCE,
        "status": STATUS,
        **deepcopy(REPORT_FIELDS),
        **deepcopy(SERVER_SET_FIELDS),
        "documents": {"type": "array", "items": _ref("Document")},
    },
}
# What comes back is what was kept, and a report may have been written in the browser: a draft may lack
# its title or narrative, and the form takes other instruments one per line, without the API's limits.
for _name in ("title", "narrative"):
    REPORT["properties"][_name].pop("minLength")
    REPORT["properties"][_name].pop("pattern")
REPORT["properties"]["other_instruments_invoked"] = {"type": "array", "items": {"type": "string"}}

REPORT_SUMMARY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "reference", "status", "title", "created_at", "submitted_at"],
    "properties": {
        "id": REPORT_ID,
        "reference": REFERENCE,
        "status": STATUS,
        "title": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
    },
}

REPORT_LIST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["items", "page", "per_page", "total", "pages"],
    "properties": {
        "items": {"type": "array", "items": _ref("ReportSummary")},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": _CONFIG.API_MAX_PAGE_SIZE},
        "total": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 1},
    },
}

CREATED = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "reference", "status"],
    "properties": {"id": REPORT_ID, "reference": REFERENCE, "status": STATUS},
}

ERROR = {
    "type": "object",
    "additionalProperties": False,
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "additionalProperties": False,
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "enum": sorted(set(JSON_ERROR_CODES.values()))},
                "message": {"type": "string", "description": "A plain sentence for a person."},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": 'Field → message, with dotted names for nested fields '
                                          '("victims.0.name", "urgent.date", "file.1").'},
            },
        },
    },
}

_ERROR_DESCRIPTIONS = {
    "400": "Malformed request: not JSON, not an object, or the wrong content type.",
    "401": "No token, or a token that is unknown, revoked or whose account may no longer use the API.",
    "403": "Not allowed.",
    "404": "No such report or document in your organisation (another organisation's ids, malformed and "
           "unknown ids all look the same).",
    "413": "The request is larger than the limit. Nothing was saved.",
    "422": "Invalid fields; `fields` names each one. Nothing was saved.",
    "429": "Too many requests for this token or address; wait a minute.",
    "500": "An unexpected error, recorded under the reference in the message. Nothing was half-saved.",
}


def _errors(*codes: str) -> dict:
    return {code: {"$ref": f"#/components/responses/Error{code}"} for code in codes}


_COMMON = ("401", "429", "500")

ID_PARAMETER = {"name": "id", "in": "path", "required": True, "description": "The report's id.",
                "schema": {"type": "string"}}
DOC_ID_PARAMETER = {"name": "doc_id", "in": "path", "required": True, "description": "The document's id.",
                    "schema": {"type": "string"}}


def document() -> dict:
    """The OpenAPI 3.0 document (a fresh copy each time)."""
    return deepcopy({
        "openapi": "3.0.3",
        "info": {
            "title": "ESCR Case Desk API",
            "version": "1.0.0",
            "description": (
                "For partner organisations' own systems and mobile collection tools: report violations of "
                "economic, social and cultural rights and add evidence. Authenticate with a personal access "
                "token made on your account page (or with `flask tokens create`): "
                "`Authorization: Bearer escr_…`. The browser session cookie is ignored. Requests are "
                f"rate-limited per token ({_CONFIG.RATELIMIT_API} by default). Every error is "
                '`{"error": {"code", "message", "fields"?}}`. Everything you send is stored encrypted.'
            ),
        },
        "servers": [{"url": URL_PREFIX}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "The OpenAPI document.",
                                          "content": {"application/json": {"schema": {"type": "object"}}}},
                                  **_errors("429", "500")},
                },
            },
            "/reports": {
                "post": {
                    "operationId": "createReport",
                    "summary": "Report a violation (a draft, or submitted at once)",
                    "description": f"The body is at most {_CONFIG.API_MAX_JSON_SIZE // _MIB} MiB of JSON.",
                    "requestBody": {"required": True,
                                    "content": {"application/json": {"schema": _ref("ReportBody")}}},
                    "responses": {
                        "201": {"description": "Saved (and submitted when asked).",
                                "headers": {"Location": {"description": "The report's URL.",
                                                         "schema": {"type": "string"}}},
                                "content": {"application/json": {"schema": _ref("Created")}}},
                        **_errors("400", "403", "413", "422", *_COMMON),
                    },
                },
                "get": {
                    "operationId": "listReports",
                    "summary": "Your organisation's reports, newest first",
                    "parameters": [
                        {"name": "page", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "default": 1}},
                        {"name": "per_page", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": _CONFIG.API_MAX_PAGE_SIZE,
                                    "default": _CONFIG.API_PAGE_SIZE}},
                    ],
                    "responses": {
                        "200": {"description": "One page of reports.",
                                "content": {"application/json": {"schema": _ref("ReportList")}}},
                        **_errors("422", *_COMMON),
                    },
                },
            },
            "/reports/{id}": {
                "parameters": [ID_PARAMETER],
                "get": {
                    "operationId": "showReport",
                    "summary": "One report, decrypted, in the shape it was sent, with its documents",
                    "responses": {
                        "200": {"description": "The report.", "content": {"application/json": {"schema": _ref("Report")}}},
                        **_errors("404", *_COMMON),
                    },
                },
            },
            "/reports/{id}/documents": {
                "parameters": [ID_PARAMETER],
                "post": {
                    "operationId": "uploadDocuments",
                    "summary": "Add evidence files to a report",
                    "description": (
                        "Multipart, one or more parts named `file`, streamed and stored encrypted. Allowed: "
                        + ", ".join(ALLOWED_EXTENSIONS) + " — the extension *and* the content must match. Limits: "
                        f"{_CONFIG.UPLOAD_MAX_FILE_SIZE // _MIB} MiB a file, {_CONFIG.UPLOAD_MAX_FILES_PER_REPORT} "
                        f"files and {_CONFIG.UPLOAD_MAX_REPORT_SIZE // _MIB} MiB a report, and your organisation's "
                        "quota. Drafts and submitted reports both take files (the lawyers may ask for more). "
                        "If any file is refused, none is kept."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"multipart/form-data": {"schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                        }}},
                    },
                    "responses": {
                        "201": {"description": "The files were added.",
                                "content": {"application/json": {"schema": {
                                    "type": "object", "additionalProperties": False, "required": ["documents"],
                                    "properties": {"documents": {"type": "array", "items": _ref("Document")}},
                                }}}},
                        **_errors("400", "404", "413", "422", *_COMMON),
                    },
                },
            },
            "/reports/{id}/documents/{doc_id}": {
                "parameters": [ID_PARAMETER, DOC_ID_PARAMETER],
                "get": {
                    "operationId": "downloadDocument",
                    "summary": "A document, decrypted, as an attachment",
                    "responses": {
                        "200": {
                            "description": "The file, byte for byte as uploaded, with `Content-Disposition: "
                                           "attachment`. The type is the recognised one when it is safe to name, "
                                           "otherwise application/octet-stream.",
                            "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
                        },
                        **_errors("404", *_COMMON),
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "escr_…",
                               "description": "A personal access token from your account page, shown once."},
            },
            "schemas": {
                "ReportBody": REPORT_BODY,
                "Report": REPORT,
                "ReportSummary": REPORT_SUMMARY,
                "ReportList": REPORT_LIST,
                "Created": CREATED,
                "Victim": VICTIM,
                "Remedy": REMEDY,
                "UnusedRemedy": UNUSED_REMEDY,
                "RemediesException": REMEDIES_EXCEPTION,
                "OtherProcedure": PROCEDURE,
                "Urgent": URGENT,
                "Document": DOCUMENT,
                "Error": ERROR,
            },
            "responses": {
                f"Error{code}": {"description": description,
                                 "content": {"application/json": {"schema": _ref("Error")}}}
                for code, description in _ERROR_DESCRIPTIONS.items()
            },
        },
    })
