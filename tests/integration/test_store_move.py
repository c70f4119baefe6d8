"""``flask store move-to-bucket`` (issue 22, point 1): a local folder store moved into the S3 bucket of
FILE_STORE_URL, every object read back, resumable, against the real S3 server of the ``s3_server`` fixture.

The app here is configured for the bucket, as the operator runs the command; its cases are first written
into the local folder (FILE_STORE_DIR) by swapping the app's store for the folder's, as the app kept them
before FILE_STORE_URL was set.
"""

import logging
import os
from pathlib import Path

import pytest

from caseapp.core.files import FileStore
from caseapp.core.object_store import S3Store
from caseapp.core.resources import file_store
from tests.factories import make_case, running_app

MARKER = b"MOVE-PLAINTEXT-MARKER-41d9"


@pytest.fixture
def app(tmp_path, database_url, s3_server):
    """The app on a bucket prefix of its own; ``org_a``, ``people`` and ``clients`` build on it."""
    with running_app(tmp_path, database_url, **s3_server.settings()) as app:
        yield app


@pytest.fixture
def s3(s3_server):
    return s3_server.client()


@pytest.fixture
def folder(app) -> FileStore:
    """The local store the app used before FILE_STORE_URL was set: its FILE_STORE_DIR."""
    return FileStore(Path(app.config["FILE_STORE_DIR"]))


def make_local_cases(app, monkeypatch, folder, organisation, author, count):
    """``count`` cases, each with one document of its own bytes, written into the local folder."""
    made = []
    with monkeypatch.context() as patch:
        patch.setitem(app.extensions, "caseapp.file_store", folder)
        for number in range(count):
            body = b"%PDF-1.7 " + MARKER + f" case {number} ".encode() + os.urandom(40_000 + number * 70_000)
            case, document = make_case(app, organisation, author, body=body, title=f"Case {number}")
            made.append((case.uuid, document.uuid, body))
    return made


def move(app, *args):
    return app.test_cli_runner().invoke(args=["store", "move-to-bucket", *args])


def bucket_objects(s3, store: S3Store) -> dict[str, bytes]:
    """Every object under the store's prefix, with its bytes."""
    listed = s3.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix).get("Contents", [])
    return {item["Key"][len(store.prefix):]: s3.get_object(Bucket=store.bucket, Key=item["Key"])["Body"].read()
            for item in listed}


def local_bytes(folder: FileStore, document_id) -> bytes:
    return folder.path(document_id).read_bytes()


def test_a_local_store_moves_into_the_bucket_and_downloads_byte_identical(
        app, monkeypatch, folder, org_a, people, clients, s3, caplog):
    made = make_local_cases(app, monkeypatch, folder, org_a, people["partner_a"].user, 3)
    orphan = folder.path("0b7c4d1e-0000-4000-8000-000000000001")
    orphan.write_bytes(b"ESCRF a shredded case's leftover")
    store = file_store()
    assert isinstance(store, S3Store) and not bucket_objects(s3, store)

    with caplog.at_level(logging.INFO, logger="caseapp.cli.store"):
        result = move(app)  # --from defaults to FILE_STORE_DIR

    assert result.exit_code == 0, result.output
    assert f"Moving the encrypted files of {folder.root} into {store.location}" in result.output
    assert "Moved 3 files (" in result.output and "0 already there (0.0 KiB), 0 failed" in result.output
    assert "was read back: SHA-256 and size match the local file" in result.output
    assert "Nothing was deleted" in result.output and "flask keys check" in result.output
    assert f"ORPHAN {orphan.name}: no database row" in result.output
    objects = bucket_objects(s3, store)
    # Exactly the documents' files, under files/<uuid>, byte for byte the local ciphertext; no plaintext.
    assert set(objects) == {f"files/{document_id}" for _case, document_id, _body in made}
    for _case, document_id, _body in made:
        assert objects[f"files/{document_id}"] == local_bytes(folder, document_id)
        assert MARKER not in objects[f"files/{document_id}"]
        assert folder.path(document_id).exists()  # never deleted by the command
    assert orphan.exists()
    assert not s3.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix).get("Uploads")
    partner = clients("partner_a")
    for case_id, document_id, body in made:
        download = partner.get(f"/documents/{case_id}/{document_id}/download")
        assert download.status_code == 200 and download.data == body
    event = next(record for record in caplog.records if record.getMessage() == "store.moved")
    assert (event.moved, event.already_there, event.failed, event.orphans) == (3, 0, 0, 1)


def test_a_second_run_finds_everything_there_and_writes_nothing(app, monkeypatch, folder, org_a, s3):
    made = make_local_cases(app, monkeypatch, folder, org_a, None, 2)
    store = file_store()
    assert move(app, "--from", str(folder.root)).exit_code == 0
    written = {item["Key"]: (item["ETag"], item["LastModified"])
               for item in s3.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)["Contents"]}
    writes = []
    monkeypatch.setattr(S3Store, "put_stored", lambda *args: writes.append(args))

    again = move(app, "--from", str(folder.root))

    assert again.exit_code == 0, again.output
    assert "Moved 0 files (0.0 KiB), 2 already there (" in again.output and "0 failed" in again.output
    assert not writes
    assert {item["Key"]: (item["ETag"], item["LastModified"])
            for item in s3.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)["Contents"]} == written
    assert len(made) == 2


