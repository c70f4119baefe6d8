"""IN-04: no exported CSV cell starts with a character a spreadsheet reads as a formula."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.domain.csv_safety import FORMULA_TRIGGERS, safe_cell

ORDINARY = st.text().filter(lambda text: not text.startswith(FORMULA_TRIGGERS))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\x00=1", "'\x00=1"),
        ("ESCR-2026-0001", "ESCR-2026-0001"),  # a dash inside is harmless
        ("11(1); 2(2)", "11(1); 2(2)"),
        ("", ""),
        (None, ""),
        (42, "42"),
        (-5, "'-5"),
        (date(2026, 3, 12), "2026-03-12"),
        (datetime(2026, 3, 12, 23, 59, tzinfo=UTC), "2026-03-12"),
    ],
)
def test_examples(value, expected):  # IN-04
    assert safe_cell(value) == expected


@given(st.text())
def test_never_starts_with_a_formula_trigger(text):  # IN-04
    assert not safe_cell(text).startswith(FORMULA_TRIGGERS)


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.dates(), st.none(), st.booleans()))
def test_no_value_of_any_type_starts_with_a_trigger(value):  # IN-04
    assert not safe_cell(value).startswith(FORMULA_TRIGGERS)


@given(ORDINARY)
def test_ordinary_text_comes_back_unchanged(text):
    assert safe_cell(text) == text


@given(st.text())
def test_nothing_is_lost_only_a_quote_is_added(text):
    cell = safe_cell(text)
    assert cell in (text, "'" + text)


@given(st.lists(st.lists(ORDINARY.filter(lambda text: "\x00" not in text), min_size=1, max_size=5), max_size=5))
def test_ordinary_rows_round_trip_through_the_csv_module(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([[safe_cell(cell) for cell in row] for row in rows])
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == rows
