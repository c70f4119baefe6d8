"""Structured logs (LOG-03) that carry no exception messages (LOG-02)."""

import json
import logging

from caseapp.core.logs import JsonFormatter, RedactSecretsFilter, install_redaction, redact_secrets


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


def test_gunicorn_access_lines_have_url_secrets_redacted():
    """LOG-02: a request line for a setup link or a calendar feed, in gunicorn's access-log form (a format
    with a mapping of atoms), loses its secret on the logger before any handler sees it."""
    install_redaction()
    assert any(isinstance(f, RedactSecretsFilter) for f in logging.getLogger("gunicorn.access").filters)
    for path, shown in (("/setup/Zq3-secret_SETUPLINK", "/setup/[redacted]"),
                        ("/calendar/Kp9-secret_FEED.ics", "/calendar/[redacted].ics")):
        atoms = {"h": "198.51.100.7", "r": f"GET {path}?x=1 HTTP/1.1", "s": "200"}
        record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s', (atoms,), None)
        assert RedactSecretsFilter().filter(record)
        assert record.getMessage() == f'198.51.100.7 "GET {shown}?x=1 HTTP/1.1" 200'
    other_paths = "/two-factor/setup /admin/users/1/setup-link"
    assert redact_secrets(other_paths) == other_paths
