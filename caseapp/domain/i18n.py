"""Markers for the words the domain says to people, which the domain does not translate (it has no Flask).

``N_`` marks a message so that ``make messages`` (``pybabel extract -k N_ -k Nn_:1,2``) puts it in the
catalogues; the page, e-mail or export that shows it translates it with gettext in the reader's language.
Without parameters it returns the message unchanged. With parameters (``N_("At most %(max)d characters.",
max=200)``) it returns a ``Text``: the English sentence, as a ``str`` for commands, logs and the API, that
keeps its message id and parameters so that a page can say it in the reader's language
(``caseapp.web.labels.say``). ``Nn_`` marks a message with a plural form, as its (singular, plural) pair.
"""

import json
from collections.abc import Iterable
from datetime import date
from typing import Any


class Text(str):
    """An English sentence that remembers the message id and the parameters it was made from."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> "Text":
        english = {name: english_date(value) if type(value) is date else value for name, value in params.items()}
        text = super().__new__(cls, msgid % english if params else msgid)
        text.msgid = msgid
        text.params = params
        return text

    def __reduce__(self):  # pickled (a session's flash, a cache) as what it is, not as a bare str
        return _text, (self.msgid, self.params)


def _text(msgid: str, params: dict[str, Any]) -> Text:
    return Text(msgid, **params)


class Labels(str):
    """Labels marked for translation (``N_``, ``_l``), joined by commas as a parameter of a refusal's ``N_``
    (``"Record first: %(labels)s."``): the English words as a ``str``, each begun in lower case when ``lower``
(``mid_sentence``: "the Committee" keeps its capital), and the
    labels themselves, which a page says one by one in the reader's language (``caseapp.web.locales.say``)."""

    labels: tuple[str, ...]
    lower: bool

    def __new__(cls, labels: Iterable[str], *, lower: bool = False) -> "Labels":
        labels = tuple(str(label) for label in labels)
        words = super().__new__(cls, ", ".join(mid_sentence(label) if lower else label for label in labels))
        words.labels = labels
        words.lower = lower
        return words

    def __reduce__(self):  # pickled as the labels it joins, not as the joined words
        return _labels, (self.labels, self.lower)


class StateName(str):
    """A State's name in the register (the UN's English name) that remembers its ISO 3166-1 code, so that a
    page can name the State in the reader's language (``caseapp.services.state_names``)."""

    code: str

    def __new__(cls, code: str, name: str) -> "StateName":
        state = super().__new__(cls, name)
        state.code = code
        return state

    def __reduce__(self):
        return StateName, (self.code, str(self))


def _labels(labels: tuple[str, ...], lower: bool) -> Labels:
    return Labels(labels, lower=lower)


def mid_sentence(label: str) -> str:
    """A label as it reads inside a sentence: its first letter in lower case, unless the first word is an
    acronym ("UN", "OHCHR"); the rest as written, so that proper nouns keep their capitals."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def N_(message: str, **params: Any) -> str:  # noqa: N802 — gettext's conventional name for a no-op marker
    return Text(message, **params) if params else message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 — the plural marker, extracted as Nn_:1,2
    return singular, plural


# Marked so that a page can say a month by its name in the reader's language (a ``Text`` parameter).
MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)


def english_date(day: date) -> str:
    """5 May 2013: how a ``Text`` writes a date parameter in English (a page writes it in the reader's)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# --- a sentence kept in the database (a timeline's note written by the app) --------------------------------
# Stored as JSON, so that it is said later in the language of whoever reads it, not of whoever caused it.
_STORED = '{"msgid":'


def stored_sentence(sentence: str) -> str:
    """A sentence as JSON for storage: a ``Text`` with its message id and parameters, plain text as it is."""
    if not isinstance(sentence, Text):
        return sentence
    return json.dumps(_as_data(sentence), ensure_ascii=False, separators=(",", ":"))


def sentence_from_store(stored: str | None) -> str | None:
    """The sentence ``stored_sentence`` stored (a ``Text`` again); anything else (an older note) as it is."""
    if not stored or not stored.startswith(_STORED):
        return stored
    try:
        return _from_data(json.loads(stored))
    except (ValueError, KeyError, TypeError):
        return stored


def _as_data(text: Text) -> dict:
    return {"msgid": text.msgid, "params": {name: _value_as_data(value) for name, value in text.params.items()}}


def _from_data(data: dict) -> Text:
    return Text(data["msgid"], **{name: _value_from_data(value) for name, value in data["params"].items()})


def _value_as_data(value: Any) -> Any:
    if isinstance(value, Text):
        return {"text": _as_data(value)}
    if isinstance(value, Labels):
        return {"labels": list(value.labels), "lower": value.lower}
    if isinstance(value, StateName):
        return {"state": [value.code, str(value)]}
    if type(value) is date:
        return {"date": value.isoformat()}
    return value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _value_from_data(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "text" in value:
        return _from_data(value["text"])
    if "labels" in value:
        return Labels(value["labels"], lower=value["lower"])
    if "state" in value:
        return StateName(*value["state"])
    return date.fromisoformat(value["date"])
