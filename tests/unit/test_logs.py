"""Structured logs (LOG-03) that carry no exception messages (LOG-02)."""

import json
import logging

from caseapp.core.logs import JsonFormatter


def _record(message, extra=None, exc_info=None):
    record = logging.LogRecord("caseapp.test", logging.ERROR, __file__, 1, message, (), exc_info)
    for key, value in (extra or {}).items():
        setattr(record, key, value)
    return record


def test_log_lines_are_json_with_fields_and_escaped_newlines():
    line = JsonFormatter().format(_record("login.failed", {"user_id": 7, "note": "a\r\nforged: line"}))
    assert "\n" not in line and "\r" not in line
    payload = json.loads(line)
    assert payload["event"] == "login.failed" and payload["user_id"] == 7 and payload["level"] == "ERROR"


def test_exceptions_are_logged_without_their_message():
    try:
        raise ValueError("MARKER victim name Juana Pérez")
    except ValueError as exc:
        line = JsonFormatter().format(_record("request.failed", exc_info=(type(exc), exc, exc.__traceback__)))
    assert "MARKER" not in line and "Juana" not in line
    assert json.loads(line)["error_type"] == "ValueError"
