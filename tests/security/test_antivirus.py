"""UP-08: the optional ClamAV hook. A fake clamd on a Unix socket speaks the INSTREAM protocol, so the tests
see exactly the bytes the app streams and control the verdict."""

import socket
import struct
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.core import antivirus
from caseapp.core.extensions import db
from caseapp.core.resources import file_store
from caseapp.domain import roles
from caseapp.models import Document
from tests.factories import login, make_user
from tests.web.test_intake import PDF, new_draft, post_report, report_form

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    """Answers each INSTREAM with ``stream: OK``, or FOUND when the stream holds the EICAR string."""

    def __init__(self, path: str):
        self.received: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as incoming:
                assert incoming.read(len(b"zINSTREAM\0")) == b"zINSTREAM\0"
                body = b""
                while size := struct.unpack("!L", incoming.read(4))[0]:
                    body += incoming.read(size)
                self.received.append(body)
                verdict = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in body else b"stream: OK\0"
                connection.sendall(verdict)

    def close(self):
        self.server.close()


@pytest.fixture
def partner(app, org_a, client):
    user = make_user(app, roles.PARTNER, org_a).user
    login(app, client, user)
    return user


@pytest.fixture
def socket_dir():
    with tempfile.TemporaryDirectory(dir="/tmp") as directory:  # a short path: Unix socket names are limited
        yield Path(directory)


@pytest.fixture
def clamd(app, socket_dir):
    daemon = FakeClamd(str(socket_dir / "clamd.ctl"))
    app.config["UPLOAD_CLAMD_ADDRESS"] = f"unix:{socket_dir / 'clamd.ctl'}"
    yield daemon
    daemon.close()


def stored_documents() -> int:
    return db.session.execute(select(func.count()).select_from(Document)).scalar_one()


def store_is_empty() -> bool:
    store = file_store()
    return all(not folder.exists() or not any(folder.iterdir()) for folder in (store.files_dir, store.incoming_dir))


def test_clean_files_are_scanned_whole_then_stored(app, client, partner, clamd):  # UP-08
    draft = new_draft(client)
    statement = b"Witness statement\n" * 10_000  # more than one 64 KiB chunk
    response = post_report(client, draft, report_form(), files=[("order.pdf", PDF), ("statement.txt", statement)])
    assert response.status_code == 302
    assert sorted(clamd.received) == sorted([PDF, statement])
    assert stored_documents() == 2


def test_a_flagged_file_is_refused_by_name_and_nothing_is_stored(app, client, partner, clamd):  # UP-08
    draft = new_draft(client)
    response = post_report(client, draft, report_form(title="Infected"),
                           files=[("order.pdf", PDF), ("notes.txt", b"notes " + EICAR)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "notes.txt was refused: the virus scanner found Eicar-Test-Signature." in page
    assert stored_documents() == 0 and store_is_empty()


def test_uploads_fail_closed_when_the_scanner_is_down(app, client, partner, socket_dir, caplog):  # UP-08, LOG-02
    app.config["UPLOAD_CLAMD_ADDRESS"] = f"unix:{socket_dir / 'nobody-listens.ctl'}"
    draft = new_draft(client)
    response = post_report(client, draft, report_form(), files=[("secret-name.pdf", PDF)])
    assert response.status_code == 400
    assert "secret-name.pdf could not be checked for viruses, so it was not stored" in response.get_data(as_text=True)
    assert stored_documents() == 0 and store_is_empty()
    assert "cannot be reached" in caplog.text and "secret-name" not in caplog.text


def test_without_an_address_no_scanner_is_used(app):  # UP-08: the hook is optional
    assert antivirus.from_config(app.config) is None
    assert antivirus.from_config({"UPLOAD_CLAMD_ADDRESS": "tcp:127.0.0.1:3310"}) == antivirus.ClamdScanner(
        "tcp:127.0.0.1:3310", 30.0)


@pytest.mark.parametrize(("reply", "verdict"), [
    (b"stream: OK", antivirus.Verdict(clean=True)),
    (b"stream: Win.Test.EICAR_HDB-1 FOUND", antivirus.Verdict(clean=False, signature="Win.Test.EICAR_HDB-1")),
])
def test_clamd_replies_are_read(reply, verdict):
    assert antivirus.parse_reply(reply) == verdict


@pytest.mark.parametrize("reply", [b"INSTREAM size limit exceeded. ERROR", b"", b"stream: Can't allocate memory ERROR"])
def test_a_reply_that_is_no_verdict_means_the_file_was_not_scanned(reply):
    with pytest.raises(antivirus.ScannerUnavailableError):
        antivirus.parse_reply(reply)
