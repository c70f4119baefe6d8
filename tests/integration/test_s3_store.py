"""The encrypted file store in an S3 bucket (FILE_STORE_URL; issue 22), against a real S3 server: SeaweedFS
started on 127.0.0.1 by the ``s3_server`` fixture (tests/s3_server.py). These run on SQLite and on
PostgreSQL alike: only the production configuration refuses a bucket with SQLite (the last tests here).
"""

import io
import os
import secrets
import time
import tracemalloc
from uuid import UUID, uuid4

import botocore.exceptions
import pytest
from sqlalchemy import select

from caseapp import ConfigurationError, create_app
from caseapp.core import object_store
from caseapp.core.extensions import db
from caseapp.core.files import FileStore, FileTooLargeError
from caseapp.core.object_store import PART_SIZE, S3Store
from caseapp.core.resources import file_store, keyring
from caseapp.crypto.files import decrypt_stream
from caseapp.domain import roles
from caseapp.models import Document
from caseapp.services import cases, tokens
from caseapp.services.vault import open_vault
from caseapp.web.startup import self_test
from tests.factories import TEST_INDEX_SECRET, TEST_KEK, make_case, make_user, running_app

MIB = 1024 * 1024
MARKER = b"S3-PLAINTEXT-MARKER-7c1e"


@pytest.fixture
def s3_settings(s3_server):
    return s3_server.settings()


@pytest.fixture
def app(tmp_path, database_url, s3_settings):
    """This module's app keeps its files in a bucket of its own; ``client``, ``org_a``… build on it."""
    with running_app(tmp_path, database_url, **s3_settings) as app:
        yield app


@pytest.fixture
def s3(s3_server):
    """The test's own client, to look into the bucket behind the app's back."""
    return s3_server.client()


def bucket_keys(s3, store: S3Store) -> list[str]:
    """Every key under the store's prefix (the test's own part of the bucket)."""
    response = s3.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)
    return sorted(item["Key"] for item in response.get("Contents", []))


def pending_multipart_uploads(s3, store: S3Store) -> list:
    return s3.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix).get("Uploads", [])


def raw_object(s3, store: S3Store, key: str) -> bytes:
    return s3.get_object(Bucket=store.bucket, Key=key)["Body"].read()


class Generated(io.RawIOBase):
    """``size`` bytes made as they are read (nothing held), starting with the marker; ``fail_after`` raises
    OSError (a client that went away) once that many bytes were read."""

    def __init__(self, size: int, *, fail_after: int | None = None, on_failure=None):
        self.size, self.position, self.fail_after, self.on_failure = size, 0, fail_after, on_failure

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.fail_after is not None and self.position >= self.fail_after:
            if self.on_failure:
                self.on_failure()
            raise OSError("the client went away")
        size = min(self.size - self.position, size if size >= 0 else self.size)
        piece = (MARKER + bytes(size))[:size] if self.position == 0 else bytes([self.position % 251]) * size
        self.position += size
        return piece


# --- upload, download ---------------------------------------------------------------------------------


