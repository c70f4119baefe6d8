"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, in a thread of the test process.

``MailServer.messages`` holds what it accepted, parsed (``email.message.EmailMessage``). ``refuse`` makes it
answer each message with that SMTP reply instead (``"451 4.3.0 try later"``, ``"550 5.1.1 no such user"``);
``stop()`` and ``start()`` take it down and bring it back on the same port (an outage).
"""

import email
import email.policy
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class _Handler:
    server: "MailServer"

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 — aiosmtpd's hook name
        if self.server.refuse:
            return self.server.refuse
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.server.messages.append(message)
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@dataclass
class MailServer:
    port: int = field(default_factory=free_port)
    messages: list = field(default_factory=list)
    envelopes: list = field(default_factory=list)
    refuse: str | None = None
    _controller: Controller | None = None

    def start(self) -> "MailServer":
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict:
        """The app settings that send through this server (plain SMTP on loopback: no TLS to verify)."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_STARTTLS": False, "MAIL_TIMEOUT": 5}

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]
