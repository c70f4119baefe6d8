"""The engine's sentences as messages (issue 18, point 3): every message the engine can emit has a template,
every template gets exactly the parameters it names wherever it is emitted, and a translator and a date
formatter reach every word and every date of the reasons, the warnings and the --explain text."""

import ast
import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import caseapp.domain.admissibility as admissibility
from caseapp.domain.admissibility import CRITERIA, STATUSES, CaseFacts, FactsError, assess, explain
from caseapp.domain.admissibility.exhaustion import OUTCOMES
from caseapp.domain.admissibility.messages import (
    COUNTS,
    DATE,
    DAY,
    ENGLISH,
    MONTH,
    TEMPLATES,
    Day,
    Listing,
    Message,
    Month,
    Renderer,
    State,
    msg,
    placeholders,
)
from caseapp.domain.admissibility.result import ADMISSIBLE, INADMISSIBLE, INCOMPLETE
from caseapp.domain.register import INSTRUMENT_TYPES, SNAPSHOT_2024, StatesRegister
from caseapp.domain.report import EXCEPTION_REASONS, REMEDY_KINDS
from tests.unit.test_admissibility import DESIGN_EXAMPLE

ENGINE = Path(admissibility.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


# --- the templates, statically ---------------------------------------------------------------------------

def _pattern(node, names: dict) -> str | None:
    """The codes an expression can be, as a regular expression: a constant; an f-string, its expressions
    standing for any name (``f"exception.{reason}"``); either side of ``… if … else …``; a variable the
    function assigns once from such an expression. None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(re.escape(part.value) if isinstance(part, ast.Constant) else r"\w+" for part in node.values)
    if isinstance(node, ast.IfExp):
        sides = (_pattern(node.body, names), _pattern(node.orelse, names))
        return f"{sides[0]}|{sides[1]}" if None not in sides else None
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None


def _emitters():
    """Every ``msg(...)`` call in the engine's modules: (module, call, the pattern of the codes it emits)."""
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [tree] + [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]:
            names = {target.id: _pattern(node.value, {}) for node in ast.walk(function)
                     if isinstance(node, ast.Assign) for target in node.targets if isinstance(target, ast.Name)}
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg":
                    yield path.name, node, _pattern(node.args[0], names)


def test_every_emitted_code_has_a_template_and_gets_exactly_its_parameters():
    checked = 0
    for module, node, pattern in _emitters():
        assert len(node.args) == 1, f"{module}:{node.lineno}: parameters go by name"
        names = {keyword.arg for keyword in node.keywords}
        assert None not in names, f"{module}:{node.lineno}: no **parameters, so that this check sees them"
        assert pattern, (f"{module}:{node.lineno}: write the code as a constant, an f-string or a choice of them, "
                         "so that this check can read it")
        codes = [code for code in TEMPLATES if re.fullmatch(pattern, code)]
        assert codes, f"{module}:{node.lineno}: no template matches {pattern}"
        for keyword in node.keywords:  # words belong in a template, where a translator sees them
            value = keyword.value
            text = isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant)
                                                        and isinstance(value.value, str))
            assert not text, f"{module}:{node.lineno}: {keyword.arg} is a text literal"
        for code in codes:
            assert placeholders(code) == names, (
                f"{module}:{node.lineno}: {code} names {sorted(placeholders(code))}, the call gives {sorted(names)}")
            checked += 1
    assert checked > 200


def test_every_template_is_emitted_somewhere():
    patterns = [pattern for _module, _node, pattern in _emitters()]
    unused = [code for code in TEMPLATES if not any(re.fullmatch(pattern, code) for pattern in patterns)]
    assert not unused


@pytest.mark.parametrize(("prefix", "names"), [
    ("exception.", EXCEPTION_REASONS), ("exception_basis.", EXCEPTION_REASONS), ("kind.", REMEDY_KINDS),
    ("instrument.", INSTRUMENT_TYPES), ("outcome.", OUTCOMES), ("status.", STATUSES),
    ("article.", [criterion_id for criterion_id, _ in CRITERIA]),
    ("overall.", [ADMISSIBLE, INADMISSIBLE, INCOMPLETE]),
])
def test_every_code_chosen_by_a_value_has_a_template(prefix, names):
    """The codes built from a fact's value (``f"exception.{reason}"``): one template for each value."""
    assert {prefix + name for name in names} <= TEMPLATES.keys()


