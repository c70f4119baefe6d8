"""Small pieces of the reasons' wording, shared by the criteria."""

from datetime import date

EXCEPTION_WORDS = {
    "unavailable": "unavailable",
    "ineffective": "ineffective",
    "unreasonably_prolonged": "unreasonably prolonged",
}


def given(text: str | None) -> bool:
    return bool(text and text.strip())


iso = date.isoformat  # 2013-10-21, as in DESIGN.md §5's example reasons


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