def test_evidence_uploaded_through_the_api_is_an_object_in_the_bucket_and_downloads_byte_identical(
        app, client, org_a, s3):  # UP-04, UP-06, CRY-01, CRY-03
    store = file_store()
    assert isinstance(store, S3Store) and store.location.endswith("/evidence/") and store.prefix
    partner = make_user(app, roles.PARTNER, org_a).user
    secret = tokens.create(db.session, partner, "Field app").secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    report = client.post("/api/v1/reports", json={"title": "With evidence", "narrative": "n"}, headers=headers)
    body = b"%PDF-1.7 " + MARKER + os.urandom(PART_SIZE + 3 * MIB)  # more than one part: a multipart upload

    sent = client.post(f"/api/v1/reports/{report.get_json()['id']}/documents", headers=headers,
                       data={"file": [(io.BytesIO(body), "eviction order.pdf")]}, content_type="multipart/form-data")

    assert sent.status_code == 201, sent.get_json()
    document_id = UUID(sent.get_json()["documents"][0]["id"])
    key = f"{store.prefix}files/{document_id}"
    assert bucket_keys(s3, store) == [key]  # promoted: nothing left under incoming/
    assert not pending_multipart_uploads(s3, store)
    stored = raw_object(s3, store, key)
    assert MARKER not in stored and b"eviction" not in stored and stored.startswith(b"ESCRF")
    local = app.config["FILE_STORE_DIR"]
    assert not os.path.exists(local) or not [f for _d, _s, files in os.walk(local) for f in files]
    # The object is byte for byte what the local store would hold: the local format's reader, seeking to
    # check the final chunk first (CRY-08), decrypts it.
    document = db.session.execute(select(Document).where(Document.uuid == document_id)).scalar_one()
    file_key = cases.document_key(open_vault(db.session, keyring(), document.case), document)
    assert b"".join(decrypt_stream(file_key, document_id, io.BytesIO(stored))) == body

    download = client.get(f"/api/v1/reports/{report.get_json()['id']}/documents/{document_id}", headers=headers)
    assert download.status_code == 200 and download.data == body


def test_a_file_smaller_than_a_part_goes_in_one_request_and_reads_back(app, org_a, s3):
    case, document = make_case(app, org_a, body=b"%PDF-1.7 " + MARKER)
    store = file_store()
    assert bucket_keys(s3, store) == [store.key(document.uuid)]
    vault = open_vault(db.session, keyring(), case)
    assert b"".join(store.decrypt(document.uuid, cases.document_key(vault, document))) == b"%PDF-1.7 " + MARKER
    assert store.authenticate(document.uuid, cases.document_key(vault, document)).size == len(MARKER) + 9


def test_a_missing_object_is_file_not_found(app, org_a, s3):
    case, document = make_case(app, org_a)
    store = file_store()
    s3.delete_object(Bucket=store.bucket, Key=store.key(document.uuid))
    key = cases.document_key(open_vault(db.session, keyring(), case), document)
    with pytest.raises(FileNotFoundError):
        next(store.decrypt(document.uuid, key))
    assert store.missing_ids({document.uuid}) == {document.uuid}


def test_a_file_whose_row_committed_before_its_copy_out_of_incoming_is_read_from_incoming(app, org_a, s3):
    """Host A commits the row, then copies incoming/<id> to files/<id>: host B, asked in between, reads the
    incoming object instead of answering not found."""
    case, document = make_case(app, org_a, body=b"%PDF-1.7 " + MARKER)
    store = file_store()
    s3.copy_object(Bucket=store.bucket, Key=store.incoming_key(document.uuid),
                   CopySource={"Bucket": store.bucket, "Key": store.key(document.uuid)})
    s3.delete_object(Bucket=store.bucket, Key=store.key(document.uuid))
    key = cases.document_key(open_vault(db.session, keyring(), case), document)
    assert b"".join(store.decrypt(document.uuid, key)) == b"%PDF-1.7 " + MARKER
    assert store.missing_ids({document.uuid}) == set()


def test_put_stored_writes_a_whole_object_and_a_failure_leaves_the_previous_one(app, s3):  # REL-02
    """What restoring a backup and moving a local store write with: the ciphertext as it is."""
    store = file_store()
    file_id = uuid4()
    first = os.urandom(PART_SIZE + 5)  # more than one part
    digest, size = store.put_stored(file_id, io.BytesIO(first))
    assert raw_object(s3, store, store.key(file_id)) == first and size == len(first)
    assert store.stored_digest(file_id) == (digest, size)

    with pytest.raises(OSError, match="went away"):
        store.put_stored(file_id, Generated(3 * PART_SIZE, fail_after=2 * PART_SIZE))

    assert raw_object(s3, store, store.key(file_id)) == first  # the previous object, whole
    assert pending_multipart_uploads(s3, store) == [] and bucket_keys(s3, store) == [store.key(file_id)]


