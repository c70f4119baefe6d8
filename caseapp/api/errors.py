"""The API's errors: one exception for the views, and the blueprint's handlers, which answer every
error — the API's own, Werkzeug's (400, 404, 405, 413, 429 from the rate limiter) and unexpected ones
— as ``{"error": {"code", "message", "fields"?}}``, never as an HTML page or a traceback.

Errors raised before a request reaches the blueprint (an unknown path under /api/, a wrong method)
get the same JSON from the app-wide handlers in ``caseapp.web.errors``.
"""

from flask import Blueprint
from sqlalchemy.orm.exc import ObjectDeletedError
from werkzeug.exceptions import HTTPException

from caseapp.web.errors import deleted_meanwhile, http_error_response, internal_error, json_error


class ApiError(Exception):
    """Answer with the JSON error of ``status``; ``fields`` maps dotted field names to messages."""

    def __init__(self, status: int, message: str | None = None, *, fields: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message or str(status))
        self.status = status
        self.message = message
        self.fields = fields
        self.headers = headers


def register(bp: Blueprint) -> None:
    @bp.errorhandler(ApiError)
    def api_error(error: ApiError):
        return json_error(error.status, error.message, fields=error.fields, headers=error.headers)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return http_error_response(error)

    bp.register_error_handler(ObjectDeletedError, deleted_meanwhile)

    @bp.errorhandler(Exception)
    def unexpected_error(error: Exception):
        return internal_error(error)