def test_the_remedy_outcomes_named_are_the_final_ones():
    assert {f"warning.remedy_{outcome}" for outcome in ("granted", "partly_granted")} <= TEMPLATES.keys()


def test_templates_are_python_format_with_named_placeholders_only():
    """What gettext catalogues check (``python-format``): only ``%(name)s``, no stray ``%``."""
    for code, forms in TEMPLATES.items():
        for form in forms if isinstance(forms, tuple) else (forms,):
            assert "%" not in PLACEHOLDER.sub("", form), code
            assert form % dict.fromkeys(placeholders(code), "x")
            assert form == form.strip() and "  " not in form, code
        if isinstance(forms, tuple):
            assert len(forms) == 2 and COUNTS[code] in placeholders(code), code
            assert set(PLACEHOLDER.findall(forms[0])) == set(PLACEHOLDER.findall(forms[1])), code
    assert set(COUNTS) == {code for code, forms in TEMPLATES.items() if isinstance(forms, tuple)}


# --- rendering ------------------------------------------------------------------------------------------

def test_english_renders_dates_as_design_md_does():
    counted = msg("art3_2_a.counted_notification", start=date(2013, 10, 21))
    reason = msg("art3_2_a.submitted_in_time", submitted=date(2014, 1, 28), counted=counted, last=date(2014, 10, 21))
    assert ENGLISH(reason) == ("Submitted on 2014-01-28, within one year of notification of the final decision "
                               "(2013-10-21); last day 2014-10-21.")
    assert ENGLISH(msg("deadline.label", day=Day(date(2026, 11, 6)), when=msg("deadline.in_days", days=1))) == (
        "Last day to submit to the Committee: 6 Nov 2026 (in 1 day)")
    assert ENGLISH.value(Month(date(2014, 2, 1))) == "February"
    assert ENGLISH.value(Listing(("a", msg("phrase.remedy_no", n=2)), "; ")) == "a; remedy no. 2"


def test_a_translator_and_a_date_formatter_are_used_for_every_template_and_date():
    asked = []

    def gettext(template):
        asked.append(template)
        return "T:" + template

    def ngettext(singular, plural, count):
        asked.append(singular)
        return "N:" + (singular if count == 1 else plural)

    def dates(day, style):
        return f"<{style} {day.day}/{day.month}/{day.year}>"

    render = Renderer(gettext, ngettext, dates, lambda code, name: f"[{code}]")
    eif = msg("eif.doubt_no_such_day", deposit=date(2014, 1, 31), month=Month(date(2014, 4, 30)),
              earliest=date(2014, 4, 30), latest=date(2014, 5, 1), source="UNTC")
    assert render(eif) == ("T:Three months after <date 31/1/2014> falls on a day <month 30/4/2014> does not have, "
                           "so the rule gives <date 30/4/2014> or <date 1/5/2014>, and the register's date is not "
                           "verified (source: UNTC).")
    assert render(msg("deadline.label", day=Day(date(2026, 11, 6)), when=msg("deadline.in_days", days=2))) == (
        "T:Last day to submit to the Committee: <day 6/11/2026> (N:in 2 days)")
    assert render(msg("art2.under_jurisdiction", state=State("ES", "Spain"))) == (
        "T:The victims are under the jurisdiction of [ES].")
    assert ENGLISH(msg("art2.under_jurisdiction", state=State("ES", "Spain"))) == (
        "The victims are under the jurisdiction of Spain.")
    assert asked[:3] == [TEMPLATES["eif.doubt_no_such_day"], TEMPLATES["deadline.label"],
                         TEMPLATES["deadline.in_days"][0]]
    assert {DATE, DAY, MONTH} == {"date", "day", "month"}


# --- nothing bypasses the translator: random facts through the engine ------------------------------------

