"""The optional antivirus hook (UP-08): each uploaded file is streamed to a ClamAV daemon before it is stored.

It is off unless ``UPLOAD_CLAMD_ADDRESS`` is set (``unix:/run/clamav/clamd.ctl`` or ``tcp:127.0.0.1:3310``).
When it is on, it fails closed: a file is stored only after clamd said ``OK``. A file clamd flags, or one it
could not scan (daemon down, timeout, ``StreamMaxLength`` exceeded), is refused with a clear message and
nothing is stored. The original file is what gets scanned and kept: nothing is rewritten or disinfected,
because evidence must stay as it was received.

The client speaks clamd's documented ``INSTREAM`` command itself (a length-prefixed chunk stream ended by a
zero-length chunk), some thirty lines: the PyPI ``clamd`` package has had no release since 2020.
"""

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 64 * 1024


class ScannerUnavailableError(Exception):
    """clamd could not give a verdict; the message names why, never the file's content or name."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str | None = None


@dataclass(frozen=True)
class ClamdScanner:
    address: str
    timeout: float = 30.0

    def _connect(self) -> socket.socket:
        kind, _, where = self.address.partition(":")
        try:
            if kind == "unix":
                connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                connection.settimeout(self.timeout)
                connection.connect(where)
                return connection
            if kind == "tcp":
                host, _, port = where.rpartition(":")
                return socket.create_connection((host, int(port)), timeout=self.timeout)
        except (OSError, ValueError) as exc:
            raise ScannerUnavailableError(f"the virus scanner at {self.address} cannot be reached") from exc
        raise ScannerUnavailableError(f"UPLOAD_CLAMD_ADDRESS must start with unix: or tcp:, not {kind!r}")

    def scan(self, stream: BinaryIO) -> Verdict:
        """Stream ``stream`` (from its current position) to clamd; the caller rewinds it afterwards."""
        with self._connect() as connection:
            try:
                connection.sendall(b"zINSTREAM\0")
                while chunk := stream.read(CHUNK):
                    connection.sendall(struct.pack("!L", len(chunk)) + chunk)
                connection.sendall(struct.pack("!L", 0))
                reply = _read_reply(connection)
            except OSError as exc:
                raise ScannerUnavailableError("the virus scanner stopped answering") from exc
        return parse_reply(reply)


def _read_reply(connection: socket.socket) -> bytes:
    reply = b""
    while not reply.endswith(b"\0"):
        part = connection.recv(4096)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0")


def parse_reply(reply: bytes) -> Verdict:
    """clamd answers ``stream: OK``, ``stream: <signature> FOUND`` or ``<reason> ERROR``."""
    text = reply.decode("utf-8", "replace").strip()
    _, _, result = text.partition(": ")
    if result == "OK":
        return Verdict(clean=True)
    if result.endswith(" FOUND"):
        return Verdict(clean=False, signature=result.removesuffix(" FOUND"))
    raise ScannerUnavailableError(f"the virus scanner could not scan the file ({text[:120] or 'no answer'})")


def from_config(config) -> ClamdScanner | None:
    address = config.get("UPLOAD_CLAMD_ADDRESS")
    return ClamdScanner(address, float(config.get("UPLOAD_CLAMD_TIMEOUT", 30))) if address else None
