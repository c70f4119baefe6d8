"""The Covenant's rights catalogue (domain/OP-ICESCR.md §8)."""

import re

import pytest

from caseapp.domain.covenant import (
    BY_CODE,
    COVENANT_REFERENCES,
    RIGHTS,
    THEMES,
    Right,
    choices,
    grouped_choices,
    is_covenant_right,
)

# Every item OP-ICESCR.md §8 lists, as an article reference.
SECTION_8 = (
    "1", "2(1)", "2(2)", "3", "6", "7", "7(a)", "7(b)", "7(c)", "7(d)", "8", "9", "10", "10(3)", "11(1)", "11(2)",
    "12", "12(2)(a)", "12(2)(b)", "12(2)(c)", "12(2)(d)", "13", "14", "15(1)(a)", "15(1)(b)", "15(1)(c)",
)
ARTICLE_REFERENCE = re.compile(r"\d{1,2}(\(\d\))?(\([a-d]\))?")


def test_every_right_of_section_8_is_in_the_catalogue():
    assert set(SECTION_8) <= set(BY_CODE)


def test_the_catalogue_holds_nothing_beyond_section_8():
    assert set(BY_CODE) == set(SECTION_8)


def test_codes_are_unique_and_valid_article_references():
    codes = [right.code for right in RIGHTS]
    assert len(codes) == len(set(codes))
    for right in RIGHTS:
        assert ARTICLE_REFERENCE.fullmatch(right.code), right.code
        assert int(re.match(r"\d+", right.code).group()) == right.article


def test_labels_are_short_plain_and_name_their_article():
    for right in RIGHTS:
        assert right.label.endswith(f"(art. {right.code})"), right.label
        assert len(right.label) <= 100, right.label
        assert right.label == right.label.strip()
    assert len({right.label for right in RIGHTS}) == len(RIGHTS)


def test_housing_food_water_and_sanitation_are_one_entry_under_11_1():
    label = BY_CODE["11(1)"].label.lower()
    for word in ("housing", "food", "clothing", "water", "sanitation"):
        assert word in label


def test_themes():
    assert {right.theme for right in RIGHTS} == set(THEMES)
    assert BY_CODE["6"].theme == BY_CODE["7(b)"].theme == BY_CODE["8"].theme == "work"
    assert BY_CODE["9"].theme == "social security"
    assert BY_CODE["10(3)"].theme == "family"
    assert BY_CODE["11(1)"].theme == BY_CODE["11(2)"].theme == "standard of living"
    assert BY_CODE["12(2)(d)"].theme == "health"
    assert BY_CODE["13"].theme == BY_CODE["14"].theme == "education"
    assert BY_CODE["15(1)(c)"].theme == "culture"


def test_accessory_rights_are_exactly_articles_1_2_and_3():
    assert {right.code for right in RIGHTS if right.accessory} == {"1", "2(1)", "2(2)", "3"}
    assert all(right.theme == "cross-cutting" for right in RIGHTS if right.accessory)
    assert Right("6", 6, "Work (art. 6)", "work").accessory is False  # the default


def test_rights_are_immutable():
    with pytest.raises(AttributeError):
        RIGHTS[0].code = "99"  # type: ignore[misc]


def test_choices_in_article_order():
    pairs = choices()
    assert [code for code, _label in pairs] == list(SECTION_8)
    assert pairs[0] == ("1", BY_CODE["1"].label)
    assert ("11(1)", BY_CODE["11(1)"].label) in pairs
    assert [code for code, _ in pairs].index("10(3)") < [code for code, _ in pairs].index("11(1)")


def test_grouped_choices_cover_every_right_once():
    groups = grouped_choices()
    assert [theme for theme, _ in groups] == list(THEMES)
    flattened = [code for _theme, pairs in groups for code, _label in pairs]
    assert sorted(flattened) == sorted(SECTION_8)


def test_every_catalogue_code_is_a_reference_into_the_covenant():
    assert set(BY_CODE) <= COVENANT_REFERENCES


@pytest.mark.parametrize("code", [
    *SECTION_8, " 11(1) ", "11 (1)", "11", "15", "15(1)", "12(2)", "2", "12(1)", "10(2)", "13(2)(a)", "8(1)(d)",
    "7(a)(i)", "15(3)", "6(1)",
])
def test_covenant_rights(code):
    assert is_covenant_right(code)


@pytest.mark.parametrize("code", [
    "", "4", "5", "16", "31", "11(3)", "7(e)", "12(3)", "15(5)", "13(2)(f)", "3(1)", "9(1)", "ICCPR art. 26", "26",
    "art. 11(1)", "11(1)(a)", "x",
])
def test_not_covenant_rights(code):
    assert not is_covenant_right(code)
