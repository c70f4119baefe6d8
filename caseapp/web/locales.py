"""The language of the pages (issue 18, point 2): which one a request gets, and the switcher's pieces.

The order: an address that names its language (``?lang=es``), on the public pages that have one per language
(the published decisions and their Atom feed: a feed reader sends no Accept-Language and keeps no session);
then a fully signed-in user's preference (``users.locale``, set on the account page or with the
layout's switcher; their e-mails follow it too); else the choice a visitor made with the switcher, kept in
the session (the anonymous session cookie, or the row of a session still owing its second factor, whose
account preference comes next); else the best match of the browser's Accept-Language; else the default.
Anything not in ``LANGUAGES`` counts as no choice, so a language taken out of the configuration falls back.
"""

import re
from datetime import date
from urllib.parse import urlencode, urlsplit

from flask import current_app, g, has_request_context, request, session, url_for
from flask_babel import format_date, format_number, get_locale

from caseapp.core.database import SAFE_METHODS
from caseapp.domain.i18n import Labels, StateName, Text, mid_sentence
from caseapp.services import state_names
from caseapp.web.translation import gettext as _

# The session's key for a visitor's choice; a signed-in user's preference lives on the account instead.
SESSION_KEY = "locale"
# Path arguments that are secrets (a set-up link's, an unsubscribe link's, a calendar feed's token). The switcher
# never echoes such an address into its page: the 404 of a revoked feed shows nothing of what was asked.
SECRET_PATH_ARGUMENTS = frozenset({"token"})
# The query argument that names a page's language, and the public pages that honour it: each exists once per
# language, so that a feed reader or a link shared in Spanish stays in Spanish.
LANGUAGE_ARGUMENT = "lang"
RETURN_ARGUMENT = "next"
PAGES_PER_LANGUAGE = frozenset({"decisions.list_decisions", "decisions.atom_feed"})
# The longest page address the switcher goes back to: this app's paths and queries stay far below it (IN-01).
MAX_RETURN_PATH = 2000


def select_locale() -> str:
    """Flask-Babel's locale selector, asked once per request (then cached for it)."""
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    named = request.args.get(LANGUAGE_ARGUMENT)
    if named in languages and request.endpoint in PAGES_PER_LANGUAGE:
        return named
    user = g.get("user")
    if user is not None and getattr(session, "two_factor_done", False) and user.locale in languages:
        return user.locale
    chosen = session.get(SESSION_KEY)
    if chosen in languages:
        return chosen
    if user is not None and user.locale in languages:  # signed in with a password, second factor still owed
        return user.locale
    return request.accept_languages.best_match(languages) or default


def adopt_page_language(user) -> None:
    """At sign-in, an account without a chosen language keeps the one its sign-in page was in (the browser's
    or the switcher's): its e-mails, and its pages on any browser, then speak it. Changed on the account page."""
    if user.locale is None:
        user.locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for each configured language, for the switcher and the account page."""
    names = current_app.config["LANGUAGE_NAMES"]
    return [(code, names.get(code, code)) for code in current_app.config["LANGUAGES"]]


def local_path(value: str | None) -> str | None:
    """``value`` when it is a path of this site to go back to after choosing, else None: no scheme, no host,
    no ``//`` or backslash that a browser would read as another host (no open redirect)."""
    if not value or len(value) > MAX_RETURN_PATH or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(character) < 0x20 or ord(character) == 0x7F for character in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


def return_path() -> str | None:
    """The page the switcher comes back to: this one, with its query (its filters, its page number), when it
    is a page one can ask for again: a GET (not a form's answer to a POST), a route that matched, no secret
    in its path. None otherwise: the switcher then goes to the home page."""
    rule = request.url_rule
    if request.method not in SAFE_METHODS or rule is None or rule.arguments & SECRET_PATH_ARGUMENTS:
        return None
    # Without the address's own language, which would beat the one just chosen, and without a page to go on to
    # that is not one of ours (a sign-in page's ``next``): the switcher never carries another site's address.
    query = urlencode([(name, value) for name, value in request.args.items(multi=True)
                       if name != LANGUAGE_ARGUMENT and (name != RETURN_ARGUMENT or local_path(value))])
    return local_path(f"{request.path}?{query}" if query else request.path)


def language_addresses(endpoint: str, **values) -> list[tuple[str, str]]:
    """(language code, absolute address) of a page that exists once per language (``PAGES_PER_LANGUAGE``),
    for its ``<link rel="alternate" hreflang>`` and the feed's links."""
    return [(code, url_for(endpoint, _external=True, **{**values, LANGUAGE_ARGUMENT: code}))
            for code in current_app.config["LANGUAGES"]]


def say(sentence: str) -> str:
    """A sentence of the domain or a service (a refusal, a field's problem) in the reader's language.

    A ``Text`` is translated from its message id, its numbers written as the language writes them (200 000,
    200.000); a plain string marked with ``N_`` is looked up as it is, and anything the catalogues do not
    hold (a register's source, a name) comes back unchanged. A parameter that is itself a ``Text`` (a word of the
    domain, such as a status) is said in the reader's language too."""
    if isinstance(sentence, Text):
        params = {name: _said_value(value) for name, value in sentence.params.items()}
        # The number is already written out, so the translation's %(name)d takes it as text.
        return re.sub(r"%\((\w+)\)d", r"%(\1)s", _(sentence.msgid)) % params
    return _(sentence) if sentence else sentence


def long_date(day: date) -> str:
    """A date written out in the reader's language: "5 May 2013", "5 de mayo de 2013", "5 mai 2013" (Babel's
    English "long" is American, "May 5, 2013")."""
    return format_date(day, "d MMMM y" if get_locale().language == "en" else "long")


def _said_value(value):
    """A parameter of a sentence as the reader's language writes it: a number with its separators, a date in
    full, a State by its name in that language, a word of the domain that is itself a ``Text`` (a status, "met")
    translated; any other text (a source, a person's name) as it is."""
    if type(value) is date:
        return long_date(value)
    if isinstance(value, StateName):
        return state_names.localised(value.code, str(value))
    if isinstance(value, Labels):  # labels of the domain listed in a sentence, each in the reader's language
        said = (_(label) for label in value.labels)
        return ", ".join(mid_sentence(word) for word in said) if value.lower else ", ".join(said)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return say(value) if isinstance(value, Text) else value
