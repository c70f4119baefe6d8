"""Fault injection (issue 7; SECURITY.md "Test methods" item 10): a full disk while an evidence file is
written, a database failure in the middle of a submission, a process killed during a write, a
permission check that raises, a store that cannot be written or a disk nearly full at start-up, a
missing or wrong key. Each leaves nothing half-written, answers in the app's error layout, and logs no
content (REL-01, REL-02, REL-03, REL-05, AC-07, LOG-02, CRY-08).

Logs are checked as production writes them (``caseapp.core.logs.JsonFormatter``: an exception by its type
and frames, never its message), and every fault carries marker strings that must appear nowhere.
"""

import errno
import io
import logging
import os
import re
import select as select_module
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import caseapp.core.files as files_module
import caseapp.crypto.spool as spool_module
from caseapp import ConfigurationError
from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.core.files import PENDING_KEY
from caseapp.core.logs import JsonFormatter
from caseapp.core.resources import file_store
from caseapp.crypto import new_key_file
from caseapp.domain import roles
from caseapp.domain.report import VictimInput
from caseapp.models import Case, DataKey, Document, KekCanary, Victim
from caseapp.web.startup import self_test
from tests.factories import (
    TEST_INDEX_SECRET,
    TEST_KEK,
    build_app,
    csrf_token_from,
    login,
    make_case,
    make_organisation,
    make_user,
    running_app,
)
from tests.web.test_api import auth, new_token, snapshot
from tests.web.test_intake import PDF, new_draft, post_report, report_form

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024

MARK = {
    "title": "FAULTTITLE4e1d",
    "narrative": "FAULTNARRATIVE9b2c",
    "victim": "FAULTVICTIM7a3f",
    "file_body": "FAULTFILEBODY5c8e",
    "file_name": "FAULTFILENAME2d6b",
}
SENTINEL = "FAULTSENTINEL0x5eed"  # carried by the injected exceptions' messages


# --- helpers -------------------------------------------------------------------------------------------


def store_files() -> list[str]:
    """Every file under the instance's file store, as paths relative to it (partial and temp files too)."""
    root = file_store().root
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def log_lines(caplog) -> list[str]:
    """The captured records as production writes them: JSON, exceptions by type and frames only."""
    formatter = JsonFormatter()
    return [formatter.format(record) for record in caplog.records]


def assert_no_content_logged(caplog, *extra: str, raw: bool = True) -> None:
    """LOG-02: no marker of the report, its victims or its files in any record as production writes it,
    and with ``raw`` not even in logging's default format (which adds exception messages)."""
    logged = "\n".join(log_lines(caplog)) + (caplog.text if raw else "")
    for marker in (*MARK.values(), *extra):
        assert marker not in logged, marker


def assert_error_page(response, codes: tuple[int, ...]) -> str:
    """An error page inside the layout (navigation, brand), with no traceback and no content."""
    text = response.get_data(as_text=True)
    assert response.status_code in codes, (response.status_code, text[:300])
    assert response.mimetype == "text/html"
    assert "ESCR Case Desk" in text and '<nav class="navbar' in text
    assert f"Error {response.status_code}" in text
    assert "Traceback" not in text and 'File "' not in text and SENTINEL not in text
    for marker in MARK.values():
        assert marker not in text, marker
    return text


def files_for_upload() -> list[tuple[str, bytes]]:
    """Two evidence files, each larger than one 64 KiB chunk of the store's format."""
    return [
        (f"{MARK['file_name']}-order.pdf", PDF + (MARK["file_body"] * 8000).encode()),
        (f"{MARK['file_name']}-witness.txt", (MARK["file_body"] + "\n").encode() * 16000),
    ]


# --- REL-02: disk full or file too large while the store writes ------------------------------------------


@dataclass
class DiskFault:
    """A full disk (or file-size limit) met by the file store while it writes its ``fail_in``-th file of
    the request: at its ``write`` once ``after`` bytes of that file reached the disk, or at its ``fsync``."""

    code: int
    point: str  # "write" or "fsync"
    fail_in: int = 2
    after: int = 64 * 1024
    opened: int = 0
    written: int = 0
    on_disk_when_hit: list[int] = field(default_factory=list)  # sizes of the incoming files at that moment

    def hit(self, incoming_dir: Path):
        self.on_disk_when_hit = sorted(path.stat().st_size for path in incoming_dir.glob("*.tmp"))
        raise OSError(self.code, os.strerror(self.code))


