"""Small pieces of the reasons' wording, shared by the criteria."""

from caseapp.domain.admissibility.messages import Message, msg


# The reasons for not exhausting a remedy (``unavailable``, ``ineffective``, ``unreasonably_prolonged``) in
# words, and how the Committee weighs each: messages ``exception.<reason>`` and ``exception_basis.<reason>``.
# Only "unreasonably prolonged" is an exception in the text of art. 3(1); "unavailable" is outside the rule,
# which asks for *available* remedies only; "ineffective" is the Committee's practice, not the text
# (domain/glossary.md, note 6; OP-ICESCR.md §2 for the decisions). Each is the author's to show (Ziablitsev,
# paras 6.5-6.7).
def exception_words(reason: str) -> Message:
    return msg(f"exception.{reason}")


def exception_basis(reason: str) -> Message:
    return msg(f"exception_basis.{reason}")


def given(text: str | None) -> bool:
    return bool(text and text.strip())


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def named(text: str | None, entry: str, index: int, *, start: bool = False) -> str | Message:
    """A name the facts give (a court, a body) as it is written, else the list ``entry`` by its number
    ("remedy no. 2": message ``phrase.<entry>_no``); opening a sentence (``start``), capitalised."""
    if given(text):
        return capitalised(text.strip()) if start else text.strip()
    return msg(f"phrase.{entry}_no_start" if start else f"phrase.{entry}_no", n=index + 1)


