"""Encryption at rest through the services, the store and the CLI.

CRY-01 markers, CRY-02 binding, CRY-05 rotation, CRY-06 shredding, CRY-08 failures, UP-06 spooling. The
download route (UP-07, and CRY-08 for a tampered file) is tested in tests/web/test_documents.py.
"""

import io
import json
import logging
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from caseapp import ConfigurationError
from caseapp.core.extensions import db
from caseapp.core.resources import file_store, keyring
from caseapp.crypto import DecryptionError
from caseapp.domain import permissions, roles
from caseapp.domain.report import VictimInput
from caseapp.models import DataKey, Document, KekCanary, Victim
from caseapp.services import cases
from caseapp.services.vault import open_vault
from caseapp.web.startup import self_test
from caseapp.web.uploads import accepts_uploads
from tests.factories import (
    TEST_INDEX_SECRET,
    TEST_KEK,
    build_app,
    make_case,
    make_organisation,
    make_user,
    running_app,
)
from tests.markers import MARKERS, bytes_under


def instance_bytes(app) -> bytes:
    """Every byte under the instance folder: the database, its WAL and shared memory, the file store."""
    return bytes_under(Path(app.instance_path))


# --- CRY-01: nothing readable on disk --------------------------------------------------------------------


def test_markers_are_absent_from_the_database_its_wal_and_the_store(app, org_a):  # CRY-01
    partner = make_user(app, roles.PARTNER, org_a).user
    body = ("%PDF-1.7\n" + MARKERS["file_body"] * 1000).encode()
    make_case(app, org_a, partner, body=body, name=MARKERS["file_name"], narrative=MARKERS["narrative"],
              victim=VictimInput(name=MARKERS["name"], contact=MARKERS["contact"], identity_number=MARKERS["identity"]))
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the raw-bytes scan reads the SQLite file; PostgreSQL's files are outside the instance")
    raw = instance_bytes(app)
    assert Path(app.instance_path, "test.sqlite3-wal").exists()  # the WAL is part of what was scanned
    assert any(Path(app.instance_path, "store", "files").iterdir())
    for marker in MARKERS.values():
        for encoding in ("utf-8", "utf-16-le"):
            assert marker.encode(encoding) not in raw, marker


def test_values_read_back_through_the_vault(app, org_a):  # CRY-02
    case, document = make_case(app, org_a)
    vault = open_vault(db.session, keyring(), case)
    text = vault.read(case)
    assert (text["title"], text["summary"], text["narrative"]) == ("A title", "A summary", "What happened.")
    assert text["urgent_explanation"] is None  # never written, never invented
    victim = case.victims[0]
    assert vault.get(victim, "name") == "Ana Pérez"
    assert vault.get(document, "original_name") == "evidence.pdf"
    assert b"".join(file_store().decrypt(document.uuid, cases.document_key(vault, document))) == b"%PDF-1.7 evidence"


def test_a_ciphertext_copied_to_another_row_does_not_decrypt(app, org_a):  # CRY-02
    first, _ = make_case(app, org_a, victim=VictimInput(name="First Victim"))
    second, _ = make_case(app, org_a, victim=VictimInput(name="Second Victim"))
    stolen = first.victims[0].name_encrypted
    # same case key is not even needed to show the binding: copy within one case to another column
    vault = open_vault(db.session, keyring(), first)
    first.victims[0].contact_encrypted = stolen
    with pytest.raises(DecryptionError):
        vault.get(first.victims[0], "contact")
    second.victims[0].name_encrypted = stolen
    with pytest.raises(DecryptionError):
        open_vault(db.session, keyring(), second).get(second.victims[0], "name")


def test_blind_indexes_find_the_same_person_across_cases(app, org_a, org_b):  # CRY-07
    make_case(app, org_a, victim=VictimInput(name="José  Martínez", identity_number="12.345.678-K"))
    make_case(app, org_b, victim=VictimInput(name="jose martinez", identity_number="12345678k"))
    names = db.session.execute(select(Victim.name_index)).scalars().all()
    ids = db.session.execute(select(Victim.identity_number_index)).scalars().all()
    assert len(set(names)) == 1 and len(set(ids)) == 1
    assert b"jose" not in names[0]


# --- CRY-06: crypto-shredding -------------------------------------------------------------------


