"""`flask backup` and `flask restore`: the restore drill (DATA-04) and the refusals.

The drill runs on the suite's database: SQLite files in tmp_path, or — with TEST_DATABASE_URL — two
databases of this worker's own on that PostgreSQL server (the live one and the fresh one restored
into), through pg_dump and pg_restore.
"""

import base64
import json
import os
import re
import shutil
import stat
import subprocess
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import select, text

from caseapp.core.backup import RESTORE_KEYS_ADVICE
from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.domain.report import VictimInput
from caseapp.models import AuditEvent, Case, Document
from caseapp.services import cases
from caseapp.services.vault import open_vault
from tests.factories import (
    TEST_INDEX_SECRET,
    TEST_KEK,
    build_app,
    make_case,
    make_organisation,
    seed_register,
    worker_database_url,
)
from tests.markers import MARKERS, bytes_under, readable_markers

KEY_MATERIAL = (base64.urlsafe_b64decode(TEST_KEK + "="), base64.urlsafe_b64decode(TEST_INDEX_SECRET + "="),
                TEST_KEK.encode(), TEST_INDEX_SECRET.encode())
OTHER_KEK = base64.urlsafe_b64encode(b"\x33" * 32).decode().rstrip("=")


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture(autouse=True)
def postgresql_client_programs():
    """On PostgreSQL every test here runs pg_dump (and most pg_restore): skip, saying why, where they
    are not installed — but not in CI, which installs them."""
    if os.environ.get("TEST_DATABASE_URL") and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        reason = "pg_dump/pg_restore not found: the PostgreSQL backup drill needs the PostgreSQL client programs"
        if os.environ.get("CI"):
            pytest.fail(reason)
        print(f"SKIP: {reason}")
        pytest.skip(reason)


@pytest.fixture
def databases(worker_id):
    """``make(name)``: None on SQLite, else a PostgreSQL database of this worker's own, emptied."""
    base = os.environ.get("TEST_DATABASE_URL")

    def make(name: str):
        return worker_database_url(base, f"{name}_{worker_id}") if base else None

    return make


@contextmanager
def migrated_app(root: Path, url, **overrides):
    """An app on a new, migrated, empty database with its own instance folder (`flask db upgrade`)."""
    app = build_app(root, url, **overrides)
    with app.app_context():
        if url is not None:  # the database survives between runs: start from nothing
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        flask_migrate.upgrade()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def backup_of_live_instance(tmp_path, databases):
    """A live instance with demo data and a report full of markers, backed up to tmp_path/backup.
    Returns what the restored instance must hold."""
    with migrated_app(tmp_path / "live", databases("backup_live")) as live:
        seed_register()
        assert run(live, "demo").exit_code == 0  # accounts with two-factor secrets, cases at every stage, files
        org = make_organisation("Backed-up NGO")
        body = ("%PDF-1.7\n" + MARKERS["file_body"] * 100).encode()
        case, document = make_case(
            live, org, narrative=MARKERS["narrative"], body=body, name=MARKERS["file_name"], submit=True,
            victim=VictimInput(name=MARKERS["name"], contact=MARKERS["contact"], identity_number=MARKERS["identity"]),
            title="MARKERTITLE0a0a",
        )
        expected = {
            "cases": set(db.session.execute(select(Case.uuid)).scalars()),
            "documents": set(db.session.execute(select(Document.uuid)).scalars()),
            "marker_case": case.uuid, "marker_document": document.uuid, "body": body,
            "kind": db.engine.dialect.name,
        }
        result = run(live, "backup", str(tmp_path / "backup"))
        assert result.exit_code == 0, result.output
        assert "Backed up the" in result.output and "The keys are not in it" in result.output
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "backup_created")).scalar_one()
        expected["manifest_sha"] = event.target_id
    return tmp_path / "backup", expected


def _database_text(backup: Path) -> bytes:
    """The backup's database as bytes to scan: the SQLite file, or the custom dump turned into SQL text
    (the dump itself is compressed, so scanning it raw would prove nothing)."""
    sqlite_file = backup / "database.sqlite3"
    if sqlite_file.exists():
        return sqlite_file.read_bytes()
    converted = subprocess.run([shutil.which("pg_restore"), "--file=-", str(backup / "database.pgdump")],
                               capture_output=True, check=True)
    assert b"COPY public.cases" in converted.stdout
    return converted.stdout


