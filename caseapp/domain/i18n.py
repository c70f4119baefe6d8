"""Markers for the words the domain says to people, which the domain does not translate (it has no Flask).

``N_`` returns its message unchanged: it only marks it, so that ``make messages`` (``pybabel extract -k N_
-k Nn_:1,2``) puts it in the catalogues; the page, e-mail or export that shows it translates it with gettext
in the reader's language. ``Nn_`` marks a message with a plural form, as its (singular, plural) pair.
"""


def N_(message: str) -> str:  # noqa: N802 — gettext's conventional name for a no-op marker
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 — the plural marker, extracted as Nn_:1,2
    return singular, plural
