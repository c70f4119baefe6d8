"""The Covenant's rights catalogue, for the intake form and for art. 3(2)(d) of the Optional Protocol.

Every item in domain/OP-ICESCR.md §8: the articles of the International Covenant on Economic, Social
and Cultural Rights that a communication can invoke. A right's ``code`` is the article reference used
in ``rights_invoked`` (DESIGN.md §5): the article number followed by its paragraph and sub-paragraph
in brackets, e.g. "11(1)", "12(2)(a)".

Claims under other instruments (e.g. the ICCPR) are not Covenant rights: the Committee finds them
incompatible with the Covenant (art. 3(2)(d)), so they never appear here.
"""

import re
from dataclasses import dataclass

from caseapp.domain.i18n import N_

# The themes that group the rights on the report form (marked for translation: the form shows them).
THEMES = (
    N_("cross-cutting"), N_("work"), N_("social security"), N_("family"), N_("standard of living"), N_("health"),
    N_("education"), N_("culture"),
)


@dataclass(frozen=True)
class Right:
    code: str
    article: int
    label: str
    theme: str
    # Rights the Committee reads together with a substantive right (arts 1, 2(1), 2(2), 3): a
    # communication invoking only these is weak, so the form should ask for a substantive right too.
    accessory: bool = False


RIGHTS: tuple[Right, ...] = (
    Right("1", 1, N_("Self-determination (art. 1)"), "cross-cutting", accessory=True),
    Right("2(1)", 2, N_("Progressive realisation with the maximum available resources (art. 2(1))"), "cross-cutting",
          accessory=True),
    Right("2(2)", 2, N_("Non-discrimination (art. 2(2))"), "cross-cutting", accessory=True),
    Right("3", 3, N_("Equal rights of men and women (art. 3)"), "cross-cutting", accessory=True),
    Right("6", 6, N_("Work (art. 6)"), "work"),
    Right("7", 7, N_("Just and favourable conditions of work (art. 7)"), "work"),
    Right("7(a)", 7, N_("Fair wages, equal pay and a decent living (art. 7(a))"), "work"),
    Right("7(b)", 7, N_("Safe and healthy working conditions (art. 7(b))"), "work"),
    Right("7(c)", 7, N_("Equal opportunity for promotion (art. 7(c))"), "work"),
    Right("7(d)", 7, N_("Rest, reasonable working hours and paid holidays (art. 7(d))"), "work"),
    Right("8", 8, N_("Trade unions and the right to strike (art. 8)"), "work"),
    Right("9", 9, N_("Social security (art. 9)"), "social security"),
    Right("10", 10, N_("Protection of the family, mothers and children (art. 10)"), "family"),
    Right("10(3)", 10, N_("Protection of children and young persons (art. 10(3))"), "family"),
    # One entry, not separate ones for housing, food and water: a code must be unique *and* a real
    # article reference, and housing, food, clothing, water and sanitation all fall under 11(1) (water
    # and sanitation by the Committee's reading, OP-ICESCR.md §8). The label names them all, so an NGO
    # with a housing or water case finds it.
    Right("11(1)", 11, N_("Adequate housing, food, clothing, water and sanitation (art. 11(1))"), "standard of living"),
    Right("11(2)", 11, N_("Freedom from hunger (art. 11(2))"), "standard of living"),
    Right("12", 12, N_("Physical and mental health (art. 12)"), "health"),
    Right("12(2)(a)", 12,
          N_("Reducing stillbirth and infant mortality; healthy development of children (art. 12(2)(a))"), "health"),
    Right("12(2)(b)", 12, N_("Environmental and industrial hygiene (art. 12(2)(b))"), "health"),
    Right("12(2)(c)", 12, N_("Prevention, treatment and control of diseases (art. 12(2)(c))"), "health"),
    Right("12(2)(d)", 12, N_("Medical service and attention in sickness (art. 12(2)(d))"), "health"),
    Right("13", 13, N_("Education (art. 13)"), "education"),
    Right("14", 14, N_("Free compulsory primary education (art. 14)"), "education"),
    Right("15(1)(a)", 15, N_("Taking part in cultural life (art. 15(1)(a))"), "culture"),
    Right("15(1)(b)", 15, N_("Benefiting from scientific progress (art. 15(1)(b))"), "culture"),
    Right("15(1)(c)", 15, N_("Protection of authors' moral and material interests (art. 15(1)(c))"), "culture"),
)

