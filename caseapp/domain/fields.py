"""The vocabulary a case's facts are written in: kinds of field, each with its rule and its wording.

A kind's *rule* says which JSON values it accepts and what Python value each one gives; its *wording*
says how it is told to a person (the message when a value is refused) and to a machine (its JSON
Schema, in the OpenAPI 3.0 dialect, where ``nullable`` allows ``null``). A ``Field`` puts a name and a
description on a kind; a ``Record`` is a JSON object of fields, ``Records`` a list of them.

The facts are described once with these kinds (``caseapp/domain/admissibility/facts.py``) and read
three ways: the engine's strict reader (``CaseFacts.from_json``, which stops at the first problem), the
API's validation of a report body (``caseapp/api/schema.py``, which collects every problem under its
dotted name) and the OpenAPI document (``caseapp/api/openapi.py``).

A missing field reads as its kind's unknown value (``None``; ``"unknown"`` for a tri-state answer), and
so does ``null`` where the kind is ``nullable`` — as every CaseFacts field is (DESIGN.md §5: a missing
field is unknown, never a silent pass). Fields of the API's own report body that are not facts (its
title, victims…) are not nullable: ``null`` there is refused, as it always was.
"""

import re
from datetime import date
from typing import Any

TRI_STATE = ("yes", "no", "unknown")
UNKNOWN = "unknown"
REQUIRED = "This field is required."


