"""``flask orgs``: partner organisations."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.cli.common import fail, keyless
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.models import Organisation
from caseapp.services import ServiceError, accounts

command = AppGroup("orgs", help="Manage partner organisations.")


@command.command("create")
@click.argument("name")
@keyless
def create_organisation(name: str) -> None:
    """Create an organisation called NAME."""
    with writing():
        try:
            organisation = accounts.create_organisation(db.session, name)
        except ServiceError as exc:
            fail(exc.message)
        db.session.commit()
    click.echo(f"Created organisation {organisation.name!r}.")


@command.command("list")
@keyless
def list_organisations() -> None:
    """List organisations."""
    for organisation in db.session.execute(select(Organisation).order_by(Organisation.name)).scalars():
        click.echo(organisation.name)
