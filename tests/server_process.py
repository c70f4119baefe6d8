"""What the test servers started as child processes share (``tests.redis_server``, ``tests.s3_server``):
waiting until one answers, stopping it by its process id, the end of its log for a failure's message, and
the rule for a server that is not installed (skip here, fail in CI)."""

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

STOP_TIMEOUT = 10.0  # seconds after SIGTERM before SIGKILL


def clean_environment() -> dict[str, str]:
    """The test runner's environment for a child process of the app (gunicorn, a Celery worker): without
    any CASEAPP_* or DATABASE_URL setting, and no .flaskenv, so the child reads only what the test gives."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("CASEAPP_", "FLASK_")) and name != "DATABASE_URL"}
    env["FLASK_SKIP_DOTENV"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def require(problem: str | None, what: str) -> None:
    """Skip the test when the server cannot run here, but fail the run in CI (CI=true), where .ci/run
    installs every server the suite needs."""
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} tests cannot run in CI: {problem}", pytrace=False)
    pytest.skip(f"{what} tests skipped: {problem}")


class ServerProcess:
    """A server run as a child process; subclasses start it and say how to probe it."""

    name = "server"
    process: subprocess.Popen | None
    log_file: Path

    def stop(self) -> None:
        """SIGTERM to its process id, then SIGKILL if it has not exited within STOP_TIMEOUT."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)

    def wait_until_it_answers(self, answers: Callable[[], bool], *, timeout: float, interval: float) -> None:
        """Until ``answers()`` is true; a server that exits or stays silent for ``timeout`` seconds is
        stopped and reported with the end of its log."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            if answers():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not answer within {timeout} s:\n{self.log_tail()}")
            time.sleep(interval)

    def log_tail(self) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-20:])
