"""The engine's input: a case's facts as DESIGN.md §5 writes them in JSON, and their strict reader.

``CaseFacts.from_json`` raises ``FactsError(field, message)`` naming the dotted field
(``remedies.0.notified``); ``None`` (``"unknown"`` for the tri-state answers) means unknown
(choice 15 of the package docstring)."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from caseapp.domain.report import (
    EXCEPTION_REASONS,
    PROCEDURE_STATUSES,
    REMEDY_KINDS,
    REMEDY_OUTCOMES,
    TRI_STATE,
    UNUSED_REASONS,
)

_Date = date  # OtherProcedure has a field called "date" (DESIGN.md §5), which would hide the type


@dataclass(frozen=True, slots=True)
class Remedy:
    body: str | None = None
    kind: str | None = None
    filed: date | None = None
    decided: date | None = None
    notified: date | None = None
    outcome: str | None = None
    final: bool | None = None
    addressed_substance: bool | None = None


@dataclass(frozen=True, slots=True)
class UnusedRemedy:
    name: str | None = None
    reason: str | None = None
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class RemediesException:
    reason: str | None = None
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class OtherProcedure:
    body: str | None = None
    same_matter: bool | None = None
    status: str | None = None
    date: _Date | None = None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """DESIGN.md §5's input. ``None`` (and ``"unknown"`` for tri-state answers) means unknown."""

    state: str | None = None
    submission_date: date | None = None
    in_writing: bool | None = None
    anonymous: bool | None = None
    author_is_victim: bool | None = None
    acting_on_behalf: bool | None = None
    consent: str = "unknown"
    consent_justification: str | None = None
    victims_under_jurisdiction: bool | None = None
    rights_invoked: tuple[str, ...] | None = None
    other_instruments_invoked: tuple[str, ...] | None = None
    facts_start: date | None = None
    facts_end: date | None = None
    continuing: str = "unknown"
    remedies: tuple[Remedy, ...] | None = None
    unused_remedies: tuple[UnusedRemedy, ...] | None = None
    remedies_exception: RemediesException | None = None
    one_year_exception: str | None = None
    other_procedures: tuple[OtherProcedure, ...] | None = None
    only_mass_media_reports: bool | None = None
    substantiated: str = "unknown"
    abuse: str = "unknown"
    clear_disadvantage: str = "unknown"
    general_importance: str = "unknown"

    @classmethod
    def from_json(cls, data: Any) -> "CaseFacts":
        """Strictly validated facts from the decoded JSON; raises ``FactsError`` at the first problem."""
        _object(data, "", FACT_FIELDS)
        values = {name: parse(data.get(name), name) for name, parse in _FACT_PARSERS.items()}
        return cls(**values)


class FactsError(ValueError):
    """The JSON does not describe case facts. ``field`` is the dotted name (None: the whole document)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message

    def to_json(self) -> dict:
        return {"error": {"field": self.field, "message": self.message}}


# --- strict JSON reading --------------------------------------------------------------------------

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STATE = re.compile(r"[A-Z]{2}")


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def _object(value: Any, path: str, allowed: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise FactsError(path or None, "Must be a JSON object.")
    for key in value:
        if key not in allowed:
            raise FactsError(_join(path, key), "Unknown field; allowed: " + ", ".join(allowed) + ".")
    return value


def _date(value: Any, path: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise FactsError(path, "Must be a date written YYYY-MM-DD, or null.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FactsError(path, f"{value} is not a date in the calendar.") from None


def _bool(value: Any, path: str) -> bool | None:
    if value is None or type(value) is bool:
        return value
    raise FactsError(path, "Must be true, false or null (unknown).")


def _tri(value: Any, path: str) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, str) and value in TRI_STATE:
        return value
    raise FactsError(path, 'Must be "yes", "no" or "unknown".')


def _text(value: Any, path: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise FactsError(path, "Must be a string or null.")


def _enum(choices: tuple[str, ...]):
    def parse(value: Any, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str) and value in choices:
            return value
        raise FactsError(path, "Must be one of: " + ", ".join(f'"{choice}"' for choice in choices) + ", or null.")
    return parse


def _state(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and _STATE.fullmatch(value):
        return value
    raise FactsError(path, 'Must be an ISO 3166-1 alpha-2 code in capitals ("ES"), or null.')


def _strings(value: Any, path: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise FactsError(path, "Must be a list of strings, or null.")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise FactsError(_join(path, index), "Must be a string.")
        if not item.strip():
            raise FactsError(_join(path, index), "Must not be empty.")
    return tuple(value)


def _record(cls, fields: dict):
    names = tuple(fields)

    def parse(value: Any, path: str):
        if value is None:
            return None
        _object(value, path, names)
        return cls(**{name: fn(value.get(name), _join(path, name)) for name, fn in fields.items()})
    return parse


def _records(parse_item):
    def parse(value: Any, path: str):
        if value is None:
            return None
        if not isinstance(value, list):
            raise FactsError(path, "Must be a list of objects, or null.")
        items = []
        for index, item in enumerate(value):
            where = _join(path, index)
            if item is None:
                raise FactsError(where, "Must be a JSON object.")
            items.append(parse_item(item, where))
        return tuple(items)
    return parse


_REMEDY = _record(Remedy, {
    "body": _text, "kind": _enum(REMEDY_KINDS), "filed": _date, "decided": _date, "notified": _date,
    "outcome": _enum(REMEDY_OUTCOMES), "final": _bool, "addressed_substance": _bool,
})
_UNUSED = _record(UnusedRemedy, {"name": _text, "reason": _enum(UNUSED_REASONS), "explanation": _text})
_EXCEPTION = _record(RemediesException, {"reason": _enum(EXCEPTION_REASONS), "explanation": _text})
_PROCEDURE = _record(OtherProcedure, {
    "body": _text, "same_matter": _bool, "status": _enum(PROCEDURE_STATUSES), "date": _date,
})

_FACT_PARSERS = {
    "state": _state,
    "submission_date": _date,
    "in_writing": _bool,
    "anonymous": _bool,
    "author_is_victim": _bool,
    "acting_on_behalf": _bool,
    "consent": _tri,
    "consent_justification": _text,
    "victims_under_jurisdiction": _bool,
    "rights_invoked": _strings,
    "other_instruments_invoked": _strings,
    "facts_start": _date,
    "facts_end": _date,
    "continuing": _tri,
    "remedies": _records(_REMEDY),
    "unused_remedies": _records(_UNUSED),
    "remedies_exception": _EXCEPTION,
    "one_year_exception": _text,
    "other_procedures": _records(_PROCEDURE),
    "only_mass_media_reports": _bool,
    "substantiated": _tri,
    "abuse": _tri,
    "clear_disadvantage": _tri,
    "general_importance": _tri,
}
FACT_FIELDS: tuple[str, ...] = tuple(_FACT_PARSERS)
