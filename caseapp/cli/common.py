"""What every command module shares: the declaration of whether a command needs the keys, the keys
themselves once their canaries check out, and the output helpers."""

from collections.abc import Callable
from functools import wraps
from typing import NoReturn

import click

from caseapp.core import resources
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.crypto import Keyring
from caseapp.services import integrity, keys

_CHECKED = "caseapp.checked_keyring"


def needs_keys(command: Callable) -> Callable:
    """The command encrypts or decrypts: it stops with the reason (no key file, wrong key) before it runs."""

    @wraps(command)
    def run(*args, **kwargs):
        checked_keyring()
        return command(*args, **kwargs)

    run.needs_keys = True
    return run


def keyless(command: Callable) -> Callable:
    """The command reads or writes nothing encrypted: it runs where the keys are not loaded."""
    command.needs_keys = False
    return command


def checked_keyring() -> Keyring:
    """The loaded keys, after their canaries show they are the keys this database was encrypted with
    (checked once per command)."""
    context = click.get_current_context(silent=True)
    if context is not None and _CHECKED in context.meta:
        return context.meta[_CHECKED]
    try:
        keyring = resources.keyring()
    except resources.KeysNotLoadedError as exc:
        raise click.ClickException(f"{exc}. This command needs the keys; `flask keys init` creates them on a "
                                   "new instance.") from exc
    with writing():
        wrong = keys.check_canaries(db.session, keyring)
        if wrong:
            db.session.rollback()
            raise click.ClickException(f"key-encryption key {', '.join(wrong)} does not decrypt its canary: wrong key")
        db.session.commit()
    if context is not None:
        context.meta[_CHECKED] = keyring
    return keyring


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def fail(message: str) -> NoReturn:
    """Refuse with a message on standard error and exit status 1."""
    raise click.ClickException(message)


def print_integrity_report(report: integrity.IntegrityReport) -> None:
    """What `flask keys check` (and `flask restore`) found; exit 1 on any failure."""
    for problem in report.problems:
        click.echo(f"FAIL {problem}", err=True)
    for warning in report.warnings:
        click.echo(f"WARN {warning}")
    click.echo(f"Checked {report.fields} fields, {report.files} files, {report.data_keys} data keys, "
               f"{report.canaries} key canaries: {len(report.problems)} failures.")
    if report.problems:
        raise SystemExit(1)
