"""Templates stay readable (issue 13, point 6): no line of a template under ``templates/`` is longer
than 120 characters, with one exception.

The exception: a line may be longer when, leading indentation removed, it holds nothing but one
translatable call whose string literal cannot be broken without changing its msgid (and so losing
its translations). Precisely, the stripped line must match ``TRANSLATABLE_ONLY`` in full:

- optionally ``{{`` (the call opens an expression) and optionally a keyword (``confirm=``);
- ``_(``, ``gettext(`` or ``ngettext(`` with a string literal — for ``ngettext`` optionally a second
  one, the plural;
- optionally keyword arguments that hold no string literal and no tag or delimiter characters
  (``, date=user.created_at|date``);
- then only closing characters: ``)``, ``,``, ``}}`` and spaces.

Anything else on the line — a tag, a second expression, text — makes it an ordinary line, which must
be broken: one attribute group, expression or tag per line, or wrapped inside ``{{ }}``/``{% %}``.
"""

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT_ROOT / "templates"
LIMIT = 120

_STRING = r"""(?:"[^"\\]*"|'[^'\\]*')"""
TRANSLATABLE_ONLY = re.compile(
    r"(?:\{\{\s*)?(?:\w+=)?(?:_|gettext|ngettext)\("
    + _STRING
    + r"(?:\s*,\s*" + _STRING + r")?"  # ngettext's plural
    + r"""(?:\s*,[^"'<>{}]*)?"""  # keyword arguments without string literals
    + r"[\s,)]*(?:\}\})?[\s,]*"
)


def allowed(line: str) -> bool:
    """Whether a template line may stay as it is: short enough, or only one translatable call."""
    return len(line) <= LIMIT or TRANSLATABLE_ONLY.fullmatch(line.strip()) is not None


def test_the_rule_on_synthetic_lines():
    msgid = "A sentence long enough to push the line past the limit, " * 3
    assert len(msgid) > LIMIT
    # Accepted: the call alone, with keyword arguments, or as a keyword argument of a macro call.
    assert allowed(f'    {{{{ _("{msgid}") }}}}')
    assert allowed(f'  {{{{ _("{msgid}",')
    assert allowed(f'       confirm=_("{msgid}")) }}}}')
    assert allowed(f'{{{{ ngettext("{msgid}", "{msgid}s", count) }}}}')
    assert allowed("x" * LIMIT)
    # Rejected: a tag or another expression beside the call, or no translatable call at all.
    assert not allowed(f'<p class="text-muted">{{{{ _("{msgid}") }}}}</p>')
    assert not allowed(f'{{{{ _("{msgid}") }}}} <a href="{{{{ url_for("main.index") }}}}">x</a>')
    assert not allowed(f'{{{{ _("short") }}}}{{{{ {"value " * 30} }}}}')
    assert not allowed("x" * (LIMIT + 1))


def test_no_template_line_is_longer_than_120_characters():
    offending = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}: {len(line)} characters"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if not allowed(line)
    ]
    assert not offending, "template lines longer than {} characters:\n{}".format(LIMIT, "\n".join(offending))
