"""The browser tests' fixtures (issue 8): a live server, Debian's Chromium driven by Playwright, and
screenshots of each step kept only when a test fails.

* ``live_server`` — the app of ``tests.conftest.running_app`` (an empty database with the States register
  seeded, SQLite or the PostgreSQL of TEST_DATABASE_URL) served by Werkzeug's threaded server on
  127.0.0.1 at a port the system picks, static files included, with CSRF protection on as in production.
  A server-side exception is recorded, and ``Browsing.assert_clean`` fails the test on it.
* ``browser`` — Chromium at ``/usr/bin/chromium`` (or ``E2E_CHROMIUM``), never a browser download. When it
  or the ``playwright`` package is missing the tests are skipped with the reason, except in CI
  (``CI=true``), where that fails the run.
* ``browsing`` — the people of one test, each a fresh browser context (own cookies) with its console
  errors, failed requests and requests leaving the live server collected; ``step(page, name)`` takes a
  full-page screenshot into a temporary folder that is copied to ``tests/e2e/screenshots/<test>/``
  (git-ignored) only when the test fails, or always with ``E2E_KEEP_SCREENSHOTS=1``.
"""

import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from caseapp.core.extensions import db
from tests.conftest import PASSWORD, RAM_DISK, Account, running_app

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
KEEP_SCREENSHOTS = os.environ.get("E2E_KEEP_SCREENSHOTS") == "1"  # keep them after a pass too, to look at the pages
ACTION_TIMEOUT_MS = 15_000  # one click or one wait; generous for two busy cores, never a sleep


# --- the live server ------------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: object
    url: str
    errors: list[str] = field(default_factory=list)  # exceptions raised by the app while serving


class _RecordErrors:
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


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request is noise; errors are still logged
        pass


@pytest.fixture(scope="module")
def live_server(database_url):
    base = RAM_DISK if RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=base, prefix="caseapp-e2e-") as folder, \
            running_app(Path(folder), database_url, WTF_CSRF_ENABLED=True) as app:
        errors: list[str] = []
        app.wsgi_app = _RecordErrors(app.wsgi_app, errors)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        live = LiveServer(app, f"http://127.0.0.1:{server.server_port}", errors)
        app.config["BASE_URL"] = live.url
        thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
        thread.start()
        try:
            yield live
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


# --- the browser ----------------------------------------------------------------------------------


def _missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401 — only whether it imports
    except ImportError:
        return "the playwright package is not installed (.venv/bin/pip install -r requirements-dev.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless. Module-scoped: Playwright's event loop lives only as long as the
    browser tests do, so it never meets another module's tests in the same worker."""
    problem = _missing_browser()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests skipped: {problem}")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# --- one test's people, problems and screenshots ----------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so ``browsing`` knows at teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Browsing:
    """The people of one test, each in a browser context of their own, and what went wrong on the way."""

    def __init__(self, browser, server: LiveServer, shots: Path):
        self.browser, self.server, self.shots = browser, server, shots
        self.problems: list[str] = []
        self.requested: list[str] = []  # every URL any page asked for
        self.pages: dict[str, object] = {}
        self.expected_statuses: set[tuple[str, int]] = set()
        self.steps = 0

    def person(self, name: str, *, width: int = 1280, height: int = 900):
        context = self.browser.new_context(base_url=self.server.url, viewport={"width": width, "height": height},
                                           locale="en-GB", timezone_id="UTC")
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
        """A full-page screenshot of ``page``, kept only if the test fails."""
        self.steps += 1
        page.screenshot(path=str(self.shots / f"{self.steps:02d}-{_safe(name)}.png"), full_page=True)

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
                    page.screenshot(path=str(self.shots / f"zz-at-failure-{_safe(name)}.png"), full_page=True)
                except Exception as exc:  # noqa: BLE001 — a last picture is a courtesy; the failure is reported anyway
                    print(f"no screenshot of {name} at failure: {exc}")
            page.context.close()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"


@pytest.fixture
def browsing(request, browser, live_server):
    del live_server.errors[:]  # each test answers for the server errors it causes
    # The test's own session may still hold a read transaction from the test before, whose snapshot the
    # server has since written past: under SQLite's WAL the test's next write would then fail at once
    # with "database is locked". A test seeds its data first, in a fresh transaction.
    db.session.rollback()
    with tempfile.TemporaryDirectory(prefix="caseapp-e2e-shots-") as folder:
        session = Browsing(browser, live_server, Path(folder))
        try:
            yield session
        finally:
            report = getattr(request.node, "report_call", None)
            failed = report is None or report.failed
            session.close(failed)
            if (failed or KEEP_SCREENSHOTS) and any(Path(folder).iterdir()):
                target = SCREENSHOTS / _safe(request.node.name)
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(folder, target)
                print(f"screenshots: {target}")


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


def sign_in(page, account: Account) -> None:
    """Sign in through the login form: e-mail, password and, for staff, the current TOTP code."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(account.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    if account.totp_secret:
        page.locator("input[name=code]").fill(pyotp.TOTP(account.totp_secret).now())
    follow(page.locator("main button[type=submit]"))
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible()