class FieldError(ValueError):
    """A value the vocabulary refuses. ``field`` is the dotted name (``remedies.0.notified``); ``None``
    means the whole document."""

    def __init__(self, field: str | None, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class Problems:
    """Where a reader puts what it refuses: by default the first problem raises ``FieldError``; with
    ``collect=True`` each is kept under its dotted name (the first one for a name) and reading goes on,
    so that one answer can name every field to correct."""

    __slots__ = ("collect", "found")

    def __init__(self, *, collect: bool = False):
        self.collect = collect
        self.found: dict[str, str] = {}

    def refuse(self, path: str, message: str) -> None:
        if not self.collect:
            raise FieldError(path or None, message)
        self.found.setdefault(path, message)


def join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def _quoted(choices: tuple[str, ...]) -> str:
    return ", ".join(f'"{choice}"' for choice in choices)


class Kind:
    """One kind of value. Subclasses give ``parse`` (a value that is present and not null), ``expected``
    (the message that says what is accepted) and ``schema``."""

    __slots__ = ("nullable",)
    unknown: Any = None  # what a missing field reads as, and null where it is allowed

    def __init__(self, *, nullable: bool = True):
        self.nullable = nullable

    def read(self, value: Any, path: str, problems: Problems) -> Any:
        if value is None:
            if not self.nullable:
                problems.refuse(path, self.expected())
            return self.unknown
        return self.parse(value, path, problems)

    def parse(self, value: Any, path: str, problems: Problems) -> Any:
        raise NotImplementedError

    def expected(self) -> str:
        raise NotImplementedError

    def _must(self, text: str) -> str:
        """"Must be <text>", saying whether null is allowed too."""
        return f"Must be {text}, or null." if self.nullable else f"Must be {text}."

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` is a valid non-null value (used to tell a default the schema may show)."""
        return False

    def schema(self, ref=None) -> dict:
        """The JSON Schema of the kind; ``ref(record)`` names a nested record's schema (by default it is
        written in place)."""
        raise NotImplementedError

    def _with_null(self, schema: dict) -> dict:
        if self.nullable:
            schema["nullable"] = True
        return schema


class Date(Kind):
    """A calendar day written ``YYYY-MM-DD``."""

    __slots__ = ()
    _FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

    def parse(self, value: Any, path: str, problems: Problems) -> date | None:
        if not isinstance(value, str) or not self._FORMAT.fullmatch(value):
            problems.refuse(path, self.expected())
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            problems.refuse(path, f"{value} is not a date in the calendar.")
            return None

    def expected(self) -> str:
        return self._must("a date written YYYY-MM-DD")

    def schema(self, ref=None) -> dict:
        return self._with_null({"type": "string", "format": "date"})


class StateCode(Kind):
    """A State as its ISO 3166-1 alpha-2 code in capitals. Whether the code names a State the register
    knows is for the reader of the facts to say (the engine answers art. 1 on it)."""

    __slots__ = ()
    _FORMAT = re.compile(r"[A-Z]{2}")

    def parse(self, value: Any, path: str, problems: Problems) -> str | None:
        if isinstance(value, str) and self._FORMAT.fullmatch(value):
            return value
        problems.refuse(path, self.expected())
        return None

    def expected(self) -> str:
        return self._must('an ISO 3166-1 alpha-2 code in capitals ("ES")')

    def schema(self, ref=None) -> dict:
        return self._with_null({"type": "string", "pattern": "^[A-Z]{2}$"})


class YesNo(Kind):
    """``true`` or ``false``; where nullable, ``null`` is unknown (DESIGN.md §5 writes these answers as
    booleans)."""

    __slots__ = ()

    def parse(self, value: Any, path: str, problems: Problems) -> bool | None:
        if type(value) is bool:
            return value
        problems.refuse(path, self.expected())
        return None

    def expected(self) -> str:
        return "Must be true, false or null (unknown)." if self.nullable else "Must be true or false."

    def accepts(self, value: Any) -> bool:
        return type(value) is bool

    def schema(self, ref=None) -> dict:
        return self._with_null({"type": "boolean"})


class Choice(Kind):
    """One of a fixed list of words."""

    __slots__ = ("choices",)

    def __init__(self, choices: tuple[str, ...], *, nullable: bool = True):
        super().__init__(nullable=nullable)
        self.choices = choices

    def parse(self, value: Any, path: str, problems: Problems) -> str | None:
        if isinstance(value, str) and value in self.choices:
            return value
        problems.refuse(path, self.expected())
        return self.unknown

    def expected(self) -> str:
        return self._must(f"one of: {_quoted(self.choices)}")

    def accepts(self, value: Any) -> bool:
        return value in self.choices

    def schema(self, ref=None) -> dict:
        return self._with_null({"type": "string", "enum": list(self.choices)})


class TriState(Choice):
    """``"yes"``, ``"no"`` or ``"unknown"``: an answer that may honestly be not known yet."""

    __slots__ = ()
    unknown = UNKNOWN

    def __init__(self, *, nullable: bool = True):
        super().__init__(TRI_STATE, nullable=nullable)

    def expected(self) -> str:
        return 'Must be "yes", "no" or "unknown".'  # null, where allowed, is "unknown": no need to offer it


class Text(Kind):
    """A string of Unicode text without NUL characters, at most ``max_length`` characters long."""

    __slots__ = ("max_length",)

    def __init__(self, max_length: int, *, nullable: bool = True):
        super().__init__(nullable=nullable)
        self.max_length = max_length

    def parse(self, value: Any, path: str, problems: Problems) -> str | None:
        if not isinstance(value, str):
            problems.refuse(path, self.expected())
            return None
        if not _is_unicode(value):
            problems.refuse(path, "Must be valid Unicode text.")
            return None
        if "\x00" in value:
            problems.refuse(path, "Must not contain NUL characters.")
            return None
        if len(value) > self.max_length:
            problems.refuse(path, f"At most {self.max_length} characters.")
            return None
        return value

    def expected(self) -> str:
        return self._must("a string")

    def schema(self, ref=None) -> dict:
        return self._with_null({"type": "string", "maxLength": self.max_length})


def _is_unicode(value: str) -> bool:
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") that JSON can carry but UTF-8 cannot
        return False
    return True


class Strings(Kind):
    """A list of at most ``max_items`` non-blank strings (``item`` says what one holds, for the message)."""

    __slots__ = ("max_items", "text", "item")

    def __init__(self, *, max_items: int, max_length: int, item: str, nullable: bool = True):
        super().__init__(nullable=nullable)
        self.max_items = max_items
        self.text = Text(max_length, nullable=False)
        self.item = item

    def parse(self, value: Any, path: str, problems: Problems) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            problems.refuse(path, self.expected())
            return None
        if len(value) > self.max_items:
            problems.refuse(path, f"At most {self.max_items} items.")
            return None
        items = []
        for index, item in enumerate(value):
            where = join(path, index)
            text = self.text.read(item, where, problems)
            if text is None:
                continue
            if not text.strip():
                problems.refuse(where, f"Give {self.item}, or leave the empty item out.")
                continue
            items.append(text)
        return tuple(items)

    def expected(self) -> str:
        return self._must("a list of strings")

    def schema(self, ref=None) -> dict:
        return self._with_null({"type": "array", "items": {**self.text.schema(), "pattern": r"\S"},
                                "maxItems": self.max_items})


class Field:
    """A named field of a record. ``required``: it must be sent, and as text not blank."""

    __slots__ = ("name", "kind", "description", "required")

    def __init__(self, name: str, kind: Kind, description: str, *, required: bool = False):
        self.name = name
        self.kind = kind
        self.description = description
        self.required = required


class Record(Kind):
    """A JSON object of the given fields and no others (a misspelt field would otherwise turn into a
    silent unknown); ``make`` builds the value from the fields read, by name."""

    __slots__ = ("name", "fields", "make", "names", "_unknown_key", "_plan")

    def __init__(self, name: str, fields: tuple[Field, ...], *, make=dict, nullable: bool = True):
        super().__init__(nullable=nullable)
        self.name = name
        self.fields = fields
        self.make = make
        self.names = tuple(field.name for field in fields)
        self._unknown_key = "Unknown field; allowed: " + ", ".join(self.names) + "."
        self._plan = tuple((field.name, field.kind.parse, field.kind.unknown, field.kind.nullable, field.required)
                           for field in fields)

    def field(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    def parse(self, value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, dict):
            problems.refuse(path, self.expected())
            return None
        names = self.names
        for key in value:
            if key not in names:
                problems.refuse(join(path, key), self._unknown_key)
        values = {}
        # The engine's reader runs this for every document, so it works from a plan made once (a tuple
        # per field, no attribute lookups), and names are joined only below the top level.
        for name, parse, unknown, nullable, required in self._plan:
            raw = value.get(name)
            if raw is not None:
                values[name] = parse(raw, f"{path}.{name}" if path else name, problems)
            else:
                values[name] = unknown
                if not nullable and name in value:
                    problems.refuse(join(path, name), self.field(name).kind.expected())
            if required and (name not in value or (isinstance(values[name], str) and not values[name].strip())):
                problems.refuse(join(path, name), REQUIRED)
        return self.make(**values)

    def expected(self) -> str:
        return self._must("a JSON object")

    def schema(self, ref=None) -> dict:
        properties = {}
        for field in self.fields:
            kind = field.kind
            properties[field.name] = ref(kind) if ref and isinstance(kind, Record) else kind.schema(ref)
            if field.required and isinstance(kind, Text):
                properties[field.name].update(minLength=1, pattern=r"\S")
            if field.description and "$ref" not in properties[field.name]:  # OpenAPI 3.0 ignores a $ref's siblings
                properties[field.name]["description"] = field.description
        schema: dict = {"type": "object", "additionalProperties": False}
        required = [field.name for field in self.fields if field.required]
        if required:
            schema["required"] = required
        schema["properties"] = properties
        return self._with_null(schema)


class Records(Kind):
    """A list of at most ``max_items`` records. The record is not nullable: a null item says nothing and is
    refused."""

    __slots__ = ("record", "max_items")

    def __init__(self, record: Record, *, max_items: int, nullable: bool = True):
        if record.nullable:
            raise ValueError(f"{record.name}: the items of a list are not nullable")
        super().__init__(nullable=nullable)
        self.record = record
        self.max_items = max_items

    def parse(self, value: Any, path: str, problems: Problems) -> tuple | None:
        if not isinstance(value, list):
            problems.refuse(path, self.expected())
            return None
        if len(value) > self.max_items:
            problems.refuse(path, f"At most {self.max_items} items.")
            return None
        record = self.record
        items = []
        for index, item in enumerate(value):
            read = record.read(item, f"{path}.{index}", problems)
            if read is not None:
                items.append(read)
        return tuple(items)

    def expected(self) -> str:
        return self._must("a list of objects")

    def schema(self, ref=None) -> dict:
        items = ref(self.record) if ref else self.record.schema()
        return self._with_null({"type": "array", "items": items, "maxItems": self.max_items})