def test_backup_holds_ciphertext_only_and_restores_into_a_fresh_instance(tmp_path, databases,
                                                                         backup_of_live_instance):  # DATA-04
    backup, expected = backup_of_live_instance
    manifest = json.loads((backup / "manifest.json").read_text())

    # What is in it: the database, the files, a manifest — private, and no key anywhere.
    names = {path.relative_to(backup).as_posix() for path in backup.rglob("*")}
    database_file = "database.sqlite3" if expected["kind"] == "sqlite" else "database.pgdump"
    assert names == {"manifest.json", database_file, "store", "store/files",
                     *(f"store/files/{uuid}" for uuid in expected["documents"])}
    for path in [backup, *backup.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert not list(backup.rglob("*.kek")) and not list(backup.rglob("index.secret"))
    raw = bytes_under(backup)
    for secret in KEY_MATERIAL:
        assert secret not in raw
    assert readable_markers(raw + _database_text(backup), [*MARKERS.values(), "MARKERTITLE0a0a"]) == []

    assert manifest["database"]["kind"] == expected["kind"]
    assert manifest["counts"] == {"cases": len(expected["cases"]), "documents": len(expected["documents"]),
                                  "files": len(expected["documents"])}
    assert manifest["keys"]["kek_ids"] == ["k1"] and set(manifest["keys"]["canaries"]) == {"k1"}
    assert manifest["keys"]["included"] is False and manifest["missing_files"] == []
    assert manifest["alembic_revision"] and manifest["created_at"].endswith("Z")
    assert {entry["path"] for entry in manifest["files"]} == {f"store/files/{u}" for u in expected["documents"]}

    # A fresh instance elsewhere, the same key from where keys are kept, an empty migrated schema.
    with migrated_app(tmp_path / "fresh", databases("backup_fresh")) as fresh:
        result = run(fresh, "restore", str(backup))
        assert result.exit_code == 0, result.output
        assert "every file matches the manifest" in result.output
        assert "0 failures" in result.output and "Restore complete." in result.output

        assert set(db.session.execute(select(Case.uuid)).scalars()) == expected["cases"]
        assert set(db.session.execute(select(Document.uuid)).scalars()) == expected["documents"]
        for case in db.session.execute(select(Case)).scalars():
            vault = open_vault(db.session, keyring(), case)
            assert vault.get(case, "title")
            for document in case.documents:
                assert b"".join(file_store().decrypt(document.uuid, cases.document_key(vault, document)))
        case = db.session.execute(select(Case).where(Case.uuid == expected["marker_case"])).scalar_one()
        vault = open_vault(db.session, keyring(), case)
        assert vault.get(case, "narrative") == MARKERS["narrative"]
        assert vault.get(case.victims[0], "name") == MARKERS["name"]
        document = case.documents[0]
        assert vault.get(document, "original_name") == MARKERS["file_name"]
        assert b"".join(file_store().decrypt(document.uuid, cases.document_key(vault, document))) == expected["body"]
        restored = db.session.execute(select(AuditEvent).where(AuditEvent.action == "backup_restored")).scalar_one()
        assert restored.target_id == expected["manifest_sha"]
        db.session.rollback()

        checked = run(fresh, "keys", "check")
        assert checked.exit_code == 0, checked.output
        assert run(fresh, "audit", "verify").exit_code == 0

        again = run(fresh, "restore", str(backup))  # now it holds data: refused, nothing touched
        assert again.exit_code != 0 and "restore only into an empty instance" in again.output
        assert "To start afresh" in again.output


WRONG_KEYS = {
    "wrong": ({"KEKS": f"k1:{OTHER_KEK}"}, "key k1: the loaded key does not decrypt the backup's canary (wrong key)"),
    "other id": ({"KEKS": f"k2:{OTHER_KEK}"}, "key k1 wraps data in the backup but is not loaded"),
    "missing": ({"KEKS": None, "INDEX_SECRET": None, "require_keys": False}, "no key-encryption key is loaded"),
}


@pytest.mark.parametrize("keys", list(WRONG_KEYS))
def test_restore_without_the_right_keys_says_to_restore_them(tmp_path, databases, backup_of_live_instance, keys):
    backup, expected = backup_of_live_instance
    overrides, reason = WRONG_KEYS[keys]
    with migrated_app(tmp_path / "fresh", databases("backup_fresh"), **overrides) as fresh:
        result = run(fresh, "restore", str(backup))
        assert result.exit_code == 1, result.output
        assert RESTORE_KEYS_ADVICE in result.output
        assert reason in result.output and "keys init" not in result.output
        # the data itself is back, waiting for its keys
        assert set(db.session.execute(select(Case.uuid)).scalars()) == expected["cases"]
        db.session.rollback()


def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path, databases, backup_of_live_instance):
    backup, expected = backup_of_live_instance
    stored = backup / "store" / "files" / str(expected["marker_document"])
    data = bytearray(stored.read_bytes())
    data[-3] ^= 0x01
    stored.write_bytes(bytes(data))
    with migrated_app(tmp_path / "fresh", databases("backup_fresh")) as fresh:
        result = run(fresh, "restore", str(backup))
        assert result.exit_code != 0 and "the backup is damaged" in result.output
        assert f"store/files/{expected['marker_document']} does not match its SHA-256" in result.output
        assert db.session.execute(select(Case.uuid)).first() is None
        assert not file_store().stored_ids()


