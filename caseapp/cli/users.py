"""``flask users``: accounts."""

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
from caseapp.services import ServiceError, accounts

command = AppGroup("users", help="Manage user accounts.")


def setup_link(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/setup/{token}"


@command.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(roles.ROLES), help="The account's role.")
@click.option("--org", "org_name", help="The organisation (required for partners).")
@click.option("--name", "display_name", default="", help="A display name.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of printing a setup link.")
@needs_keys
def create_user(email: str, role: str, org_name: str | None, display_name: str, password_stdin: bool) -> None:
    """Create an account. Prints a one-time setup link (valid 24 h) unless a password is given on stdin."""
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
        click.echo(f"One-time setup link (valid 24 hours; hand it over privately): {setup_link(token)}")
    if user.role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]:
        click.echo("Two-factor set-up will be asked at first sign-in.")


@command.command("list")
@keyless
def list_users() -> None:
    """List accounts: e-mail, role, organisation, two-factor and status."""
    rows = db.session.execute(select(User).order_by(User.email)).scalars().all()
    if not rows:
        click.echo("No accounts yet. Create one with `flask users create EMAIL --role admin`.")
        return
    width = max(len(user.email) for user in rows)
    click.echo(f"{'E-MAIL'.ljust(width)}  {'ROLE':<11}  {'2FA':<3}  {'STATUS':<8}  ORGANISATION")
    for user in rows:
        status = "active" if user.is_active else "disabled"
        totp = "yes" if user.has_second_factor else "no"
        organisation = user.organisation.name if user.organisation else "-"
        click.echo(f"{user.email.ljust(width)}  {user.role:<11}  {totp:<3}  {status:<8}  {organisation}")