def test_a_bucket_out_of_quota_gives_507_and_keeps_nothing(app, client, org_a, s3, monkeypatch):  # REL-02
    """A quota error (MinIO's XMinioStorageFull; Ceph says QuotaExceeded) is answered as a full disk is."""
    store = file_store()
    partner = make_user(app, roles.PARTNER, org_a).user
    secret = tokens.create(db.session, partner, "Field app").secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    report = client.post("/api/v1/reports", json={"title": "Quota", "narrative": "n"}, headers=headers)
    full = botocore.exceptions.ClientError(
        {"Error": {"Code": "XMinioStorageFull", "Message": "Storage backend has reached its minimum free drive "
                   "threshold."}, "ResponseMetadata": {"HTTPStatusCode": 507}}, "PutObject")
    monkeypatch.setattr(store.client, "put_object", lambda **_kwargs: (_ for _ in ()).throw(full))

    sent = client.post(f"/api/v1/reports/{report.get_json()['id']}/documents", headers=headers,
                       data={"file": [(io.BytesIO(b"%PDF-1.7 evidence"), "order.pdf")]},
                       content_type="multipart/form-data")

    assert sent.status_code == 507 and sent.get_json()["error"]["code"] == "storage_full"
    assert "Nothing was saved" in sent.get_json()["error"]["message"]
    assert db.session.execute(select(Document)).scalars().all() == []
    assert bucket_keys(s3, store) == [] and pending_multipart_uploads(s3, store) == []


# --- tied to the transaction --------------------------------------------------------------------------


def test_the_object_is_written_before_the_commit_and_deleted_when_the_transaction_rolls_back(
        app, org_a, s3):  # REL-01
    store = file_store()
    upload = cases.store_upload(db.session, store, io.BytesIO(b"%PDF-1.7 never recorded"))
    assert bucket_keys(s3, store) == [store.incoming_key(upload.file_id)]  # written before any row
    cases.create_case(db.session, keyring(), organisation=org_a, author=None, title="fails later")
    db.session.rollback()  # e.g. the database failed while recording the document
    assert bucket_keys(s3, store) == []


def test_shredding_a_case_deletes_its_objects_once_the_deletion_commits(app, org_a, s3):  # CRY-06
    case, document = make_case(app, org_a)
    kept_case, kept = make_case(app, org_a)
    store = file_store()
    cases.delete_case(db.session, store, case)
    assert store.key(document.uuid) in bucket_keys(s3, store)  # not before the commit
    db.session.commit()
    assert bucket_keys(s3, store) == [store.key(kept.uuid)]


def test_the_sweep_removes_an_old_orphan_keeps_a_young_one_and_finishes_interrupted_moves(
        app, org_a, s3, monkeypatch):  # REL-03, CRY-06
    store = file_store()
    _case, document = make_case(app, org_a)
    # A crash after the commit but before the copy: the committed file is still under incoming/.
    s3.copy_object(Bucket=store.bucket, Key=store.incoming_key(document.uuid),
                   CopySource={"Bucket": store.bucket, "Key": store.key(document.uuid)})
    s3.delete_object(Bucket=store.bucket, Key=store.key(document.uuid))
    shredded_leftover = store.key(UUID("00000000-0000-4000-8000-000000000001"))
    s3.put_object(Bucket=store.bucket, Key=shredded_leftover, Body=b"left by a shredded case")
    # Two uploads whose process died before the commit: their objects have no row.
    old = cases.store_upload(db.session, store, io.BytesIO(b"%PDF-1.7 old")).file_id
    time.sleep(2.1)  # LastModified counts whole seconds
    young = cases.store_upload(db.session, store, io.BytesIO(b"%PDF-1.7 young")).file_id
    db.session.info.clear()  # as after a crash: nobody is left to discard them on rollback
    written = {file_id: s3.head_object(Bucket=store.bucket, Key=store.incoming_key(file_id))["LastModified"]
               for file_id in (old, young)}
    assert (written[young] - written[old]).total_seconds() >= 2
    # The app's clock one hour and one second after the old upload (the S3 server's clock, which signs the
    # requests, stays where it is): the old one is past the default grace of 60 minutes, the young one is not.
    monkeypatch.setattr(object_store, "_now", lambda: written[old].timestamp() + 3601)

    result = app.test_cli_runner().invoke(args=["store", "sweep"])

    assert result.exit_code == 0, result.output
    assert "Promoted 1, discarded 1 incoming, removed 1 orphaned" in result.output
    assert bucket_keys(s3, store) == sorted([store.key(document.uuid), store.incoming_key(young)])


