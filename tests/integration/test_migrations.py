"""Alembic migrations go up, match the models, and come back down (REL-06).

Runs on the configured database: a SQLite file in tmp_path, or — when TEST_DATABASE_URL is set — a
database of this test's own on that PostgreSQL server, so the suite's shared schema is never touched.
"""

import json
import logging
import os

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text

from caseapp.core.extensions import db
from caseapp.models import Base
from tests.factories import build_app, worker_database_url


@pytest.fixture
def migration_app(tmp_path, worker_id):
    """An app on an empty database, outside the suite's ``create_all`` schema."""
    base = os.environ.get("TEST_DATABASE_URL")
    url = worker_database_url(base, f"migrations_{worker_id}") if base else None
    app = build_app(tmp_path, url)
    with app.app_context():
        if url is not None:  # the database survives between runs: start from nothing
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        yield app
        db.session.remove()
        db.engine.dispose()


def _schema_diff() -> list:
    """What autogenerate would write to make the database match the models (env.py's options)."""
    options = current_app.extensions["migrate"].configure_args
    opts = {key: value for key, value in options.items() if key != "process_revision_directives"}
    assert opts.get("compare_type"), "types must be compared"
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, Base.metadata)


def _current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _revisions_base_to_head() -> list:
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1, "migrations must have a single head"
    return list(reversed(list(script.walk_revisions("base", "heads"))))


def test_upgrade_matches_models_and_downgrade_removes_everything(migration_app):  # REL-06
    flask_migrate.upgrade()
    # env.py configures logging from alembic.ini; it must not silence the app's loggers.
    assert not logging.getLogger("caseapp").disabled
    assert not logging.getLogger("caseapp.web.security").disabled
    assert _current_revision() == _revisions_base_to_head()[-1].revision
    assert _schema_diff() == []
    assert _table_names() == set(Base.metadata.tables) | {"alembic_version"}

    flask_migrate.downgrade(revision="base")
    assert _current_revision() is None
    assert _table_names() <= {"alembic_version"}
    # The comparison is not vacuous: on an empty schema it asks for every model table.
    added = {diff[1].name for diff in _schema_diff() if diff[0] == "add_table"}
    assert added == set(Base.metadata.tables)


def test_every_revision_upgrades_and_downgrades_one_step_at_a_time(migration_app):  # REL-06
    revisions = _revisions_base_to_head()
    assert revisions, "no migrations found"
    for revision in revisions:
        below = revision.down_revision or "base"
        flask_migrate.upgrade(revision=revision.revision)
        assert _current_revision() == revision.revision
        flask_migrate.downgrade(revision=below)
        assert _current_revision() == (revision.down_revision or None)
        flask_migrate.upgrade(revision=revision.revision)
        assert _current_revision() == revision.revision
    assert _schema_diff() == []

    for revision in reversed(revisions):
        flask_migrate.downgrade(revision=revision.down_revision or "base")
        assert _current_revision() == (revision.down_revision or None)
    assert _table_names() <= {"alembic_version"}


def test_stepping_down_and_up_keeps_encrypted_case_data(migration_app):  # REL-06
    """Recreating a table in a SQLite batch migration must not cascade-delete its children, and the
    encrypted values must still decrypt afterwards."""
    from sqlalchemy import func, select

    from caseapp.models import DomesticRemedy, Victim
    from tests.factories import make_case, make_organisation

    flask_migrate.upgrade()
    organisation = make_organisation("Migrated NGO")
    case, _document = make_case(migration_app, organisation, submit=True)
    db.session.add(DomesticRemedy(case_id=case.id, kind="judicial", outcome="rejected"))
    db.session.commit()
    counts_before = [db.session.execute(select(func.count()).select_from(model)).scalar_one()
                     for model in (Victim, DomesticRemedy)]
    db.session.remove()

    # The two newest revisions drop columns of `cases` on the way down, which SQLite's batch mode does by
    # copying the table; neither creates the tables counted here, so their rows must all come back.
    for revision in reversed(_revisions_base_to_head()[-2:]):
        flask_migrate.downgrade(revision=revision.down_revision)
    flask_migrate.upgrade()

    counts_after = [db.session.execute(select(func.count()).select_from(model)).scalar_one()
                    for model in (Victim, DomesticRemedy)]
    assert counts_after == counts_before == [1, 1]
    result = migration_app.test_cli_runner().invoke(args=["keys", "check"])
    assert result.exit_code == 0, result.output


def test_going_below_the_covenant_statuses_keeps_every_protocol_change(migration_app):  # REL-06
    """The revision that adds the Covenant statuses: going down drops the Covenant's history with its table and
    writes the new kinds of Protocol change as the nearest old ones, so the old constraint holds and nothing
    about the Protocol is lost; going up again works on what is left."""
    from caseapp.services import register

    flask_migrate.upgrade()
    register.seed_shipped(db.session)
    db.session.execute(text(
        "INSERT INTO state_party_changes (iso2, treaty, changed_at, action, source, before, after) VALUES "
        "('AL', 'protocol', '2026-06-01 00:00:00', 'removed', 'an import', '{\"listing\": \"party\"}', '{}'), "
        "('IE', 'protocol', '2026-06-01 00:00:00', 'imported', 'an import', NULL, '{\"listing\": \"party\"}')"))
    db.session.commit()
    protocol_changes = db.session.execute(text(
        "SELECT count(*) FROM state_party_changes WHERE treaty = 'protocol'")).scalar_one()
    db.session.remove()

    flask_migrate.downgrade(revision="8c93e7725db5")
    rows = db.session.execute(text("SELECT iso2, action FROM state_party_changes ORDER BY id")).all()
    assert len(rows) == protocol_changes  # the Covenant's 194 went with its table
    assert {action for _iso2, action in rows} == {"seeded", "corrected", "added", "register_checked"}
    assert rows[-2:] == [("AL", "corrected"), ("IE", "added")]
    assert [action for iso2, action in rows if iso2 == "NE"] == ["seeded", "corrected"]  # was "updated"
    db.session.remove()
    flask_migrate.upgrade()
    assert _schema_diff() == []


