"""Structured JSON logs (LOG-03). Events carry ids, never content (LOG-02): an exception is logged by
its type and stack frames only, because its message can hold user data or SQL.

Some URLs are credentials (LOG-02): a setup link ``/setup/<secret>`` and a calendar feed
``/calendar/<secret>.ics``. ``redact_secrets`` is the one rule that replaces their secret segment with
``[redacted]``; the JSON formatter applies it to every line the app writes (a logged ``path`` too), and
``RedactSecretsFilter`` to the request lines of the servers in front of the app (Werkzeug's development
server, gunicorn's access and error logs). The reverse proxy's access log is the operator's part (README,
"Production deployment").
"""

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime

_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

PLACEHOLDER = "[redacted]"
# The secret is the path segment after these prefixes, up to the next "/", "?", "#", quote or space (a
# request line); ".ics" ends a feed's secret. url_for quotes the secrets, which are URL-safe base64.
_SECRET_SEGMENT = re.compile(r"(/setup/|/calendar/)[^/?#\s\"']+?(\.ics)?(?=[/?#\s\"']|$)")
# The loggers of the servers that write request lines and request errors naming the URL.
SERVER_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact_secrets(text: str) -> str:
    """The text with every setup-link and calendar-feed secret replaced: '/setup/[redacted]'."""
    return _SECRET_SEGMENT.sub(lambda match: f"{match.group(1)}{PLACEHOLDER}{match.group(2) or ''}", text)


def _redacted(value):
    return redact_secrets(value) if isinstance(value, str) else value


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message (formatted with its arguments) and its string fields, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, redact_secrets(value))
        return True


def install_redaction() -> None:
    """Put the filter on the servers' loggers (idempotent; records logged there are redacted before any
    handler, whoever configured it, sees them)."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecretsFilter) for existing in logger.filters):
            logger.addFilter(RedactSecretsFilter())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": redact_secrets(record.getMessage()),
        }
        payload.update({key: _redacted(value) for key, value in vars(record).items()
                        if key not in _STANDARD_ATTRIBUTES})
        if record.exc_info and record.exc_info[0] is not None:
            payload["error_type"] = record.exc_info[0].__name__
            payload["stack"] = [f"{frame.filename}:{frame.lineno} in {frame.name}"
                                for frame in traceback.extract_tb(record.exc_info[2])]
        return json.dumps(payload, default=str, ensure_ascii=False)  # escapes CR/LF in values


def configure_logging(level: str = "INFO") -> None:
    logger = logging.getLogger("caseapp")
    if any(isinstance(handler.formatter, JsonFormatter) for handler in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(level)
