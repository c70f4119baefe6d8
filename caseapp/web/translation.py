"""The web layer's gettext: Flask-Babel's functions, with the catalogue looked up once per request.

Flask-Babel finds the catalogue again on every call (its request context, the locale, a cache keyed by
the locale's name). A list page translates a few hundred strings — labels, options, column headings —
and that lookup was about a fifth of the lawyers' queue's time (issue 20). Here the catalogue is kept
beside the locale it belongs to, on Flask-Babel's own request context, and used while that locale is the
one in force: ``force_locale`` (an e-mail in its recipient's language) and ``refresh`` get theirs.
Outside an application context the functions are Flask-Babel's (English, untranslated).

The services keep Flask-Babel's functions: they must not depend on the web layer.
"""

from flask import g, has_app_context
from flask_babel import get_translations
from flask_babel.speaklater import LazyString


def current_translations():
    """The catalogue of the locale in force."""
    return kept_for_the_reader("caseapp_translations", get_translations)


def kept_for_the_reader(name: str, compute, *, zone: bool = False):
    """``compute()`` once per request for the reader's locale (and time zone, with ``zone``), kept on
    Flask-Babel's own request context beside the locale and zone it was computed for: a ``force_locale``
    block (an e-mail in its recipient's language) or a ``refresh`` replaces them, and so gets its own.
    Outside an application context, computed each time."""
    if not has_app_context():
        return compute()
    context = g.get("_flask_babel")
    cached = getattr(context, name, None)
    if cached is not None and _same(cached[0], _reader_key(context, zone)):
        return cached[1]
    value = compute()
    context = g.get("_flask_babel")  # made by Flask-Babel's lookups when it was not there yet
    key = _reader_key(context, zone)
    if key[0] is not None:
        setattr(context, name, (key, value))
    return value


def _reader_key(context, zone: bool) -> tuple:
    return getattr(context, "babel_locale", None), getattr(context, "babel_tzinfo", None) if zone else None


def _same(kept: tuple, now: tuple) -> bool:
    # By identity: Flask-Babel makes new objects when the locale or the zone changes, and comparing locales by
    # value would cost more than the lookup saved (a page translates a few hundred strings).
    return kept[0] is now[0] and kept[1] is now[1]


def gettext(message: str, /, **variables) -> str:  # positional: a parameter may be called 'message'
    text = current_translations().ugettext(message)
    return text % variables if variables else text


def pgettext(context: str, message: str, /, **variables) -> str:
    text = current_translations().upgettext(context, message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    return current_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(message: str, /, **variables) -> LazyString:
    return LazyString(gettext, message, **variables)


def lazy_pgettext(context: str, message: str, /, **variables) -> LazyString:
    return LazyString(pgettext, context, message, **variables)


def install_template_gettext(app) -> None:
    """The templates' ``_``, ``ngettext`` and ``pgettext`` through ``current_translations`` (Flask-Babel
    installs its own, which look the catalogue up on every call); Jinja's newstyle gettext as before:
    autoescaped, with ``%(name)s`` parameters."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: current_translations().ugettext(message),
        ngettext=lambda singular, plural, number: current_translations().ungettext(singular, plural, number),
        pgettext=lambda context, message: current_translations().upgettext(context, message),
        npgettext=lambda context, singular, plural, number: current_translations().unpgettext(
            context, singular, plural, number),
        newstyle=True,
    )
