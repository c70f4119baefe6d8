"""The browser tests' harness (issue 8): the live server's pieces, the watch kept on each person's pages,
and signing in through the login form. The fixtures that put them together are in ``conftest.py``.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from werkzeug.serving import WSGIRequestHandler

from tests.factories import PASSWORD, Account

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
KEEP_SCREENSHOTS = os.environ.get("E2E_KEEP_SCREENSHOTS") == "1"  # keep them after a pass too, to look at the pages
ACTION_TIMEOUT_MS = 15_000  # one click or one wait; generous for two busy cores, never a sleep
# The rules axe-core checks (issue 17 point 9): WCAG 2.0–2.2 A and AA (2.2's target size included) and
# axe's best practices (landmarks, one main, headings). A violation of impact serious or critical fails.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_FAILING_IMPACTS = ("serious", "critical")


# --- the live server ------------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: object
    url: str
    errors: list[str] = field(default_factory=list)  # exceptions raised by the app while serving


class RecordErrors:
    """WSGI middleware: notes any exception the app lets escape (TESTING propagates them), then re-raises
    so that Werkzeug answers 500 and prints the traceback."""

    def __init__(self, wsgi_app, errors: list[str]):
        self.wsgi_app, self.errors = wsgi_app, errors

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except Exception as exc:
            self.errors.append(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}: {exc!r}")
            raise


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request is noise; errors are still logged
        pass


# --- the browser ----------------------------------------------------------------------------------


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401 — only whether it imports
    except ImportError:
        return "the playwright package is not installed (.venv/bin/pip install -r requirements-dev.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM)"
    return None


# --- one test's people, problems and screenshots ----------------------------------------------------


class Browsing:
    """The people of one test, each in a browser context of their own, and what went wrong on the way."""

    def __init__(self, browser, server: LiveServer, shots: Path):
        self.browser, self.server, self.shots = browser, server, shots
        self.problems: list[str] = []
        self.requested: list[str] = []  # every URL any page asked for
        self.pages: dict[str, object] = {}
        self.expected_statuses: set[tuple[str, int]] = set()
        self.steps = 0

    def person(self, name: str, *, width: int = 1280, height: int = 900, locale: str = "en-GB"):
        """A person's browser; ``locale`` is its language, sent as Accept-Language."""
        context = self.browser.new_context(base_url=self.server.url, viewport={"width": width, "height": height},
                                           locale=locale, timezone_id="UTC")
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        origin = self.server.url + "/"

        def on_console(message):
            if message.type != "error":
                return
            # Chromium logs every 4xx as "Failed to load resource"; a test names the ones it causes.
            status = re.search(r"status of (\d{3})", message.text)
            if status and (message.location.get("url", ""), int(status.group(1))) in self.expected_statuses:
                return
            self.problems.append(f"{name}: console error on {page.url}: {message.text}")

        def on_request(request):
            self.requested.append(request.url)
            if not request.url.startswith(origin):
                self.problems.append(f"{name}: request to another origin: {request.url}")

        def on_request_failed(request):
            # ERR_ABORTED: the browser dropped the request because the page went away — e.g. the icon,
            # which Chromium fetches after "load", when the test moves on at once. Not the app's doing.
            if request.failure != "net::ERR_ABORTED":
                self.problems.append(f"{name}: request failed: {request.method} {request.url} ({request.failure})")

        def on_response(response):
            if response.status >= 400 and (response.url, response.status) not in self.expected_statuses:
                self.problems.append(f"{name}: {response.status} for {response.request.method} {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"{name}: script error on {page.url}: {error}"))
        page.on("request", on_request)
        page.on("requestfailed", on_request_failed)
        page.on("response", on_response)
        self.pages[name] = page
        return page

    def expect_status(self, path: str, status: int) -> None:
        """A response the test provokes on purpose (e.g. a 404), not to be counted as a problem."""
        self.expected_statuses.add((self.server.url + path, status))

    def step(self, page, name: str) -> None:
        """A full-page screenshot of ``page``, kept only if the test fails, then axe-core's check of the
        page: every page a journey looks at must have no serious or critical accessibility violation."""
        self.steps += 1
        page.screenshot(path=str(self.shots / f"{self.steps:02d}-{safe_name(name)}.png"), full_page=True)
        assert_accessible(page, name)

    def assert_clean(self) -> None:
        """No console error, script error, failed or foreign request, nor server-side exception so far —
        and the pages did load their stylesheets and scripts (from the app), so the watch saw requests."""
        assert self.server.errors == [], "the server raised: " + "; ".join(self.server.errors)
        assert self.problems == [], "\n".join(self.problems)
        for kind in (".css", ".js"):
            assert any(url.startswith(self.server.url) and url.endswith(kind) for url in self.requested), kind

    def close(self, failed: bool) -> None:
        for name, page in self.pages.items():
            if failed and not page.is_closed():
                try:
                    page.screenshot(path=str(self.shots / f"zz-at-failure-{safe_name(name)}.png"), full_page=True)
                except Exception as exc:  # noqa: BLE001 — a last picture is a courtesy; the failure is reported anyway
                    print(f"no screenshot of {name} at failure: {exc}")
            page.context.close()


def accessibility_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now. The axe-core script is the one
    bundled with the axe-playwright-python package (requirements-dev.txt): nothing is fetched from a CDN,
    and it is injected through the DevTools protocol, which the page's CSP does not govern."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return [violation for violation in results.response["violations"]
            if violation.get("impact") in AXE_FAILING_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    """One line per rule (rule, impact, what it asks) and one indented line per element, by its selector
    and axe's summary of what is wrong with it — what a developer needs to find and mend it."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(" >> ".join(part) if isinstance(part, list) else part for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def assert_accessible(page, name: str) -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation on ``page``."""
    violations = accessibility_violations(page)
    assert not violations, f"axe-core on {name} ({page.url}, {page.viewport_size['width']} px):\n" + \
        describe_violations(violations)


def safe_name(name: str) -> str:
    """``name`` as a file or folder name: letters, digits, ``_.-``; runs of anything else become ``-``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"


# --- signing in -----------------------------------------------------------------------------------


def follow(locator) -> None:
    """Click a link or a submit button and wait until the new page has loaded, stylesheets included.

    Looking at a page while its stylesheets are still loading makes Chromium compute styles from
    Bootstrap's CSS alone, whose data: icons the CSP refuses (app.css points them at local files): a
    console error that no person would cause. ``click`` returns once the navigation has started, so
    waiting for "load" then waits for the new page.
    """
    locator.click()
    locator.page.wait_for_load_state("load")


def sign_in(page, account: Account, *, welcome: str = "Welcome, ") -> None:
    """Sign in through the login form: e-mail, password and, for staff, the current TOTP code; the home
    page then greets the person with ``welcome`` (in the page's language)."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.locator("input[name=email]").fill(account.user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    if account.totp_secret:
        page.locator("input[name=code]").fill(pyotp.TOTP(account.totp_secret).now())
    follow(page.locator("main button[type=submit]"))
    expect(page.get_by_role("heading", name=re.compile("^" + re.escape(welcome)))).to_be_visible()