def test_an_interrupted_move_finishes_when_run_again(app, monkeypatch, folder, org_a, s3):
    made = make_local_cases(app, monkeypatch, folder, org_a, None, 3)
    store = file_store()
    real_put = S3Store.put_stored
    calls = []

    class DyingSource:
        """The second file's reader: Ctrl-C once part of it was sent."""

        def __init__(self, source):
            self.source = source

        def read(self, size=-1):
            if self.source.tell() > 0:
                raise KeyboardInterrupt
            return self.source.read(min(size, 10_000))

    def put_then_die(self, file_id, source):
        calls.append(file_id)
        return real_put(self, file_id, source if len(calls) == 1 else DyingSource(source))

    with monkeypatch.context() as patch:
        patch.setattr(S3Store, "put_stored", put_then_die)
        interrupted = move(app)
    assert interrupted.exit_code != 0
    assert list(bucket_objects(s3, store)) == [f"files/{calls[0]}"]  # the first file whole, nothing of the second

    rerun = move(app)

    assert rerun.exit_code == 0, rerun.output
    assert "Moved 2 files (" in rerun.output and "1 already there (" in rerun.output and "0 failed" in rerun.output
    objects = bucket_objects(s3, store)
    assert objects == {
        f"files/{document_id}": local_bytes(folder, document_id) for _case, document_id, _body in made}


def test_an_object_that_differs_in_the_bucket_is_rewritten_and_verified(app, monkeypatch, folder, org_a, s3):
    made = make_local_cases(app, monkeypatch, folder, org_a, None, 2)
    store = file_store()
    assert move(app).exit_code == 0
    _case, corrupted, _body = made[0]
    key = store.key(corrupted)
    good = local_bytes(folder, corrupted)
    s3.put_object(Bucket=store.bucket, Key=key, Body=good[:100] + bytes([good[100] ^ 1]) + good[101:])

    result = move(app)

    assert result.exit_code == 0, result.output
    assert "Moved 1 file (" in result.output and "(1 rewritten: the bucket held other bytes)" in result.output
    assert "1 already there (" in result.output
    assert s3.get_object(Bucket=store.bucket, Key=key)["Body"].read() == good


def test_a_copy_that_reads_back_different_is_a_failure(app, monkeypatch, folder, org_a, s3):
    made = make_local_cases(app, monkeypatch, folder, org_a, None, 2)
    real_put = S3Store.put_stored

    def put_other_bytes(self, file_id, source):
        sent = real_put(self, file_id, source)
        if file_id == made[0][1]:  # the bucket keeps other bytes than it was sent
            self.client.put_object(Bucket=self.bucket, Key=self.key(file_id), Body=b"ESCRF damaged")
        return sent

    monkeypatch.setattr(S3Store, "put_stored", put_other_bytes)
    result = move(app)

    assert result.exit_code == 1
    assert f"FAIL document {made[0][1]} (draft): the copy read back differs from the file (13 bytes" in result.output
    assert "Moved 1 file (" in result.output and "1 failed" in result.output
    assert "run this command again" in result.output
    assert folder.path(made[0][1]).exists()


def test_a_row_whose_local_file_is_missing_fails_while_the_others_move(app, monkeypatch, folder, org_a, s3):
    made = make_local_cases(app, monkeypatch, folder, org_a, None, 3)
    _case, lost, _body = made[1]
    folder.path(lost).unlink()

    result = move(app)
    assert result.exit_code == 1
    assert f"FAIL document {lost} (draft): its file is missing; nothing moved" in result.output
    assert "Moved 2 files (" in result.output and "1 failed" in result.output
    assert set(bucket_objects(s3, file_store())) == {
        f"files/{document_id}" for _case, document_id, _body in made if document_id != lost}


def test_incoming_files_are_not_moved_and_the_sweep_is_advised(app, monkeypatch, folder, org_a, s3):
    made = make_local_cases(app, monkeypatch, folder, org_a, None, 2)
    _case, waiting, _body = made[0]
    os.replace(folder.path(waiting), folder.incoming_path(waiting))  # committed, never promoted (a crash)

    result = move(app)

    assert result.exit_code == 1
    assert "Not moved: 1 file in incoming/ (uploads a crash interrupted): run `flask store sweep`" in result.output
    assert f"FAIL document {waiting} (draft): its file waits in incoming/" in result.output
    assert set(bucket_objects(s3, file_store())) == {f"files/{made[1][1]}"}


def test_it_refuses_when_the_files_are_not_in_a_bucket(tmp_path, database_url):
    with running_app(tmp_path, database_url) as app:
        result = move(app)

    assert result.exit_code == 1
    assert "FILE_STORE_URL is not set to an s3:// bucket" in result.output


def test_it_refuses_a_folder_that_is_no_store(app, tmp_path):
    result = move(app, "--from", str(tmp_path / "nothing-here"))

    assert result.exit_code == 1 and "give the local store's folder with --from" in result.output


def test_it_runs_without_the_keys(app):
    from caseapp.cli.store import move_to_bucket

    assert move_to_bucket.callback.needs_keys is False
