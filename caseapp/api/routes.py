"""JSON API v1 views: thin, as the browser's are; the services hold the rules.

Every route but the OpenAPI document needs ``Authorization: Bearer <token>`` of a partner; the
session cookie is ignored. Objects are found through the same scoped loaders as the browser's, so
another organisation's report, a malformed id and an unknown one are all the same 404 (AC-03, AC-04).
"""

import json
import logging
from math import ceil
from uuid import UUID

from flask import Blueprint, current_app, g, jsonify, request, url_for

from caseapp.api import errors as api_errors
from caseapp.api.errors import ApiError
from caseapp.api.openapi import URL_PREFIX
from caseapp.api.openapi import document as openapi_document
from caseapp.api.schema import InvalidBodyError, api_fields, dump_report, parse_report
from caseapp.core.database import start_writing, write_apart, writes_late
from caseapp.core.extensions import csrf, db, limiter
from caseapp.core.resources import blind_indexer, file_store, keyring
from caseapp.domain import permissions
from caseapp.models import Case, Document
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, cases, documents, intake, tokens
from caseapp.services.vault import open_vault
from caseapp.web.audit_hooks import audit_request
from caseapp.web.downloads import send_document
from caseapp.web.uploads import accepts_uploads

log = logging.getLogger("caseapp.api")

bp = Blueprint("api", __name__, url_prefix=URL_PREFIX)

# CSRF protection is for the browser, whose cookie the browser attaches to any request, even one a
# foreign page makes it send. The API ignores that cookie (the session layer never opens it under
# /api/) and accepts only an ``Authorization: Bearer`` token, which a browser never adds by itself: a
# forged cross-site request carries no credential, so there is nothing for a CSRF token to protect.
# Only this blueprint is exempt; every other state-changing route keeps its CSRF check.
csrf.exempt(bp)
api_errors.register(bp)


# --- authentication and rate limits --------------------------------------------------------------


def bearer_secret() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None


def _rate_limit_key() -> str:
    """Requests are counted per token (by its SHA-256, the key it is stored under), or per address
    when no token is sent."""
    secret = bearer_secret()
    return f"token:{tokens.digest(secret)}" if secret else f"address:{request.remote_addr or ''}"


def _address() -> str:
    return f"address:{request.remote_addr or ''}"


# Per token. The limits live in the config and are counted for all workers together (README "Rate limits").
limiter.shared_limit(lambda: current_app.config["RATELIMIT_API"], scope="api", key_func=_rate_limit_key)(bp)
# Per address, counting only refused tokens: cycling through made-up tokens gets nowhere fast.
limiter.shared_limit(lambda: current_app.config["RATELIMIT_API_AUTH_FAILURES"], scope="api-auth-failures",
                     key_func=_address, deduct_when=lambda response: response.status_code == 401)(bp)


@bp.before_request
def authenticate_token():
    """Only a partner's live token authorises an API call; anything else is a 401 (RFC 6750)."""
    g.user = g.api_token_use = None  # a browser session never counts here
    if permissions.access_level(request.endpoint, request.method) != permissions.API:
        return  # the public OpenAPI document
    secret = bearer_secret()
    bearer = tokens.authenticate(db.session, secret)
    if bearer is not None:
        g.api_token_use = (bearer.token.id, bearer.token.last_used_at)
    # End the lookup's transaction before the view reads a request body, which can be large and slow:
    # no SQLite write lock is held while it arrives (REL-04).
    db.session.rollback()
    if bearer is None:
        challenge = 'Bearer realm="ESCR Case Desk API"' + (', error="invalid_token"' if secret else "")
        message = ("This token is not valid: it is unknown, revoked, or its account may no longer use the API."
                   if secret else "Send a personal access token: Authorization: Bearer <token>.")
        raise ApiError(401, message, headers={"WWW-Authenticate": challenge})
    g.user = bearer.user


@bp.after_request
def record_token_use(response):
    """Write the token's "last used" time, at most once a minute, on a connection of its own after the
    view is done (as sessions do), so it never waits on or mixes with the request's own transaction."""
    use = g.get("api_token_use")
    now = utcnow()
    if use is not None and tokens.needs_touch(use[1], current_app.config["API_TOKEN_TOUCH_INTERVAL"], now):
        db.session.rollback()
        if not write_apart(db.engine, lambda session: tokens.record_use(session, use[0], now)):
            log.warning("api_token.touch_failed", extra={"token_id": use[0]})
    return response


# --- helpers ---------------------------------------------------------------------------------------


def _own_report(report_id: UUID) -> Case:
    """The scoped loader (AC-03): another organisation's report is not found (AC-04); a malformed id
    never routes (the ``uuid`` converter), and the app's 404 handler answers JSON under /api/."""
    case = cases.find_visible_case(db.session, g.user, report_id)
    if case is None:
        raise ApiError(404)
    return case


def _json_body() -> dict:
    if not request.is_json:
        raise ApiError(400, 'Send the report as a JSON object with "Content-Type: application/json".')
    request.max_content_length = current_app.config["API_MAX_JSON_SIZE"]  # over it: 413 while reading
    try:
        return json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, absurdly nested or too many digits
        raise ApiError(400, "The body is not valid JSON.") from None


def _document_json(document: Document, name: str | None) -> dict:
    return {"id": str(document.uuid), "name": name or "document", "content_type": document.content_type,
            "size": document.size}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


