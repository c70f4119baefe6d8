"""Use cases. Plain functions taking the database session explicitly; they flush, never commit."""

from collections.abc import Iterable


class ServiceError(Exception):
    """A request the rules refuse; the message is safe to show to the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


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