def test_deleting_a_case_shreds_its_key_rows_and_files(app, org_a):  # CRY-06
    case, document = make_case(app, org_a)
    keep, kept_document = make_case(app, org_a)
    vault = open_vault(db.session, keyring(), case)
    saved_row = {"uuid": case.uuid, "narrative_encrypted": case.narrative_encrypted, "reference": case.reference}
    stored_file = file_store().path(document.uuid)
    assert stored_file.exists()

    cases.delete_case(db.session, file_store(), case)
    db.session.commit()

    assert db.session.execute(select(DataKey).where(DataKey.scope == f"case:{saved_row['uuid']}")).first() is None
    assert not stored_file.exists()  # unlinked once the deletion committed
    with pytest.raises(DecryptionError):
        open_vault(db.session, keyring(), case)  # the key is gone, even with the KEK at hand
    assert vault.key_id  # the old in-memory vault is the only place the key ever was
    assert file_store().path(kept_document.uuid).exists()
    assert open_vault(db.session, keyring(), keep).get(keep, "narrative") == "What happened."


def test_a_rolled_back_deletion_keeps_the_file(app, org_a):  # CRY-06, REL-01
    case, document = make_case(app, org_a)
    cases.delete_case(db.session, file_store(), case)
    db.session.rollback()
    assert file_store().path(document.uuid).exists()
    assert open_vault(db.session, keyring(), case).get(case, "title") == "A title"


def test_a_rolled_back_upload_leaves_no_file(app, org_a):  # REL-01
    upload = cases.store_upload(db.session, file_store(), io.BytesIO(b"never recorded"))
    assert file_store().incoming_path(upload.file_id).exists()
    cases.create_case(db.session, keyring(), organisation=org_a, author=None, title="fails later")
    db.session.rollback()  # e.g. the database failed while recording the document
    assert not file_store().incoming_path(upload.file_id).exists()
    assert not file_store().path(upload.file_id).exists()


def test_an_upload_whose_request_never_wrote_the_database_leaves_no_file(tmp_path, database_url):  # REL-01
    def add_probe(app):
        def probe():
            upload = cases.store_upload(db.session, file_store(), io.BytesIO(b"abandoned"))
            seen["incoming"] = file_store().incoming_path(upload.file_id)
            raise ValueError("the view failed before any database write")

        app.add_url_rule("/probe-abandon", endpoint="probe_abandon", view_func=probe, methods=["POST"])

    seen = {}
    with running_app(tmp_path, database_url, prepare=add_probe) as app, public_endpoint("probe_abandon", "POST"):
        assert app.test_client().post("/probe-abandon").status_code == 500
    assert seen["incoming"].parent.exists() and not seen["incoming"].exists()


def test_sweep_removes_orphans_and_finishes_interrupted_moves(app, org_a):  # CRY-06, REL-03
    case, document = make_case(app, org_a)
    store = file_store()
    # a crash after the commit but before the move: the file is still in incoming/
    store.path(document.uuid).rename(store.incoming_path(document.uuid))
    orphan = store.files_dir / "00000000-0000-4000-8000-000000000001"
    orphan.write_bytes(b"left by a shredded case")
    result = app.test_cli_runner().invoke(args=["store", "sweep"])
    assert "Promoted 1" in result.output and "removed 1 orphaned" in result.output
    assert store.path(document.uuid).exists() and not orphan.exists()


def test_files_sweep_is_the_same_command_as_store_sweep(app, org_a):  # issue 22 names `flask files sweep`
    store = file_store()
    orphan = store.files_dir / "00000000-0000-4000-8000-000000000002"
    store.ensure()
    orphan.write_bytes(b"left by a shredded case")
    result = app.test_cli_runner().invoke(args=["files", "sweep", "--grace-minutes", "0"])
    assert result.exit_code == 0, result.output
    assert "removed 1 orphaned files" in result.output and not orphan.exists()


# --- corrupt fields -------------------------------------------------------------------------------


def test_a_corrupt_field_is_logged_with_key_and_record_only(app, org_a, caplog):  # CRY-08, LOG-02
    case, _ = make_case(app, org_a, narrative=MARKERS["narrative"])
    blob = bytearray(case.narrative_encrypted)
    blob[20] ^= 0x01
    db.session.execute(update(type(case)).where(type(case).id == case.id).values(narrative_encrypted=bytes(blob)))
    db.session.commit()
    vault = open_vault(db.session, keyring(), case)
    with caplog.at_level(logging.ERROR, logger="caseapp"), pytest.raises(DecryptionError):
        vault.read(case)
    record = next(r for r in caplog.records if r.getMessage() == "field.decryption_failed")
    assert record.record == str(case.uuid) and record.kek_id == "k1" and record.column == "narrative"
    assert MARKERS["narrative"] not in caplog.text


# --- start-up and keys -----------------------------------------------------------------------------


