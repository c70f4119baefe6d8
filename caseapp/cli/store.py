"""``flask store``: the encrypted file store."""

import logging
from pathlib import Path
from uuid import UUID

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.cli.common import fail, keyless, plural
from caseapp.core import resources
from caseapp.core.extensions import db
from caseapp.core.files import CopyMismatchError, FileStore, copy_stored
from caseapp.models import Case, Document

log = logging.getLogger("caseapp.cli.store")
MIB = 1024 * 1024

command = AppGroup("store", help="Maintain the encrypted file store.")
# ``flask files sweep`` is the name issue 22 gave the orphan sweep (a contract, like every command name): the same
# command under a second group, so cron lines written with either name work.
files_command = AppGroup("files", help="Maintain the encrypted file store (the same commands as `flask store`).")


@command.command("sweep")
@click.option("--grace-minutes", default=60, show_default=True, help="Leave incoming files younger than this alone.")
@keyless
def sweep_store(grace_minutes: int) -> None:
    """Remove stored files with no database row (shredded cases) and finish or undo interrupted uploads.
    Rows whose file is gone are listed and kept (exit 1): only a backup can bring the file back (REL-03).
    Nothing is decrypted: it needs no keys."""
    known = set(db.session.execute(select(Document.uuid)).scalars())
    store = resources.file_store()
    counts = store.sweep(known, grace_seconds=grace_minutes * 60)
    click.echo(f"Promoted {counts['promoted']}, discarded {counts['discarded']} incoming, "
               f"removed {counts['removed']} orphaned files.")
    missing = store.missing_ids(known)
    if not missing:
        return
    references = _references(missing)
    for document_uuid in _by_reference(missing, references):
        click.echo(f"FAIL document {document_uuid} ({references[document_uuid]}): its file is missing; the record "
                   "was kept", err=True)
    click.echo(f"{len(missing)} document records have no file: copy store/files/<id> back from a backup made by "
               "`flask backup`, then run `flask keys check`.", err=True)
    raise SystemExit(1)


