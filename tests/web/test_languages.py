"""Choosing the language (issue 18, point 2): a signed-in person's preference on the account page, a
visitor's browser languages or the switcher's choice, the page's ``lang``, and dates and counts formatted
for the locale. The pages are read through the test client, in the compiled catalogues (make translations).

"No English left" is checked against a short list of the app's English phrases: those a page shows in
English must all be gone from its Spanish or French rendering (the list is checked against the English
page first, so a phrase that is not on the page proves nothing and is not counted).
"""

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale, format_date, format_datetime, get_babel, refresh

from caseapp import ConfigurationError
from caseapp.core.extensions import db
from caseapp.domain import stages
from caseapp.models import User
from caseapp.web.locales import SECRET_PATH_ARGUMENTS
from caseapp.web.startup import self_test
from tests.factories import login, make_case, make_staged_case, text_of

TRANSLATIONS = "caseapp/translations"

# English phrases of the layout, the home page, the report list and the report's steps.
ENGLISH = (
    "Skip to content", "Sign out", "Published decisions", "Case data is encrypted at rest", "Waiting for you",
    "Your organisation's reports", "Report a violation", "Go to the reports", "Last change", "One-year limit",
    "Domestic remedies", "Add a remedy", "Save and leave", "Delete this draft", "Remedies not used",
    "Everything you type is encrypted before it is stored.", "Last day to submit to the Committee",
    "overdue by", "in all", "Sign in", "Forgot your password?", "Password", "Your account",
)


