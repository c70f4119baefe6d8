"""The command-line contract: flask orgs create, flask users create/list, flask demo, flask keys init."""

import os
import re
import stat
from datetime import timedelta
from pathlib import Path

import click
import pyotp
import pytest
from sqlalchemy import func, select

from caseapp import ConfigurationError
from caseapp.cli.demo import DEMO_USERS
from caseapp.core.extensions import db
from caseapp.models import SetupToken, User, UserSession
from caseapp.models.base import Base, utcnow
from caseapp.services import accounts
from tests.factories import build_app


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def cli_commands(app):
    """(``"group command"``, command) for every command of the app's own command line."""
    from caseapp.cli import COMMANDS

    for command in COMMANDS:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield f"{command.name} {name}", sub
        else:
            yield command.name, command


def test_no_accounts_exist_until_someone_creates_them(app):  # AUTH-09
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_orgs_create_and_refuse_duplicates(app):
    assert run(app, "orgs", "create", "Housing Rights Watch").exit_code == 0
    again = run(app, "orgs", "create", "housing rights  watch")
    assert again.exit_code != 0 and "already exists" in again.output
    assert "Housing Rights Watch" in run(app, "orgs", "list").output


def test_users_create_prints_a_one_time_setup_link(app, client):  # AUTH-09
    run(app, "orgs", "create", "NGO A")
    result = run(app, "users", "create", "Ana@NGO-A.org", "--role", "partner", "--org", "NGO A")
    assert result.exit_code == 0, result.output
    link = re.search(r"(https://localhost/setup/\S+)", result.output).group(1)
    user = accounts.find_user(db.session, "ana@ngo-a.org")
    assert user.password_hash is None
    token_row = db.session.execute(select(SetupToken).where(SetupToken.user_id == user.id)).scalar_one()
    assert (token_row.expires_at - token_row.created_at).total_seconds() == 24 * 3600
    assert client.get(link.removeprefix("https://localhost")).status_code == 200


def test_users_create_with_password_on_stdin(app):
    result = run(app, "users", "create", "boss@coalition.org", "--role", "admin", "--password-stdin",
                 input="a long admin passphrase here\n")
    assert result.exit_code == 0, result.output
    assert "setup link" not in result.output
    assert "Two-factor set-up will be asked at first sign-in" in result.output
    user = accounts.find_user(db.session, "boss@coalition.org")
    assert app.extensions["caseapp.hasher"].verify(user.password_hash, "a long admin passphrase here").ok


def test_sessions_purge_deletes_expired_sessions_only(app):
    """SESS-04: expired session rows, with the address and browser they keep, are deleted on a schedule
    (cron runs `flask sessions purge`), not only when someone happens to sign in."""
    user = accounts.create_user(db.session, app.extensions["caseapp.keyring"], email="p@y.org", role="admin")
    now = utcnow()
    for id_hash, seen, created in (("a" * 64, now - timedelta(hours=3), now - timedelta(hours=3)),  # idle
                                   ("b" * 64, now, now - timedelta(hours=13)),  # past the absolute limit
                                   ("c" * 64, now, now)):  # live
        db.session.add(UserSession(id_hash=id_hash, handle=id_hash[:32], user_id=user.id, data="{}",
                                   created_at=created, last_seen_at=seen, ip_address="198.51.100.7"))
    db.session.commit()
    result = run(app, "sessions", "purge")
    assert result.exit_code == 0 and "Deleted 2 expired sessions." in result.output
    db.session.expire_all()
    assert db.session.execute(select(UserSession.id_hash)).scalars().all() == ["c" * 64]


def test_users_create_refuses_bad_input_and_writes_nothing(app):
    weak = run(app, "users", "create", "x@y.org", "--role", "lawyer", "--password-stdin", input="short\n")
    assert weak.exit_code != 0 and "at least 15 characters" in weak.output
    guessable = run(app, "users", "create", "x@y.org", "--role", "lawyer", "--password-stdin",
                    input="human rights coalition lawyer\n")  # AUTH-14
    assert guessable.exit_code != 0 and "too easy to guess" in guessable.output
    no_org = run(app, "users", "create", "p@y.org", "--role", "partner")
    assert no_org.exit_code != 0 and "must belong to an organisation" in no_org.output
    unknown_org = run(app, "users", "create", "p@y.org", "--role", "partner", "--org", "Nope")
    assert unknown_org.exit_code != 0 and "No organisation called 'Nope'" in unknown_org.output
    bad_role = run(app, "users", "create", "p@y.org", "--role", "superuser")
    assert bad_role.exit_code != 0
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_users_list_shows_role_two_factor_and_status(app):
    run(app, "demo")
    output = run(app, "users", "list").output
    assert re.search(r"lawyer@demo\.escr\.test\s+lawyer\s+yes\s+active", output)
    # every role has two-factor by default (AUTH-01), partners too
    assert re.search(r"partner@demo\.escr\.test\s+partner\s+yes\s+active\s+Demo Partner NGO", output)