def _below_other_instruments_encrypted() -> str:
    """The revision under the one that encrypts other instruments, read from it so that chaining
    new revisions in between does not break these tests."""
    return next(revision.down_revision for revision in _revisions_base_to_head()
                if revision.revision == "b3aca88f0f6c")


def test_other_instruments_move_into_their_encrypted_column_and_back(migration_app):  # CRY-01, REL-06
    """The revision that encrypts ``cases.other_instruments``: values written in clear before it are
    encrypted under the case's key on the way up and the clear column is dropped; going down decrypts them."""
    from caseapp.core.resources import keyring
    from caseapp.services import intake
    from caseapp.services.vault import open_vault
    from tests.factories import make_case, make_organisation

    flask_migrate.upgrade()
    case, _document = make_case(migration_app, make_organisation("Migrated NGO"), submit=True)
    case_id = case.id
    db.session.remove()

    flask_migrate.downgrade(revision=_below_other_instruments_encrypted())
    db.session.execute(text("UPDATE cases SET other_instruments = :items WHERE id = :id"),
                       {"items": '["ICCPR art. 26", "CEDAW art. 14 – rural women"]', "id": case_id})
    db.session.commit()
    db.session.remove()

    flask_migrate.upgrade()
    assert "other_instruments" not in {column["name"] for column in inspect(db.engine).get_columns("cases")}
    from caseapp.models import Case
    case = db.session.get(Case, case_id)
    assert b"ICCPR" not in case.other_instruments_encrypted
    assert intake.other_instruments(open_vault(db.session, keyring(), case)) == [
        "ICCPR art. 26", "CEDAW art. 14 – rural women"]
    db.session.remove()

    flask_migrate.downgrade(revision=_below_other_instruments_encrypted())
    stored = db.session.execute(text("SELECT other_instruments FROM cases WHERE id = :id"),
                                {"id": case_id}).scalar_one()
    assert (json.loads(stored) if isinstance(stored, str) else stored) == [
        "ICCPR art. 26", "CEDAW art. 14 – rural women"]
    db.session.remove()
    flask_migrate.upgrade()
    assert _schema_diff() == []


def test_other_instruments_are_not_moved_without_the_keys(migration_app, capsys):  # CRY-01, REL-06
    """Without the keys the revision refuses before it changes anything, and says what to do."""
    from tests.factories import make_case, make_organisation

    flask_migrate.upgrade()
    case, _document = make_case(migration_app, make_organisation("Migrated NGO"))
    case_id = case.id
    db.session.remove()
    flask_migrate.downgrade(revision=_below_other_instruments_encrypted())
    db.session.execute(text("UPDATE cases SET other_instruments = '[\"ICCPR art. 26\"]' WHERE id = :id"),
                       {"id": case_id})
    db.session.commit()
    db.session.remove()
    loaded = migration_app.extensions.pop("caseapp.keyring")
    try:
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits non-zero
            flask_migrate.upgrade()
        said = capsys.readouterr().err  # alembic.ini sends the migration loggers to standard error
        assert "needs the keys" in said and "Nothing was changed" in said
    finally:
        migration_app.extensions["caseapp.keyring"] = loaded
    assert _current_revision() == _below_other_instruments_encrypted()
    assert "other_instruments" in {column["name"] for column in inspect(db.engine).get_columns("cases")}
    flask_migrate.upgrade()  # with the keys it goes through
    assert _schema_diff() == []


def test_the_deadlines_migration_fills_the_stored_deadlines_of_the_cases_already_there(migration_app):  # REL-06
    from datetime import date

    from sqlalchemy import select

    from caseapp.models import Case, CaseDeadline
    from caseapp.services import deadlines
    from tests.factories import make_organisation, make_staged_case

    flask_migrate.upgrade()
    organisation = make_organisation("Deadlines NGO")
    case = make_staged_case(migration_app, organisation, stage="observations", transmitted_on=date(2025, 8, 5))
    case_id = case.id
    db.session.remove()
    flask_migrate.downgrade(revision="a7e5d3c9b1f2")  # before the deadlines were stored
    assert "case_deadlines" not in _table_names()
    flask_migrate.upgrade()

    rows = db.session.execute(select(CaseDeadline.kind, CaseDeadline.basis_date, CaseDeadline.due_date)
                              .where(CaseDeadline.case_id == case_id)).all()
    assert rows == [("state_observations", date(2025, 8, 5), date(2026, 2, 5))]
    assert [(d.kind, d.basis_date, d.due_date)
            for d in deadlines.computed_deadlines(db.session, [case_id])[case_id]] == rows
    assert db.session.execute(select(Case.next_due_on).where(Case.id == case_id)).scalar_one() == date(2026, 2, 5)
