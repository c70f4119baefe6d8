"""Outgoing mail: over SMTP from the ``MAIL_*`` settings, or, with no server set (the default of
``make run``), into a folder of the instance, one ``.eml`` file per message.

The standard library's ``smtplib`` and ``email`` do the work: they speak implicit TLS, STARTTLS and
authentication, verify the server's certificate through ``ssl.create_default_context``, and add no
dependency; the libraries around them (Flask-Mail and others) add a global ``Mail`` object and little else
we need, since messages are composed by ``caseapp.services.notifications`` and sent by a command.

A transport opens one connection per run of ``flask notify send`` (``connection()``) and raises ``MailError``
with a short code (the error's class and SMTP code, never the message) that says whether the server could be
reached at all and whether its refusal is final.
"""

import os
import smtplib
import ssl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

FILE_MODE = 0o600
FOLDER_MODE = 0o700


class MailError(Exception):
    def __init__(self, code: str, *, reachable: bool, permanent: bool = False):
        super().__init__(code)
        self.code = code
        self.reachable = reachable  # False: nothing was said to the server; every message may wait
        self.permanent = permanent  # the server refused this message for good (5xx)


class Connection(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class MailTransport(Protocol):
    def connection(self) -> "contextmanager[Connection]": ...

    def describe(self) -> str: ...


@dataclass
class FolderTransport:
    """Each message as ``<time>-<id>.eml`` in ``folder`` (0700, files 0600), written whole or not at all."""

    folder: Path

    def describe(self) -> str:
        return f"the folder {self.folder}"

    @contextmanager
    def connection(self) -> Iterator["FolderTransport"]:
        try:
            self.folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        except OSError as error:
            raise MailError(f"folder:{type(error).__name__}", reachable=False) from error
        yield self

    def send(self, message: EmailMessage) -> None:
        identity = str(message["Message-ID"] or "message").strip("<>").partition("@")[0]
        name = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{identity}.eml"
        try:
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                os.fchmod(handle, FILE_MODE)
                with os.fdopen(handle, "wb") as out:
                    out.write(message.as_bytes())
                os.replace(temporary, self.folder / name)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise MailError(f"folder:{type(error).__name__}", reachable=False) from error


@dataclass
class SmtpTransport:
    host: str
    port: int = 587
    security: str = "starttls"  # "starttls", "tls" (implicit, port 465) or "none" (a relay on loopback)
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def describe(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"

    @contextmanager
    def connection(self) -> Iterator["_SmtpConnection"]:
        context = ssl.create_default_context()
        try:
            if self.security == "tls":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as error:
            raise MailError(f"SMTPAuthenticationError:{error.smtp_code}", reachable=False) from error
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(_code(error), reachable=False) from error
        try:
            yield _SmtpConnection(client)
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()


@dataclass
class _SmtpConnection:
    client: smtplib.SMTP

    def send(self, message: EmailMessage) -> None:
        try:
            refused = self.client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            raise MailError(f"SMTPRecipientsRefused:{codes[0] if codes else ''}", reachable=True,
                            permanent=all(500 <= code < 600 for code in codes)) from error
        except smtplib.SMTPResponseException as error:
            raise MailError(f"{type(error).__name__}:{error.smtp_code}", reachable=True,
                            permanent=500 <= error.smtp_code < 600) from error
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            raise MailError(_code(error), reachable=False) from error
        except smtplib.SMTPException as error:
            raise MailError(_code(error), reachable=True) from error
        if refused:  # one message, one recipient: a partial refusal cannot happen, but never count it as sent
            raise MailError("SMTPRecipientsRefused", reachable=True, permanent=True)


def _code(error: BaseException) -> str:
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}:{code}" if code else type(error).__name__


def transport_from_config(config, instance_path: str) -> MailTransport:
    """SMTP when ``MAIL_SERVER`` is set, the outbox folder otherwise."""
    if config.get("MAIL_SERVER"):
        security = ("tls" if config.get("MAIL_USE_TLS")
                    else "starttls" if config.get("MAIL_USE_STARTTLS", True) else "none")
        return SmtpTransport(host=config["MAIL_SERVER"], port=int(config.get("MAIL_PORT") or 587), security=security,
                             username=config.get("MAIL_USERNAME") or None, password=config.get("MAIL_PASSWORD") or None,
                             timeout=float(config.get("MAIL_TIMEOUT") or 30))
    return FolderTransport(Path(outbox_folder(config, instance_path)))


def outbox_folder(config, instance_path: str) -> str:
    return config.get("MAIL_OUTBOX_FOLDER") or os.path.join(instance_path, "mail-outbox")
