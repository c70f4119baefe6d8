"""A throwaway PostgreSQL server, as .ci/test-hosts starts one: Debian's server binaries
(/usr/lib/postgresql/<version>/bin), ``initdb`` into a folder of its own (as the ``postgres`` user when this runs
as root: initdb refuses root), listening on 127.0.0.1 at a free port, its Unix socket in that folder, and stopped
by its process id (SIGINT: PostgreSQL's fast shutdown).

The superuser ``postgres`` gets a random password (``password``; from a 0600 file, never on a command line), which
``url()`` leaves out: libpq reads it from PGPASSWORD. Durability settings stay PostgreSQL's defaults unless
``fast=True`` (fsync, synchronous commit and full-page writes off, as .ci/test-hosts does for the tests).
"""

import os
import pwd
import secrets
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.mail import free_port
from tests.server_process import STOP_TIMEOUT, ServerProcess

BINARIES = Path("/usr/lib/postgresql")
START_TIMEOUT = 60.0  # seconds until it accepts a connection
OWNER = "postgres"  # the system user that owns the cluster when this runs as root


def postgres_bin() -> Path | None:
    """The bin/ folder of the newest PostgreSQL server installed, or None."""
    found = [folder / "bin" for folder in BINARIES.glob("*") if (folder / "bin" / "initdb").is_file()
             and (folder / "bin" / "postgres").is_file()]
    return max(found, key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
               default=None)


def missing_postgres_server() -> str | None:
    """Why a throwaway server cannot run here, or None."""
    if postgres_bin() is None:
        return f"no PostgreSQL server binaries in {BINARIES}/*/bin (Debian package postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OWNER)
        except KeyError:
            return f"running as root, and there is no {OWNER} user to own the cluster (initdb refuses root)"
    return None


@dataclass
class PostgresServer(ServerProcess):
    name = "PostgreSQL"
    folder: Path  # the cluster, its socket, its log; removed by stop()
    fast: bool = False
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_hex(24))
    process: subprocess.Popen | None = None

    def url(self, database: str = "postgres") -> str:
        """A database's URL as the superuser, without the password (PGPASSWORD)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def log_file(self) -> Path:
        return self.folder / "server.log"

    def _as_owner(self) -> dict:
        """Popen's arguments that run a command as the cluster's owner: ``postgres`` when we are root."""
        if os.geteuid() != 0:
            return {}
        owner = pwd.getpwnam(OWNER)
        return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": [], "cwd": "/"}

    def start(self) -> "PostgresServer":
        assert self.process is None, "already running"
        binaries = postgres_bin()
        self.folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        password_file = self.folder / "password"
        password_file.touch(mode=0o600)
        password_file.write_text(self.password + "\n")
        if os.geteuid() == 0:
            owner = pwd.getpwnam(OWNER)
            for path in (self.folder, password_file):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        data = self.folder / "data"
        subprocess.run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", f"--pwfile={password_file}",
                        "--auth-local=peer", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                        "--no-sync"], check=True, capture_output=True, **self._as_owner())
        password_file.unlink()
        settings = {"listen_addresses": "127.0.0.1", "port": str(self.port),
                    "unix_socket_directories": str(self.folder)}
        if self.fast:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        command = [str(binaries / "postgres"), "-D", str(data), *(f"-c{key}={val}" for key, val in settings.items())]
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, **self._as_owner())

        def answers() -> bool:
            try:
                psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", password=self.password,
                                dbname="postgres", connect_timeout=2).close()
            except psycopg.OperationalError:
                return False
            return True
        self.wait_until_it_answers(answers, timeout=START_TIMEOUT, interval=0.2)
        return self

    def stop(self) -> None:
        """Fast shutdown (SIGINT to the postmaster: sessions are ended), SIGKILL after STOP_TIMEOUT; then the
        folder is removed."""
        process, self.process = self.process, None
        if process is not None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)
        shutil.rmtree(self.folder, ignore_errors=True)
