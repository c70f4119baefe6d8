"""``flask states``: the States register — the Protocol's parties and signatories and the Covenant statuses
(seeded from caseapp/data; admins correct it; a newer list of parties is imported with its source)."""

from datetime import date

import click
from flask.cli import AppGroup

from caseapp.cli.common import fail, keyless, plural
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.domain.register import (
    ADDED,
    CHANGED,
    ENTRY_FIELDS,
    PARTY,
    REMOVED,
    EntryChange,
    RegisterFileError,
    protocol_entry_into_force,
    read_party_file,
)
from caseapp.models.base import utcnow
from caseapp.services import audit, register

command = AppGroup("states", help="The States register: the Protocol's parties and signatories, the Covenant statuses.")


def _parties(count: int) -> str:
    return "1 party" if count == 1 else f"{count} parties"


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)


@command.command("seed")
@keyless
def seed_states() -> None:
    """Load the shipped register (caseapp/data) into the database: the status of 1 February 2024, then the
    change to that of 3 February 2026, then the Covenant statuses. Idempotent: an admin's additions and
    corrections are never overwritten."""
    with writing():
        result = register.seed_shipped(db.session)
        if result.changed:
            audit.record(db.session, action="register_seeded", target_type="register")
        db.session.commit()
    if result.parties:
        click.echo(f"Added {len(result.parties)} parties: {', '.join(result.parties)}.")
    if result.signatories:
        click.echo(f"Added {len(result.signatories)} signatories: {', '.join(result.signatories)}.")
    if result.check_added:
        first = register.check_history(db.session)[-1]
        click.echo(f"Recorded the register as of {first.after['as_of']} (source: {first.source}; "
                   f"{first.after['reported_parties']} parties reported).")
    for snapshot, changes in result.updates:
        counts = {kind: [change.iso2 for change in changes if change.kind == kind]
                  for kind in (ADDED, CHANGED, REMOVED)}
        described = "; ".join(f"{kind} {len(codes)}" + (f" ({', '.join(codes)})" if codes else "")
                              for kind, codes in counts.items())
        complete = f", complete with {snapshot.reported_parties} parties" if snapshot.complete else ""
        click.echo(f"Updated the register to the shipped status as of {snapshot.as_of.isoformat()} (source: "
                   f"{snapshot.source}{complete}): {described}.")
    if result.kept:
        click.echo(f"Kept as an admin or an import left them: {', '.join(result.kept)}.")
    for snapshot in result.skipped:
        check = register.latest_check(db.session)
        click.echo(f"Not applied: the shipped status as of {snapshot.as_of.isoformat()}, because the register is "
                   f"already as of {check.as_of.isoformat()}; compare it with `flask states import`.")
    if result.covenant:
        covenant = register.latest_check(db.session, "covenant")
        click.echo(f"Added {len(result.covenant)} Covenant statuses as of {covenant.as_of.isoformat()} "
                   f"(source: {covenant.source}).")
    if not result.changed and not result.kept and not result.skipped:
        click.echo("The States register is already seeded; nothing added.")


def _eif_text(record) -> str:
    eif = protocol_entry_into_force(record)
    if eif.day is None:
        return "unknown"
    return eif.day.isoformat() + ("" if eif.certain else " (unconfirmed)")


@command.command("list")
@click.option("--covenant", is_flag=True, help="List every UN member State's status under the Covenant instead.")
@keyless
def list_states(covenant: bool) -> None:
    """List the register: code, name, listing, entry into force and how far each entry is verified (with
    --covenant: each UN member State's status under the Covenant and its dates)."""
    try:
        loaded = register.load_register(db.session)
    except register.RegisterNotSeededError as exc:
        fail(str(exc))
    if covenant:
        _list_covenant(loaded)
        return
    if loaded.is_complete:
        counted = f"{len(loaded.parties)} parties (complete)"
    elif loaded.reported_parties is not None:
        counted = f"{len(loaded.parties)} of {loaded.reported_parties} reported parties"
    else:
        counted = f"{len(loaded.parties)} parties"
    click.echo(f"As of {loaded.as_of.isoformat()} (source: {loaded.source}): {counted}, "
               f"{len(loaded.signatories)} signatories.")
    rows = [(r, "party") for r in loaded.parties] + [(r, "signatory") for r in loaded.signatories]
    width = max((len(record.name) for record, _listing in rows), default=4)
    click.echo(f"CODE  {'NAME'.ljust(width)}  {'LISTING':<9}  {'ENTRY INTO FORCE':<24}  VERIFIED")
    for record, listing in rows:
        eif = _eif_text(record) if listing == "party" else "-"
        click.echo(f"{record.iso2:<4}  {record.name.ljust(width)}  {listing:<9}  {eif:<24}  {record.verified}")


