"""Backups and restores of the database and the encrypted file store — never the keys (DATA-04).

A backup is a new directory::

    manifest.json         what is inside, with a SHA-256 per file, and which keys the data needs
    database.sqlite3      SQLite: a copy made with SQLite's online backup API
    database.pgdump       PostgreSQL: ``pg_dump --format=custom``
    store/files/<uuid>    the encrypted evidence files, as stored (ciphertext)

The file store is read and written through ``EncryptedStore``, so a backup carries a bucket's objects
(FILE_STORE_URL=s3://…) as it carries a folder's files, and restores into either: the bytes are the same.

Everything in it is ciphertext or wrapped keys, and clear columns (references, stages, dates). The
key-encryption keys, the blind-index secret and ``CASEAPP_KEKS`` never go in: a backup plus the keys
is everything, so the two are kept apart and the keys backed up separately (README "Backups and
restore"). The manifest names the key ids the data needs and holds each key's canary (a known value
encrypted under it, as in the database), so a restore can tell a missing or wrong key at once.

Consistency. The database is copied first, as one snapshot (SQLite's backup API copies every page in
one step under a read transaction, so WAL writers carry on; PostgreSQL: pg_dump runs inside a snapshot
exported by a read-only REPEATABLE READ transaction, in which the document list is read too). Only
then are the files copied — exactly the files the snapshot's ``documents`` rows name, no more:

* a file uploaded after the snapshot has no row in the backup; it is not copied (and if it were, it
  would be an orphan that ``flask store sweep`` removes after a restore);
* a file whose case was shredded after the snapshot is the risk: its row is in the backup but the file
  may be gone by the time it is copied. It is listed under ``missing_files`` in the manifest and the
  command exits non-zero, so the operator runs the backup again. A file committed but not yet moved
  out of ``incoming/`` (a crash between the commit and the move) is copied from there (``open_stored``).

Files are copied by streaming, with no decryption and no keys. Directories are 0700, files 0600.
"""

import base64
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 — pg_dump/pg_restore, argument lists only, never a shell
import tomllib
from collections.abc import Callable, Iterable
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy import Engine, inspect, literal, select, table
from sqlalchemy.engine import URL

from caseapp.core.files import COPY_CHUNK, EncryptedStore, fsync_directory, write_private
from caseapp.crypto import Keyring
from caseapp.crypto.keyring import canary_matches

FORMAT = "caseapp-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
FILES_PREFIX = "store/files/"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Tables a new, migrated instance may hold rows in before a restore: the schema version, and the
# canary a first start wrote for its own key (the backup brings the database's canaries).
RESTORE_IGNORED_TABLES = frozenset({"alembic_version", "kek_canaries"})

KEYS_NOTE = ("The keys are NOT in this backup: restore the key-encryption keys (instance/keys/*.kek, or "
             "CASEAPP_KEKS) and the blind-index secret (instance/keys/index.secret, or CASEAPP_INDEX_SECRET) "
             "from their separate backup.")
RESTORE_KEYS_ADVICE = "restore the keys from your separate key backup to instance/keys (or CASEAPP_KEKS)"

Progress = Callable[..., object]  # click.progressbar: progress(length=…, label=…) -> context with .update(n)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do, and holds no data."""


@dataclass
class Snapshot:
    """What the database copy holds, read from the copy itself (or inside the exported snapshot)."""

    revision: str | None
    cases: int
    documents: list[UUID]
    kek_ids: list[str]
    canaries: dict[str, str]  # kek_id -> base64 of the canary ciphertext


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    missing_files: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: dict
    kind: str
    files: int


def database_kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def app_version() -> str:
    try:
        with open(PROJECT_ROOT / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# --- files ----------------------------------------------------------------------------------------


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_private(source: Path, dest: Path) -> tuple[str, int]:
    """Copy ``source`` to a new file ``dest`` (mode 0600, fsync'd); returns the SHA-256 and size of
    the bytes written. Leaves nothing behind on error."""
    with open(source, "rb") as src:
        return write_private(src, dest)


def _create_private_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2, sort_keys=True)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _bar(progress: Progress | None, length: int, label: str):
    return progress(length=length, label=label) if progress else nullcontext()


# --- PostgreSQL client programs -------------------------------------------------------------------


def libpq_connection(url: URL) -> tuple[str, dict[str, str]]:
    """The database URL as a libpq connection URI without the password, and the environment that
    carries the password (PGPASSWORD), so it shows in no command line."""
    dsn = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                     query=url.query).render_as_string(hide_password=False)
    env = {"PGPASSWORD": str(url.password)} if url.password is not None else {}
    return dsn, env