def test_demo_creates_one_account_per_role_once_and_they_can_sign_in(app, client):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    passwords = dict(re.findall(r"(\S+@demo\.escr\.test)\s+password: (\S+)", first.output))
    secrets = dict(re.findall(r"otpauth://totp/[^:]+:([^?]+)\?secret=([A-Z2-7]+)", first.output.replace("%40", "@")))
    assert set(passwords) == {"partner@demo.escr.test", "lawyer@demo.escr.test", "coordinator@demo.escr.test",
                              "admin@demo.escr.test"}
    assert set(secrets) == set(passwords)  # every role has two-factor by default (AUTH-01)

    second = run(app, "demo")
    assert second.exit_code == 0 and "already exist" in second.output and "password:" not in second.output
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 4

    response = client.post("/login", data={"email": "admin@demo.escr.test",
                                           "password": passwords["admin@demo.escr.test"],
                                           "code": pyotp.TOTP(secrets["admin@demo.escr.test"]).now()})
    assert response.headers["Location"] == "/"
    assert "Users" in client.get("/").get_data(as_text=True)


def test_keys_init_creates_a_private_key_once(tmp_path, database_url):  # CRY-04, CRY-08
    with pytest.raises(ConfigurationError, match="no key-encryption key: set CASEAPP_KEKS"):
        build_app(tmp_path, database_url, KEKS=None)  # serving refuses to start without a key
    app = build_app(tmp_path, database_url, KEKS=None, require_keys=False)
    keys_dir = tmp_path / "instance" / "keys"
    first = run(app, "keys", "init")
    assert first.exit_code == 0 and "Back it up separately" in first.output
    key_file = keys_dir / "k1.kek"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o400
    content = key_file.read_bytes()
    second = run(app, "keys", "init")
    assert "already present" in second.output and key_file.read_bytes() == content


def test_the_cli_app_starts_without_keys_and_each_command_says_whether_it_needs_them(tmp_path, monkeypatch):  # CRY-08
    from caseapp import create_cli_app

    for name in [n for n in os.environ if n.startswith("CASEAPP_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CASEAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CASEAPP_CONFIG", "development")
    monkeypatch.setenv("CASEAPP_SECRET_KEY", "a-development-secret-key-of-enough-length")
    app = create_cli_app()  # no argv is read: `flask keys init` must work before any key exists
    assert app.extensions["caseapp.keyring"] is None
    undeclared = [name for name, command in cli_commands(app) if not hasattr(command.callback, "needs_keys")]
    assert undeclared == []
    needing = {name for name, command in cli_commands(app) if command.callback.needs_keys}
    assert {"users create", "demo", "keys rotate", "keys check", "keys retire"} <= needing
    assert not {"keys init", "screen", "deadlines", "audit verify", "backup", "restore"} & needing


def test_a_command_that_needs_keys_refuses_to_run_without_them(tmp_path, database_url):  # CRY-08
    app = build_app(tmp_path, database_url, KEKS=None, INDEX_SECRET=None, require_keys=False)
    with app.app_context():
        if database_url is None:
            Base.metadata.create_all(db.engine)
        result = run(app, "users", "create", "someone@example.org", "--role", "lawyer")
        assert result.exit_code == 1
        assert "This command needs the keys; `flask keys init` creates them" in result.output
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0
        assert run(app, "users", "list").exit_code == 0  # keyless: reads no encrypted column
        db.session.remove()


def test_demo_fills_the_queue_with_every_warning_and_the_committee_with_every_stage(app):
    from caseapp.domain.deadlines import days_left, warning_level
    from caseapp.models import Case
    from caseapp.models.base import utcnow

    assert run(app, "demo").exit_code == 0
    db.session.expire_all()
    every = db.session.execute(select(Case).order_by(Case.id)).scalars().all()
    cases = every[:4]
    assert [case.stage for case in cases] == ["submitted"] * 4
    assert [case.stage for case in every[4:]] == [
        "screening", "info_requested", "declined", "candidate", "preparing", "submitted_to_committee", "registered",
        "observations", "comments", "follow_up", "closed", "withdrawn", "discontinued", "friendly_settlement"]
    assert all(case.reference and case.documents for case in cases)
    today = utcnow().date()
    levels = [warning_level(days_left(case.one_year_last_day, today)) if case.one_year_last_day else None
              for case in cases]
    assert levels == ["30", None, "passed", None]  # 25 days left; not running; passed; 165 days left
    assert cases[3].one_year_last_day is not None
    assert run(app, "demo").exit_code == 0  # a second run adds no cases
    assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 18


def test_the_demo_lawyer_drafts_the_demo_candidates_communication_and_annexes(app):
    """Issue 19, "done when": from the case accepted in the demo data, the demo lawyer (on its team) downloads
    a complete draft in each language, a request for interim measures and the annex bundle."""
    import io
    import zipfile

    import docx

    from caseapp.models import Case
    from tests.factories import login

    assert run(app, "demo").exit_code == 0
    db.session.expire_all()
    candidate = db.session.execute(select(Case).where(Case.stage == "candidate")).scalar_one()
    lawyer = accounts.find_user(db.session, DEMO_USERS[1][0])
    client = app.test_client()
    login(app, client, lawyer)
    annexes = [str(document.uuid) for document in sorted(candidate.documents, key=lambda d: (d.created_at, d.id))]
    assert len(annexes) == 2
    for language, heading in (("en", "10. List of annexes"), ("es", "10. Lista de anexos"),
                              ("fr", "10. Liste des annexes")):
        response = client.get(f"/drafting/{candidate.uuid}/communication.docx",
                              query_string={"lang": language, "annex": annexes})
        assert response.status_code == 200
        paragraphs = [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]
        listed = paragraphs[paragraphs.index(heading) + 1:paragraphs.index(heading) + 3]
        assert [line.replace("\xa0", " ").split(": ", 1)[1] for line in listed] == [
            "eviction order (demo).txt", "letter to the housing office (demo).txt"]
    interim = client.get(f"/drafting/{candidate.uuid}/interim_measures.docx", query_string={"lang": "en"})
    assert "the family's eviction is set for two weeks from now" in "\n".join(
        p.text for p in docx.Document(io.BytesIO(interim.data)).paragraphs)
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"/drafting/{candidate.uuid}/annexes.zip",
                                                   query_string={"annex": annexes}).data))
    assert bundle.namelist() == ["01 - eviction order (demo).txt", "02 - letter to the housing office (demo).txt"]


