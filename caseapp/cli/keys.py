"""``flask keys``: the key-encryption keys (docs/crypto.md)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from caseapp.cli.common import checked_keyring, fail, keyless, needs_keys, print_integrity_report
from caseapp.core import resources
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.crypto import KeyringError, load_keyring, new_key_file
from caseapp.crypto.blind_index import INDEX_FILE_NAME, new_index_secret_file
from caseapp.crypto.keyring import KEK_SUFFIX, next_key_id
from caseapp.services import audit, integrity, keys

command = AppGroup("keys", help="Manage the key-encryption keys (docs/crypto.md).")


@command.command("init")
@keyless
def init_keys() -> None:
    """Create the first key-encryption key and the blind-index secret if absent (mode 0400, instance/keys)."""
    keys_dir = Path(current_app.config["KEYS_DIR"])
    if current_app.config.get("KEKS"):
        click.echo("Key-encryption keys come from CASEAPP_KEKS; none created.")
    else:
        try:
            keyring = load_keyring(setting=None, keys_dir=keys_dir)
            click.echo(f"Key-encryption key {keyring.primary_id} already present in {keys_dir}.")
        except KeyringError:
            path = new_key_file(keys_dir, next_key_id(None))
            click.echo(f"Created key-encryption key {path}.")
            click.echo("Back it up separately from the database: without it the data cannot be read (docs/crypto.md).")
    if current_app.config.get("INDEX_SECRET"):
        click.echo("The blind-index secret comes from CASEAPP_INDEX_SECRET; none created.")
    elif not (keys_dir / INDEX_FILE_NAME).exists():
        path = new_index_secret_file(keys_dir)
        click.echo(f"Created blind-index secret {path}; back it up with the keys.")


@command.command("rotate")
@click.option("--batch-size", default=200, show_default=True, help="Data keys re-wrapped per transaction.")
@needs_keys
def rotate_keys(batch_size: int) -> None:
    """Re-wrap every data key under a new key-encryption key. Safe to interrupt and run again: a run
    that finds keys still wrapped under older keys finishes that rotation instead of starting another."""
    keyring = checked_keyring()
    with writing():
        pending = keys.count_to_rewrap(db.session, keyring)
        if pending == 0:
            if current_app.config.get("KEKS"):
                fail("Keys come from CASEAPP_KEKS: put a new id:key first in it, restart, then run this again.")
            keys_dir = Path(current_app.config["KEYS_DIR"])
            path = new_key_file(keys_dir, next_key_id(keyring))
            keyring = load_keyring(setting=None, keys_dir=keys_dir)
            current_app.extensions["caseapp.keyring"] = keyring
            keys.check_canaries(db.session, keyring)
            db.session.commit()
            pending = keys.count_to_rewrap(db.session, keyring)
            click.echo(f"New key-encryption key {keyring.primary_id} in {path}; back it up now.")
        else:
            click.echo(f"Resuming: {pending} data keys are still wrapped under older keys.")
        with click.progressbar(length=pending, label=f"Re-wrapping under {keyring.primary_id}") as bar:
            while done := keys.rewrap_batch(db.session, keyring, batch_size):
                db.session.commit()
                bar.update(done)
        audit.record(db.session, action="key_rotated", target_type="key", target_id=keyring.primary_id)
        db.session.commit()
    in_use = keys.keys_in_use(db.session)
    click.echo(f"Done: {in_use.get(keyring.primary_id, 0)} data keys wrapped under {keyring.primary_id}.")
    older = [kek_id for kek_id, _ in keyring.keys if kek_id != keyring.primary_id]
    if older:
        click.echo(f"Older keys no longer needed once backups made with them expire: {', '.join(older)} "
                   "(`flask keys retire KEY_ID`).")


@command.command("retire")
@click.argument("kek_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@needs_keys
def retire_key(kek_id: str, yes: bool) -> None:
    """Remove a key-encryption key that no data key uses any more."""
    keyring = checked_keyring()
    if kek_id not in [loaded for loaded, _ in keyring.keys]:
        fail(f"Key {kek_id!r} is not loaded.")
    if kek_id == keyring.primary_id:
        fail(f"Key {kek_id} is the primary key: rotate to a new key first.")
    in_use = keys.keys_in_use(db.session).get(kek_id, 0)
    if in_use:
        fail(f"Key {kek_id} still wraps {in_use} data keys: run `flask keys rotate` first.")
    if current_app.config.get("KEKS"):
        _forget(kek_id)
        click.echo(f"Key {kek_id} is unused. Remove it from CASEAPP_KEKS and restart.")
        return
    path = Path(current_app.config["KEYS_DIR"]) / f"{kek_id}{KEK_SUFFIX}"
    if not yes:
        click.confirm(f"Delete {path}? Backups made while it was in use will no longer open.", abort=True)
    _forget(kek_id)
    path.unlink()
    click.echo(f"Retired key {kek_id}.")


def _forget(kek_id: str) -> None:
    with writing():
        keys.forget_canary(db.session, kek_id)
        audit.record(db.session, action="key_retired", target_type="key", target_id=kek_id)
        db.session.commit()


@command.command("check")
@needs_keys
def check_keys() -> None:
    """Decrypt every encrypted field and authenticate every stored file; non-zero exit on any failure."""
    report = integrity.check_everything(db.session, checked_keyring(), resources.file_store(),
                                        progress=click.progressbar)
    print_integrity_report(report)