class _FaultyFile:
    """The store's output file: real writes until the fault's point, then the OSError a full disk gives."""

    def __init__(self, real, fault: DiskFault, incoming_dir: Path, number: int):
        self._real, self._fault, self._incoming_dir, self._number = real, fault, incoming_dir, number

    def write(self, data) -> int:
        fault = self._fault
        if self._number == fault.fail_in and fault.point == "write":
            if fault.written + memoryview(data).nbytes > fault.after:
                self._real.flush()  # what was written before the fault is on disk, as with a real device
                fault.hit(self._incoming_dir)
            fault.written += memoryview(data).nbytes
        return self._real.write(data)

    def __getattr__(self, name):
        return getattr(self._real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return self._real.__exit__(*exc_info)


class _FaultyOs:
    """Stands in for the ``os`` module inside ``caseapp.core.files`` only: everything else on the
    machine writes normally."""

    def __init__(self, fault: DiskFault, incoming_dir: Path):
        self._fault, self._incoming_dir = fault, incoming_dir

    def __getattr__(self, name):
        return getattr(os, name)

    def fdopen(self, fd, *args, **kwargs):
        self._fault.opened += 1
        return _FaultyFile(os.fdopen(fd, *args, **kwargs), self._fault, self._incoming_dir, self._fault.opened)

    def fsync(self, fd):
        if self._fault.point == "fsync" and self._fault.opened == self._fault.fail_in:
            self._fault.hit(self._incoming_dir)
        return os.fsync(fd)


DISK_FAULTS = [
    pytest.param(errno.ENOSPC, "write", id="ENOSPC-at-write"),
    pytest.param(errno.EFBIG, "write", id="EFBIG-at-write"),
    pytest.param(errno.ENOSPC, "fsync", id="ENOSPC-at-fsync"),
]


def inject_disk_fault(monkeypatch, code: int, point: str) -> DiskFault:
    fault = DiskFault(code, point)
    monkeypatch.setattr(files_module, "os", _FaultyOs(fault, file_store().incoming_dir))
    return fault


def assert_the_fault_hit_after_the_first_file(fault: DiskFault) -> None:
    # Otherwise the test would prove nothing: the first file was complete and the second partly on disk.
    assert fault.opened == 2 and len(fault.on_disk_when_hit) == 2 and min(fault.on_disk_when_hit) > 0


def assert_storage_full_logged(caplog, code: int) -> None:
    records = [r for r in caplog.records if r.getMessage() == "storage.full"]
    assert len(records) == 1 and records[0].errno == errno.errorcode[code]


@pytest.mark.parametrize(("code", "point"), DISK_FAULTS)
def test_a_full_disk_during_a_report_submission_gives_507_and_changes_nothing(app, client, org_a, monkeypatch,
                                                                              caplog, code, point):
    """REL-02, LOG-02: the partner's form, submitting a report with two files."""
    login(app, client, make_user(app, roles.PARTNER, org_a).user)
    draft = new_draft(client)
    before = snapshot()
    fault = inject_disk_fault(monkeypatch, code, point)
    data = report_form("submit", victims=[MARK["victim"]], title=MARK["title"], narrative=MARK["narrative"])
    with caplog.at_level(logging.DEBUG, logger="caseapp"):
        response = post_report(client, draft, data, files_for_upload())

    text = assert_error_page(response, (507,))
    assert "No room to store files" in text and "Nothing was saved" in text
    assert re.search(r"Error reference:\s*<code>[0-9a-f]{8}</code>", text)
    assert_the_fault_hit_after_the_first_file(fault)
    assert store_files() == []  # neither the complete first file nor the partial second one is left
    assert snapshot() == before  # no victim, no document, no reference: the draft is as it was
    assert_storage_full_logged(caplog, code)
    assert_no_content_logged(caplog)


@pytest.mark.parametrize(("code", "point"), DISK_FAULTS[:2])
def test_a_full_disk_during_an_api_upload_gives_a_json_507_and_changes_nothing(app, client, org_a, monkeypatch,
                                                                               caplog, code, point):
    """REL-02, LOG-02: the JSON API's upload of two files to a report that already has one."""
    partner = make_user(app, roles.PARTNER, org_a).user
    case, document = make_case(app, org_a, partner, title=MARK["title"], narrative=MARK["narrative"])
    secret = new_token(partner)
    before = snapshot()
    fault = inject_disk_fault(monkeypatch, code, point)
    with caplog.at_level(logging.DEBUG, logger="caseapp"):
        response = client.post(f"/api/v1/reports/{case.uuid}/documents", headers=auth(secret),
                                data={"file": [(io.BytesIO(body), name) for name, body in files_for_upload()]},
                                content_type="multipart/form-data")

    assert response.status_code == 507 and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == "storage_full" and "Nothing was saved" in error["message"]
    assert_the_fault_hit_after_the_first_file(fault)
    assert store_files() == [f"files/{document.uuid}"]  # only the file the report already had
    assert snapshot() == before
    assert_storage_full_logged(caplog, code)
    assert_no_content_logged(caplog)


class _FullTempFolder:
    """``tempfile`` for the upload spool's module only: its temporary file fails like a full disk."""

    @staticmethod
    def TemporaryFile(**kwargs):  # noqa: N802 — the name of what it stands in for
        real = tempfile.TemporaryFile(**kwargs)  # noqa: SIM115 — closed by the spool

        class Full:
            def write(self, _data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            def __getattr__(self, name):
                return getattr(real, name)

        return Full()


def test_a_full_temporary_folder_while_the_upload_is_spooled_gives_507(app, client, org_a, monkeypatch, caplog):
    """REL-02: the request body is spooled, encrypted (UP-06), before the view runs; a full temporary
    folder there gets the same 507 and changes nothing."""
    login(app, client, make_user(app, roles.PARTNER, org_a).user)
    draft = new_draft(client)
    before = snapshot()
    monkeypatch.setattr(spool_module, "tempfile", _FullTempFolder)
    data = report_form("submit", victims=[MARK["victim"]], title=MARK["title"], narrative=MARK["narrative"])
    with caplog.at_level(logging.DEBUG, logger="caseapp"):
        response = post_report(client, draft, data, files_for_upload())
    assert "Nothing was saved" in assert_error_page(response, (507,))
    assert store_files() == [] and snapshot() == before
    assert_storage_full_logged(caplog, errno.ENOSPC)
    assert_no_content_logged(caplog)


EFBIG_CHILD = """
import errno, io, os, resource, signal, sys, uuid
from pathlib import Path
from caseapp.core.files import FileStore

store = FileStore(Path(sys.argv[1]))
store.ensure()
sizes = []
real_unlink = Path.unlink
def unlink(path, missing_ok=False):  # how much of the partial file was on disk when it was removed
    if path.suffix == ".tmp" and path.exists():
        sizes.append(path.stat().st_size)
    real_unlink(path, missing_ok=missing_ok)
Path.unlink = unlink
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
try:
    store.write_incoming(uuid.uuid4(), os.urandom(32), io.BytesIO(b"%PDF-1.7 " + b"x" * 600_000))
except OSError as exc:
    print(errno.errorcode[exc.errno], *sizes)
else:
    print("written")
"""


def test_a_real_file_size_limit_gives_efbig_and_the_partial_file_is_removed(tmp_path):
    """REL-02 with a real I/O error: the kernel refuses writes past RLIMIT_FSIZE (SECURITY.md test
    methods item 10), in a child process so the limit touches nothing else."""
    root, limit = tmp_path / "store", 100_000
    result = subprocess.run([sys.executable, "-c", EFBIG_CHILD, str(root), str(limit)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    name, *sizes = result.stdout.split()
    assert name == "EFBIG"
    assert len(sizes) == 1 and 0 < int(sizes[0]) <= limit  # a partial file was there …
    assert [path for path in root.rglob("*") if path.is_file()] == []  # … and is gone


# --- REL-01: the database fails in the middle of a submission ---------------------------------------------


@dataclass
class DatabaseFault:
    files_when_hit: list[str] = field(default_factory=list)
    hit: bool = False

    def fail(self):
        self.hit = True
        self.files_when_hit = store_files()
        # What a driver's error carries: the statement and its parameters, which must never reach a log.
        raise OperationalError(f"INSERT INTO victims (name) VALUES ('{MARK['victim']}') -- {SENTINEL}",
                               {"narrative": MARK["narrative"]}, Exception(f"disk I/O error {SENTINEL}"))


def _fail_on_flush_of(model):
    def listener(fault: DatabaseFault):
        def after_flush(session, _context):
            if not fault.hit and any(isinstance(obj, model) for obj in session.new):
                fault.fail()
        return "after_flush", after_flush
    return listener


def _fail_on_commit(fault: DatabaseFault):
    def before_commit(session):
        if not fault.hit and session.info.get(PENDING_KEY):  # the request's commit, files written
            fault.fail()
    return "before_commit", before_commit


DATABASE_FAULTS = {
    "victims-flush": _fail_on_flush_of(Victim),
    "documents-flush": _fail_on_flush_of(Document),
    "commit": _fail_on_commit,
}


@pytest.mark.parametrize("point", list(DATABASE_FAULTS))
def test_a_database_failure_mid_submission_leaves_no_rows_no_files_and_no_content_in_the_log(app, client, org_a,
                                                                                           caplog, point):
    """REL-01, LOG-02: OperationalError while the rows of a report with two files are written (its
    victims, its documents) or committed, after both files were encrypted into the store."""
    login(app, client, make_user(app, roles.PARTNER, org_a).user)
    draft = new_draft(client)
    before = snapshot()
    fault = DatabaseFault()
    name, listener = DATABASE_FAULTS[point](fault)
    event.listen(Session, name, listener)
    try:
        data = report_form("submit", victims=[MARK["victim"]], title=MARK["title"], narrative=MARK["narrative"])
        with caplog.at_level(logging.DEBUG, logger="caseapp"):
            response = post_report(client, draft, data, files_for_upload())
    finally:
        event.remove(Session, name, listener)

    assert fault.hit and len(fault.files_when_hit) == 2  # both files were in the store when the database failed
    text = assert_error_page(response, (500,))
    assert "Something went wrong" in text and "Nothing was half-saved" in text
    assert store_files() == []
    assert snapshot() == before
    case = db.session.execute(select(Case).where(Case.uuid == UUID(draft))).scalar_one()
    assert (case.stage, case.reference, case.victims, case.documents) == ("draft", None, [], [])
    failed = [line for line in log_lines(caplog) if '"request.failed"' in line]
    assert len(failed) == 1 and '"error_type": "OperationalError"' in failed[0]
    # The driver's message (statement, parameters) is in the exception, of which only the type and the
    # frames reach the log; logging's default format (caplog.text) would show it, production's does not.
    assert_no_content_logged(caplog, SENTINEL, "INSERT INTO", raw=False)


# --- REL-03: a process killed while writing; rows without files ---------------------------------------------


KILLED_CHILD = """
import io, os, sys, time, uuid
from pathlib import Path
from caseapp.core.files import CHUNK_SIZE, FileStore

class Upload(io.RawIOBase):
    \"\"\"Three chunks of evidence, then it hangs: the parent kills the process mid-write.\"\"\"
    sent = 0
    def read(self, size=-1):
        if self.sent == 3:
            print("writing", flush=True)
            time.sleep(120)
        self.sent += 1
        return b"x" * CHUNK_SIZE

FileStore(Path(sys.argv[1])).write_incoming(uuid.uuid4(), os.urandom(32), Upload())
"""


def kill_during_a_write(store_root: Path) -> None:
    """Run the store's real writer in a child process and SIGKILL it in the middle of a file: no
    ``except``, ``finally`` or rollback runs, as when the OOM killer or a power cut stops a worker."""
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, str(store_root)], cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select_module.select([child.stdout], [], [], 60)
        assert ready and child.stdout.readline().strip() == b"writing", child.stderr.read() if not ready else ""
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -9


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_a_write_killed_midway_is_swept_and_rows_without_files_are_reported_never_deleted(app, org_a):
    """REL-03: what a crash leaves — a partial file in incoming/ (killed during the write), a committed
    row whose file was never moved out of incoming/ (killed between the commit and ``os.replace``; it still
    reads), a row whose file is gone — is told apart by `flask keys check`, and `flask store sweep` discards the first,
    finishes the second and lists the third, keeping its row, with a non-zero exit."""
    store = file_store()
    intact, _ = make_case(app, org_a, submit=True)
    unmoved_case, unmoved = make_case(app, org_a, submit=True)
    store.path(unmoved.uuid).rename(store.incoming_path(unmoved.uuid))
    lost_case, lost = make_case(app, org_a, submit=True)
    store.path(lost.uuid).unlink()
    kill_during_a_write(store.root)
    (partial,) = [path for path in store.incoming_dir.glob("*.tmp") if path.stem != str(unmoved.uuid)]
    assert partial.stat().st_size > 0
    an_hour_ago = time.time() - 2 * files_module.INCOMING_GRACE_SECONDS
    os.utime(partial, (an_hour_ago, an_hour_ago))  # the sweep runs from cron, later

    before = run(app, "keys", "check")
    assert before.exit_code == 1
    # The unmoved file reads (from incoming/): a warning, not a failure.
    assert f"{unmoved.uuid}" not in before.output and unmoved_case.reference not in before.output
    assert "WARN 1 files of committed records are still in incoming/" in before.output
    assert f"FAIL document {lost.uuid} ({lost_case.reference}): file missing from the store" in before.output
    assert "WARN 1 incoming files of interrupted uploads have no record" in before.output
    assert "1 failures" in before.output

    swept = run(app, "store", "sweep")
    assert "Promoted 1, discarded 1 incoming, removed 0 orphaned files." in swept.output
    assert (f"FAIL document {lost.uuid} ({lost_case.reference}): its file is missing; the record was kept"
            in swept.output)
    assert swept.exit_code == 1
    assert not partial.exists() and store.path(unmoved.uuid).exists()
    assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 3  # no row deleted

    after = run(app, "keys", "check")
    assert after.exit_code == 1 and "1 failures" in after.output
    assert f"document {lost.uuid}" in after.output and "WARN" not in after.output
    assert str(unmoved.uuid) not in after.output and str(intact.uuid) not in after.output


def test_a_young_incoming_file_is_left_for_the_upload_in_flight(app):
    """REL-03: the sweep never removes a file an upload may still be writing (the grace period)."""
    kill_during_a_write(file_store().root)
    swept = run(app, "store", "sweep")
    assert swept.exit_code == 0 and "discarded 0 incoming" in swept.output
    assert len(list(file_store().incoming_dir.glob("*.tmp"))) == 1
    assert "discarded 1 incoming" in run(app, "store", "sweep", "--grace-minutes", "0").output


# --- AC-07: a permission check or scoped loader that raises -----------------------------------------------


PERMISSION_FAULTS = {
    "policy check": "caseapp.domain.permissions.level_allows",
    "case scope": "caseapp.domain.permissions.case_scope",
    "scoped loader": "caseapp.services.cases.find_visible_case",
    "scoped query": "caseapp.services.cases.visible_cases",
}


def _raise_sentinel(*_args, **_kwargs):
    raise RuntimeError(f"{SENTINEL}: permission lookup failed for {MARK['victim']}")


@pytest.mark.parametrize("target", list(PERMISSION_FAULTS.values()), ids=list(PERMISSION_FAULTS))
def test_an_exception_in_a_permission_check_never_gives_the_resource(app, people, clients, org_a, monkeypatch,
                                                                     caplog, target):
    """AC-07, LOG-02: the partner's case page, the lawyer's screening workspace, a document download and
    the API's report, each first served (the control), then refused when the check raises."""
    partner = people["partner_a"].user
    body = b"%PDF-1.7 " + MARK["file_body"].encode()
    case, document = make_case(app, org_a, partner, submit=True, title=MARK["title"], narrative=MARK["narrative"],
                               body=body, victim=VictimInput(name=MARK["victim"]))
    secret = new_token(partner)
    partner_client, lawyer_client = clients("partner_a"), clients("lawyer")
    requests = {
        "case page": lambda: partner_client.get(f"/intake/{case.uuid}"),
        "screening workspace": lambda: lawyer_client.get(f"/screening/{case.uuid}"),
        "download": lambda: partner_client.get(f"/documents/{case.uuid}/{document.uuid}/download"),
        "api report": lambda: partner_client.get(f"/api/v1/reports/{case.uuid}", headers=auth(secret)),
    }
    for name, fetch in requests.items():  # the control: without the fault, each serves the content
        response = fetch()
        assert response.status_code == 200, name
        assert (MARK["file_body"] if name == "download" else MARK["title"]) in response.get_data(as_text=True), name

    monkeypatch.setattr(target, _raise_sentinel)
    with caplog.at_level(logging.DEBUG, logger="caseapp"):
        for name, fetch in requests.items():
            response = fetch()
            text = response.get_data(as_text=True)
            assert response.status_code in (403, 500), name
            assert SENTINEL not in text and MARK["file_body"] not in text and MARK["title"] not in text, name
            if name == "api report":
                assert response.mimetype == "application/json" and response.get_json()["error"]["code"] in (
                    "forbidden", "server_error")
            else:  # the download too: an error page, never a file
                assert_error_page(response, (403, 500))

    failures = [line for line in log_lines(caplog) if '"request.failed"' in line]
    assert len(failures) == len(requests) and all('"error_type": "RuntimeError"' in line for line in failures)
    # The sentinel and the victim's name are in the exception's message: only its type and frames are logged.
    assert_no_content_logged(caplog, SENTINEL, raw=False)


# --- REL-05: the start-up self-test ------------------------------------------------------------------------


class _ReadOnlyOs:
    """``os`` for the file store's module as on a file system remounted read-only: creating fails."""

    def __getattr__(self, name):
        return getattr(os, name)

    def open(self, path, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return os.open(path, flags, *args, **kwargs)


@pytest.mark.parametrize("breakage", ["read-only file system", "files/ is not a folder", "no write permission"])
def test_start_up_refuses_a_file_store_it_cannot_write(tmp_path, database_url, monkeypatch, breakage):
    """REL-05: the self-test writes a probe into each folder of the store and names the problem."""
    with running_app(tmp_path, database_url) as app:
        self_test(app)  # the control: a writable store passes
        store = file_store()
        if breakage == "read-only file system":
            monkeypatch.setattr(files_module, "os", _ReadOnlyOs())
            reason = "EROFS"
        elif breakage == "files/ is not a folder":
            shutil.rmtree(store.files_dir)
            store.files_dir.write_bytes(b"")
            reason = "EEXIST"
        else:
            if os.geteuid() == 0:
                pytest.skip("root writes through permission bits; the other cases cover this one")
            store.files_dir.chmod(0o500)
            reason = "EACCES"
        try:
            with pytest.raises(ConfigurationError) as refused:
                self_test(app)
        finally:
            if store.files_dir.is_dir():
                store.files_dir.chmod(0o700)
    message = str(refused.value)
    assert message.startswith("Cannot start: the file store") and str(store.root) in message and reason in message


def test_start_up_refuses_when_free_disk_is_under_the_threshold(tmp_path, database_url):
    """REL-05: FILE_STORE_MIN_FREE_MB against the real free space of the store's file system."""
    with running_app(tmp_path, database_url) as app:
        file_store().ensure()
        free_mb = shutil.disk_usage(file_store().root).free // MIB
        app.config["FILE_STORE_MIN_FREE_MB"] = free_mb + 1024 * 1024  # a terabyte more than there is
        with pytest.raises(ConfigurationError, match=r"Cannot start: only \d+ MiB free for the file store") as refused:
            self_test(app)
        assert "FILE_STORE_MIN_FREE_MB" in str(refused.value)
        app.config["FILE_STORE_MIN_FREE_MB"] = 1
        self_test(app)  # the same instance starts once the threshold is met


def test_healthz_says_unavailable_without_details_when_the_store_cannot_take_uploads(app, client, monkeypatch,
                                                                                     caplog):
    """REL-05: /healthz answers 503 with no details when the store is not writable or the disk is nearly
    full (the reason is logged for the operator), and 200 once it can take uploads again."""
    assert client.get("/healthz").get_json() == {"status": "ok"}
    store = file_store()
    real_access = os.access
    monkeypatch.setattr(files_module.os, "access",
                        lambda path, mode: False if Path(path) == store.files_dir else real_access(path, mode))
    unwritable = client.get("/healthz")
    assert (unwritable.status_code, unwritable.get_json()) == (503, {"status": "unavailable"})

    def reasons():
        return [getattr(record, "reason", None) for record in caplog.records
                if record.getMessage() == "healthz.unavailable"]

    assert reasons() == ["files/ is not writable"] and str(store.root) not in unwritable.get_data(as_text=True)
    monkeypatch.undo()

    app.config["FILE_STORE_MIN_FREE_MB"] = shutil.disk_usage(store.root).free // MIB + 1024 * 1024
    nearly_full = client.get("/healthz")
    assert (nearly_full.status_code, nearly_full.get_json()) == (503, {"status": "unavailable"})
    assert reasons()[-1] == "free space is under FILE_STORE_MIN_FREE_MB"
    app.config["FILE_STORE_MIN_FREE_MB"] = 1
    assert client.get("/healthz").status_code == 200


# --- CRY-08: a missing or a wrong key -------------------------------------------------------------------------


def test_start_up_refuses_when_a_key_file_that_wraps_data_is_missing(tmp_path, database_url):
    """CRY-08: after a new key file was added, the old one was deleted while case keys are still wrapped
    under it (no rotation ran). The app loads (the new key is there) but the self-test refuses, naming
    the missing key id and never printing key material; with no key file at all, the app refuses."""
    with running_app(tmp_path, database_url, KEKS=None, require_keys=False) as setup:
        assert run(setup, "keys", "init").exit_code == 0
        keys_dir = Path(setup.config["KEYS_DIR"])
        started = build_app(tmp_path, database_url, KEKS=None)
        with started.app_context():
            make_case(started, make_organisation("Keyed NGO"))
        self_test(started)
        old_key = (keys_dir / "k1.kek").read_text()
        new_key = new_key_file(keys_dir, "k2").read_text()
        (keys_dir / "k1.kek").unlink()

        restarted = build_app(tmp_path, database_url, KEKS=None)
        with pytest.raises(ConfigurationError) as refused:
            self_test(restarted)
        message = str(refused.value)
        assert "key-encryption key k1 wraps data keys" in message and "k1.kek" in message
        assert old_key not in message and new_key not in message and TEST_INDEX_SECRET not in message
        with restarted.app_context():  # refused before the new key's canary was written
            assert set(db.session.execute(select(KekCanary.kek_id)).scalars()) == {"k1"}

        (keys_dir / "k2.kek").unlink()
        with pytest.raises(ConfigurationError, match=r"Cannot start: no key-encryption key.*flask keys init"):
            build_app(tmp_path, database_url, KEKS=None)


def test_a_case_key_that_does_not_unwrap_gives_the_error_page_and_a_log_with_ids_only(app, client, org_a, caplog):
    """CRY-08, LOG-02: the case's wrapped key no longer opens under the loaded key (a wrong key for
    this record): the generic 500, and a log naming the record and the key id, nothing of the case."""
    partner = make_user(app, roles.PARTNER, org_a).user
    case, _ = make_case(app, org_a, partner, title=MARK["title"], narrative=MARK["narrative"],
                        victim=VictimInput(name=MARK["victim"]))
    wrapped = bytearray(db.session.execute(select(DataKey.wrapped_key).where(DataKey.scope == case.key_scope))
                        .scalar_one())
    wrapped[-1] ^= 0x01
    db.session.execute(update(DataKey).where(DataKey.scope == case.key_scope).values(wrapped_key=bytes(wrapped)))
    db.session.commit()
    login(app, client, partner)
    with caplog.at_level(logging.DEBUG, logger="caseapp"):
        response = client.get(f"/intake/{case.uuid}")
    assert "Something went wrong" in assert_error_page(response, (500,))
    (record,) = [r for r in caplog.records if r.getMessage() == "case_key.unwrap_failed"]
    assert record.record == str(case.uuid) and record.kek_id == "k1"
    assert_no_content_logged(caplog, TEST_KEK, TEST_INDEX_SECRET)


# --- LOG-02: signing in, with faults carrying the secrets -------------------------------------------------


class _LeakyVerifier:
    """argon2's hasher failing with the password in its message, as a careless library might."""

    def verify(self, _stored_hash, password):
        raise RuntimeError(f"{SENTINEL} could not verify {password!r}")


def test_signing_in_and_its_faults_log_no_password_code_secret_session_or_csrf_token(app, org_a, monkeypatch,
                                                                                     caplog):
    """LOG-02: a wrong password, a hasher that fails with the password in its message (a 500), then the
    right password and two-factor code, with CSRF on: the logs name events and ids, never the secrets."""
    password, wrong_password = "LOGFAULTPASSWORD c0rrect horse 42", "LOGFAULTWRONGPASSWORD battery 17"
    lawyer = make_user(app, roles.LAWYER, email="lawyer@ngo.example", password=password)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    secrets_seen = {password, wrong_password, lawyer.totp_secret}
    hasher = app.extensions["caseapp.hasher"]

    def sign_in(secret: str, code: str = ""):
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        secrets_seen.update({token, code} - {""})
        return client.post("/login", data={"csrf_token": token, "email": lawyer.user.email, "password": secret,
                                           "code": code})

    with caplog.at_level(logging.DEBUG, logger="caseapp"):
        assert sign_in(wrong_password).status_code == 200  # the form again, with the generic error
        with monkeypatch.context() as patch:
            patch.setattr(hasher, "_hasher", _LeakyVerifier())
            assert_error_page(sign_in(password), (500,))
        code = two_factor.current_code(lawyer.totp_secret)
        assert sign_in(password, code).headers["Location"] == "/"
        home = client.get("/")
        assert home.status_code == 200
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        signed_in_token = re.search(r'name="csrf_token" value="([^"]+)"', home.get_data(as_text=True)).group(1)
        secrets_seen.update({cookie, cookie.rpartition(".")[0], signed_in_token})

    events = [record.getMessage() for record in caplog.records]
    assert "login.failed" in events and "request.failed" in events and "login.success" in events
    logged = "\n".join(log_lines(caplog))
    for secret in (*secrets_seen, SENTINEL):
        assert secret not in logged, secret


# --- secrets in URLs (LOG-02) ----------------------------------------------------------------------------


def _url_secrets(app) -> tuple[str, str]:
    """A live setup-link secret and calendar-feed secret."""
    from datetime import timedelta

    from caseapp.services import accounts, calendar_feeds

    invitee = make_user(app, roles.PARTNER, make_organisation("Redaction NGO"), password=None).user
    setup_secret = accounts.issue_setup_token(db.session, invitee, timedelta(hours=24))
    feed_secret = calendar_feeds.create(db.session, make_user(app, roles.LAWYER).user).secret
    db.session.commit()
    return setup_secret, feed_secret


def test_a_failing_setup_link_or_calendar_feed_is_logged_with_its_secret_redacted(app, client, monkeypatch,
                                                                                   caplog):
    """LOG-02: the error log names the page that failed, with the setup link's or the feed's secret
    replaced by a placeholder, as production writes it (JSON)."""
    setup_secret, feed_secret = _url_secrets(app)

    def fail(**_kwargs):
        raise RuntimeError(SENTINEL)

    for endpoint in ("auth.setup_account", "deadlines.calendar_feed"):
        monkeypatch.setitem(app.view_functions, endpoint, fail)
    with caplog.at_level(logging.ERROR, logger="caseapp.web.errors"):
        assert client.get(f"/setup/{setup_secret}").status_code == 500
        assert client.get(f"/calendar/{feed_secret}.ics").status_code == 500
    logged = "\n".join(log_lines(caplog))
    assert SENTINEL not in logged
    logged += caplog.text  # logging's default format too (it adds the exception's message, not the path)
    assert setup_secret not in logged and feed_secret not in logged
    assert '"path": "/setup/[redacted]"' in logged and '"path": "/calendar/[redacted].ics"' in logged


def test_the_servers_request_line_for_a_setup_link_or_feed_hides_the_secret(app, caplog):
    """LOG-02: the request line the development server (Werkzeug) writes — as gunicorn's access log
    would — carries '/setup/[redacted]', never the secret."""
    import http.client
    import threading

    from werkzeug.serving import make_server

    setup_secret, feed_secret = _url_secrets(app)
    server = make_server("127.0.0.1", 0, app)
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in (f"/setup/{setup_secret}", f"/calendar/{feed_secret}.ics"):
                serving = threading.Thread(target=server.handle_request)
                serving.start()
                connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
                connection.request("GET", path, headers={"Host": "localhost"})
                assert connection.getresponse().status == 200
                connection.close()
                serving.join(30)
    finally:
        server.server_close()
    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert setup_secret not in logged and feed_secret not in logged
    assert "GET /setup/[redacted] HTTP/1.1" in logged and "GET /calendar/[redacted].ics HTTP/1.1" in logged
