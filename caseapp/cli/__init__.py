"""The command line: ``flask --app caseapp:create_cli_app COMMAND``. Command names and options are a
contract: scripts, cron lines and the tests call them.

One module per command group. Each command declares whether it needs the keys (``needs_keys`` or
``keyless`` from ``caseapp.cli.common``): the CLI app is built without requiring them, and a command
that needs them refuses to run, naming what is missing, before it touches anything.
"""

from flask import Flask

from caseapp.cli import (
    audit,
    backup,
    deadlines,
    demo,
    duplicates,
    keys,
    notify,
    orgs,
    register,
    retention,
    screen,
    sessions,
    store,
    tokens,
    users,
)

COMMANDS = (
    orgs.command, users.command, keys.command, store.command, store.files_command, tokens.command, register.command,
    audit.command, demo.command, screen.command, deadlines.command, backup.backup_command, backup.restore_command,
    retention.command, sessions.command, notify.command, duplicates.command,
)


def register_cli(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