@command.command("move-to-bucket")
@click.option("--from", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The local store's folder (the one holding files/ and incoming/).  [default: FILE_STORE_DIR]")
@keyless
def move_to_bucket(folder: Path | None) -> None:
    """Copy every stored file of a local folder store that has a database row into the S3 bucket of
    FILE_STORE_URL, and read each object back to check it holds the same bytes. The ciphertext is copied
    as it is: it needs no keys. Resumable: an object already in the bucket with the same SHA-256 and size
    is skipped, one that differs is written again. Nothing in the folder is deleted. Exit 1 on any failure.

    Reads each local file once, each object it writes once more, and each object the bucket already
    held once. Stop the app and run `flask store sweep` (with the folder still configured) first."""
    from caseapp.core.object_store import S3Store  # boto3 is imported only where a bucket is used

    target = resources.file_store()
    if not isinstance(target, S3Store):
        fail("FILE_STORE_URL is not set to an s3:// bucket, so there is nowhere to move the files: set "
             "FILE_STORE_URL=s3://bucket/prefix with S3_ENDPOINT_URL, S3_REGION and the credentials for this "
             "command (README \"Files in an S3 bucket\")")
    source = FileStore(folder or Path(current_app.config["FILE_STORE_DIR"]))
    if not source.files_dir.is_dir():
        fail(f"{source.files_dir} does not exist: give the local store's folder with --from (it holds files/)")
    references = _references()
    known = set(references)
    db.session.rollback()  # nothing more to read: no transaction held open for the whole copy
    local, incoming = source.stored_ids(), source.incoming_ids()
    click.echo(f"Moving the encrypted files of {source.root} into {target.location}.")

    for file_id in sorted(local - known):
        click.echo(f"ORPHAN {file_id}: no database row; left in the folder (`flask store sweep` removes it)")
    waiting = incoming - local
    if waiting:
        click.echo(f"Not moved: {plural(len(waiting), 'file')} in incoming/ (uploads a crash interrupted): run "
                   "`flask store sweep` with the folder still configured (FILE_STORE_URL unset) first, then run this "
                   "again.")
    failed = 0
    for file_id in _by_reference(known - local, references):
        where = "waits in incoming/ (run `flask store sweep` first)" if file_id in waiting else "is missing"
        click.echo(f"FAIL document {file_id} ({references[file_id]}): its file {where}; nothing moved", err=True)
        failed += 1

    to_move = sorted(local & known)
    try:
        listed = target.stored_ids()  # one listing, so only files already there are read back before the copy
    except OSError as exc:
        fail(f"the bucket {target.location} cannot be listed ({_reason(exc)}): {target.settings_hint}")
    counts = {"moved": 0, "rewritten": 0, "already there": 0}
    sizes = dict.fromkeys(counts, 0)
    total = sum(_local_size(source, file_id) for file_id in to_move)
    with click.progressbar(length=total, label="Copying encrypted files") as bar:
        for file_id in to_move:
            try:
                outcome, size = copy_stored(source, target, file_id, in_target=file_id in listed)
            except (OSError, CopyMismatchError) as exc:
                failed += 1
                click.echo(f"\nFAIL document {file_id} ({references[file_id]}): {_reason(exc)}; the local file was "
                           "kept", err=True)
                bar.update(_local_size(source, file_id))
                continue
            counts[outcome] += 1
            sizes[outcome] += size
            bar.update(size)

    moved, moved_bytes = counts["moved"] + counts["rewritten"], sizes["moved"] + sizes["rewritten"]
    log.info("store.moved", extra={"moved": moved, "rewritten": counts["rewritten"],
                                   "already_there": counts["already there"], "failed": failed,
                                   "orphans": len(local - known), "incoming": len(waiting), "bytes": moved_bytes})
    rewritten = f" ({counts['rewritten']} rewritten: the bucket held other bytes)" if counts["rewritten"] else ""
    click.echo(f"Moved {plural(moved, 'file')} ({_mib(moved_bytes)}){rewritten}, "
               f"{counts['already there']} already there ({_mib(sizes['already there'])}), {failed} failed.")
    if failed:
        click.echo(f"{plural(failed, 'document')} not in the bucket: fix what the FAIL lines say and run this "
                   "command again; it copies only what is missing or different. Keep the folder and FILE_STORE_DIR "
                   "meanwhile.", err=True)
        raise SystemExit(1)
    click.echo(f"Every file is in the bucket and was read back: SHA-256 and size match the local file. "
               f"Nothing was deleted from {source.root}. Start the app with FILE_STORE_URL set and run "
               "`flask keys check`; once it passes and a new `flask backup` has been made, the folder can be "
               "removed.")


def _references(file_ids: set[UUID] | None = None) -> dict[UUID, str]:
    """The case reference of each document (``draft`` before it has one), for the FAIL lines; every
    document's when ``file_ids`` is None (one query, rather than an IN list as long as the store)."""
    query = select(Document.uuid, Case.reference).join(Case, Case.id == Document.case_id)
    if file_ids is not None:
        query = query.where(Document.uuid.in_(file_ids))
    return {document_uuid: reference or "draft" for document_uuid, reference in db.session.execute(query)}


def _by_reference(file_ids: set[UUID], references: dict[UUID, str]) -> list[UUID]:
    return sorted(file_ids, key=lambda file_id: (references[file_id], str(file_id)))


def _local_size(store: FileStore, file_id: UUID) -> int:
    try:
        return store.path(file_id).stat().st_size
    except FileNotFoundError:
        return 0


def _reason(exc: Exception) -> str:
    """What went wrong, for an operator: an S3 error code and operation, or the local error; no credential."""
    if not isinstance(exc, OSError):
        return str(exc)
    reason = exc.strerror or type(exc).__name__
    return f"{reason} ({exc.filename})" if exc.filename else reason


def _mib(size: int) -> str:
    """A size as an operator reads it: MiB, or KiB under one MiB (a few small files are not "0.0 MiB")."""
    return f"{size / MIB:.1f} MiB" if size >= MIB else f"{size / 1024:.1f} KiB"


files_command.add_command(sweep_store)
files_command.add_command(move_to_bucket)