def _list_covenant(loaded) -> None:
    statuses = loaded.covenant
    if statuses is None:
        fail(f"The Covenant statuses are not loaded: run `{register.SEED_COMMAND}`.")
    counts = statuses.counts()
    click.echo(f"Covenant statuses as of {statuses.as_of.isoformat()} (source: {statuses.source}): "
               f"{counts['party']} parties, {counts['signatory']} signatories only, {counts['none']} neither.")
    records = sorted(statuses.records, key=lambda record: record.name)
    width = max((len(record.name) for record in records), default=4)
    click.echo(f"CODE  {'NAME'.ljust(width)}  {'STATUS':<9}  {'SIGNATURE':<10}  {'INSTRUMENT':<25}  VERIFIED")
    for record in records:
        instrument = f"{record.instrument_date.isoformat()} {record.instrument_type}" if record.instrument_date else "-"
        click.echo(f"{record.iso2:<4}  {record.name.ljust(width)}  {record.status:<9}  {_text(record.signature):<10}  "
                   f"{instrument:<25}  {record.verified}")


def _print_change(change: EntryChange) -> None:
    if change.kind == ADDED:
        click.echo(f"+ {change.iso2}  {change.name}")
        for name in ENTRY_FIELDS:
            value = change.after.get(name)
            if value not in (None, "") and not (name == "instrument_year" and change.after.get("instrument_date")):
                click.echo(f"    {name}: {_text(value)}")
    elif change.kind == CHANGED:
        click.echo(f"~ {change.iso2}  {change.name}")
        for name in change.after:
            if name == "instrument_year" and change.after.get("instrument_date"):
                continue  # the year of a full date: the date's own line says it
            click.echo(f"    {name}: {_text(change.before[name])} → {_text(change.after[name])}")
    else:
        instrument = change.before.get("instrument_date") or change.before.get("instrument_year")
        click.echo(f"- {change.iso2}  {change.name}: no longer listed as a party (instrument {_text(instrument)})")


@command.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--source", help="Where the list comes from and when it was consulted (required with --apply).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The date of the list's status (YYYY-MM-DD): with --apply, the register becomes complete as of it.")
@click.option("--apply", "apply_", is_flag=True, help="Write the changes; without it, only show them.")
@keyless
def import_states(file, source: str | None, as_of, apply_: bool) -> None:
    """Compare a list of the Protocol's parties (FILE, in the format of caseapp/data/op_icescr_states.csv;
    `-` for standard input) with the register and show the difference: parties added (a signatory that
    ratified among them), changed (each field before → after) and no longer listed. With --apply and
    --source, write it: each change is kept in the history with that source."""
    if apply_ and not (source or "").strip():
        fail("--apply needs --source: say where the list comes from and when you consulted it "
             "(e.g. \"UNTC MTDSG IV-3-a, status as at 2026-06-01, consulted 2026-06-02\").")
    today = utcnow().date()
    label = getattr(file, "name", "-")
    label = "standard input" if label in ("-", "<stdin>") else label
    try:
        incoming = read_party_file(file.read(), today=today)
    except RegisterFileError as exc:
        for problem in exc.problems:
            click.echo(f"{label}: {problem}", err=True)
        fail(f"{label}: {plural(len(exc.problems), 'problem')}; nothing imported.")
    try:
        check = register.latest_check(db.session)
        changes = register.plan_import(db.session, incoming)
    except register.RegisterNotSeededError as exc:
        fail(str(exc))
    click.echo(f"{label}: {_parties(len(incoming))}; the register is as of {check.as_of.isoformat()} "
               f"(source: {check.source}).")
    for change in changes:
        _print_change(change)
    tally = {kind: sum(change.kind == kind for change in changes) for kind in (ADDED, CHANGED, REMOVED)}
    click.echo(f"{tally[ADDED]} added, {tally[CHANGED]} changed, {tally[REMOVED]} removed.")
    if not apply_:
        click.echo("Nothing written: run again with --apply --source \"…\" to apply these changes.")
        return
    if not changes and as_of is None:
        click.echo("Nothing to apply.")
        return
    with writing():
        try:
            recorded = register.apply_import(db.session, changes, source, as_of=as_of.date() if as_of else None,
                                             today=today)
        except register.RegisterChangeError as exc:
            db.session.rollback()
            fail("; ".join(exc.errors.values()))
        db.session.commit()
    parties = sum(1 for entry in incoming if entry.listing == PARTY)
    click.echo(f"Applied, with the source in the history: {source.strip()}")
    if recorded is not None:
        click.echo(f"The register is now as of {as_of.date().isoformat()}, complete with {_parties(parties)}.")
