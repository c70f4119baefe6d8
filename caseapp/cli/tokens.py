"""``flask tokens``: partners' personal access tokens for the JSON API."""

from uuid import UUID

import click
from flask.cli import AppGroup

from caseapp.cli.common import fail, keyless
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.models import User
from caseapp.services import ServiceError, accounts, audit, tokens

command = AppGroup("tokens", help="Manage partners' personal access tokens for the JSON API.")


def _account(email: str) -> User:
    user = accounts.find_user(db.session, email)
    if user is None:
        fail(f"No account with the e-mail address {email!r}.")
    return user


@command.command("create")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="A name to recognise the token by.")
@keyless
def create_token(email: str, name: str) -> None:
    """Make an API token for the partner EMAIL and print it, once: only its hash is stored."""
    with writing():
        try:
            new_token = tokens.create(db.session, _account(email), name)
        except ServiceError as exc:
            db.session.rollback()
            fail(exc.message)
        audit.record(db.session, action="api_token_created", target_type="token", target_id=new_token.token.uuid)
        db.session.commit()
    click.echo(f"Created API token {new_token.token.name!r} for {email} (starts with {new_token.token.prefix}).")
    click.echo("It is shown only now; hand it over privately and store it like a password:")
    click.echo(new_token.secret)


@command.command("list")
@click.argument("email")
@keyless
def list_tokens(email: str) -> None:
    """List the API tokens of EMAIL: id, start, name, created, last used, status. Never the secrets."""
    rows = tokens.list_tokens(db.session, _account(email))
    if not rows:
        click.echo("No API tokens.")
        return
    for token in rows:
        status = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(f"{token.uuid}  {token.prefix}…  {token.name!r}  created {token.created_at:%Y-%m-%d}  "
                   f"last used {used}  {status}")


@command.command("revoke")
@click.argument("email")
@click.argument("token_id")
@keyless
def revoke_token(email: str, token_id: str) -> None:
    """Revoke the API token TOKEN_ID (from `flask tokens list`) of EMAIL."""
    with writing():
        try:
            token = tokens.find_own_token(db.session, _account(email), UUID(token_id))
        except ValueError:
            token = None
        if token is None:
            fail(f"{email} has no token {token_id!r}.")
        revoked = tokens.revoke(db.session, token)
        if revoked:
            audit.record(db.session, action="api_token_revoked", target_type="token", target_id=token.uuid)
        db.session.commit()
    click.echo("Revoked." if revoked else "It was already revoked.")