# --- routes ----------------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


# GET and POST /reports are two endpoints on one URL; OPTIONS there belongs to the GET rule only.
@bp.post("/reports", provide_automatic_options=False)
@writes_late  # the report is checked and encrypted beside other writers, then the lock is taken (REL-04)
def create_report():
    try:
        report, submit = parse_report(_json_body())
    except InvalidBodyError as exc:
        raise ApiError(422, fields=exc.fields) from None
    today = utcnow().date()
    try:
        new = intake.seal_new_report(keyring(), blind_indexer(), g.user, report, today=today, submit=submit)
    except intake.ReportError as exc:
        raise ApiError(422, fields=api_fields(exc.errors)) from None
    except ServiceError as exc:
        raise ApiError(403, exc.message) from None
    start_writing(db.session)
    reference = intake.add_new_report(db.session, new, keyring=keyring(), today=today, submit=submit, actor=g.user)
    case = new.case
    audit_request("report_created", case=case)
    if reference:
        audit_request("report_submitted", case=case)
    db.session.commit()
    response = jsonify({"id": str(case.uuid), "reference": reference, "status": case.stage})
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_report", id=case.uuid)
    return response


def _page_argument(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1 or (maximum and int(raw) > maximum):
        limit = f" from 1 to {maximum}" if maximum else " of at least 1"
        raise ApiError(422, fields={name: f"Must be a whole number{limit}."})
    return int(raw)


@bp.get("/reports")
def list_reports():
    config = current_app.config
    unknown = set(request.args) - {"page", "per_page"}
    if unknown:
        raise ApiError(422, fields=dict.fromkeys(sorted(unknown), "Unknown parameter."))
    page = _page_argument("page", 1)
    per_page = _page_argument("per_page", config["API_PAGE_SIZE"], config["API_MAX_PAGE_SIZE"])
    rows, total = intake.report_page(db.session, keyring(), g.user, page=page, per_page=per_page)
    items = [{"id": str(row.case.uuid), "reference": row.case.reference, "status": row.case.stage, "title": row.title,
              "created_at": _iso(row.case.created_at), "submitted_at": _iso(row.case.submitted_at)} for row in rows]
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total,
                    "pages": max(ceil(total / per_page), 1)})


@bp.get("/reports/<uuid:id>")
def show_report(id: UUID):  # noqa: A002 — the contract's name for the path parameter
    case = _own_report(id)
    audit_request("report_viewed", case=case)  # AC-08
    vault = open_vault(db.session, keyring(), case)
    body = {"id": str(case.uuid), "reference": case.reference, "status": case.stage,
            **dump_report(intake.load_report(vault)),
            # CaseFacts fields the server sets (DESIGN.md §5).
            "submission_date": case.submitted_at.date().isoformat() if case.submitted_at else None,
            "in_writing": True, "anonymous": False,
            "documents": [_document_json(d, vault.get(d, "original_name")) for d in case.documents]}
    return jsonify(body)


@bp.post("/reports/<uuid:id>/documents")
@accepts_uploads
@writes_late  # the files are scanned and encrypted beside other writers, then the lock is taken
def upload_documents(id: UUID):  # noqa: A002
    """Add evidence to a report of the partner's organisation: to a draft, and also to a submitted
    report, since partners send documents when the lawyers ask for them."""
    report_uuid = id
    # The body is read (and spooled encrypted, UP-06) before any database work in this request.
    parts = (*request.files, *request.form)
    unexpected = sorted({(name or "(unnamed part)")[:100] for name in parts if name != "file"})
    files = documents.chosen_files(request.files.getlist("file"))
    case = cases.find_visible_case(db.session, g.user, report_uuid)
    if case is None:
        raise ApiError(404)
    if unexpected:
        raise ApiError(422, fields=dict.fromkeys(unexpected, 'Unknown field; send files in the field "file".'))
    if not files:
        raise ApiError(422, fields={"file": 'Attach one or more files in the multipart field "file".'})
    vault = open_vault(db.session, keyring(), case)
    # Scanned, encrypted and sealed before the write lock, which this then takes (REL-04).
    stored = documents.store_before_the_lock(db.session, file_store(), vault, files,
                                             documents.UploadLimits.from_config(current_app.config), uploaded_by=g.user)
    if not stored.ok:
        db.session.rollback()  # discards whatever was encrypted into the store's incoming folder
        fields = {("file" if p.index is None else f"file.{p.index}"): p.message for p in stored.problems}
        too_large = all(problem.too_large for problem in stored.problems)
        raise ApiError(413 if too_large else 422, fields=fields)
    recorded = documents.record(db.session, vault, stored.accepted, uploaded_by=g.user)
    db.session.commit()
    body = {"documents": [_document_json(d, item.name) for d, item in zip(recorded, stored.accepted, strict=True)]}
    return jsonify(body), 201


@bp.get("/reports/<uuid:id>/documents/<uuid:doc_id>")
def download_document(id: UUID, doc_id: UUID):  # noqa: A002
    """The file, decrypted and streamed with the browser download's attachment headers (UP-07)."""
    document = cases.find_visible_document(db.session, g.user, id, doc_id)
    if document is None:
        raise ApiError(404)
    audit_request("document_downloaded", target_type="document", target_id=document.uuid, case=document.case)  # AC-08
    return send_document(db.session, keyring(), file_store(), document)