def test_restore_refuses_an_instance_that_holds_data(app, tmp_path):
    case_uuid = make_case(app, make_organisation("NGO"))[0].uuid
    made = run(app, "backup", str(tmp_path / "backup"))
    assert made.exit_code == 0, made.output
    result = run(app, "restore", str(tmp_path / "backup"))
    assert result.exit_code != 0
    assert "restore only into an empty instance" in result.output
    assert re.search(r"tables with rows: [a-z_, ]*\bcases\b", result.output)
    assert "holds files" in result.output and "To start afresh" in result.output
    assert db.session.execute(select(Case.uuid)).scalars().all() == [case_uuid]


def test_restore_refuses_a_folder_that_is_no_backup(app, tmp_path):
    (tmp_path / "nothing").mkdir()
    result = run(app, "restore", str(tmp_path / "nothing"))
    assert result.exit_code != 0 and "manifest.json is missing" in result.output


def test_backup_refuses_a_non_empty_folder_and_the_store(app, tmp_path):
    make_case(app, make_organisation("NGO"))
    target = tmp_path / "used"
    target.mkdir()
    (target / "keep.txt").write_text("someone's file")
    result = run(app, "backup", str(target))
    assert result.exit_code != 0 and "is not empty" in result.output
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    inside_store = run(app, "backup", str(file_store().root / "backup"))
    assert inside_store.exit_code != 0 and "write backups elsewhere" in inside_store.output


