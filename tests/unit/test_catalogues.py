"""The catalogues stay complete (issue 18, point 5): every message of ``messages.pot`` has a Spanish and a
French translation, none of them fuzzy, with exactly the placeholders of the English (each plural form
against its English form); and ``messages.pot`` is what ``make messages`` would extract today, so a string
added to the code without re-extracting fails here rather than showing in English.

A placeholder left out would drop a number or a name from the page; one added, or of another type
(``%(n)s`` for ``%(n)d``), raises when the page formats it. ``make messages`` brings the catalogues up to the
template: new messages arrive empty and changed ones fuzzy, and both fail here until a translator has seen them.
"""

import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import config

PROJECT = Path(__file__).resolve().parents[2]
TRANSLATIONS = PROJECT / "caseapp" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
# Every configured language but the one the messages are written in: adding a language to config.py is
# enough to hold its catalogue to the same rules.
LANGUAGES = tuple(code for code in config.Config.LANGUAGES if code != config.Config.BABEL_DEFAULT_LOCALE)
# The gettext rule the catalogues were translated for: one form for 1 (and for 0 in French), one for the rest.
PLURAL_FORMS = {"es": (2, "(n != 1)"), "fr": (2, "(n > 1)")}

# A printf-style conversion as Python's % operator reads it: "%(name)s", "%(n)d", "%s", "%.1f"; "%%" is a
# literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
                         r"(?P<type>[diouxXeEfFgGcrsa%])")


def placeholders(text: str) -> Counter:
    """The placeholders of ``text``, as (name, conversion) counted: the order of named ones may change in
    a translation, their number and types may not."""
    return Counter((match["name"], "d" if match["type"] in "iu" else match["type"])
                   for match in PLACEHOLDER.finditer(text) if match["type"] != "%")


def _catalogue(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def _ids(catalogue) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalogue if message.id}


def _forms(message) -> list[tuple[str, str]]:
    """(English, translation) for each form: one for a plain message; for a plural one, form 0 against the
    English singular and every further form against the English plural."""
    if isinstance(message.id, str):
        return [(message.id, message.string or "")]
    singular, plural = message.id[0], message.id[1]
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return [(singular if index == 0 else plural, string or "") for index, string in enumerate(strings)]


def test_every_configured_language_has_a_catalogue():
    assert LANGUAGES, "no language besides English is configured"
    assert [code for code in LANGUAGES if not (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").exists()] == []
    assert set(config.Config.LANGUAGE_NAMES) == set(config.Config.LANGUAGES), "name each language in its own language"


def test_the_placeholder_reader():
    assert placeholders("%(count)d other session(s) ended, 100%% sure") == Counter({("count", "d"): 1})
    assert placeholders("%(n)i and %(n)d") == Counter({("n", "d"): 2})
    assert placeholders("%s of %s, %.1f") == Counter({(None, "s"): 2, (None, "f"): 1})
    assert placeholders("%(name)s") != placeholders("%(nom)s")
    assert placeholders("%(n)d") != placeholders("%(n)s")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    template = _catalogue(TEMPLATE)
    catalogue = _catalogue(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    # The header's Plural-Forms, which `pybabel update` keeps (a catalogue made afresh by `pybabel init` would get
    # Babel 2.19's three CLDR forms, a third for round millions, and every plural message would lack one).
    if language in PLURAL_FORMS:
        assert (catalogue.num_plurals, catalogue.plural_expr) == PLURAL_FORMS[language], "the Plural-Forms header"
    missing, fuzzy, wrong_forms, broken = [], [], [], []
    for english in template:
        if not english.id:
            continue
        translated = catalogue.get(english.id if isinstance(english.id, str) else english.id[0],
                                   context=english.context)
        if translated is None or translated.id != english.id:
            missing.append(english.id)
            continue
        if translated.fuzzy:
            fuzzy.append(english.id)
        forms = _forms(translated)
        if not isinstance(english.id, str) and len(forms) != catalogue.num_plurals:
            wrong_forms.append(english.id)
        for source, string in forms:
            if not string.strip():
                missing.append(english.id)
            elif placeholders(source) != placeholders(string):
                broken.append((source, string))
    # One assertion for all four, so a run names every problem at once.
    problems = {"untranslated (make messages, then translate)": missing,
                "fuzzy (check each, then remove the flag)": fuzzy,
                f"plural without {catalogue.num_plurals} forms": wrong_forms,
                "placeholders differ from the English": broken}
    assert {kind: found for kind, found in problems.items() if found} == {}, f"the {language} catalogue"


def _extract_command() -> list[str]:
    """The ``pybabel extract`` line of the Makefile's ``messages`` target: this test extracts exactly as
    ``make messages`` does, whatever keywords and options it gains."""
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nmessages:", 1)[1].split("\n\n", 1)[0]
    line = next(line for line in recipe.splitlines() if "pybabel extract" in line)
    return shlex.split(line.strip().replace("$(BIN)/pybabel", "pybabel", 1))[1:]


def test_the_template_is_current(tmp_path):
    """messages.pot holds the messages of the code as it is now (re-extracted to a temporary file; a few
    seconds). Only the messages are compared: line numbers and dates may differ."""
    arguments = _extract_command()
    output = arguments.index("-o")
    arguments[output + 1] = str(tmp_path / "messages.pot")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *arguments], cwd=PROJECT, check=True,
                   capture_output=True)
    assert time.monotonic() - started < 60
    fresh, committed = _ids(_catalogue(tmp_path / "messages.pot")), _ids(_catalogue(TEMPLATE))
    assert sorted(fresh - committed, key=str) == [], "messages not yet in messages.pot: run make messages"
    assert sorted(committed - fresh, key=str) == [], "messages.pot holds messages the code no longer has: make messages"