def _pseudo(template: str) -> str:
    """A translation that keeps the placeholders and blanks every letter of the template's own words."""
    return "".join(part if PLACEHOLDER.fullmatch(part) else re.sub(r"[A-Za-z]", "_", part)
                   for part in re.split(r"(%\(\w+\)s)", template))


# A letter the translation did not blank, or a date the formatter did not write.
LETTER_OR_DAY = re.compile(r"[A-Za-z]|\d{4}-\d{2}-\d{2}")
PSEUDO = Renderer(_pseudo, lambda singular, plural, count: _pseudo(singular if count == 1 else plural),
                  lambda day, style: "#")


def _data(message) -> list[str]:
    """The text a message carries from the facts or the register (names, sources, claims, numbers)."""
    if isinstance(message, Message):
        return [text for value in message.params.values() for text in _data(value)]
    if isinstance(message, Listing):
        return [text for item in message.items for text in _data(item)]
    if isinstance(message, (date, Day, Month)):
        return []
    if isinstance(message, State):
        return [message.name]
    return [str(message)]


def _without(text: str, data: list[str]) -> str:
    for value in sorted(set(data), key=len, reverse=True):
        text = text.replace(value, "")
    return text


def _random_facts(rng: random.Random) -> dict:
    def day(first=2008, last=2027):
        return (date(first, 1, 1) + timedelta(days=rng.randrange(365 * (last - first)))).isoformat()

    def some(value, none=0.2):
        return None if rng.random() < none else value

    def remedy():
        return {"body": some(rng.choice(["Constitutional Court", " ", "Audiencia Provincial"]), 0.4),
                "kind": some(rng.choice(["judicial", "appeal", "cassation", "constitutional", "administrative",
                                         "other"])),
                "filed": some(day()), "decided": some(day(), 0.3), "notified": some(day(), 0.4),
                "outcome": some(rng.choice(["rejected", "granted", "partly_granted", "pending", "withdrawn"])),
                "final": rng.choice([True, False, None]), "addressed_substance": rng.choice([True, False, None])}

    tri, boolean = ("yes", "no", "unknown", None), (True, False, None)
    data = {
        "state": rng.choice(["ES", "FR", "EC", "NE", "SM", "FI", "PT", "US", "BE", "GA", "CF", "CN", "GB", "AO", "CL",
                           "SA", "ZZ", None]),
        "submission_date": some(day(2012), 0.4), "in_writing": rng.choice(boolean),
        "anonymous": rng.choice(boolean), "author_is_victim": rng.choice(boolean),
        "acting_on_behalf": rng.choice(boolean), "consent": rng.choice(tri),
        "consent_justification": some("the victims cannot be reached", 0.6),
        "victims_under_jurisdiction": rng.choice(boolean),
        "rights_invoked": rng.choice([None, [], ["11(1)"], ["2(1)"], ["2(1)", "3"], ["12", "ICCPR 26"]]),
        "other_instruments_invoked": rng.choice([None, [], ["ICCPR art. 26"]]),
        "facts_start": some(day(2005)), "facts_end": some(day(2005)), "continuing": rng.choice(tri),
        "remedies": rng.choice([None, [], [remedy()], [remedy(), remedy()], [remedy(), remedy(), remedy()]]),
        "unused_remedies": rng.choice([None, [], [{
            "name": some("amparo", 0.5), "explanation": some("it takes years", 0.5),
            "reason": some(rng.choice(["unavailable", "ineffective", "unreasonably_prolonged", "none"]))}]]),
        "remedies_exception": rng.choice([None, None, {
            "reason": some(rng.choice(["unavailable", "ineffective", "unreasonably_prolonged"])),
            "explanation": some("none works", 0.5)}]),
        "one_year_exception": some("the author was in hospital", 0.7),
        "other_procedures": rng.choice([None, [], [{
            "body": some("ECtHR", 0.4), "same_matter": rng.choice(boolean), "date": some(day(), 0.5),
            "status": some(rng.choice(["pending", "examined", "declared_inadmissible_reasoned",
                                       "declared_inadmissible_unreasoned", "withdrawn"]))}]]),
        "only_mass_media_reports": rng.choice(boolean), "substantiated": rng.choice(tri), "abuse": rng.choice(tri),
        "clear_disadvantage": rng.choice(tri), "general_importance": rng.choice(tri),
    }
    return {key: value for key, value in data.items() if rng.random() > 0.1}