def test_missing_index_secret_refuses_to_start_naming_the_setting(tmp_path, database_url):  # CRY-08
    with pytest.raises(ConfigurationError, match="CASEAPP_INDEX_SECRET"):
        build_app(tmp_path, database_url, INDEX_SECRET=None)


def test_wrong_key_is_named_by_the_start_up_canary(tmp_path, database_url):  # CRY-08
    with running_app(tmp_path, database_url) as app:
        self_test(app)  # first start: canaries written
        assert db.session.execute(select(func.count()).select_from(KekCanary)).scalar_one() == 1
        wrong = build_app(tmp_path, database_url, KEKS="k1:" + "A" * 43)
        with pytest.raises(ConfigurationError, match="key-encryption key k1 does not decrypt its canary"):
            self_test(wrong)


def test_workers_starting_together_share_one_canary(tmp_path, database_url, monkeypatch):  # CRY-08, REL-01
    """Three gunicorn workers start at once: one writes the canary, the others read it (was a 500 at
    boot: duplicate key in kek_canaries on PostgreSQL)."""
    if not database_url:
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): only PostgreSQL lets two starts race")
    from caseapp.crypto.keyring import make_canary
    from caseapp.services import keys as key_service

    with running_app(tmp_path, database_url):
        keyring_now = keyring()
        db.session.execute(KekCanary.__table__.delete())  # a fresh database: no canary yet
        db.session.commit()
        raced = []

        def make_canary_while_another_worker_stores_its_own(keyring_, kek_id):
            # this worker has read the table (no canary yet); another worker stores one now
            with db.engine.begin() as other_worker:
                other_worker.execute(KekCanary.__table__.insert().values(
                    kek_id=kek_id, ciphertext=make_canary(keyring_, kek_id)))
            raced.append(kek_id)
            return make_canary(keyring_, kek_id)

        monkeypatch.setattr(key_service, "make_canary", make_canary_while_another_worker_stores_its_own)
        assert key_service.check_canaries(db.session, keyring_now) == []
        db.session.commit()
        assert raced and db.session.execute(select(func.count()).select_from(KekCanary)).scalar_one() == 1


def test_unmigrated_database_refuses_to_start(tmp_path, database_url):
    if database_url:
        pytest.skip("needs an empty database of its own")
    app = build_app(tmp_path, None)
    with pytest.raises(ConfigurationError, match="flask db upgrade"):
        self_test(app)


def run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


@pytest.fixture
def file_keyed_app(tmp_path, database_url):
    """An app whose KEKs live in files (instance/keys), as `flask keys init` makes them."""
    with running_app(tmp_path, database_url, KEKS=None, require_keys=False) as app:
        assert run(app, "keys", "init").exit_code == 0
        yield lambda: build_app(tmp_path, database_url, KEKS=None)


def test_rotation_rewraps_every_data_key_and_resumes_after_a_crash(file_keyed_app, monkeypatch):  # CRY-05
    app = file_keyed_app()
    with app.app_context():
        org = make_organisation("Rotating NGO")
        for _ in range(5):
            make_case(app, org)
        assert set(db.session.execute(select(DataKey.kek_id)).scalars()) == {"k1"}

        from caseapp.services import keys as key_service
        real_batch, calls = key_service.rewrap_batch, []

        def crash_after_first_batch(*args, **kwargs):
            calls.append(1)
            if len(calls) > 1:
                raise RuntimeError("simulated crash")
            return real_batch(*args, **kwargs)

        monkeypatch.setattr(key_service, "rewrap_batch", crash_after_first_batch)
        crashed = run(app, "keys", "rotate", "--batch-size", "2")
        assert crashed.exit_code != 0
        monkeypatch.setattr(key_service, "rewrap_batch", real_batch)
        db.session.rollback()
        kek_ids = db.session.execute(select(DataKey.kek_id)).scalars().all()
        assert kek_ids.count("k2") == 2 and "k1" in kek_ids  # half done

    resumed_app = file_keyed_app()  # a fresh process: k2 is now the primary key
    with resumed_app.app_context():
        resumed = run(resumed_app, "keys", "rotate")
        assert resumed.exit_code == 0 and "Resuming" in resumed.output
        assert set(db.session.execute(select(DataKey.kek_id)).scalars()) == {"k2"}
        assert not (Path(resumed_app.config["KEYS_DIR"]) / "k3.kek").exists()  # no second new key
        assert run(resumed_app, "keys", "check").exit_code == 0  # everything still decrypts

        refused = run(resumed_app, "keys", "retire", "k2")
        assert refused.exit_code != 0 and "primary" in refused.output
        retired = run(resumed_app, "keys", "retire", "k1", "--yes")
        assert retired.exit_code == 0, retired.output
        assert not (Path(resumed_app.config["KEYS_DIR"]) / "k1.kek").exists()