BY_CODE: dict[str, Right] = {right.code: right for right in RIGHTS}

_CODE = re.compile(r"(\d+)((?:\(\w+\))*)")


def _code_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for an article reference: "7" < "7(a)" < "7(d)" < "8" < "10(3)" < "12(2)(a)"."""
    match = _CODE.fullmatch(code)
    if match is None:
        raise ValueError(f"not an article reference: {code!r}")
    parts = [match.group(1), *re.findall(r"\((\w+)\)", match.group(2))]
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts)


def _expand(article: int, paragraphs: dict[int, tuple[str, ...]] | tuple[str, ...] = ()) -> set[str]:
    """Every reference into an article: _expand(11, {1: (), 2: ("a", "b")}) → 11, 11(1), 11(2), 11(2)(a) ..."""
    references = {str(article)}
    if isinstance(paragraphs, tuple):  # an article without numbered paragraphs, e.g. 7(a)
        return references | {f"{article}({letter})" for letter in paragraphs}
    for paragraph, letters in paragraphs.items():
        references.add(f"{article}({paragraph})")
        references.update(f"{article}({paragraph})({letter})" for letter in letters)
    return references


# The paragraph structure of the Covenant's articles 1-3 and 6-15 (the treaty text), so that a
# communication citing a paragraph the catalogue does not list separately — "12(1)", "10(2)",
# "13(2)(a)" — is still recognised as invoking the Covenant. Articles 4 and 5 (limitations, saving
# clause) and 16-31 (reporting, final clauses) set out no right.
COVENANT_REFERENCES: frozenset[str] = frozenset().union(
    _expand(1, {1: (), 2: (), 3: ()}),
    _expand(2, {1: (), 2: (), 3: ()}),
    _expand(3),
    _expand(6, {1: (), 2: ()}),
    _expand(7, ("a", "b", "c", "d")), {"7(a)(i)", "7(a)(ii)"},
    _expand(8, {1: ("a", "b", "c", "d"), 2: (), 3: ()}),
    _expand(9),
    _expand(10, {1: (), 2: (), 3: ()}),
    _expand(11, {1: (), 2: ("a", "b")}),
    _expand(12, {1: (), 2: ("a", "b", "c", "d")}),
    _expand(13, {1: (), 2: ("a", "b", "c", "d", "e"), 3: (), 4: ()}),
    _expand(14),
    _expand(15, {1: ("a", "b", "c"), 2: (), 3: (), 4: ()}),
)


def normalise_code(code: str) -> str:
    """ "11 (1)" and " 11(1) " → "11(1)"; the reference itself is not changed."""
    return "".join(code.split())


def is_covenant_right(code: str) -> bool:
    """True for a catalogue code or any other reference into articles 1-3 and 6-15 ("11", "12(1)").

    Whitespace is ignored. Anything else — another treaty's article, an article of the Covenant that
    sets out no right (4, 5, 16-31), a paragraph that does not exist ("11(3)") — is False.
    """
    code = normalise_code(code)
    return code in BY_CODE or code in COVENANT_REFERENCES


def label(code: str) -> str:
    """A right's label, marked for translation (a page says it with gettext), or the reference itself for an
    article the catalogue does not name ("11", another treaty's)."""
    right = BY_CODE.get(code)
    return right.label if right is not None else code


def choices() -> list[tuple[str, str]]:
    """(code, label) pairs in article order, for a select field."""
    return [(right.code, right.label) for right in sorted(RIGHTS, key=lambda right: _code_key(right.code))]


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The same choices grouped by theme (in THEMES order), for a select with option groups."""
    ordered = sorted(RIGHTS, key=lambda right: _code_key(right.code))
    return [
        (theme, [(right.code, right.label) for right in ordered if right.theme == theme])
        for theme in THEMES
        if any(right.theme == theme for right in ordered)
    ]