def test_the_sweep_aborts_a_multipart_upload_left_by_a_killed_host_after_the_grace_period(
        app, s3, monkeypatch):  # REL-03
    store = file_store()
    left = s3.create_multipart_upload(Bucket=store.bucket, Key=store.incoming_key(uuid4()))
    s3.upload_part(Bucket=store.bucket, Key=left["Key"], UploadId=left["UploadId"], PartNumber=1, Body=b"x" * 1024)
    not_ours = s3.create_multipart_upload(Bucket=store.bucket, Key=f"{store.prefix}incoming/not-a-file-id")
    [initiated] = [upload["Initiated"] for upload in pending_multipart_uploads(s3, store)
                   if upload["UploadId"] == left["UploadId"]]
    runner = app.test_cli_runner()

    assert "discarded 0 incoming" in runner.invoke(args=["store", "sweep"]).output  # within the hour: in flight?
    monkeypatch.setattr(object_store, "_now", lambda: initiated.timestamp() + 3601)
    result = runner.invoke(args=["store", "sweep"])

    assert result.exit_code == 0 and "discarded 1 incoming" in result.output, result.output
    assert [upload["UploadId"] for upload in pending_multipart_uploads(s3, store)] == [not_ours["UploadId"]]
    s3.abort_multipart_upload(Bucket=store.bucket, Key=not_ours["Key"], UploadId=not_ours["UploadId"])


# --- multipart uploads --------------------------------------------------------------------------------


@pytest.mark.parametrize("failure", ["client went away", "too large"])
def test_a_failure_in_the_middle_of_a_multipart_upload_aborts_it(app, s3, failure):  # REL-02
    store = file_store()
    seen_pending = []
    source = Generated(3 * PART_SIZE, fail_after=2 * PART_SIZE if failure == "client went away" else None,
                       on_failure=lambda: seen_pending.extend(pending_multipart_uploads(s3, store)))
    expected = OSError if failure == "client went away" else FileTooLargeError
    with pytest.raises(expected):
        store.write_incoming(UUID(int=secrets.randbits(122)), os.urandom(32), source, max_size=2 * PART_SIZE + 1)
    if failure == "client went away":
        assert len(seen_pending) == 1  # the failure came in the middle of a multipart upload…
    assert bucket_keys(s3, store) == [] and pending_multipart_uploads(s3, store) == []  # …which was aborted


def test_an_upload_adds_about_two_parts_of_memory_and_a_download_one_chunk(app, s3):
    """What a 1 GiB upload adds is measured by the benchmark; here a 40 MiB one (five parts) under tracemalloc."""
    store = file_store()
    file_id, file_key, size = UUID(int=secrets.randbits(122)), os.urandom(32), 5 * PART_SIZE
    assert store.health_problem(0) is None  # the client is made (and its service model loaded) before measuring
    tracemalloc.start()
    try:
        store.write_incoming(file_id, file_key, Generated(size))
        _current, upload_peak = tracemalloc.get_traced_memory()
        store.promote(file_id)
        tracemalloc.reset_peak()
        read = sum(len(chunk) for chunk in store.decrypt(file_id, file_key))
        _current, download_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == size
    assert upload_peak < 3 * PART_SIZE, f"upload peak {upload_peak / MIB:.1f} MiB"
    assert download_peak < 4 * MIB, f"download peak {download_peak / MIB:.1f} MiB"


