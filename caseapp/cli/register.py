"""``flask states``: the OP-ICESCR States register (seeded from caseapp/data; admins correct it)."""

import click
from flask.cli import AppGroup

from caseapp.cli.common import fail, keyless
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.services import audit, register

command = AppGroup("states", help="The OP-ICESCR States register (seeded from caseapp/data; admins correct it).")


@command.command("seed")
@keyless
def seed_states() -> None:
    """Load the shipped register (caseapp/data, as of 1 February 2024) into the database. Idempotent:
    only States not yet in the table are added; admins' additions and corrections are never overwritten."""
    with writing():
        result = register.seed_shipped(db.session)
        if result.added or result.check_added:
            audit.record(db.session, action="register_seeded", target_type="register")
        db.session.commit()
    if result.parties:
        click.echo(f"Added {len(result.parties)} parties: {', '.join(result.parties)}.")
    if result.signatories:
        click.echo(f"Added {len(result.signatories)} signatories: {', '.join(result.signatories)}.")
    if result.check_added:
        check = register.latest_check(db.session)
        click.echo(f"Recorded the register as of {check.as_of.isoformat()} (source: {check.source}; "
                   f"{check.reported_parties} parties reported).")
    if not result.added and not result.check_added:
        click.echo("The States register is already seeded; nothing added.")


@command.command("list")
@keyless
def list_states() -> None:
    """List the register: code, name, listing, entry into force and how far each entry is verified."""
    try:
        loaded = register.load_register(db.session)
    except register.RegisterNotSeededError as exc:
        fail(str(exc))
    reported = f" of {loaded.reported_parties} reported" if loaded.reported_parties is not None else ""
    click.echo(f"As of {loaded.as_of.isoformat()} (source: {loaded.source}): "
               f"{len(loaded.parties)}{reported} parties, {len(loaded.signatories)} signatories.")
    rows = [(r, "party") for r in loaded.parties] + [(r, "signatory") for r in loaded.signatories]
    width = max((len(record.name) for record, _listing in rows), default=4)
    click.echo(f"CODE  {'NAME'.ljust(width)}  {'LISTING':<9}  {'ENTRY INTO FORCE':<24}  VERIFIED")
    for record, listing in rows:
        if record.entry_into_force is None:
            eif = "unknown" if listing == "party" else "-"
        else:
            eif = record.entry_into_force.isoformat() + ("" if record.eif_verified else " (unconfirmed)")
        click.echo(f"{record.iso2:<4}  {record.name.ljust(width)}  {listing:<9}  {eif:<24}  {record.verified}")
