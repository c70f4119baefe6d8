"""``flask users``: accounts, for the host's operator. The operator is not an admin in the app: the
set-up link of an account made here is printed for the operator to hand over (an admin's never is,
AUTH-12), and the operator gives the second approval of a staff account when the app has no second admin."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.cli.common import checked_keyring, fail, keyless, needs_keys
from caseapp.core import resources
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.models import User
from caseapp.services import ServiceError, account_changes, accounts

command = AppGroup("users", help="Manage user accounts.")


def setup_link(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/setup/{token}"


def _lifetime() -> str:
    hours = current_app.config["SETUP_TOKEN_LIFETIME"].total_seconds() / 3600
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


@command.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(roles.ROLES), help="The account's role.")
@click.option("--org", "org_name", help="The organisation (required for partners).")
@click.option("--name", "display_name", default="", help="A display name.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of printing a setup link.")
@needs_keys
def create_user(email: str, role: str, org_name: str | None, display_name: str, password_stdin: bool) -> None:
    """Create an account. Prints a one-time setup link unless a password is given on stdin.

    The link is printed here, to the operator, and mailed to nobody: hand it over privately. An account
    the operator creates needs no second approval (the operator is not one of the app's admins)."""
    with writing():
        organisation = None
        if org_name:
            organisation = accounts.find_organisation(db.session, org_name)
            if organisation is None:
                fail(f"No organisation called {org_name!r}; create it with `flask orgs create`.")
        password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
        try:
            user = accounts.create_user(
                db.session, checked_keyring(), email=email, role=role, organisation=organisation,
                display_name=display_name, password=password, hasher=resources.hasher(),
                min_score=current_app.config["PASSWORD_MIN_SCORE"],
            )
            token = None if password_stdin else accounts.issue_setup_token(
                db.session, user, current_app.config["SETUP_TOKEN_LIFETIME"]
            )
        except ServiceError as exc:
            db.session.rollback()
            fail(exc.message)
        db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")
    if token:
        click.echo(f"One-time setup link for {user.email} only (valid {_lifetime()}; hand it over privately, "
                   f"never by a channel others read): {setup_link(token)}")
    if user.role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]:
        click.echo("Two-factor set-up will be asked at first sign-in.")


@command.command("list")
@keyless
def list_users() -> None:
    """List accounts: e-mail, role, organisation, two-factor and status ("waiting": for a second approval)."""
    rows = db.session.execute(select(User).order_by(User.email)).scalars().all()
    if not rows:
        click.echo("No accounts yet. Create one with `flask users create EMAIL --role admin`.")
        return
    width = max(len(user.email) for user in rows)
    click.echo(f"{'E-MAIL'.ljust(width)}  {'ROLE':<11}  {'2FA':<3}  {'STATUS':<8}  ORGANISATION")
    for user in rows:
        status = ("waiting" if user.awaiting_approval else "active") if user.is_active else "disabled"
        totp = "yes" if user.has_second_factor else "no"
        organisation = user.organisation.name if user.organisation else "-"
        click.echo(f"{user.email.ljust(width)}  {user.role:<11}  {totp:<3}  {status:<8}  {organisation}")


@command.command("approve")
@click.argument("email")
@keyless
def approve_user(email: str) -> None:
    """Approve an account that waits for a second administrator (AUTH-12), as the operator.

    For an instance with a single admin: the admin who created or reset the account cannot approve it.
    Check with the account's owner, by a channel you trust, that they asked for it."""
    with writing():
        user = accounts.find_user(db.session, email)
        if user is None:
            fail(f"No account with the address {email!r}.")
        try:
            account_changes.approve_by_operator(db.session, user)
        except ServiceError as exc:
            db.session.rollback()
            fail(exc.message)
        db.session.commit()
    click.echo(f"Approved {user.role} {user.email}: the account now reaches what its role allows.")
