"""Command line. The command names and options are a contract: scripts and later tests call them."""

import json
import secrets
import sys
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp import runtime
from caseapp.crypto import KeyringError, load_keyring, new_key_file
from caseapp.crypto.blind_index import INDEX_FILE_NAME, new_index_secret_file
from caseapp.crypto.keyring import KEK_SUFFIX, next_key_id
from caseapp.database import writing
from caseapp.domain import deadlines, roles
from caseapp.domain.admissibility import Assessment, CaseFacts, FactsError, assess
from caseapp.domain.states import StatesRegister
from caseapp.extensions import db
from caseapp.models import Case, Document, Organisation, User
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, accounts, audit, integrity, keys, register, tokens, two_factor
from caseapp.services import demo as demo_data
from caseapp.services.deadlines import deadline_items

orgs_cli = AppGroup("orgs", help="Manage partner organisations.")
users_cli = AppGroup("users", help="Manage user accounts.")
keys_cli = AppGroup("keys", help="Manage the key-encryption keys (docs/crypto.md).")
store_cli = AppGroup("store", help="Maintain the encrypted file store.")
tokens_cli = AppGroup("tokens", help="Manage partners' personal access tokens for the JSON API.")
states_cli = AppGroup("states", help="The OP-ICESCR States register (seeded from caseapp/data; admins correct it).")
audit_cli = AppGroup("audit", help="The hash-chained audit log (LOG-01).")

DEMO_ORGANISATION = "Demo Partner NGO"
DEMO_USERS = (
    ("partner@demo.escr.test", roles.PARTNER, "Demo Partner"),
    ("lawyer@demo.escr.test", roles.LAWYER, "Demo Lawyer"),
    ("coordinator@demo.escr.test", roles.COORDINATOR, "Demo Coordinator"),
    ("admin@demo.escr.test", roles.ADMIN, "Demo Admin"),
)


def register_cli(app: Flask) -> None:
    for group in (orgs_cli, users_cli, keys_cli, store_cli, tokens_cli, states_cli, audit_cli):
        app.cli.add_command(group)
    app.cli.add_command(demo)
    app.cli.add_command(screen)
    app.cli.add_command(list_deadlines)
    from caseapp.lifecycle_cli import register_lifecycle_cli  # backup, restore, retention

    register_lifecycle_cli(app)


