"""Static rules on templates and code (HDR-03) and the production configuration (HDR-04)."""

import os
import re
import secrets
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import config as config_module
from caseapp import ConfigurationError, create_app
from caseapp.core.extensions import db
from caseapp.services import accounts
from tests.factories import TEST_INDEX_SECRET, TEST_KEK, login

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT_ROOT / "templates"
PACKAGE = PROJECT_ROOT / "caseapp"

# --- HDR-03: no inline JS or CSS, autoescape on, no |safe or Markup on user data ------------------

JINJA_CODE = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
HTML_RULES = {  # checked on the HTML left once Jinja code is blanked out
    "inline <style> block": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "inline event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}
TEMPLATE_RULES = {  # checked on the raw template, Jinja included
    "|safe filter": re.compile(r"\|\s*safe\b"),
    "autoescape switched off": re.compile(r"autoescape\s+false", re.IGNORECASE),
}
# Reviewed uses of markupsafe.Markup in caseapp/, as {"path/relative/to/caseapp.py": "why it is safe"}.
# Every other value reaches HTML through Jinja's autoescaping, so nothing else needs Markup.
# Adding an entry needs a reason showing the wrapped string never contains user data.
MARKUP_ALLOWED: dict[str, str] = {
    "dashboard/charts.py": "wraps only SVG strings returned by caseapp.domain.charts, which escapes every "
                           "label and title (html.escape, quotes included) and adds only integers and fixed "
                           "attributes; tests/unit/test_charts.py checks a '<script>' label comes out as text",
    "web/forms.py": "FixedOptionsSelect writes a select as WTForms' own Select does (which returns Markup): each "
                    "option's value and label through markupsafe.escape, the select's attributes through WTForms' "
                    "html_params; tests/unit/test_fields.py checks a '<script>' label and a quote in a value "
                    "come out as text, and tests/web/test_languages.py that the markup equals WTForms' select",
}


def _blank_jinja(text: str) -> str:
    """Replace Jinja tags, expressions and comments by spaces, keeping line numbers. A macro argument
    such as ``action_button(..., style="danger")`` is then not mistaken for an HTML attribute."""
    return JINJA_CODE.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)


def template_violations(text: str) -> list[tuple[int, str]]:
    """(line, rule) for every HDR-03 breach in one template's source."""
    found = []
    html = _blank_jinja(text)
    for tag in SCRIPT_TAG.finditer(html):
        if not re.search(r"\ssrc\s*=", tag.group(), re.IGNORECASE):
            found.append((html.count("\n", 0, tag.start()) + 1, "inline <script> without src="))
    for rule, pattern in HTML_RULES.items():
        found += [(html.count("\n", 0, m.start()) + 1, rule) for m in pattern.finditer(html)]
    for rule, pattern in TEMPLATE_RULES.items():
        found += [(text.count("\n", 0, m.start()) + 1, rule) for m in pattern.finditer(text)]
    return found


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        "<SCRIPT type='text/javascript'>x()</SCRIPT>",
        "<style>p { color: red }</style>",
        '<p style="color: red">',
        '<img src="x.png" onerror="alert(1)">',
        '<button onClick = "go()">',
        '<a href="javascript:alert(1)">',
        "{{ narrative|safe }}",
        "{{ narrative | safe }}",
        "{% autoescape false %}{{ x }}{% endautoescape %}",
    ],
)
def test_the_grep_catches_inline_code(snippet):  # HDR-03: the rules below are not vacuous
    assert template_violations(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="{{ url_for(\'static\', filename=\'js/app.js\') }}"></script>',
        '{{ action_button(url, _("Disable"), form, style="danger", confirm=_("Sure?")) }}',
        '<form method="post" data-confirm="{{ question }}">',
        "<p>Sign out and do this later</p>",
    ],
)
def test_the_grep_allows_what_the_templates_need(snippet):  # HDR-03: no false alarms
    assert template_violations(snippet) == []