# --- start-up, health -------------------------------------------------------------------------------------


def test_the_self_test_writes_and_reads_the_bucket_and_healthz_reads_it(app, client, s3):  # REL-05
    store = file_store()
    self_test(app)
    assert bucket_keys(s3, store) == []  # the probe was deleted
    assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.mark.parametrize("breakage", ["no such bucket", "wrong secret"])
def test_start_up_refuses_a_bucket_it_cannot_write_and_healthz_says_unavailable(
        tmp_path, database_url, s3_server, breakage, caplog):  # REL-05, CRY-04
    settings = s3_server.settings()
    if breakage == "no such bucket":
        settings = s3_server.settings(bucket="never-made")
        reason = "NoSuchBucket"
    else:
        settings["S3_SECRET_ACCESS_KEY"] = "not-the-secret-" + secrets.token_hex(8)
        reason = "SignatureDoesNotMatch"
    with running_app(tmp_path, database_url, **settings) as app:
        with pytest.raises(ConfigurationError) as refused:
            self_test(app)
        unavailable = app.test_client().get("/healthz")
    message = str(refused.value)
    assert message.startswith("Cannot start: the file store s3://") and reason in message
    assert "FILE_STORE_URL" in message and settings["S3_SECRET_ACCESS_KEY"] not in message
    assert (unavailable.status_code, unavailable.get_json()) == (503, {"status": "unavailable"})
    assert settings["S3_SECRET_ACCESS_KEY"] not in caplog.text and s3_server.secret_access_key not in caplog.text


# --- configuration (no server needed) ---------------------------------------------------------------------


def production_settings(tmp_path, **overrides) -> dict:
    return {"CONFIG": "production", "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": secrets.token_hex(32),
            "TRUSTED_HOSTS": ["cases.example.org"], "KEKS": f"k1:{TEST_KEK}", "INDEX_SECRET": TEST_INDEX_SECRET,
            **overrides}


def test_production_refuses_an_s3_store_with_sqlite_naming_the_settings(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        create_app(production_settings(tmp_path, FILE_STORE_URL="s3://evidence/cases"))
    message = str(refused.value)
    assert "FILE_STORE_URL" in message and "DATABASE_URL" in message and "SQLite" in message


def test_production_builds_an_s3_store_with_postgresql_without_touching_the_network(tmp_path):
    app = create_app(production_settings(tmp_path, FILE_STORE_URL="s3://evidence/cases/",
                                         SQLALCHEMY_DATABASE_URI="postgresql://caseapp@db.invalid/caseapp"))
    store = app.extensions["caseapp.file_store"]
    assert isinstance(store, S3Store) and (store.bucket, store.prefix) == ("evidence", "cases/")
    unset = create_app(production_settings(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql://caseapp@db.invalid/x"))
    assert isinstance(unset.extensions["caseapp.file_store"], FileStore)  # unset: the local folder, as before


@pytest.mark.parametrize(("settings", "named"), [
    ({"FILE_STORE_URL": "https://evidence.example.org/cases"}, "FILE_STORE_URL"),
    ({"FILE_STORE_URL": "s3:///no-bucket"}, "FILE_STORE_URL"),
    ({"FILE_STORE_URL": "s3://evidence", "UPLOAD_MAX_FILE_SIZE": 6 * 1024 * MIB}, "UPLOAD_MAX_FILE_SIZE"),
])
def test_an_unusable_store_url_or_upload_limit_is_refused_by_name(tmp_path, settings, named):
    with pytest.raises(ConfigurationError, match=named):
        create_app(production_settings(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql://caseapp@db.invalid/x",
                                       **settings))
