"""``flask demo``: demo accounts and fictional cases for a development instance."""

import secrets

import click
from flask import current_app

from caseapp.cli.common import checked_keyring, needs_keys
from caseapp.core import resources, two_factor
from caseapp.core.database import writing
from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.models.base import utcnow
from caseapp.services import accounts
from caseapp.services.demo import create_demo_cases, create_demo_pipeline

DEMO_ORGANISATION = "Demo Partner NGO"
DEMO_USERS = (
    ("partner@demo.escr.test", roles.PARTNER, "Demo Partner"),
    ("lawyer@demo.escr.test", roles.LAWYER, "Demo Lawyer"),
    ("coordinator@demo.escr.test", roles.COORDINATOR, "Demo Coordinator"),
    ("admin@demo.escr.test", roles.ADMIN, "Demo Admin"),
)


@click.command("demo")
@needs_keys
def command() -> None:
    """Create demo accounts (idempotent). New passwords and two-factor secrets are printed once."""
    hasher = resources.hasher()
    keyring = checked_keyring()
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
                min_score=current_app.config["PASSWORD_MIN_SCORE"],
            )
            secret = None
            if role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]:
                secret = two_factor.new_secret()
                code = two_factor.current_code(secret)
                accounts.enrol_two_factor(db.session, keyring, user, secret, code, window=0)
                user.totp_last_step = None  # the enrolment check used the current code; let the person use it too
            created.append((email, role, password, secret))
        partner = accounts.find_user(db.session, DEMO_USERS[0][0])
        cases_created = create_demo_cases(db.session, keyring, resources.blind_indexer(), resources.file_store(),
                                          organisation, partner, today=utcnow().date())
        if cases_created:
            cases_created += create_demo_pipeline(
                db.session, keyring, resources.blind_indexer(), organisation, partner,
                accounts.find_user(db.session, DEMO_USERS[1][0]), accounts.find_user(db.session, DEMO_USERS[2][0]),
                today=utcnow().date())
        db.session.commit()
    if cases_created:
        click.echo(f"Created {cases_created} fictional demo cases for {DEMO_ORGANISATION}.")
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