def test_backup_into_an_empty_folder_and_of_an_empty_instance(app, tmp_path):
    target = tmp_path / "empty"
    target.mkdir(mode=0o755)
    result = run(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert "0 cases" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["counts"] == {"cases": 0, "documents": 0, "files": 0}


def test_backup_copies_only_files_the_snapshot_references(app, tmp_path):
    _case, document = make_case(app, make_organisation("NGO"))
    store = file_store()
    orphan = store.files_dir / "00000000-0000-4000-8000-000000000001"
    orphan.write_bytes(b"left by a shredded case")
    # committed, but the move out of incoming/ never happened (a crash): still backed up
    store.path(document.uuid).rename(store.incoming_path(document.uuid))
    result = run(app, "backup", str(tmp_path / "backup"))
    assert result.exit_code == 0, result.output
    copied = sorted(p.name for p in (tmp_path / "backup" / "store" / "files").iterdir())
    assert copied == [str(document.uuid)]


def test_backup_reports_files_lost_after_the_snapshot(app, tmp_path, monkeypatch):
    document_uuid = make_case(app, make_organisation("NGO"))[1].uuid
    from caseapp.core import backup as backup_service

    real_copy = backup_service._copy_files

    def shred_first(store, documents, target, progress):
        store.remove(document_uuid)  # a case shredded between the snapshot and the file copy
        return real_copy(store, documents, target, progress)

    monkeypatch.setattr(backup_service, "_copy_files", shred_first)
    result = run(app, "backup", str(tmp_path / "backup"))
    assert result.exit_code == 1 and "make a new backup" in result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["missing_files"] == [str(document_uuid)]


@pytest.fixture
def small_backup(app, tmp_path):
    """A backup of one report with a file, from the suite's own database; returns (path, case uuid)."""
    case_uuid = make_case(app, make_organisation("NGO"), narrative=MARKERS["narrative"])[0].uuid
    made = run(app, "backup", str(tmp_path / "backup"))
    assert made.exit_code == 0, made.output
    return tmp_path / "backup", case_uuid


@contextmanager
def unmigrated_app(root: Path, url):
    """An app on a new database with no schema at all."""
    app = build_app(root, url)
    with app.app_context():
        if url is not None:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def test_restore_into_a_database_without_a_schema(tmp_path, databases, small_backup):
    backup, case_uuid = small_backup
    with unmigrated_app(tmp_path / "bare", databases("backup_fresh")) as bare:
        result = run(bare, "restore", str(backup))
        assert result.exit_code == 0, result.output
        case = db.session.execute(select(Case).where(Case.uuid == case_uuid)).scalar_one()
        assert open_vault(db.session, keyring(), case).get(case, "narrative") == MARKERS["narrative"]
        db.session.rollback()


def test_restore_names_a_schema_from_another_version(tmp_path, databases, small_backup):
    backup, _case_uuid = small_backup
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["alembic_revision"] = "0123456789ab"  # as if made by an older version of the app
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with migrated_app(tmp_path / "fresh", databases("backup_fresh")) as fresh:
        result = run(fresh, "restore", str(backup))
        if db.engine.dialect.name == "sqlite":  # the file replaces the schema: upgrade it afterwards
            assert result.exit_code == 0, result.output
            assert "schema is at revision 0123456789ab: run `flask db upgrade`" in result.output
        else:  # pg_restore cannot put an older schema over a newer one
            assert result.exit_code != 0 and "restore into an unmigrated empty database" in result.output
            assert db.session.execute(select(Case.uuid)).first() is None
        db.session.rollback()


def test_a_bucket_is_backed_up_and_restored_into_another_bucket(tmp_path, databases, s3_server):  # DATA-04
    """FILE_STORE_URL=s3://…: the backup carries the objects (a committed one still under incoming/ too), and a
    restore writes them into the new instance's bucket, where they decrypt; a bucket with files is refused."""
    s3 = s3_server.client()
    body = ("%PDF-1.7\n" + MARKERS["file_body"] * 100).encode()
    with migrated_app(tmp_path / "live", databases("s3_live"), **s3_server.settings()) as live:
        seed_register()
        org = make_organisation("Bucket NGO")
        _case, document = make_case(live, org, body=body, submit=True)
        _other, unmoved = make_case(live, org, body=b"%PDF-1.7 unmoved", submit=True)
        store = file_store()
        # Its host died between the commit and the copy out of incoming/.
        s3.copy_object(Bucket=store.bucket, Key=store.incoming_key(unmoved.uuid),
                       CopySource={"Bucket": store.bucket, "Key": store.key(unmoved.uuid)})
        s3.delete_object(Bucket=store.bucket, Key=store.key(unmoved.uuid))
        file_ids = {document.uuid, unmoved.uuid}

        made = run(live, "backup", str(tmp_path / "backup"))

        assert made.exit_code == 0, made.output
        assert "and 2 encrypted files" in made.output
        copied = {path.name for path in (tmp_path / "backup" / "store" / "files").iterdir()}
        assert copied == {str(file_id) for file_id in file_ids}
        assert readable_markers(bytes_under(tmp_path / "backup" / "store"), [MARKERS["file_body"]]) == []
        assert not (tmp_path / "live" / "store").exists()  # nothing went through the host's folder

    fresh_settings = s3_server.settings()
    with migrated_app(tmp_path / "fresh", databases("s3_fresh"), **fresh_settings) as fresh:
        restored = run(fresh, "restore", str(tmp_path / "backup"))

        assert restored.exit_code == 0, restored.output
        assert "2 encrypted files" in restored.output and "every file matches the manifest" in restored.output
        assert "0 failures" in restored.output and "Restore complete." in restored.output
        store = file_store()
        listed = s3.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix).get("Contents", [])
        assert sorted(item["Key"] for item in listed) == sorted(store.key(file_id) for file_id in file_ids)
        bodies = set()
        for row in db.session.execute(select(Document).where(Document.uuid.in_(file_ids))).scalars():
            vault = open_vault(db.session, keyring(), row.case)
            bodies.add(b"".join(store.decrypt(row.uuid, cases.document_key(vault, row))))
        assert bodies == {body, b"%PDF-1.7 unmoved"}
        db.session.rollback()

    # An empty database, but the bucket's prefix already holds files: refused before anything is written.
    with migrated_app(tmp_path / "third", databases("s3_third"), **fresh_settings) as third:
        refused = run(third, "restore", str(tmp_path / "backup"))
        assert refused.exit_code != 0 and "restore only into an empty instance" in refused.output
        assert f"the file store {file_store().location} holds files" in refused.output
        assert db.session.execute(select(Case)).first() is None
