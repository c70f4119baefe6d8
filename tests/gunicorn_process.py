"""A real gunicorn serving the production configuration (``wsgi:app``) on 127.0.0.1 at a port the kernel
picks, for the tests that need worker processes of their own (test_concurrency, test_two_hosts).

It is ready when gunicorn has said where it listens and every worker has announced itself from the
``post_worker_init`` hook, which runs once the app is loaded and wsgi.py's self-test has passed. Gunicorn
25+ opens a control socket under ~/.gunicorn by default: not here (older versions ignore the setting)."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
READY_LINE = "caseapp-test worker ready"
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
HOOKS = '''
control_socket_disable = True


def post_worker_init(worker):
    worker.log.info("caseapp-test worker ready (pid %s)", worker.pid)
'''
STOP_TIMEOUT = 30.0


class Gunicorn:
    """``folder`` receives its log and its config file; ``env`` is the whole environment of the server (see
    ``tests.server_process.clean_environment``). With ``own_session`` it leads a process group of its own, so
    ``kill`` takes its workers too, as a machine that dies takes every process on it."""

    def __init__(self, name: str, folder: Path, env: dict[str, str], *, workers: int, request_timeout: int = 60,
                 boot_timeout: float = 45.0, extra_config: str = "", own_session: bool = False):
        self.name, self.env, self.workers = name, env, workers
        self.request_timeout, self.boot_timeout, self.own_session = request_timeout, boot_timeout, own_session
        self.log_path = folder / "gunicorn.log"
        self.config_path = folder / "gunicorn_test_hooks.py"
        self.config = extra_config + HOOKS
        self.process: subprocess.Popen | None = None
        self.port = 0

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> "Gunicorn":
        self.config_path.write_text(self.config)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", "127.0.0.1:0",
                 "--chdir", str(PROJECT_ROOT), "--config", str(self.config_path), "--log-level", "info",
                 "--timeout", str(self.request_timeout), "--graceful-timeout", "20", "wsgi:app"],
                cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=self.own_session)
        deadline = time.monotonic() + self.boot_timeout
        while time.monotonic() < deadline:
            log_text = self.log()
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode} at start:\n{log_text[-4000:]}")
            listening = LISTENING.search(log_text)
            if listening and log_text.count(READY_LINE) >= self.workers:
                self.port = int(listening.group(1))
                return self
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"{self.name}: its {self.workers} workers were not ready within {self.boot_timeout:.0f} s:\n"
                    f"{self.log()[-4000:]}")

    def stop(self) -> int | None:
        """SIGTERM (gunicorn's graceful shutdown), then wait; SIGKILL only if it hangs. The exit status, or None
        when it had to be killed (a test of a clean stop fails on that)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        """SIGKILL to gunicorn, and to its whole process group when it leads one."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # already gone
            if self.own_session:
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT)