def test_retire_refuses_a_key_still_in_use(file_keyed_app):
    app = file_keyed_app()
    with app.app_context():
        make_case(app, make_organisation("NGO"))
        # a second key appears (e.g. copied in for a rotation) while k1 still wraps the data
        keys_dir = Path(app.config["KEYS_DIR"])
        (keys_dir / "k2.kek").write_text((keys_dir / "k1.kek").read_text().replace("A", "B", 1))
        (keys_dir / "k2.kek").chmod(0o400)
    app = file_keyed_app()
    with app.app_context():
        result = run(app, "keys", "retire", "k1", "--yes")
        assert result.exit_code != 0 and "still wraps 1 data keys" in result.output


def test_keys_check_passes_on_demo_data_and_names_broken_records(app):
    # The demo holds six evidence files: one per queue report (4) and the strategic candidate's two (drafting).
    assert run(app, "demo").exit_code == 0
    healthy = run(app, "keys", "check")
    assert healthy.exit_code == 0, healthy.output
    assert re.search(r"Checked \d+ fields, 6 files, \d+ data keys, 1 key canaries: 0 failures", healthy.output)

    victim = db.session.execute(select(Victim).limit(1)).scalar_one()
    db.session.execute(update(Victim).where(Victim.id == victim.id).values(name_encrypted=b"\x01" + b"\x00" * 40))
    document = db.session.execute(select(Document).limit(1)).scalar_one()
    file_store().path(document.uuid).unlink()
    db.session.commit()
    broken = run(app, "keys", "check")
    assert broken.exit_code == 1
    assert f"victims {victim.uuid}" in broken.output and "name does not decrypt" in broken.output
    assert f"document {document.uuid}" in broken.output and "missing" in broken.output


# --- UP-06: the upload spool -------------------------------------------------------------------------


def test_uploads_are_spooled_encrypted(tmp_path, database_url):  # UP-06
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    marker = b"MARKERUPLOADSPOOL42"
    seen = {}

    def add_probe(app):
        from flask import request

        def probe():
            upload = request.files["file"]
            seen["stream"] = type(upload.stream).__name__
            seen["on_disk"] = b"".join(_open_file_bytes(spool_dir))
            seen["content"] = upload.stream.read()
            return "ok"

        # an upload view, as the report form is: it keeps the upload limit (UP-02)
        app.add_url_rule("/probe", endpoint="probe", view_func=accepts_uploads(probe), methods=["POST"])

    with running_app(tmp_path, database_url, prepare=add_probe, UPLOAD_SPOOL_DIR=str(spool_dir)) as app, \
            public_endpoint("probe", "POST"):
        body = marker * (2 * 1024 * 1024 // len(marker))
        response = app.test_client().post("/probe", data={"file": (io.BytesIO(body), "big.bin")},
                                          content_type="multipart/form-data")
    assert response.status_code == 200
    assert seen["stream"] == "EncryptedSpool"
    assert seen["content"] == body
    assert seen["on_disk"] and marker not in seen["on_disk"]


@contextmanager
def public_endpoint(endpoint: str, method: str):
    """Let a test-only route through the deny-by-default policy for the length of one test."""
    permissions.ENDPOINT_POLICY[endpoint] = {method: permissions.PUBLIC}
    try:
        yield
    finally:
        del permissions.ENDPOINT_POLICY[endpoint]


def _open_file_bytes(directory: Path):
    """The bytes of every file this process holds open under ``directory`` (unlinked temp files too)."""
    for fd_link in Path("/proc/self/fd").iterdir():
        try:
            target = fd_link.readlink()
        except OSError:
            continue
        if str(target).startswith(str(directory)):
            with open(fd_link, "rb") as handle:
                yield handle.read()


def test_log_lines_never_carry_key_material(app, org_a, caplog):  # CRY-04
    with caplog.at_level(logging.DEBUG):
        make_case(app, org_a)
        run(app, "keys", "check")
    logged = caplog.text + json.dumps([vars(record) for record in caplog.records], default=str)
    for secret in (TEST_KEK, TEST_INDEX_SECRET):
        assert secret not in logged


# The backup and restore drill (DATA-04) is tests/integration/test_backup_restore.py: `flask backup` and
# `flask restore`, on SQLite and PostgreSQL.
