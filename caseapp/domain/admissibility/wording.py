"""Small pieces of the reasons' wording, shared by the criteria."""

from datetime import date

EXCEPTION_WORDS = {
    "unavailable": "unavailable",
    "ineffective": "ineffective",
    "unreasonably_prolonged": "unreasonably prolonged",
}

# How the Committee weighs each reason for not exhausting a remedy. Only "unreasonably prolonged" is an
# exception in the text of art. 3(1); "unavailable" is outside the rule, which asks for *available*
# remedies only; "ineffective" is the Committee's practice, not the text (domain/glossary.md, note 6;
# OP-ICESCR.md §2 for the decisions). Each is the author's to show (Ziablitsev, paras 6.5-6.7).
EXCEPTION_BASIS = {
    "unavailable": (
        "art. 3(1) asks only that available remedies be exhausted, and at registration the author must show that "
        "none was available (Ziablitsev v. France, E/C.12/71/D/176/2020, paras 6.5-6.7)"
    ),
    "ineffective": (
        "not an exception in the text of art. 3(1) but the Committee's practice, which counts only remedies that are "
        "prima facie effective (Moreno Romero v. Spain, E/C.12/69/D/48/2018, para. 8.2); the author must show it, and "
        "mere doubts about a remedy's chances of success do not excuse using it (M.L.B. v. Luxembourg, "
        "E/C.12/66/D/20/2017, para. 7.4)"
    ),
    "unreasonably_prolonged": (
        "the exception of art. 3(1), second sentence, which the author must show (e.g. a criminal complaint pending "
        "for over four years without progress, Martínez de Orellana v. Venezuela, E/C.12/77/D/242/2021, paras "
        "7.10-7.12)"
    ),
}


def given(text: str | None) -> bool:
    return bool(text and text.strip())


iso = date.isoformat  # 2013-10-21, as in DESIGN.md §5's example reasons


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


