"""The OpenAPI 3.0 description of the JSON API v1, served at /api/v1/openapi.json.

The report's schemas are written from the body's description in the field vocabulary
(``caseapp.api.schema.BODY``, whose CaseFacts fields are the engine's own ``CASE_FACTS``): the same
description the server validates with, so the document says what the server enforces, and the
defaults it shows are those the server applies (``schema.stored_defaults``). The rest (routes,
responses, errors) is written here. ``tests/web/test_api_schema.py`` validates the document, checks
that it describes exactly the blueprint's routes, and runs Schemathesis against the app with it.
"""

from copy import deepcopy

import config as config_module
from caseapp.api.schema import BODY, SERVER_SET, stored_defaults
from caseapp.domain.fields import Choice, Record, YesNo
from caseapp.domain.uploads import ALLOWED_EXTENSIONS
from caseapp.web.errors import JSON_ERROR_CODES

URL_PREFIX = "/api/v1"  # the API's version is in its paths; the document's ``servers`` names it

_CONFIG = config_module.Config
_MIB = 1024 * 1024


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


# What the report rules (caseapp/domain/report.py) ask of a submission, and other notes on how the
# server treats a field: added to the vocabulary's description of the field, by record and field.
_NOTES = {
    ("ReportBody", "state"): "A UN member State; required on submission.",
    ("ReportBody", "rights_invoked"): "At least one on submission.",
    ("ReportBody", "facts_start"): "Required on submission.",
    ("ReportBody", "consent"): "The victims' consent taken together: yes when every victim consents, no when any "
                               "does not, otherwise unknown. When sent, it is the default for victims that give "
                               "none and must agree with those that do.",
    ("ReportBody", "consent_justification"): "Required on submission when acting for victims who have not all "
                                             "consented. Stored encrypted.",
    ("ReportBody", "one_year_exception"): "Stored encrypted.",
    ("ReportBody", "submission_date"): "Set by the server when the report is submitted.",
    ("ReportBody", "in_writing"): "Always true for the API: send true, or leave it out.",
    ("ReportBody", "anonymous"): "Always false: reports come from a partner. Send false, or leave it out.",
    ("Remedy", "body"): "Required on submission. Stored encrypted.",
    ("Remedy", "decided"): "Not before the remedy was filed; a decided remedy is not pending.",
    ("Remedy", "notified"): "Not before the decision.",
    ("UnusedRemedy", "name"): "Required on submission. Stored encrypted.",
    ("RemediesException", "explanation"): "Required on submission when a reason is given. Stored encrypted.",
    ("OtherProcedure", "body"): "Required on submission. Stored encrypted.",
}
# The server sets these whatever is sent: the request may only agree.
_ONLY = {"in_writing": True, "anonymous": False}


def _schemas() -> dict[str, dict]:
    """Record name → schema, for the request body and every record nested in it."""
    defaults = stored_defaults()
    schemas: dict[str, dict] = {}

    def ref(record: Record) -> dict:
        if record.name not in schemas:
            schemas[record.name] = {}  # claimed before writing, so a record is written once
            schema = record.schema(ref)
            for field in record.fields:
                prop = schema["properties"][field.name]
                note = _NOTES.get((record.name, field.name))
                if note:
                    prop["description"] = f"{prop.get('description', '')} {note}".strip()
                default = defaults.get(record.name, {}).get(field.name)
                if isinstance(field.kind, (Choice, YesNo)) and field.kind.accepts(default):
                    prop["default"] = default
            schemas[record.name] = schema
        return _ref(record.name)

    ref(BODY)
    body = schemas[BODY.name]
    for name, value in _ONLY.items():
        body["properties"][name]["enum"] = [value, None]  # nullable: null is "unknown", the same as left out
    body["description"] = (
        "A report: the CaseFacts fields of DESIGN.md §5 a partner gives, plus title, summary, narrative, victims "
        "and urgency. As in DESIGN.md §5, a CaseFacts field may be null, which means unknown, the same as leaving "
        "it out. Unknown fields are refused. `submission_date`, `in_writing` and `anonymous` are set by the "
        "server: they may be sent (checked for type; `in_writing` must be true and `anonymous` false) and come "
        "back with the server's values."
    )
    return schemas


SCHEMAS = _schemas()
REPORT_BODY = SCHEMAS[BODY.name]
REPORT_FIELDS = {name: prop for name, prop in REPORT_BODY["properties"].items() if name not in (*SERVER_SET, "submit")}
SERVER_SET_FIELDS = {
    "submission_date": {"type": "string", "format": "date", "nullable": True,
                        "description": "Set by the server when the report is submitted."},
    "in_writing": {"type": "boolean", "enum": [True], "description": "Always true for the API."},
    "anonymous": {"type": "boolean", "enum": [False], "description": "Always false: reports come from a partner."},
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
                        "200": {"description": "The report.",
                                "content": {"application/json": {"schema": _ref("Report")}}},
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
                **SCHEMAS,
                "Report": REPORT,
                "ReportSummary": REPORT_SUMMARY,
                "ReportList": REPORT_LIST,
                "Created": CREATED,
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
