"""Markers for the words the domain says to people, which the domain does not translate (it has no Flask).

``N_`` marks a message so that ``make messages`` (``pybabel extract -k N_ -k Nn_:1,2``) puts it in the
catalogues; the page, e-mail or export that shows it translates it with gettext in the reader's language.
Without parameters it returns the message unchanged. With parameters (``N_("At most %(max)d characters.",
max=200)``) it returns a ``Text``: the English sentence, as a ``str`` for commands, logs and the API, that
keeps its message id and parameters so that a page can say it in the reader's language
(``caseapp.web.labels.say``). ``Nn_`` marks a message with a plural form, as its (singular, plural) pair.
"""

from collections.abc import Iterable
from typing import Any


class Text(str):
    """An English sentence that remembers the message id and the parameters it was made from."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> "Text":
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid = msgid
        text.params = params
        return text

    def __reduce__(self):  # pickled (a session's flash, a cache) as what it is, not as a bare str
        return _text, (self.msgid, self.params)


def _text(msgid: str, params: dict[str, Any]) -> Text:
    return Text(msgid, **params)


class Labels(str):
    """Labels marked for translation (``N_``, ``_l``), joined by commas as a parameter of a refusal's ``N_``
    (``"Record first: %(labels)s."``): the English words as a ``str``, lowercased when ``lower``, and the
    labels themselves, which a page says one by one in the reader's language (``caseapp.web.locales.say``)."""

    labels: tuple[str, ...]
    lower: bool

    def __new__(cls, labels: Iterable[str], *, lower: bool = False) -> "Labels":
        labels = tuple(str(label) for label in labels)
        words = super().__new__(cls, ", ".join(label.lower() if lower else label for label in labels))
        words.labels = labels
        words.lower = lower
        return words

    def __reduce__(self):  # pickled as the labels it joins, not as the joined words
        return _labels, (self.labels, self.lower)


def _labels(labels: tuple[str, ...], lower: bool) -> Labels:
    return Labels(labels, lower=lower)


def N_(message: str, **params: Any) -> str:  # noqa: N802 — gettext's conventional name for a no-op marker
    return Text(message, **params) if params else message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 — the plural marker, extracted as Nn_:1,2
    return singular, plural
