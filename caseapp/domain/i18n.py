"""Markers for the words the domain says to people, which the domain does not translate (it has no Flask).

``N_`` marks a message so that ``make messages`` (``pybabel extract -k N_ -k Nn_:1,2``) puts it in the
catalogues; the page, e-mail or export that shows it translates it with gettext in the reader's language.
Without parameters it returns the message unchanged. With parameters (``N_("At most %(max)d characters.",
max=200)``) it returns a ``Text``: the English sentence, as a ``str`` for commands, logs and the API, that
keeps its message id and parameters so that a page can say it in the reader's language
(``caseapp.web.labels.say``). ``Nn_`` marks a message with a plural form, as its (singular, plural) pair.
"""

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


def N_(message: str, **params: Any) -> str:  # noqa: N802 — gettext's conventional name for a no-op marker
    return Text(message, **params) if params else message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 — the plural marker, extracted as Nn_:1,2
    return singular, plural