def client_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client programs of the server's major "
                          "version or later (Debian: apt-get install postgresql-client)")
    return path


def _run_client(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 — an argument list with our own options; no shell
        argv, env={**os.environ, **env}, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip()[-2000:] or f"exit status {result.returncode}"
        raise BackupError(f"{Path(argv[0]).name} failed: {detail}")


# --- reading a snapshot ---------------------------------------------------------------------------


def _snapshot(fetch: Callable[[str], list], has_table: Callable[[str], bool]) -> Snapshot:
    revision = None
    if has_table("alembic_version"):
        revision = ",".join(sorted(str(row[0]) for row in fetch("SELECT version_num FROM alembic_version"))) or None
    return Snapshot(
        revision=revision,
        cases=int(fetch("SELECT count(*) FROM cases")[0][0]),
        documents=sorted(UUID(str(row[0])) for row in fetch("SELECT uuid FROM documents")),
        kek_ids=sorted(str(row[0]) for row in fetch("SELECT DISTINCT kek_id FROM data_keys")),
        canaries={str(row[0]): base64.b64encode(bytes(row[1])).decode()
                  for row in fetch("SELECT kek_id, ciphertext FROM kek_canaries")},
    )


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("the SQLite database must be a file (sqlite:////path/to/file)")
    return Path(database).resolve()


def _backup_sqlite(engine: Engine, dest: Path, busy_timeout_ms: int) -> Snapshot:
    source_path = _sqlite_path(engine)
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}")
    _create_private_file(dest)
    with closing(sqlite3.connect(source_path, timeout=busy_timeout_ms / 1000)) as source, \
            closing(sqlite3.connect(dest)) as copy:
        source.backup(copy)  # every page in one step: one consistent read snapshot, writers not blocked (WAL)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    with closing(sqlite3.connect(f"{dest.as_uri()}?mode=ro", uri=True)) as copy:
        integrity = copy.execute("PRAGMA quick_check").fetchone()[0]
        if integrity != "ok":
            raise BackupError(f"the database copy fails SQLite's quick_check: {integrity}")

        def has_table(name: str) -> bool:
            found = copy.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
            return found.fetchone() is not None

        return _snapshot(lambda sql: copy.execute(sql).fetchall(), has_table)


def _backup_postgresql(engine: Engine, dest: Path) -> Snapshot:
    pg_dump = client_program("pg_dump")
    dsn, env = libpq_connection(engine.url)
    _create_private_file(dest)  # pg_dump truncates it and keeps the mode
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            snapshot_id = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            inspector = inspect(connection)
            snapshot = _snapshot(lambda sql: connection.exec_driver_sql(sql).all(), inspector.has_table)
            # pg_dump sees exactly what this transaction sees, while it stays open.
            _run_client([pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={dest}",
                         f"--dbname={dsn}"], env)
    dest.chmod(0o600)
    return snapshot


# --- backup ---------------------------------------------------------------------------------------


def _prepare_target(target: Path, protected: Iterable[Path]) -> bool:
    """Make ``target`` a new private directory; True when it was created here."""
    target = target.resolve()
    for place in protected:
        place = Path(place).resolve()
        if target == place or target.is_relative_to(place):
            raise BackupError(f"{target} is inside {place}: write backups elsewhere")
    if target.exists():
        if not target.is_dir():
            raise BackupError(f"{target} exists and is not a directory")
        if any(target.iterdir()):
            raise BackupError(f"{target} is not empty: give a new directory for each backup")
        target.chmod(0o700)
        return False
    _private_dir(target)
    return True


def _clear(target: Path, created: bool) -> None:
    if created:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _copy_files(store: EncryptedStore, documents: list[UUID], target: Path, progress: Progress | None):
    files_dir = target / FILES_PREFIX
    _private_dir(target / "store")
    _private_dir(files_dir)
    copied, missing = [], []
    with _bar(progress, len(documents), "Copying encrypted files") as bar:
        for file_id in documents:
            try:
                with store.open_stored(file_id) as source:
                    digest, size = write_private(source, files_dir / str(file_id))
            except FileNotFoundError:
                missing.append(str(file_id))  # shredded after the snapshot, or lost before it
            else:
                copied.append({"path": f"{FILES_PREFIX}{file_id}", "sha256": digest, "size": size})
            if progress:
                bar.update(1)
    fsync_directory(files_dir)
    return copied, missing


