"""A real Redis server for the tests: Debian's ``redis-server``, started as a child process on 127.0.0.1
at a free port, with nothing written to disk, and stopped by its process id.

It asks for a password (written to a 0600 file in its folder, not on its command line), so a test can
check that no log line repeats the one in ``url``. ``stop()`` and ``start()`` take it down and bring it
back, empty, on the same port: an outage as the app sees it.
"""

import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.mail import free_port
from tests.server_process import ServerProcess

EXECUTABLE = "redis-server"
START_TIMEOUT = 15.0  # seconds until it answers PING


def missing_redis_server() -> str | None:
    """Why the server cannot run here, or None."""
    if shutil.which(EXECUTABLE) is None:
        return f"{EXECUTABLE} is not on PATH (Debian package redis-server)"
    return None


@dataclass
class RedisServer(ServerProcess):
    name = "redis-server"
    folder: Path  # its working directory: the configuration file and its log
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    @property
    def log_file(self) -> Path:
        return self.folder / "redis.log"

    def client(self) -> redis.Redis:
        """A client of the test's own, to look at what the app stored."""
        return redis.Redis.from_url(self.url, socket_timeout=2, decode_responses=True, retry=None)

    def start(self) -> "RedisServer":
        assert self.process is None, "already running"
        self.folder.mkdir(parents=True, exist_ok=True)
        settings = self.folder / "redis.conf"
        settings.touch(mode=0o600)
        settings.write_text(f"requirepass {self.password}\n")
        command = [
            shutil.which(EXECUTABLE) or EXECUTABLE, str(settings),
            "--port", str(self.port), "--bind", "127.0.0.1", "--protected-mode", "yes",
            "--save", "", "--appendonly", "no",  # a throwaway: no snapshot, no append-only file
            "--dir", str(self.folder), "--logfile", str(self.log_file),
        ]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, cwd=self.folder)
        self._wait_for_ping()
        return self

    def _wait_for_ping(self) -> None:
        with self.client() as probe:
            def answers() -> bool:
                try:
                    return bool(probe.ping())
                except redis.ConnectionError:
                    return False
            self.wait_until_it_answers(answers, timeout=START_TIMEOUT, interval=0.05)

