"""Celery workers and schedulers as child processes for the tests (``celery -A caseapp.jobs.worker worker|beat``),
each with its output in a log file and stopped by its process id: shared by tests/integration/test_jobs.py and
tests/integration/test_two_hosts.py."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0  # seconds for a worker or scheduler to import the app and connect
STOP_TIMEOUT = 20.0


class CeleryProcess:
    """One worker (``--pool=solo``, one job at a time) or scheduler, started with ``env`` (the app's settings
    as CASEAPP_* variables)."""

    def __init__(self, env: dict[str, str], folder: Path, kind: str, name: str):
        self.log_path = folder / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "caseapp.jobs.worker", kind, "--loglevel=INFO"]
        if kind == "worker":
            command += ["--pool=solo", "--concurrency=1", "--hostname", f"{name}@%h", "--without-gossip",
                        "--without-mingle"]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for(self, text: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if self.process.poll() is not None:
                pytest.fail(f"{self.log_path.stem} exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{self.log_path.stem}: no {text!r} within {timeout:.0f} s:\n{self.log()[-4000:]}")
            time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """The signal to its process id (SIGTERM: Celery's warm shutdown), then SIGKILL if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)