def create_backup(engine: Engine, store: EncryptedStore, target: Path, *, protected: Iterable[Path] = (),
                  busy_timeout_ms: int = 5000, progress: Progress | None = None) -> BackupResult:
    """Write a backup into the new (or empty) directory ``target``: the database first, then the files
    its snapshot references, then the manifest. ``protected`` are places a backup must not go into
    (the file store, the keys). On error the partial backup is removed."""
    kind = database_kind(engine)
    target = Path(target).resolve()
    created = _prepare_target(target, protected)
    try:
        database_file = target / DATABASE_FILES[kind]
        started = datetime.now(UTC)
        if kind == "sqlite":
            snapshot = _backup_sqlite(engine, database_file, busy_timeout_ms)
        else:
            snapshot = _backup_postgresql(engine, database_file)
        database_sha, database_size = sha256_file(database_file)
        copied, missing = _copy_files(store, snapshot.documents, target, progress)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": started.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "app_version": app_version(),
            "alembic_revision": snapshot.revision,
            "database": {"kind": kind, "file": database_file.name, "sha256": database_sha, "size": database_size},
            "counts": {"cases": snapshot.cases, "documents": len(snapshot.documents), "files": len(copied)},
            "files": copied,
            "missing_files": missing,
            "keys": {
                "included": False,
                "kek_ids": snapshot.kek_ids,
                "canaries": snapshot.canaries,
                "blind_index_secret": "needed for search; not included",
                "note": KEYS_NOTE,
            },
        }
        _write_json(target / MANIFEST, manifest)
        fsync_directory(target)
    except BaseException:
        _clear(target, created)
        raise
    return BackupResult(target, manifest, missing)


# --- restore --------------------------------------------------------------------------------------

_FILE_ENTRY = re.compile(r"^store/files/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{path} is missing: not a backup, or an unfinished one") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a {FORMAT} manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"backup format version {manifest.get('format_version')!r} is not supported "
                          f"(this version reads {FORMAT_VERSION})")
    database = manifest.get("database") or {}
    if database.get("kind") not in DATABASE_FILES or database.get("file") != DATABASE_FILES[database.get("kind")]:
        raise BackupError(f"{path}: unknown database entry")
    for entry in manifest.get("files", []):
        if not _FILE_ENTRY.match(str(entry.get("path"))) or not re.fullmatch(r"[0-9a-f]{64}", str(entry.get("sha256"))):
            raise BackupError(f"{path}: unexpected file entry {entry.get('path')!r}")
    return manifest


def verify_backup(source: Path, manifest: dict, progress: Progress | None = None) -> None:
    """Every file the manifest lists is present with its SHA-256; raises BackupError naming the others."""
    source = Path(source)
    entries = [(manifest["database"]["file"], manifest["database"]["sha256"])]
    entries += [(entry["path"], entry["sha256"]) for entry in manifest["files"]]
    bad = []
    with _bar(progress, len(entries), "Verifying the backup") as bar:
        for relative, expected in entries:
            try:
                digest, _size = sha256_file(source / relative)
            except FileNotFoundError:
                bad.append(f"{relative} is missing")
            else:
                if digest != expected:
                    bad.append(f"{relative} does not match its SHA-256")
            if progress:
                bar.update(1)
    if bad:
        shown = "; ".join(bad[:10]) + (f"; and {len(bad) - 10} more" if len(bad) > 10 else "")
        raise BackupError(f"the backup is damaged: {shown}")


def instance_contents(engine: Engine, store: EncryptedStore) -> list[str]:
    """What makes this instance not empty: tables with rows, files in the store (stored or incoming)."""
    found, with_rows = [], []
    names = sorted(set(inspect(engine).get_table_names()) - RESTORE_IGNORED_TABLES)
    with engine.connect() as connection:
        for name in names:
            if connection.execute(select(literal(1)).select_from(table(name)).limit(1)).first() is not None:
                with_rows.append(name)
    if with_rows:
        found.append(f"tables with rows: {', '.join(with_rows)}")
    if store.stored_ids() or store.incoming_ids():
        found.append(f"the file store {store.location} holds files")
    return found


def _current_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return ",".join(sorted(str(row[0]) for row in rows)) or None


def _restore_sqlite(engine: Engine, backup_file: Path, expected_sha: str) -> None:
    db_path = _sqlite_path(engine)
    _private_dir(db_path.parent)
    tmp = db_path.with_name(db_path.name + ".restoring")
    tmp.unlink(missing_ok=True)
    digest, _size = _copy_private(backup_file, tmp)
    if digest != expected_sha:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"{backup_file} changed while it was copied")
    for suffix in ("-wal", "-shm", "-journal"):  # the empty database's own journal files
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, db_path)
    fsync_directory(db_path.parent)