def test_templates_have_no_inline_script_style_handlers_or_safe():  # HDR-03
    templates = _templates()
    assert templates, f"no templates found in {TEMPLATES}"
    problems = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}: {rule}"
        for path in templates
        for line, rule in template_violations(path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_markup_is_not_used_in_the_package():  # HDR-03
    """Markup() marks a string as already-safe HTML, bypassing autoescaping. Not using it at all is the
    simplest way to be sure it never wraps user data; reviewed exceptions go in MARKUP_ALLOWED."""
    uses = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\bMarkup\b", line) and relative not in MARKUP_ALLOWED:
                uses.append(f"caseapp/{relative}:{number}: {line.strip()}")
            if re.search(r"autoescape\s*=\s*False", line):
                uses.append(f"caseapp/{relative}:{number}: autoescape switched off: {line.strip()}")
    assert uses == []
    assert set(MARKUP_ALLOWED) <= {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}


def test_autoescape_is_on_for_html_templates(app):  # HDR-03
    for name in ("base.html", "errors/error.html", "anything.html"):
        assert app.jinja_env.autoescape(name) is True, name


def test_user_data_is_escaped_in_pages(app, client, people):  # HDR-03, as a user sees it
    accounts.create_organisation(db.session, '<script>alert("org")</script> <b onmouseover=x>NGO</b>')
    db.session.commit()
    login(app, client, people["admin"].user)
    html = client.get("/admin/organisations").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;org&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<b onmouseover" not in html


@pytest.mark.parametrize(
    ("principal", "url"),
    [
        ("anonymous", "/login"),
        ("anonymous", "/decisions"),
        ("admin", "/"),
        ("admin", "/account"),
        ("admin", "/admin/users"),
        ("admin", "/admin/users/new"),
        ("admin", "/admin/organisations/new"),
        ("pending_2fa", "/two-factor/setup"),
    ],
)
def test_rendered_pages_have_no_inline_code(app, client, people, principal, url):  # HDR-03
    """The same rules on what browsers receive, which includes HTML from third-party macros
    (Bootstrap-Flask's load_css/load_js) that the template grep cannot see."""
    if principal != "anonymous":
        login(app, client, people[principal].user, two_factor_done=principal != "pending_2fa")
    response = client.get(url)
    assert response.status_code == 200
    assert template_violations(response.get_data(as_text=True)) == []


# --- HDR-04: production configuration ------------------------------------------------------------

GOOD_SECRET = secrets.token_urlsafe(24)  # exactly 32 characters: the shortest accepted
TRUSTED = ["cases.example.org"]
OMIT = object()
DEBUG_LIKE = re.compile(r"debug|test|console|profil|trace|sandbox|_dev|dev_|/dev\b", re.IGNORECASE)


@pytest.fixture
def production(monkeypatch, tmp_path):
    """create_app(CONFIG=production) with nothing inherited from the environment or instance/config.py."""
    for name in list(os.environ):
        if name.startswith("CASEAPP_") or name in ("DATABASE_URL", "FLASK_DEBUG"):
            monkeypatch.delenv(name)

    def make(**settings):
        config = {
            "CONFIG": "production",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "KEKS": f"k1:{TEST_KEK}",
            "INDEX_SECRET": TEST_INDEX_SECRET,
            "SECRET_KEY": GOOD_SECRET,
            "TRUSTED_HOSTS": TRUSTED,
        }
        config.update(settings)
        return create_app({key: value for key, value in config.items() if value is not OMIT})

    return make


def test_good_secret_is_exactly_the_minimum_length():
    assert len(GOOD_SECRET) == 32


def test_missing_secret_key_refuses_to_start(production):  # HDR-04
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        production(SECRET_KEY=OMIT)


@pytest.mark.parametrize("secret", ["", "dev", "change-me", "changeme", "secret", "development"])
def test_known_default_secret_key_refuses_to_start(production, secret):  # HDR-04
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        production(SECRET_KEY=secret)


def test_the_test_suites_published_secret_key_refuses_to_start(production):  # HDR-04
    """The testing key is in the repository, so it is a known default too (and it is 32+ characters)."""
    published = config_module.TestingConfig.SECRET_KEY
    assert len(published) >= 32
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        production(SECRET_KEY=published)


def test_default_secret_key_from_the_environment_refuses_to_start(production, monkeypatch):  # HDR-04
    monkeypatch.setenv("CASEAPP_SECRET_KEY", "dev")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        production(SECRET_KEY=OMIT)


def test_short_secret_key_refuses_to_start(production):  # HDR-04
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        production(SECRET_KEY=secrets.token_urlsafe(24)[:31])


@pytest.mark.parametrize("hosts", [OMIT, None, []], ids=["missing", "none", "empty"])
def test_missing_trusted_hosts_refuses_to_start(production, hosts):  # HDR-04
    with pytest.raises(ConfigurationError, match="TRUSTED_HOSTS"):
        production(TRUSTED_HOSTS=hosts)


def test_debug_refuses_to_start(production):  # HDR-04
    with pytest.raises(ConfigurationError, match="DEBUG"):
        production(DEBUG=True)


def test_debug_from_the_environment_refuses_to_start(production, monkeypatch):  # HDR-04
    monkeypatch.setenv("CASEAPP_DEBUG", "true")
    with pytest.raises(ConfigurationError, match="DEBUG"):
        production()


def test_correct_production_config_starts_safely(production):  # HDR-04
    app = production()
    assert app.debug is False
    assert app.config["DEBUG"] is False
    assert app.testing is False
    assert app.config["TRUSTED_HOSTS"] == TRUSTED
    suspicious = [f"{rule.endpoint} {rule.rule}" for rule in app.url_map.iter_rules()
                  if DEBUG_LIKE.search(rule.endpoint) or DEBUG_LIKE.search(rule.rule)]
    assert suspicious == []
    assert "auth.login" in app.view_functions  # the real routes are there


def test_production_answers_only_its_trusted_hosts_without_a_banner(production):  # HDR-04
    app = production()
    app.test_client_class = FlaskClient
    client = app.test_client()
    trusted = client.get("/healthz", base_url="https://cases.example.org")
    assert trusted.status_code == 200
    assert trusted.get_json() == {"status": "ok"}
    assert client.get("/healthz", base_url="https://attacker.example").status_code == 400
    missing = client.get("/no-such-page", base_url="https://cases.example.org")
    assert missing.status_code == 404
    for response in (trusted, missing):
        assert "Server" not in response.headers and "X-Powered-By" not in response.headers
    text = missing.get_data(as_text=True)
    assert "Werkzeug" not in text and "Traceback" not in text