def _assessments(count: int):
    rng = random.Random(18)
    registers = (StatesRegister.shipped(), StatesRegister.snapshot(SNAPSHOT_2024))
    yield CaseFacts.from_json(DESIGN_EXAMPLE), date(2026, 11, 25), registers[0]
    made = 0
    while made < count:
        try:
            facts = CaseFacts.from_json(_random_facts(rng))
        except FactsError:
            continue
        today = date.fromisoformat("2012-01-01") + timedelta(days=rng.randrange(365 * 15))
        register = rng.choice(registers)
        last = assess(facts, today=today, register=register).deadlines.one_year_last_day
        if last is not None and rng.random() < 0.5:  # near the last day, for the one-year warnings
            today = last - timedelta(days=rng.choice([-3, -1, 0, 1, 7, 12, 30, 90]))
        made += 1
        yield facts, today, register


def test_nothing_bypasses_the_translator_or_the_date_formatter():
    """Rendered with a translation that blanks the templates' words and a formatter that writes every date
    as "#", the reasons, the warnings and the --explain text keep no letter and no date of their own: all
    that is left is what the facts and the register say (names, sources, claims), the templates' numbers
    (articles, paragraphs, case symbols) and punctuation."""
    emitted = set()
    for facts, today, register in _assessments(400):
        assessment = assess(facts, today=today, register=register)
        rendered = assessment.rendered(PSEUDO)
        for english, criterion in zip(assessment.criteria, rendered.criteria, strict=True):
            assert english.reason == ENGLISH.sentences(english.reason_messages)
            data = [text for message in english.reason_messages for text in _data(message)]
            assert not LETTER_OR_DAY.search(_without(criterion.reason, data)), criterion.reason
            emitted |= {message.code for message in english.reason_messages}
        assert len(assessment.warning_messages) == len(assessment.warnings) == len(rendered.warnings)
        for message, english, warning in zip(assessment.warning_messages, assessment.warnings, rendered.warnings,
                                             strict=True):
            assert english == ENGLISH(message)
            assert not LETTER_OR_DAY.search(_without(warning, _data(message))), warning
            emitted.add(message.code)
        text = explain(assessment, facts, today, renderer=PSEUDO)
        data = [text for criterion in assessment.criteria for message in criterion.reason_messages
                for text in _data(message)]
        data += [text for message in assessment.warning_messages for text in _data(message)]
        data += [criterion.id for criterion in assessment.criteria]
        data += [path for criterion in assessment.criteria for path in criterion.missing]
        data += list(assessment.excluded_claims)
        assert not LETTER_OR_DAY.search(_without(text, data)), text
    # the sample reaches most of the criteria's sentences (a new branch the sample misses is still checked
    # statically above)
    reasons = {code for code in TEMPLATES if code.startswith("art")}
    assert len(emitted & reasons) > 0.6 * len(reasons)


def test_the_json_shape_is_unchanged_in_another_language():
    facts = CaseFacts.from_json(DESIGN_EXAMPLE)
    assessment = assess(facts, today=date(2026, 11, 25), register=StatesRegister.shipped())
    rendered = assessment.rendered(PSEUDO).to_json()
    english = assessment.to_json()
    assert list(rendered) == list(english)
    assert [list(criterion) for criterion in rendered["criteria"]] == [list(c) for c in english["criteria"]]
    assert {key: value for key, value in rendered.items() if key not in ("criteria", "warnings")} == {
        key: value for key, value in english.items() if key not in ("criteria", "warnings")}
    assert [c["reason"] for c in rendered["criteria"]] != [c["reason"] for c in english["criteria"]]
    assert [{k: v for k, v in c.items() if k != "reason"} for c in rendered["criteria"]] == [
        {k: v for k, v in c.items() if k != "reason"} for c in english["criteria"]]
