"""Command line for the data's life cycle: ``flask backup``, ``flask restore`` and ``flask retention run``
(README "Backups and restore", "Retention"; DATA-02, DATA-04). Registered by ``caseapp.cli.register_cli``.

``backup`` and ``restore`` are key-less commands (``caseapp.KEYLESS_COMMANDS``): a backup copies
ciphertext and needs no key, and a restore must work before the keys are back, then says so.
"""

import logging
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from caseapp import runtime
from caseapp.database import writing
from caseapp.domain.retention import check_days
from caseapp.extensions import db
from caseapp.models.base import utcnow
from caseapp.services import audit, integrity, retention
from caseapp.services import backup as backups

log = logging.getLogger("caseapp.lifecycle")

retention_cli = AppGroup("retention", help="Crypto-shred declined reports after the retention period (DATA-02).")


def register_lifecycle_cli(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(retention_cli)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- backup and restore ---------------------------------------------------------------------------


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Back up the database and the encrypted file store into the new directory PATH — never the keys.

    The database is copied first (SQLite backup API, or pg_dump for PostgreSQL), then the files its
    copy references, then PATH/manifest.json with a SHA-256 per file. Keep the keys (instance/keys, or
    CASEAPP_KEKS and CASEAPP_INDEX_SECRET) in a separate backup: without them this one cannot be read."""
    store = runtime.file_store()
    db.session.remove()
    try:
        result = backups.create_backup(
            db.engine, store, path, protected=(store.root, Path(current_app.config["KEYS_DIR"])),
            busy_timeout_ms=current_app.config["SQLITE_BUSY_TIMEOUT_MS"], progress=click.progressbar,
        )
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = result.manifest
    counts = manifest["counts"]
    log.info("backup.created", extra={"database": manifest["database"]["kind"], "cases": counts["cases"],
                                      "files": counts["files"], "missing_files": len(result.missing_files)})
    kind = backups.DATABASE_NAMES[manifest["database"]["kind"]]
    click.echo(f"Backed up the {kind} database ({_plural(counts['cases'], 'case')}, "
               f"{_plural(counts['documents'], 'document')}) and {_plural(counts['files'], 'encrypted file')} "
               f"to {result.path}.")
    kek_ids = ", ".join(manifest["keys"]["kek_ids"]) or "none yet"
    click.echo(f"The keys are not in it (key-encryption keys needed: {kek_ids}; and the blind-index secret). "
               "Keep them in a separate backup: copy instance/keys (or CASEAPP_KEKS and CASEAPP_INDEX_SECRET) to "
               "offline media or a password manager.")
    _audit("backup_created", result.path)
    if result.missing_files:
        click.echo(f"FAIL {_plural(len(result.missing_files), 'file')} named by the database copy were not in the "
                   "store (a case shredded while the backup ran, or files lost before it): run `flask keys check`, "
                   "then make a new backup into a new directory.", err=True)
        raise SystemExit(1)


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore the backup in PATH into this empty instance (an empty database, unmigrated or migrated,
    and an empty file store), verify every file against the manifest, then check that the loaded keys
    decrypt everything, as `flask keys check` does. Non-zero exit on any failure. Restore the keys
    first, and stop the app."""
    store = runtime.file_store()
    db.session.remove()
    try:
        result = backups.restore_backup(db.engine, store, path, progress=click.progressbar)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = result.manifest
    counts = manifest["counts"]
    log.info("backup.restored", extra={"database": result.kind, "cases": counts["cases"], "files": result.files})
    click.echo(f"Restored the {backups.DATABASE_NAMES[result.kind]} database ({_plural(counts['cases'], 'case')}, "
               f"{_plural(counts['documents'], 'document')}) and {_plural(result.files, 'encrypted file')} from the "
               f"backup made {manifest['created_at']} (version {manifest.get('app_version')}); every file matches "
               "the manifest.")
    if manifest.get("missing_files"):
        click.echo(f"WARN the backup lacks {_plural(len(manifest['missing_files']), 'file')} that were missing "
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
    manifest_sha, _size = backups.sha256_file(Path(backup_dir) / backups.MANIFEST)
    with writing():
        audit.record(db.session, action=action, target_type="backup", target_id=manifest_sha)
        db.session.commit()


def _keys_advice(reason: str) -> NoReturn:
    click.echo(f"FAIL {reason}", err=True)
    click.echo(f"The data is restored but cannot be read with the keys loaded now: {backups.RESTORE_KEYS_ADVICE}, "
               "with the blind-index secret (index.secret, or CASEAPP_INDEX_SECRET), then run `flask keys check`.",
               err=True)
    raise SystemExit(1)


def _check_restored_keys(manifest: dict, store) -> None:
    try:
        keyring = runtime.keyring()
    except runtime.KeysNotLoadedError:
        _keys_advice("no key-encryption key is loaded")  # never `flask keys init`: a new key reads nothing
    problems = backups.key_problems(manifest, keyring)
    if problems:
        _keys_advice("; ".join(problems))
    report = integrity.check_everything(db.session, keyring, store, progress=click.progressbar)
    db.session.rollback()
    from caseapp.cli import print_integrity_report  # cli.py imports this module to register its commands

    print_integrity_report(report)


def _schema_is_current(revision: str | None) -> bool:
    """Whether the restored schema is this code's (an unknown revision counts as current: a database
    made without migrations, as in the tests)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_current_head()
    return revision is None or revision == head


# --- retention (DATA-02) --------------------------------------------------------------------------


@retention_cli.command("run")
@click.option("--apply", "apply_changes", is_flag=True, help="Crypto-shred them; without it, only list them.")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep declined reports this many days (default: the RETENTION_DAYS setting).")
def run_retention(apply_changes: bool, days: int | None) -> None:
    """List declined reports declined more than RETENTION_DAYS days ago (default 365) and, with --apply,
    crypto-shred each one in a transaction of its own: its data key, rows and files (CRY-06). The decline
    date is the report's latest move to 'declined' (or its last change, when the timeline has none)."""
    if days is None:
        try:
            days = check_days(current_app.config["RETENTION_DAYS"])
        except ValueError as exc:
            raise click.ClickException(f"RETENTION_DAYS: {exc}") from exc
    today = utcnow().date()
    found = retention.expired_reports(db.session, today=today, days=days)
    db.session.rollback()
    if not found:
        click.echo(f"No declined report is older than {days} days.")
        return
    if not apply_changes:
        width = max(14, *(len(report.label) for report in found))
        click.echo(f"{'REFERENCE'.ljust(width)}  {'DECLINED ON':<11}  AGE (DAYS)")
        for report in found:
            click.echo(f"{report.label.ljust(width)}  {report.declined_on.isoformat():<11}  {report.age_days}")
        click.echo(f"{_plural(len(found), 'declined report')} older than {days} days would be crypto-shredded.")
        click.echo("dry run: nothing deleted; run with --apply")
        return
    store = runtime.file_store()
    shredded, skipped, failed = [], 0, []
    with click.progressbar(found, label="Crypto-shredding") as bar:
        for report in bar:
            try:
                with writing():
                    done = retention.shred_if_expired(db.session, store, report.case_id, today=today, days=days)
                    db.session.commit()
            except Exception:  # one report's failure must not stop (or undo) the others
                db.session.rollback()
                log.exception("retention.shred_failed", extra={"case": str(report.uuid)})
                failed.append(report)
                continue
            if done:
                shredded.append(report)
                log.info("retention.case_shredded", extra={"case": str(report.uuid), "declined_on":
                                                            report.declined_on.isoformat(), "days": days})
            else:
                skipped += 1
    log.info("retention.run", extra={"days": days, "shredded": len(shredded), "skipped": skipped,
                                     "failed": len(failed)})
    with writing():
        audit.record(db.session, action="retention_applied")
        db.session.commit()
    for report in failed:
        click.echo(f"FAIL {report.label}: not shredded (see the log); run again.", err=True)
    click.echo(f"Crypto-shredded {_plural(len(shredded), 'declined report')} older than {days} days"
               + (f"; {skipped} no longer declined or expired, left alone" if skipped else "")
               + (f"; {len(failed)} failed" if failed else "") + ".")
    if failed:
        raise SystemExit(1)