@pytest.fixture(autouse=True, scope="module")
def _compiled_catalogues():
    """These pages need the compiled catalogues: without them every page is English and each test fails
    for a reason it does not name. ``make test`` builds them; a bare ``pytest`` may run before."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / TRANSLATIONS
    for language in ("es", "fr"):
        source, compiled = (root / language / "LC_MESSAGES" / f"messages.{ext}" for ext in ("po", "mo"))
        assert compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime, (
            f"{compiled} is missing or older than its .po: run `make translations` (make test does)")


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def english_left(english_page: str, translated_page: str) -> tuple[list[str], list[str]]:
    """(the list's phrases on the English page, those of them still on the translated page)."""
    shown = [phrase for phrase in ENGLISH if phrase in text_of(english_page)]
    return shown, [phrase for phrase in shown if phrase in text_of(translated_page)]


def test_a_partner_who_chose_spanish_reads_home_reports_and_a_report_step_in_spanish(app, people, org_a):
    partner = people["partner_a"].user
    draft, _ = make_case(app, org_a, partner)
    make_staged_case(app, org_a, stage=stages.SUBMITTED, one_year=(date(2025, 11, 6), date(2026, 11, 6)))
    client = app.test_client()
    login(app, client, partner)
    pages = {"/": ("Inicio", "Cerrar sesión", "Lo que le espera", "Ir a las denuncias"),
             "/intake": ("Las denuncias de su organización", "Denunciar una violación", "Último cambio",
                         "6 nov 2026", "días de retraso"),
             f"/intake/{draft.uuid}/edit/remedies": ("Recursos internos", "Añadir un recurso", "Guardar y salir",
                                                     "Eliminar este borrador")}
    english = {url: client.get(url).get_data(as_text=True) for url in pages}
    assert "6 Nov 2026 overdue by" in text_of(english["/intake"])

    # The account page's form (CSRF is off in the tests but tests/security/test_csrf.py's).
    chosen = client.post("/account/language", data={"locale": "es", "next": "/account"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/account"
    assert db.session.get(User, partner.id).locale == "es"
    confirmed = client.get("/account").get_data(as_text=True)
    assert "Se ha guardado su idioma" in confirmed  # the confirmation is in the language just chosen
    assert re.search(r'<option lang="es" selected value="es">Español</option>', confirmed)

    for url, spanish in pages.items():
        page = client.get(url).get_data(as_text=True)
        assert html_lang(page) == "es", url
        for phrase in spanish:
            assert phrase in text_of(page), (url, phrase)
        shown, left = english_left(english[url], page)
        assert len(shown) >= 3, url  # the check below means something
        assert left == [], url


def test_a_visitor_whose_browser_prefers_french_gets_the_login_page_in_french(client):
    english = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    response = client.get("/login", headers={"Accept-Language": "de-CH, fr;q=0.8, en;q=0.5"})
    page = response.get_data(as_text=True)
    assert html_lang(page) == "fr"
    assert "Vary" in response.headers and "accept-language" in response.headers["Vary"].lower()
    for phrase in ("Se connecter", "Mot de passe oublié ?", "Aller au contenu", "Décisions publiées"):
        assert phrase in text_of(page)
    shown, left = english_left(english, page)
    assert len(shown) >= 3 and left == []
    # A browser asking for no language the app has gets the default.
    assert html_lang(client.get("/login", headers={"Accept-Language": "de, pt"}).get_data(as_text=True)) == "en"


def test_the_switcher_changes_a_visitors_language_without_javascript(client):
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    switcher = page[page.index('id="language-switcher"'):page.index("</form>", page.index('id="language-switcher"'))]
    assert 'method="get"' in switcher and 'action="/language"' in switcher and "csrf_token" not in switcher
    assert '<input type="hidden" name="next" value="/login">' in switcher
    # Each language by its own name, in its own language; the current one is not a button.
    assert 'name="locale" value="es" lang="es">Español</button>' in switcher
    assert 'name="locale" value="en" lang="en">English</button>' in switcher
    assert '<strong class="px-2" lang="fr" aria-current="true">Français</strong>' in switcher

    chosen = client.get("/language?locale=es&next=/login", headers={"Accept-Language": "fr"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/login"
    assert chosen.headers.getlist("Set-Cookie")  # kept in the visitor's session cookie
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert html_lang(page) == "es"  # the choice beats the browser's languages
    assert "Iniciar sesión" in text_of(page)


# Path arguments that are no secret: a report's step, a State's code, a session's handle (POST only, own sessions),
# a static file's name. Any other non-uuid argument must be judged: listed here, or in SECRET_PATH_ARGUMENTS.
PLAIN_PATH_ARGUMENTS = {"step", "iso2", "handle", "filename", "document"}


def test_every_path_argument_is_judged_secret_or_plain(app):
    arguments = {name for rule in app.url_map.iter_rules() for name, converter in rule._converters.items()
                 if type(converter).__name__ != "UUIDConverter"}
    assert arguments - PLAIN_PATH_ARGUMENTS - SECRET_PATH_ARGUMENTS == set()


def test_the_switcher_never_echoes_a_secret_address_or_a_posted_form(app, people):
    page = app.test_client().get("/calendar/not-a-real-secret-token.ics").get_data(as_text=True)
    assert "not-a-real-secret-token" not in page and 'id="language-switcher"' in page
    assert 'name="next"' not in page[page.index('id="language-switcher"'):]
    client = app.test_client()
    login(app, client, people["partner_a"].user)
    refused = client.post("/account/password", data={}).get_data(as_text=True)  # the form again, with errors
    assert 'name="next"' not in refused[refused.index('id="language-switcher"'):]


@pytest.mark.parametrize("target", ["//evil.example/login", "https://evil.example/", "/\\evil.example", "login",
                                    "/login\r\nSet-Cookie: x=1", "/" + "a" * 2001])
def test_the_switcher_goes_back_only_to_a_page_of_this_site(client, target):
    response = client.get("/language", query_string={"locale": "fr", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("query", [{}, {"locale": "de"}, {"locale": ""}, {"locale": "EN"}])
def test_the_switcher_refuses_a_language_the_app_does_not_have(client, query):
    response = client.get("/language", query_string={**query, "next": "/login"})
    assert response.status_code == 400
    assert response.headers.getlist("Set-Cookie") == []


def test_a_signed_in_users_preference_beats_the_browser_and_the_switcher_saves_it(app, people):
    lawyer = people["lawyer"].user
    lawyer.locale = "fr"
    db.session.commit()
    client = app.test_client()
    login(app, client, lawyer)
    page = client.get("/account", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert html_lang(page) == "fr"
    switcher = page[page.index('id="language-switcher"'):]
    assert 'method="post"' in switcher and 'action="/account/language"' in switcher and "csrf_token" in switcher

    token = re.search(r'name="csrf_token" value="([^"]+)"', switcher).group(1)
    saved = client.post("/account/language", data={"csrf_token": token, "locale": "en", "next": "/deadlines"})
    assert saved.status_code == 302 and saved.headers["Location"] == "/deadlines"
    assert db.session.get(User, lawyer.id).locale == "en"
    assert html_lang(client.get("/deadlines", headers={"Accept-Language": "es"}).get_data(as_text=True)) == "en"


def test_the_account_page_refuses_a_language_the_app_does_not_have(app, people):
    partner = people["partner_a"].user
    client = app.test_client()
    login(app, client, partner)
    response = client.post("/account/language", data={"locale": "de", "next": "/account"})
    assert response.status_code == 400
    assert 'id="locale-error"' in response.get_data(as_text=True)
    assert db.session.get(User, partner.id).locale is None  # no choice made


def test_a_session_owing_its_second_factor_follows_the_account_then_the_switcher(app, people):
    pending = people["pending_2fa"].user
    pending.locale = "fr"
    db.session.commit()
    client = app.test_client()
    login(app, client, pending, two_factor_done=False)
    page = client.get("/two-factor/setup").get_data(as_text=True)
    assert html_lang(page) == "fr"
    assert 'action="/language"' in page  # its switcher changes the session only: no account change before 2FA
    client.get("/language?locale=es&next=/two-factor/setup")
    assert html_lang(client.get("/two-factor/setup").get_data(as_text=True)) == "es"
    assert db.session.get(User, pending.id).locale == "fr"


@pytest.mark.parametrize(("language", "day", "count"), [("en", "6 Nov 2026", "1,234"), ("es", "6 nov 2026", "1.234"),
                                                        ("fr", "6 nov. 2026", "1\u202f234")])
def test_dates_and_counts_follow_the_locale(app, language, day, count):
    with app.test_request_context("/"), force_locale(language):
        filters = app.jinja_env.filters
        assert filters["date"](date(2026, 11, 6)) == day
        assert filters["number"](1234) == count
        assert filters["number"](None) == "—"


@pytest.mark.parametrize(("language", "exact", "more"), [
    ("en", "11,721 in all", "More than 1,000 in all"),
    ("es", "11.721 en total", "Más de 1.000 en total"),
    ("fr", "11 721 au total", "Plus de 1 000 au total"),  # a narrow no-break space, read as a space by text_of
])
def test_a_lists_count_is_grouped_for_the_locale(app, language, exact, more):
    """"11721 in all" under a list read as eleven thousand only to an English reader; a Spanish or French one
    reads 11,721 as eleven point something: the lists' pagination groups the count as the locale does."""
    from flask import render_template_string

    from caseapp.web.pagination import CountedPagination

    pagination = '{% include "_macros/pagination.html" %}'
    with app.test_request_context("/screening"), force_locale(language):
        counted = CountedPagination(list(range(50)), total=11721, page=1, per_page=50)
        assert exact in text_of(render_template_string(pagination, page=counted))
        counted_so_far = CountedPagination(list(range(50)), total=1000, page=1, per_page=50, more=True)
        assert more in text_of(render_template_string(pagination, page=counted_so_far))


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_remembered_dates_are_babels_in_every_language(app, language):
    """The ``date`` filter remembers each day's words per language (issue 20): the same words as Flask-Babel
    gives, for a day and for a time (taken in the reader's time zone), whichever language came first."""
    days = [date(2026, month, 1 + month) for month in range(1, 13)]
    moments = [datetime(2026, 3, 31, 23, 30, tzinfo=UTC), datetime(2025, 12, 31, 0, 5)]
    with app.test_request_context("/"):
        for first in ("en", "es", "fr", language):
            with force_locale(first):
                expected = [format_date(value, "d MMM y") for value in days + moments]
                assert [app.jinja_env.filters["date"](value) for value in days + moments] == expected
        assert app.jinja_env.filters["date"](None) == "—"


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_datetime_filter_says_what_babel_says_in_every_language(app, language, monkeypatch):
    """The ``datetime`` filter builds "6 Nov 2026, 14:05" from the remembered day (issue 20): the same words
    as Flask-Babel's ``format_datetime`` with the same pattern, in the reader's time zone (the app's is UTC; a
    time zone selector is what would change it), around midnight, at noon and across a change of year."""
    moments = [datetime(2026, 3, 31, 23, 59, tzinfo=UTC), datetime(2025, 12, 31, 0, 5), datetime(2026, 11, 6, 12, 0),
               datetime(2026, 1, 1, 0, 0, tzinfo=UTC)]
    said = {}
    with app.test_request_context("/"), force_locale(language):
        for zone in ("UTC", "America/Guayaquil", "Europe/Madrid"):
            monkeypatch.setattr(get_babel(app), "timezone_selector", lambda zone=zone: zone)
            refresh()
            said[zone] = [app.jinja_env.filters["datetime"](value) for value in moments]
            assert said[zone] == [format_datetime(value, "d MMM y, HH:mm") for value in moments]
        assert app.jinja_env.filters["datetime"](None) == "—"
    assert said["America/Guayaquil"][3].endswith("2025, 19:00") and said["UTC"][3].endswith("2026, 00:00")


def test_the_server_does_not_start_with_a_language_whose_catalogue_is_not_compiled(app, monkeypatch):
    self_test(app)  # the control: es and fr are compiled
    monkeypatch.setitem(app.config, "LANGUAGES", ("en", "es", "fr", "pt"))
    with pytest.raises(ConfigurationError, match=r"no compiled catalogue for pt .*pybabel compile"):
        self_test(app)


def test_the_first_sign_in_keeps_the_language_the_person_signed_in_with(app, people):
    """An account without a choice follows the browser; signing in keeps that language for its e-mails and
    its pages on any browser. A choice already made is never overwritten by a browser's."""
    import pyotp

    from tests.factories import PASSWORD

    for account, browser, kept in ((people["lawyer"], "es-ES,es;q=0.9", "es"), (people["coordinator"], "fr", "en")):
        user = db.session.get(User, account.user.id)
        user.locale = None if kept == "es" else "en"
        db.session.commit()
        client = app.test_client()
        assert html_lang(client.get("/login", headers={"Accept-Language": browser}).get_data(as_text=True)) == \
            browser[:2]
        signed = client.post("/login", headers={"Accept-Language": browser}, data={
            "email": user.email, "password": PASSWORD, "code": pyotp.TOTP(account.totp_secret).now()})
        assert signed.status_code == 302
        db.session.expire_all()
        assert db.session.get(User, user.id).locale == kept
        assert html_lang(client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)) == kept


def test_templates_translate_in_the_locale_in_force_even_when_it_changes_within_a_request(app):
    """The templates' catalogue is kept for the request (issue 20) but follows ``force_locale`` (an
    e-mail in its recipient's language, written during someone else's request) and ``refresh``."""
    from flask import render_template_string
    from flask_babel import refresh

    template = "{{ _('Draft') }} · {{ pgettext('duplicate', 'name') }}"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert render_template_string(template) == "Brouillon · nom"
        with force_locale("es"):
            assert render_template_string(template) == "Borrador · nombre"
        assert render_template_string(template) == "Brouillon · nom"
        with force_locale("en"):
            assert render_template_string(template) == "Draft · name"
        refresh()
        assert render_template_string(template) == "Brouillon · nom"


def test_a_translated_sentence_may_have_a_parameter_named_like_the_functions_own(app):
    """``caseapp.web.translation``'s functions take the message positionally: a sentence's parameters
    are free to be called ``message``, ``context`` or ``num`` (the report form's errors use ``message``)."""
    from caseapp.web.translation import gettext, ngettext, pgettext

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert gettext("%(message)s", message="Hello") == "Hello"
        assert pgettext("duplicate", "name", context="ignored") == "name"
        assert ngettext("%(num)d case", "%(num)d cases", 2) == "2 cases"


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_queue_filters_options_are_written_once_per_language_as_wtforms_writes_them(app, language):
    """The queue filter's selects keep each language's options (``FixedOptionsSelect``, issue 20): the same
    markup as WTForms' own select, in the reader's language whichever language came first, with the chosen
    option marked and the States named in that language."""
    from werkzeug.datastructures import MultiDict
    from wtforms.widgets import Select

    from caseapp.screening.routes import _queue_form
    chosen = MultiDict({"state": "ES", "right": "11(1)", "days": "90", "sort": "submitted", "dir": "desc"})
    spain = {"en": ">Spain</option>", "es": ">España</option>", "fr": ">Espagne</option>"}
    with app.test_request_context("/"):
        for first in ("en", "es", "fr", language):
            with force_locale(first):
                for source in (MultiDict(), chosen):
                    form = _queue_form(source)
                    for field in form:
                        assert field.widget(field) == Select()(field), (first, field.name)
                    assert spain[first] in form.state.widget(form.state)
                marked = _queue_form(chosen).state.widget(_queue_form(chosen).state)
                assert f'<option selected value="ES"{spain[first]}' in marked and marked.count(" selected ") == 1
