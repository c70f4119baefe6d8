"""Structured JSON logs (LOG-03). Events carry ids, never content (LOG-02): an exception is logged by
its type and stack frames only, because its message can hold user data or SQL."""

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        payload.update({key: value for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES})
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
