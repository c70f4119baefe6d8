"""The field vocabulary (caseapp/domain/fields.py): each kind's rule and wording, read strictly (the
engine) or collecting every problem (the API), and the schema written from the same description."""

from datetime import date

import pytest

from caseapp.domain.admissibility import CASE_FACTS, CaseFacts
from caseapp.domain.fields import (
    REQUIRED,
    TRI_STATE,
    Choice,
    Date,
    Field,
    FieldError,
    Problems,
    Record,
    Records,
    StateCode,
    Strings,
    Text,
    TriState,
    YesNo,
)
from caseapp.models.case import TRI_STATE_SQL


def read(kind, value, *, collect=False):
    problems = Problems(collect=collect)
    return kind.read(value, "f", problems), problems.found


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (Date(), "2014-01-28", date(2014, 1, 28)),
    (Date(), None, None),
    (StateCode(), "ES", "ES"),
    (YesNo(), False, False),
    (YesNo(), None, None),
    (TriState(), None, "unknown"),
    (TriState(), "no", "no"),
    (Choice(("a", "b")), "b", "b"),
    (Text(5), "abcde", "abcde"),
    (Strings(max_items=2, max_length=5, item="a code"), ["1", "2"], ("1", "2")),
])
def test_each_kind_reads_what_it_accepts(kind, value, expected):
    assert read(kind, value) == (expected, {})


@pytest.mark.parametrize(("kind", "value", "message"), [
    (Date(), "28/01/2014", "Must be a date written YYYY-MM-DD, or null."),
    (Date(), "2014-02-30", "2014-02-30 is not a date in the calendar."),
    (Date(nullable=False), None, "Must be a date written YYYY-MM-DD."),
    (StateCode(), "es", 'Must be an ISO 3166-1 alpha-2 code in capitals ("ES"), or null.'),
    (YesNo(), "yes", "Must be true, false or null (unknown)."),
    (YesNo(nullable=False), None, "Must be true or false."),
    (TriState(), True, 'Must be "yes", "no" or "unknown".'),
    (Choice(("a", "b"), nullable=False), "c", 'Must be one of: "a", "b".'),
    (Choice(("a", "b")), "c", 'Must be one of: "a", "b", or null.'),
    (Text(5), 3, "Must be a string, or null."),
    (Text(5), "abcdef", "At most 5 characters."),
    (Text(5), "a\x00b", "Must not contain NUL characters."),
    (Text(5), "\ud800", "Must be valid Unicode text."),
    (Strings(max_items=1, max_length=5, item="a code"), "1", "Must be a list of strings, or null."),
    (Strings(max_items=1, max_length=5, item="a code"), ["1", "2"], "At most 1 items."),
])
def test_each_kind_words_what_it_refuses(kind, value, message):
    with pytest.raises(FieldError) as caught:
        read(kind, value)
    assert (caught.value.field, caught.value.message) == ("f", message)


def test_a_blank_list_item_is_named_by_its_index_and_what_it_should_hold():
    kind = Strings(max_items=3, max_length=5, item='the article, e.g. "11(1)"')
    assert read(kind, ["1", " "], collect=True)[1] == {
        "f.1": 'Give the article, e.g. "11(1)", or leave the empty item out.'}


ITEM = Record("Item", (Field("name", Text(10, nullable=False), "", required=True),
                       Field("when", Date(), "")), nullable=False)
BODY = Record("Body", (Field("items", Records(ITEM, max_items=2), ""), Field("flag", YesNo(), "")), nullable=False)


def test_strict_reading_stops_at_the_first_problem_collecting_reading_names_them_all():
    bad = {"items": [{"when": "x"}, None], "flag": 1, "extra": 2}
    with pytest.raises(FieldError) as caught:
        BODY.read(bad, "", Problems())
    assert caught.value.field == "extra"  # unknown keys first, as the engine always did
    problems = Problems(collect=True)
    BODY.read(bad, "", problems)
    assert problems.found == {
        "extra": "Unknown field; allowed: items, flag.",
        "items.0.when": "Must be a date written YYYY-MM-DD, or null.",
        "items.0.name": REQUIRED,
        "items.1": "Must be a JSON object.",
        "flag": "Must be true, false or null (unknown).",
    }


