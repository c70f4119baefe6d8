"""The browser tests' fixtures (issue 8): a live server, Debian's Chromium driven by Playwright, and
screenshots of each step kept only when a test fails. Their pieces are in ``tests/e2e/harness.py``.

* ``live_server`` — the app of ``tests.factories.running_app`` (an empty database with the States register
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
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from caseapp.core.extensions import db
from tests.e2e.harness import (
    ACTION_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    KEEP_SCREENSHOTS,
    SCREENSHOTS,
    Browsing,
    LiveServer,
    QuietHandler,
    RecordErrors,
    missing_browser,
    safe_name,
)
from tests.factories import ram_disk, running_app

# --- the live server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(database_url):
    with tempfile.TemporaryDirectory(dir=ram_disk(), prefix="caseapp-e2e-") as folder, \
            running_app(Path(folder), database_url, WTF_CSRF_ENABLED=True) as app:
        errors: list[str] = []
        app.wsgi_app = RecordErrors(app.wsgi_app, errors)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless. Module-scoped: Playwright's event loop lives only as long as the
    browser tests do, so it never meets another module's tests in the same worker."""
    problem = missing_browser()
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
                target = SCREENSHOTS / safe_name(request.node.name)
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(folder, target)
                print(f"screenshots: {target}")