# --- the demo's counts and its credentials reset (issue 17 point 10) ------------------------------------


def demo_credentials(output: str) -> dict[str, tuple[str, str]]:
    """{e-mail: (password, two-factor secret)} as ``flask demo`` printed them."""
    passwords = dict(re.findall(r"(\S+@demo\.escr\.test)\s+password: (\S+)", output))
    secrets = dict(re.findall(r"otpauth://totp/[^:]+:([^?]+)\?secret=([A-Z2-7]+)", output.replace("%40", "@")))
    return {email: (password, secrets[email]) for email, password in passwords.items()}


def sign_in(app, email: str, password: str, secret: str):
    return app.test_client().post("/login", data={"email": email, "password": password,
                                                  "code": pyotp.TOTP(secret).now()})


def test_demo_prints_the_counts_the_database_holds(app):
    from caseapp.domain import stages
    from caseapp.models import Case

    first = run(app, "demo").output
    second = run(app, "demo").output
    db.session.expire_all()
    by_stage = [case.stage for case in db.session.execute(select(Case)).scalars()]
    screening = sum(stage in stages.SCREENING_STAGES for stage in by_stage)
    declined = by_stage.count(stages.DECLINED)
    accepted = len(by_stage) - screening - declined
    assert f"Created {len(by_stage)} fictional demo cases" in first
    told = (f"The demo holds {len(by_stage)} cases: {screening} in the lawyers' screening queue, {declined} declined, "
            f"{accepted} accepted")
    assert told in first and told in second
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    first_screen = readme[:readme.index("## What it does")]
    assert (f"**{len(by_stage)} fictional cases**" in first_screen and f"{screening} in the lawyers' screening queue"
            in first_screen and f"{declined} declined and {accepted} accepted" in first_screen)


def test_demo_reset_credentials_gives_new_ones_and_keeps_the_cases(app):  # AUTH-05, SESS-05
    from caseapp.domain.audit import SYSTEM_ACTOR
    from caseapp.models import AuditEvent, Case

    first = demo_credentials(run(app, "demo").output)
    lawyer = "lawyer@demo.escr.test"
    assert sign_in(app, lawyer, *first[lawyer]).headers.get("Location") == "/"
    cases_before = db.session.execute(select(func.count()).select_from(Case)).scalar_one()
    sessions_before = db.session.execute(select(func.count()).select_from(UserSession)).scalar_one()
    assert sessions_before == 1

    reset = run(app, "demo", "--reset-credentials")
    assert reset.exit_code == 0, reset.output
    assert "Created" not in reset.output  # no case added, none deleted
    new = demo_credentials(reset.output)
    assert set(new) == set(first) == {email for email, _role, _name in DEMO_USERS}
    assert all(new[email][0] != first[email][0] and new[email][1] != first[email][1] for email in new)

    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == cases_before == 18
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 4
    assert db.session.execute(select(func.count()).select_from(UserSession)).scalar_one() == 0  # signed out
    old_password = sign_in(app, lawyer, first[lawyer][0], new[lawyer][1])
    assert old_password.status_code == 200 and "Location" not in old_password.headers  # refused, form again
    assert sign_in(app, lawyer, *new[lawyer]).headers.get("Location") == "/"
    audited = db.session.execute(select(AuditEvent.actor_label, AuditEvent.target_id)
                                 .where(AuditEvent.action == "demo_credentials_reset")).all()
    assert len(audited) == 4 and {label for label, _target in audited} == {SYSTEM_ACTOR}


def test_demo_run_again_says_how_to_get_new_credentials(app):
    run(app, "demo")
    again = run(app, "demo").output
    assert "password:" not in again and "--reset-credentials" in again
