"""``flask store``: the encrypted file store."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.cli.common import keyless
from caseapp.core import resources
from caseapp.core.extensions import db
from caseapp.models import Case, Document

command = AppGroup("store", help="Maintain the encrypted file store.")


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
    rows = db.session.execute(
        select(Document.uuid, Case.reference).join(Case, Case.id == Document.case_id)
        .where(Document.uuid.in_(missing)).order_by(Case.reference, Document.uuid)
    ).all()
    for document_uuid, reference in rows:
        click.echo(f"FAIL document {document_uuid} ({reference or 'draft'}): its file is missing; the record was kept",
                   err=True)
    click.echo(f"{len(rows)} document records have no file: copy store/files/<id> back from a backup made by "
               "`flask backup`, then run `flask keys check`.", err=True)
    raise SystemExit(1)
