"""``flask backup`` and ``flask restore`` (README "Backups and restore"; DATA-04).

Both are keyless: a backup copies ciphertext and needs no key, and a restore must work before the keys
are back, then says so."""

import logging
from pathlib import Path
from typing import NoReturn

import click
from alembic.script import ScriptDirectory
from flask import current_app

from caseapp.cli.common import keyless, plural, print_integrity_report
from caseapp.core import resources
from caseapp.core.backup import (
    DATABASE_NAMES,
    MANIFEST,
    RESTORE_KEYS_ADVICE,
    BackupError,
    create_backup,
    key_problems,
    restore_backup,
    sha256_file,
)
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.core.files import EncryptedStore, FileStore
from caseapp.services import audit, integrity

log = logging.getLogger("caseapp.cli.backup")


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@keyless
def backup_command(path: Path) -> None:
    """Back up the database and the encrypted file store into the new directory PATH — never the keys.

    The database is copied first (SQLite backup API, or pg_dump for PostgreSQL), then the files its
    copy references, then PATH/manifest.json with a SHA-256 per file. Keep the keys (instance/keys, or
    CASEAPP_KEKS and CASEAPP_INDEX_SECRET) in a separate backup: without them this one cannot be read."""
    store = resources.file_store()
    # A local store's folder is no place for a backup (a bucket is not on this disk).
    protected = (Path(current_app.config["KEYS_DIR"]), *([store.root] if isinstance(store, FileStore) else []))
    db.session.remove()
    try:
        result = create_backup(
            db.engine, store, path, protected=protected,
            busy_timeout_ms=current_app.config["SQLITE_BUSY_TIMEOUT_MS"], progress=click.progressbar,
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = result.manifest
    counts = manifest["counts"]
    log.info("backup.created", extra={"database": manifest["database"]["kind"], "cases": counts["cases"],
                                      "files": counts["files"], "missing_files": len(result.missing_files)})
    kind = DATABASE_NAMES[manifest["database"]["kind"]]
    click.echo(f"Backed up the {kind} database ({plural(counts['cases'], 'case')}, "
               f"{plural(counts['documents'], 'document')}) and {plural(counts['files'], 'encrypted file')} "
               f"to {result.path}.")
    kek_ids = ", ".join(manifest["keys"]["kek_ids"]) or "none yet"
    click.echo(f"The keys are not in it (key-encryption keys needed: {kek_ids}; and the blind-index secret). "
               "Keep them in a separate backup: copy instance/keys (or CASEAPP_KEKS and CASEAPP_INDEX_SECRET) to "
               "offline media or a password manager.")
    _audit("backup_created", result.path)
    if result.missing_files:
        click.echo(f"FAIL {plural(len(result.missing_files), 'file')} named by the database copy were not in the "
                   "store (a case shredded while the backup ran, or files lost before it): run `flask keys check`, "
                   "then make a new backup into a new directory.", err=True)
        raise SystemExit(1)


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@keyless
def restore_command(path: Path) -> None:
    """Restore the backup in PATH into this empty instance (an empty database, unmigrated or migrated,
    and an empty file store), verify every file against the manifest, then check that the loaded keys
    decrypt everything, as `flask keys check` does. Non-zero exit on any failure. Restore the keys
    first, and stop the app."""
    store = resources.file_store()
    db.session.remove()
    try:
        result = restore_backup(db.engine, store, path, progress=click.progressbar)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = result.manifest
    counts = manifest["counts"]
    log.info("backup.restored", extra={"database": result.kind, "cases": counts["cases"], "files": result.files})
    click.echo(f"Restored the {DATABASE_NAMES[result.kind]} database ({plural(counts['cases'], 'case')}, "
               f"{plural(counts['documents'], 'document')}) and {plural(result.files, 'encrypted file')} from the "
               f"backup made {manifest['created_at']} (version {manifest.get('app_version')}); every file matches "
               "the manifest.")
    if manifest.get("missing_files"):
        click.echo(f"WARN the backup lacks {plural(len(manifest['missing_files']), 'file')} that were missing "
                   "when it was made; their documents will not open.", err=True)
    current = _schema_is_current(manifest.get("alembic_revision"))
    if current:
        _audit("backup_restored", path)
    _check_restored_keys(manifest, store)
    if current:
        click.echo("Restore complete.")
    else:
        click.echo(f"The backup's schema is at revision {manifest.get('alembic_revision')}: run `flask db upgrade` "
                   "before starting the app.")


def _audit(action: str, backup_dir: Path) -> None:
    """A ``backup_created``/``backup_restored`` event naming the backup by its manifest's SHA-256."""
    manifest_sha, _size = sha256_file(Path(backup_dir) / MANIFEST)
    with writing():
        audit.record(db.session, action=action, target_type="backup", target_id=manifest_sha)
        db.session.commit()


def _keys_advice(reason: str) -> NoReturn:
    click.echo(f"FAIL {reason}", err=True)
    click.echo(f"The data is restored but cannot be read with the keys loaded now: {RESTORE_KEYS_ADVICE}, "
               "with the blind-index secret (index.secret, or CASEAPP_INDEX_SECRET), then run `flask keys check`.",
               err=True)
    raise SystemExit(1)


def _check_restored_keys(manifest: dict, store: EncryptedStore) -> None:
    try:
        keyring = resources.keyring()
    except resources.KeysNotLoadedError:
        _keys_advice("no key-encryption key is loaded")  # never `flask keys init`: a new key reads nothing
    problems = key_problems(manifest, keyring)
    if problems:
        _keys_advice("; ".join(problems))
    report = integrity.check_everything(db.session, keyring, store, progress=click.progressbar)
    db.session.rollback()
    print_integrity_report(report)


def _schema_is_current(revision: str | None) -> bool:
    """Whether the restored schema is this code's (an unknown revision counts as current: a database
    made without migrations, as in the tests)."""
    head = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_current_head()
    return revision is None or revision == head