def _restore_postgresql(engine: Engine, dump: Path) -> None:
    pg_restore = client_program("pg_restore")
    dsn, env = libpq_connection(engine.url)
    # --clean --if-exists replaces the empty tables of a migrated schema; one transaction, so a failure
    # leaves the database as it was.
    _run_client([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                 "--exit-on-error", f"--dbname={dsn}", str(dump)], env)


def _restore_files(store: EncryptedStore, source: Path, manifest: dict, progress: Progress | None) -> int:
    """Write each file of the backup as a stored file; the SHA-256 of the bytes sent must be the manifest's
    (the backup was verified just before: a mismatch here is the backup changing under the restore)."""
    entries = manifest["files"]
    with _bar(progress, len(entries), "Restoring encrypted files") as bar:
        for entry in entries:
            file_id = UUID(_FILE_ENTRY.match(entry["path"]).group(1))
            with open(source / entry["path"], "rb") as src:
                digest, _size = store.put_stored(file_id, src)
            if digest != entry["sha256"]:
                store.remove(file_id)
                raise BackupError(f"{entry['path']} does not match its SHA-256 after copying")
            if progress:
                bar.update(1)
    return len(entries)


def empty_instance_advice(kind: str) -> str:
    if kind == "sqlite":
        return ("To start afresh: stop the app, point CASEAPP_INSTANCE_PATH at a new directory (or move instance/ "
                "aside, keeping instance/keys and instance/config.py), then run `flask restore` again.")
    return ("To start afresh: stop the app, create a new empty PostgreSQL database and set DATABASE_URL to it, use "
            "an empty file store (a new instance directory or CASEAPP_FILE_STORE_DIR, or a new bucket or prefix in "
            "FILE_STORE_URL), then run `flask restore` again.")


def restore_backup(engine: Engine, store: EncryptedStore, source: Path, *,
                   progress: Progress | None = None) -> RestoreResult:
    """Restore the backup at ``source`` into this empty instance: check, verify, restore the database,
    then the files. The caller closes its sessions first; the engine's pool is emptied here."""
    source = Path(source).resolve()
    manifest = read_manifest(source)
    kind = database_kind(engine)
    if manifest["database"]["kind"] != kind:
        raise BackupError(f"this is a {manifest['database']['kind']} backup and the instance uses {kind}: "
                          "restore into an instance of the same kind")
    in_the_way = instance_contents(engine, store)
    if in_the_way:
        raise BackupError("restore only into an empty instance; this one is not ("
                          + "; ".join(in_the_way) + "). " + empty_instance_advice(kind))
    if kind == "postgresql":
        current, wanted = _current_revision(engine), manifest.get("alembic_revision")
        if current and wanted and current != wanted:
            raise BackupError(f"the database schema is at revision {current} and the backup at {wanted}: restore "
                              "into an unmigrated empty database (or run `flask db downgrade base` on this empty "
                              "one), then run `flask db upgrade` after the restore")
    verify_backup(source, manifest, progress)
    engine.dispose()
    database_file = source / manifest["database"]["file"]
    if kind == "sqlite":
        _restore_sqlite(engine, database_file, manifest["database"]["sha256"])
    else:
        _restore_postgresql(engine, database_file)  # one transaction: on failure the database is unchanged
    engine.dispose()
    try:
        files = _restore_files(store, source, manifest, progress)
    except (BackupError, OSError) as exc:
        raise BackupError(f"{exc} — the database is restored but the files are not, so this instance is now "
                          f"partly restored. {empty_instance_advice(kind)}") from exc
    return RestoreResult(manifest, kind, files)


def key_problems(manifest: dict, keyring: Keyring) -> list[str]:
    """Keys the backup's data needs that are not loaded, and loaded keys that are not the backup's
    (their canary does not decrypt). Empty when the loaded keys fit."""
    loaded = {kek_id for kek_id, _key in keyring.keys}
    keys = manifest.get("keys", {})
    problems = [f"key {kek_id} wraps data in the backup but is not loaded"
                for kek_id in keys.get("kek_ids", []) if kek_id not in loaded]
    for kek_id, canary in sorted(keys.get("canaries", {}).items()):
        if kek_id in loaded and not canary_matches(keyring, kek_id, base64.b64decode(canary)):
            problems.append(f"key {kek_id}: the loaded key does not decrypt the backup's canary (wrong key)")
    return problems