def test_a_document_that_is_not_an_object_is_named_by_no_field():
    with pytest.raises(FieldError) as caught:
        BODY.read([], "", Problems())
    assert caught.value.field is None


def test_missing_and_null_are_the_same_unknown_for_nullable_kinds():
    assert BODY.read({}, "", Problems()) == BODY.read({"items": None, "flag": None}, "", Problems())
    assert CaseFacts.from_json({"consent": None, "continuing": None}) == CaseFacts()


def test_the_schema_is_written_from_the_same_description():
    schema = BODY.schema(ref=lambda record: {"$ref": f"#/components/schemas/{record.name}"})
    assert schema == {
        "type": "object", "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}, "maxItems": 2,
                      "nullable": True},
            "flag": {"type": "boolean", "nullable": True},
        },
    }
    assert ITEM.schema()["required"] == ["name"]
    assert ITEM.schema()["properties"]["name"] == {"type": "string", "maxLength": 10, "minLength": 1, "pattern": r"\S"}


def test_every_case_fact_is_described_and_nullable():
    assert CASE_FACTS.names == tuple(CaseFacts.__dataclass_fields__)
    for field in CASE_FACTS.fields:
        assert field.kind.nullable and field.description.endswith("."), field.name


def test_the_tri_state_answers_are_defined_once_and_the_database_checks_them():
    assert TRI_STATE == ("yes", "no", "unknown")
    assert TRI_STATE_SQL == "('yes', 'no', 'unknown')"


def test_the_quick_select_writes_exactly_what_wtforms_writes():
    """``QuickSelect`` (issue 20) is a faster path to the same markup: selected or not, with characters to
    escape in values and labels, options with attributes of their own, and multiple selects."""
    from wtforms import Form, SelectField, SelectMultipleField
    from wtforms.fields.choices import SelectChoice
    from wtforms.widgets import Select

    from caseapp.web.forms import QuickSelect

    class Sample(Form):
        one = SelectField(choices=[SelectChoice("", "All"), SelectChoice("a&b", 'Tom "&" <Jerry>'),
                                   SelectChoice("x", "Odd", render_kw={"disabled": True})])
        many = SelectMultipleField(choices=[SelectChoice("1", "One"), SelectChoice("2", "Two")])

    for data in ({}, {"one": "a&b", "many": ["2"]}, {"one": "", "many": ["1", "2"]}):
        form = Sample(data=data)
        assert QuickSelect()(form.one) == Select()(form.one)
        assert QuickSelect(multiple=True)(form.many) == Select(multiple=True)(form.many)
    assert '<option selected value="a&amp;b">Tom &#34;&amp;&#34; &lt;Jerry&gt;</option>' in QuickSelect()(
        Sample(data={"one": "a&b"}).one)


def test_the_fixed_options_select_escapes_what_it_writes(app):  # HDR-03
    """``FixedOptionsSelect`` (issue 20) writes its select itself: a label or value with markup in it comes
    out as text, as from WTForms' own select, chosen or not."""
    from flask_babel import force_locale
    from wtforms import Form, SelectField
    from wtforms.fields.choices import SelectChoice
    from wtforms.widgets import Select

    from caseapp.web.forms import FixedOptionsSelect

    widget = FixedOptionsSelect()

    class Sample(Form):
        one = SelectField(choices=[SelectChoice("", "All"), SelectChoice('a"b', "<script>alert(1)</script>")],
                          widget=widget)

    with app.test_request_context("/"), force_locale("en"):
        for data in ({}, {"one": 'a"b'}):
            field = Sample(data=data).one
            written = widget(field, **{"class": 'x" onclick="y'})
            assert written == Select()(field, **{"class": 'x" onclick="y'})
            assert "<script>" not in written and "&lt;script&gt;alert(1)&lt;/script&gt;" in written
            assert 'value="a&#34;b"' in written and 'onclick="y"' not in written
