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
from caseapp.services import accounts, audit, recovery_codes
from caseapp.services.demo import count_demo_cases, create_demo_cases, create_demo_pipeline

DEMO_ORGANISATION = "Demo Partner NGO"
DEMO_USERS = (
    ("partner@demo.escr.test", roles.PARTNER, "Demo Partner"),
    ("lawyer@demo.escr.test", roles.LAWYER, "Demo Lawyer"),
    ("coordinator@demo.escr.test", roles.COORDINATOR, "Demo Coordinator"),
    ("admin@demo.escr.test", roles.ADMIN, "Demo Admin"),
)


@click.command("demo")
@click.option("--reset-credentials", is_flag=True,
              help="Give the existing demo accounts new passwords and two-factor secrets and print them; "
                   "the cases and everything else in the instance stay.")
@needs_keys
def command(reset_credentials: bool) -> None:
    """Create demo accounts and cases (idempotent). New passwords and two-factor secrets are printed once;
    --reset-credentials makes and prints new ones for the demo accounts that exist."""
    hasher = resources.hasher()
    keyring = checked_keyring()
    credentials = []
    with writing():
        organisation = accounts.find_organisation(db.session, DEMO_ORGANISATION) or accounts.create_organisation(
            db.session, DEMO_ORGANISATION
        )
        for email, role, name in DEMO_USERS:
            user = accounts.find_user(db.session, email)
            if user is not None and not reset_credentials:
                continue
            password = _demo_password()
            if user is None:
                user = accounts.create_user(
                    db.session, keyring, email=email, role=role, display_name=name, password=password,
                    hasher=hasher, organisation=organisation if role == roles.PARTNER else None,
                    min_score=current_app.config["PASSWORD_MIN_SCORE"],
                )
            else:
                _reset_demo_credentials(user, password, hasher)
            secret = None
            if role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]:
                secret = two_factor.new_secret()
                code = two_factor.current_code(secret)
                accounts.enrol_two_factor(db.session, keyring, user, secret, code, window=0)
                user.totp_last_step = None  # the enrolment check used the current code; let the person use it too
            credentials.append((email, role, password, secret))
        partner = accounts.find_user(db.session, DEMO_USERS[0][0])
        cases_created = create_demo_cases(db.session, keyring, resources.blind_indexer(), resources.file_store(),
                                          organisation, partner, today=utcnow().date())
        if cases_created:
            cases_created += create_demo_pipeline(
                db.session, keyring, resources.blind_indexer(), organisation, partner,
                accounts.find_user(db.session, DEMO_USERS[1][0]), accounts.find_user(db.session, DEMO_USERS[2][0]),
                today=utcnow().date(), store=resources.file_store())
        counts = count_demo_cases(db.session, organisation)  # in the writing transaction, before it ends
        db.session.commit()
    if cases_created:
        click.echo(f"Created {cases_created} fictional demo cases for {DEMO_ORGANISATION}.")
    click.echo(f"The demo holds {counts.total} cases: {counts.screening} in the lawyers' screening queue, "
               f"{counts.declined} declined, {counts.accepted} accepted (strategic candidates, before the "
               "Committee or finished there).")
    if not credentials:
        click.echo("Demo accounts already exist; their passwords were printed when they were created.")
        click.echo("For new ones (the cases stay): make demo-credentials, i.e. flask demo --reset-credentials")
        return
    click.echo("Demo accounts — shown once, keep them somewhere safe:")
    for email, role, password, secret in credentials:
        click.echo(f"  {role:<11} {email:<28} password: {password}")
        if secret:
            uri = two_factor.provisioning_uri(secret, email, current_app.config["TOTP_ISSUER"])
            click.echo(f"  {'':<11} two-factor secret: {secret}  ({uri})")
    click.echo("Add each two-factor secret to an authenticator app (or scan the otpauth:// link) to get the codes,")
    click.echo("or print the current code with: oathtool --totp -b SECRET")
    click.echo("Try the partner first (report a violation), then the lawyer (screen it), the coordinator (track it "
               "before the Committee) and the admin (accounts, keys, the States register).")


def _reset_demo_credentials(user, password: str, hasher) -> None:
    """A demo account's new password and no second factor yet (the caller enrols a new secret): every
    session, token, passkey and recovery code of the old credentials goes, and the audit log says who did
    it — the command line."""
    accounts.set_password(db.session, user, password, hasher, min_score=current_app.config["PASSWORD_MIN_SCORE"])
    user.totp_secret_encrypted = None
    user.totp_last_step = None
    user.totp_enrolled_at = None
    user.passkeys.clear()
    recovery_codes.discard(db.session, user)
    audit.record(db.session, action="demo_credentials_reset", target_type="user", target_id=user.uuid)


def _demo_password() -> str:
    words = ("river", "maple", "copper", "lantern", "orbit", "meadow", "harbor", "violet", "summit", "pepper",
             "canyon", "willow", "ember", "falcon", "quartz", "tundra", "saffron", "glacier", "mosaic", "cobalt")
    return "-".join(secrets.choice(words) for _ in range(5)) + "-" + str(secrets.randbelow(90) + 10)
