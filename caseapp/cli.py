"""Command line. The command names and options are a contract: scripts and later tests call them."""

import secrets
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.crypto import KeyringError, load_keyring, new_key_file
from caseapp.database import writing
from caseapp.domain import roles
from caseapp.extensions import db
from caseapp.models import Organisation, User
from caseapp.services import ServiceError, accounts, two_factor

orgs_cli = AppGroup("orgs", help="Manage partner organisations.")
users_cli = AppGroup("users", help="Manage user accounts.")
keys_cli = AppGroup("keys", help="Manage the key-encryption keys.")

DEMO_ORGANISATION = "Demo Partner NGO"
DEMO_USERS = (
    ("partner@demo.escr.test", roles.PARTNER, "Demo Partner"),
    ("lawyer@demo.escr.test", roles.LAWYER, "Demo Lawyer"),
    ("coordinator@demo.escr.test", roles.COORDINATOR, "Demo Coordinator"),
    ("admin@demo.escr.test", roles.ADMIN, "Demo Admin"),
)


def register_cli(app: Flask) -> None:
    for group in (orgs_cli, users_cli, keys_cli):
        app.cli.add_command(group)
    app.cli.add_command(demo)


def _setup_link(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/setup/{token}"


def _keyring():
    ring = current_app.extensions.get("caseapp.keyring")
    if ring is None:
        raise click.ClickException(current_app.extensions.get("caseapp.keyring_error", "no key-encryption key"))
    return ring


def _hasher():
    return current_app.extensions["caseapp.hasher"]


@orgs_cli.command("create")
@click.argument("name")
def create_organisation(name: str) -> None:
    """Create an organisation called NAME."""
    with writing():
        try:
            organisation = accounts.create_organisation(db.session, name)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        db.session.commit()
    click.echo(f"Created organisation {organisation.name!r}.")


@orgs_cli.command("list")
def list_organisations() -> None:
    """List organisations."""
    for organisation in db.session.execute(select(Organisation).order_by(Organisation.name)).scalars():
        click.echo(organisation.name)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(roles.ROLES), help="The account's role.")
@click.option("--org", "org_name", help="The organisation (required for partners).")
@click.option("--name", "display_name", default="", help="A display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of printing a setup link.")
def create_user(email: str, role: str, org_name: str | None, display_name: str, password_stdin: bool) -> None:
    """Create an account. Prints a one-time setup link (valid 24 h) unless a password is given on stdin."""
    with writing():
        organisation = None
        if org_name:
            organisation = accounts.find_organisation(db.session, org_name)
            if organisation is None:
                raise click.ClickException(f"No organisation called {org_name!r}; create it with `flask orgs create`.")
        password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
        try:
            user = accounts.create_user(
                db.session, _keyring(), email=email, role=role, organisation=organisation, display_name=display_name,
                password=password, hasher=_hasher(),
            )
            token = None if password_stdin else accounts.issue_setup_token(
                db.session, user, current_app.config["SETUP_TOKEN_LIFETIME"]
            )
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
        db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")
    if token:
        click.echo(f"One-time setup link (valid 24 hours; hand it over privately): {_setup_link(token)}")
    if user.role in current_app.config["TOTP_REQUIRED_ROLES"]:
        click.echo("Two-factor set-up will be asked at first sign-in.")


@users_cli.command("list")
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
        totp = "yes" if user.has_totp else "no"
        organisation = user.organisation.name if user.organisation else "-"
        click.echo(f"{user.email.ljust(width)}  {user.role:<11}  {totp:<3}  {status:<8}  {organisation}")


@click.command("demo")
def demo() -> None:
    """Create demo accounts (idempotent). New passwords and two-factor secrets are printed once."""
    hasher = _hasher()
    keyring = _keyring()
    created = []
    with writing():
        organisation = accounts.find_organisation(db.session, DEMO_ORGANISATION) or accounts.create_organisation(
            db.session, DEMO_ORGANISATION
        )
        for email, role, name in DEMO_USERS:
            if accounts.find_user(db.session, email) is not None:
                continue
            password = _demo_password()
            user = accounts.create_user(
                db.session, keyring, email=email, role=role, display_name=name, password=password, hasher=hasher,
                organisation=organisation if role == roles.PARTNER else None,
            )
            secret = None
            if role in current_app.config["TOTP_REQUIRED_ROLES"]:
                secret = two_factor.new_secret()
                code = two_factor.current_code(secret)
                accounts.enrol_two_factor(db.session, keyring, user, secret, code, window=0)
                user.totp_last_step = None  # the enrolment check used the current code; let the person use it too
            created.append((email, role, password, secret))
        db.session.commit()
    if not created:
        click.echo("Demo accounts already exist; their passwords were printed when they were created.")
        click.echo("To start afresh, remove instance/ (this deletes all local data) and run `make run` again.")
        return
    click.echo("Demo accounts — shown once, keep them somewhere safe:")
    for email, role, password, secret in created:
        click.echo(f"  {role:<11} {email:<28} password: {password}")
        if secret:
            uri = two_factor.provisioning_uri(secret, email, current_app.config["TOTP_ISSUER"])
            click.echo(f"  {'':<11} two-factor secret: {secret}  ({uri})")
    click.echo("Add each two-factor secret to an authenticator app (or scan the otpauth:// link) to get the codes.")


def _demo_password() -> str:
    words = ("river", "maple", "copper", "lantern", "orbit", "meadow", "harbor", "violet", "summit", "pepper",
             "canyon", "willow", "ember", "falcon", "quartz", "tundra", "saffron", "glacier", "mosaic", "cobalt")
    return "-".join(secrets.choice(words) for _ in range(5)) + "-" + str(secrets.randbelow(90) + 10)


@keys_cli.command("init")
def init_keys() -> None:
    """Create the first key-encryption key if none exists (mode 0400, in instance/keys)."""
    keys_dir = Path(current_app.config["KEYS_DIR"])
    if current_app.config.get("KEKS"):
        click.echo("Keys come from CASEAPP_KEKS; nothing to create.")
        return
    try:
        keyring = load_keyring(setting=None, keys_dir=keys_dir)
    except KeyringError:
        path = new_key_file(keys_dir, "k1")
        click.echo(f"Created key-encryption key {path}. Back it up separately from the database: without it the data is lost.")
        return
    click.echo(f"Key-encryption key {keyring.primary_id} already present in {keys_dir}.")