def _setup_link(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/setup/{token}"


def _keyring():
    """The loaded keys, after their canaries show they are the keys this database was encrypted with."""
    try:
        keyring = runtime.keyring()
    except runtime.KeysNotLoadedError as exc:
        raise click.ClickException(str(exc)) from exc
    with writing():
        wrong = keys.check_canaries(db.session, keyring)
        if wrong:
            db.session.rollback()
            raise click.ClickException(f"key-encryption key {', '.join(wrong)} does not decrypt its canary: wrong key")
        db.session.commit()
    return keyring


def _hasher():
    return runtime.hasher()


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
        partner = accounts.find_user(db.session, DEMO_USERS[0][0])
        cases_created = demo_data.create_demo_cases(db.session, keyring, runtime.blind_indexer(), runtime.file_store(),
                                                    organisation, partner, today=utcnow().date())
        if cases_created:
            cases_created += demo_data.create_demo_pipeline(
                db.session, keyring, runtime.blind_indexer(), organisation, partner,
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


@keys_cli.command("init")
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


@keys_cli.command("rotate")
@click.option("--batch-size", default=200, show_default=True, help="Data keys re-wrapped per transaction.")
def rotate_keys(batch_size: int) -> None:
    """Re-wrap every data key under a new key-encryption key. Safe to interrupt and run again: a run
    that finds keys still wrapped under older keys finishes that rotation instead of starting another."""
    keyring = _keyring()
    with writing():
        pending = keys.count_to_rewrap(db.session, keyring)
        if pending == 0:
            if current_app.config.get("KEKS"):
                raise click.ClickException(
                    "Keys come from CASEAPP_KEKS: put a new id:key first in it, restart, then run this again."
                )
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


@keys_cli.command("retire")
@click.argument("kek_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def retire_key(kek_id: str, yes: bool) -> None:
    """Remove a key-encryption key that no data key uses any more."""
    keyring = _keyring()
    if kek_id not in [loaded for loaded, _ in keyring.keys]:
        raise click.ClickException(f"Key {kek_id!r} is not loaded.")
    if kek_id == keyring.primary_id:
        raise click.ClickException(f"Key {kek_id} is the primary key: rotate to a new key first.")
    in_use = keys.keys_in_use(db.session).get(kek_id, 0)
    if in_use:
        raise click.ClickException(f"Key {kek_id} still wraps {in_use} data keys: run `flask keys rotate` first.")
    if current_app.config.get("KEKS"):
        with writing():
            keys.forget_canary(db.session, kek_id)
            audit.record(db.session, action="key_retired", target_type="key", target_id=kek_id)
            db.session.commit()
        click.echo(f"Key {kek_id} is unused. Remove it from CASEAPP_KEKS and restart.")
        return
    path = Path(current_app.config["KEYS_DIR"]) / f"{kek_id}{KEK_SUFFIX}"
    if not yes:
        click.confirm(f"Delete {path}? Backups made while it was in use will no longer open.", abort=True)
    with writing():
        keys.forget_canary(db.session, kek_id)
        audit.record(db.session, action="key_retired", target_type="key", target_id=kek_id)
        db.session.commit()
    path.unlink()
    click.echo(f"Retired key {kek_id}.")


@keys_cli.command("check")
def check_keys() -> None:
    """Decrypt every encrypted field and authenticate every stored file; non-zero exit on any failure."""
    keyring = _keyring()
    report = integrity.check_everything(db.session, keyring, runtime.file_store(), progress=click.progressbar)
    print_integrity_report(report)


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


@store_cli.command("sweep")
@click.option("--grace-minutes", default=60, show_default=True, help="Leave incoming files younger than this alone.")
def sweep_store(grace_minutes: int) -> None:
    """Remove stored files with no database row (shredded cases) and finish or undo interrupted uploads.
    Rows whose file is gone are listed and kept (exit 1): only a backup can bring the file back (REL-03)."""
    known = set(db.session.execute(select(Document.uuid)).scalars())
    store = runtime.file_store()
    counts = store.sweep(known, grace_seconds=grace_minutes * 60)
    click.echo(f"Promoted {counts['promoted']}, discarded {counts['discarded']} incoming, removed {counts['removed']} orphaned files.")
    missing = store.missing_ids(known)
    if not missing:
        return
    rows = db.session.execute(
        select(Document.uuid, Case.reference).join(Case, Case.id == Document.case_id)
        .where(Document.uuid.in_(missing)).order_by(Case.reference, Document.uuid)
    ).all()
    for document_uuid, reference in rows:
        click.echo(f"FAIL document {document_uuid} ({reference or 'draft'}): its file is missing; the record was kept",
                   err=True)
    click.echo(f"{len(rows)} document records have no file: copy store/files/<id> back from a backup made by "
               "`flask backup`, then run `flask keys check`.", err=True)
    raise SystemExit(1)


def _partner(email: str) -> User:
    user = accounts.find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email!r}.")
    return user


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="A name to recognise the token by.")
def create_token(email: str, name: str) -> None:
    """Make an API token for the partner EMAIL and print it, once: only its hash is stored."""
    with writing():
        try:
            new_token = tokens.create(db.session, _partner(email), name)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
        audit.record(db.session, action="api_token_created", target_type="token", target_id=new_token.token.uuid)
        db.session.commit()
    click.echo(f"Created API token {new_token.token.name!r} for {email} (starts with {new_token.token.prefix}).")
    click.echo("It is shown only now; hand it over privately and store it like a password:")
    click.echo(new_token.secret)


@tokens_cli.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List the API tokens of EMAIL: id, start, name, created, last used, status. Never the secrets."""
    rows = tokens.list_tokens(db.session, _partner(email))
    if not rows:
        click.echo("No API tokens.")
        return
    for token in rows:
        status = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(f"{token.uuid}  {token.prefix}…  {token.name!r}  created {token.created_at:%Y-%m-%d}  "
                   f"last used {used}  {status}")


@tokens_cli.command("revoke")
@click.argument("email")
@click.argument("token_id")
def revoke_token(email: str, token_id: str) -> None:
    """Revoke the API token TOKEN_ID (from `flask tokens list`) of EMAIL."""
    with writing():
        try:
            token = tokens.find_own_token(db.session, _partner(email), UUID(token_id))
        except ValueError:
            token = None
        if token is None:
            raise click.ClickException(f"{email} has no token {token_id!r}.")
        revoked = tokens.revoke(db.session, token)
        if revoked:
            audit.record(db.session, action="api_token_revoked", target_type="token", target_id=token.uuid)
        db.session.commit()
    click.echo("Revoked." if revoked else "It was already revoked.")


# --- the States register ---------------------------------------------------------------------------


@states_cli.command("seed")
def seed_states() -> None:
    """Load the shipped register (caseapp/data, as of 1 February 2024) into the database. Idempotent:
    only States not yet in the table are added; admins' additions and corrections are never overwritten."""
    with writing():
        result = register.seed_shipped(db.session)
        if result.added or result.check_added:
            audit.record(db.session, action="register_seeded", target_type="register")
        db.session.commit()
    if result.parties:
        click.echo(f"Added {len(result.parties)} parties: {', '.join(result.parties)}.")
    if result.signatories:
        click.echo(f"Added {len(result.signatories)} signatories: {', '.join(result.signatories)}.")
    if result.check_added:
        check = register.latest_check(db.session)
        click.echo(f"Recorded the register as of {check.as_of.isoformat()} (source: {check.source}; "
                   f"{check.reported_parties} parties reported).")
    if not result.added and not result.check_added:
        click.echo("The States register is already seeded; nothing added.")


@states_cli.command("list")
def list_states() -> None:
    """List the register: code, name, listing, entry into force and how far each entry is verified."""
    try:
        loaded = register.load_register(db.session)
    except register.RegisterNotSeededError as exc:
        raise click.ClickException(str(exc)) from exc
    reported = f" of {loaded.reported_parties} reported" if loaded.reported_parties is not None else ""
    click.echo(f"As of {loaded.as_of.isoformat()} (source: {loaded.source}): "
               f"{len(loaded.parties)}{reported} parties, {len(loaded.signatories)} signatories.")
    rows = [(r, "party") for r in loaded.parties] + [(r, "signatory") for r in loaded.signatories]
    width = max((len(record.name) for record, _listing in rows), default=4)
    click.echo(f"CODE  {'NAME'.ljust(width)}  {'LISTING':<9}  {'ENTRY INTO FORCE':<24}  VERIFIED")
    for record, listing in rows:
        if record.entry_into_force is None:
            eif = "unknown" if listing == "party" else "-"
        else:
            eif = record.entry_into_force.isoformat() + ("" if record.eif_verified else " (unconfirmed)")
        click.echo(f"{record.iso2:<4}  {record.name.ljust(width)}  {listing:<9}  {eif:<24}  {record.verified}")


# --- screening (pure: no keys, no database) -------------------------------------------------------

SCREEN_ERROR_EXIT = 2


def _screen_fail(field: str | None, message: str) -> None:
    click.echo(json.dumps({"error": {"field": field, "message": message}}, indent=2, ensure_ascii=False))
    raise SystemExit(SCREEN_ERROR_EXIT)


def _read_facts(source: str) -> CaseFacts:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _screen_fail(None, f"Cannot read {source}: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _screen_fail(None, f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")
    try:
        return CaseFacts.from_json(data)
    except FactsError as exc:
        _screen_fail(exc.field, exc.message)


def explain(assessment: Assessment, facts: CaseFacts, today: date) -> str:
    """The assessment as readable text: a line per criterion, then the deadline and the warnings."""
    lines = [f"Overall: {assessment.overall}" + (" (prima facie)" if assessment.overall == "admissible" else ""), ""]
    for criterion in assessment.criteria:
        lines.append(f"[{criterion.status}] {criterion.article} ({criterion.id}): {criterion.reason}")
        if criterion.missing:
            lines.append(f"    Missing: {', '.join(criterion.missing)}")
    if assessment.excluded_claims:
        lines += ["", f"Excluded claims (art. 3(2)(d)): {', '.join(assessment.excluded_claims)}"]
    lines.append("")
    schedule = assessment.deadlines
    if schedule.one_year_last_day is None:
        lines.append("Last day to submit: not known (see Article 3(2)(a) above).")
    elif facts.submission_date is not None:
        left = schedule.days_left
        relation = ("on the last day" if left == 0 else
                    f"{left} days before the last day" if left > 0 else f"{-left} days after the last day")
        lines.append(f"Last day to submit: {deadlines.format_day(schedule.one_year_last_day)}; submitted on "
                     f"{deadlines.format_day(facts.submission_date)}, {relation}.")
    else:
        lines.append(deadlines.deadline_label(schedule.one_year_last_day, today))
    if schedule.basis == "decision":
        lines.append("    Counted from the decision date: the notification date is not recorded.")
    if assessment.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {warning}" for warning in assessment.warnings]
    return "\n".join(lines)


@click.command("screen")
@click.argument("source", metavar="FILE.json")
@click.option("--explain", "as_text", is_flag=True, help="Print the assessment as readable text instead of JSON.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to assess on (YYYY-MM-DD); default: today. For reproducible output.")
def screen(source: str, as_text: bool, today: datetime | None) -> None:
    """Assess the case facts in FILE.json (or - for standard input) against Articles 1-4 of the Optional
    Protocol (DESIGN.md section 5). Prints the assessment as JSON; exits 2 on malformed facts. Uses no keys
    and no database."""
    facts = _read_facts(source)
    day = today.date() if today else date.today()
    assessment = assess(facts, today=day, register=StatesRegister.shipped())
    if as_text:
        click.echo(explain(assessment, facts, day))
    else:
        click.echo(json.dumps(assessment.to_json(), indent=2, ensure_ascii=False))


# --- deadlines (the database, no keys: nothing is decrypted) -----------------------------------------


def _deadline_row(item, width: int) -> str:
    basis = deadlines.format_day(item.basis_date) if item.basis_date else "-"
    left = item.days_left
    when = ("due today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}" if left > 0
            else f"overdue by {-left} day{'s' if left != -1 else ''}")
    return (f"{item.case.reference:<14}  {item.label.ljust(width)}  {basis:<12}  "
            f"{deadlines.format_day(item.due_date):<11}  {when}")


@click.command("deadlines")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--within", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Only deadlines due within DAYS days from today, and those already overdue.")
def list_deadlines(as_json: bool, within: int | None) -> None:
    """List the open deadlines of every case, soonest first: the one-year limit, the State's observations,
    observations on the merits, the author's comments and the State's follow-up response, counted from the
    recorded dates (domain/OP-ICESCR.md section 6). With --json: a list of {"case", "kind", "basis_date",
    "due_date", "days_left"}. Reads clear columns only: needs the database, not the keys."""
    items = deadline_items(db.session, today=utcnow().date(), within=within)
    db.session.rollback()
    if as_json:
        click.echo(json.dumps([item.to_json() for item in items], indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("No open deadline" + (f" due within {within} days, and none overdue." if within is not None else "."))
        return
    width = max(len(item.label) for item in items)
    click.echo(f"{'CASE':<14}  {'DEADLINE'.ljust(width)}  {'COUNTED FROM':<12}  {'DUE':<11}  DAYS LEFT")
    for item in items:
        click.echo(_deadline_row(item, width))


# --- the audit log ---------------------------------------------------------------------------------


def _anchor(_ctx, _param, value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    number, _, digest = value.partition(":")
    if not number.isdigit() or len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise click.BadParameter("give ID:HASH as printed by an earlier `flask audit verify`")
    return int(number), digest


@audit_cli.command("verify")
@click.option("--anchor", callback=_anchor, metavar="ID:HASH",
              help="The newest event an earlier check printed: it must still be there, unchanged.")
def verify_audit(anchor: tuple[int, str] | None) -> None:
    """Recompute the audit log's hash chain, oldest event first. Exits 1 naming the first broken event
    when any event was edited, removed or reordered. Reads the database only; needs no keys."""
    total = audit.count(db.session)
    with click.progressbar(length=total, label="Checking the audit chain") as bar:
        result = audit.verify(db.session, progress=bar.update, anchor=anchor)
    db.session.rollback()
    if not result.ok:
        click.echo(f"Broken at event #{result.first_broken_id}: {result.reason}.", err=True)
        click.echo(f"The {result.checked} events before it are intact.", err=True)
        raise SystemExit(1)
    click.echo(f"Checked {result.checked} events: chain intact.")
    if result.head_id is not None:
        # A chain cannot show that its newest events were cut off: compare with a head noted earlier.
        click.echo(f"Newest event: {result.head_id}:{result.head_hash}")
        click.echo("Keep that line somewhere else and pass it to a later check as --anchor: removing the newest "
                   "events leaves no trace in the chain itself.")
