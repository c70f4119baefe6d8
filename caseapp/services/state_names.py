"""A State's name in the reader's language (issue 18, point 4).

The register keeps the UN's English names (``caseapp/domain/register.py``, from the UN's list): English pages
show those, as the Committee's documents do. A Spanish or French page shows the name Unicode's CLDR gives
the territory in that language (through Babel: "España", "Bolivie"), falling back to the UN name for a code
CLDR does not know. The register's own pages keep the UN names: they edit the official record.
"""

from functools import cache

from babel import Locale
from flask_babel import get_locale

from caseapp.domain.register import sort_key, state_name, un_member_states


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def localised(code: str, english: str, language: str | None = None) -> str:
    """``english`` (the UN name of the State ``code``) as a reader of ``language`` (default: the current
    locale's) names it."""
    language = language or _language()
    if language == "en":
        return english
    return Locale.parse(language).territories.get(code.upper(), english)


def name(code: str | None) -> str | None:
    """The name of the State ``code`` in the current language; None for an unknown or missing code."""
    english = state_name(code)
    return localised(code, english) if english is not None else None


def choices(*, include_observers: bool = False) -> list[tuple[str, str]]:
    """(code, name) of the UN's States for a select, named and sorted in the current language."""
    return list(_choices(_language(), include_observers))


@cache
def _choices(language: str, include_observers: bool) -> tuple[tuple[str, str], ...]:
    # Once per language and process: the list is fixed and every report form asks for it.
    named = [(code, localised(code, english, language))
             for code, english in un_member_states(include_observers=include_observers)]
    return tuple(sorted(named, key=lambda pair: sort_key(pair[1])))
