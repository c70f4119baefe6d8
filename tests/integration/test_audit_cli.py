"""The audit log in the database and `flask audit verify` (LOG-01, AC-08).

Events are appended through ``caseapp.services.audit``; the table refuses UPDATE and DELETE (triggers on
SQLite and PostgreSQL), so the tampering tests first drop or disable those triggers, as an attacker with
the database file or a superuser would, then check that the chain names the first broken event.
"""

import re
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from caseapp.cli.audit import verify_audit
from caseapp.core.extensions import db
from caseapp.domain import audit as rules
from caseapp.domain import roles
from caseapp.models import AuditEvent
from caseapp.services import audit
from tests.factories import build_app, make_organisation, make_user, running_app


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def events() -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())


def append(n: int) -> list[int]:
    """``n`` events through the service (a key rotation each: no account or case needed), committed."""
    ids = [audit.record(db.session, action="key_rotated", target_type="key", target_id=f"k{i}").id for i in range(n)]
    db.session.commit()
    return ids


def tamper(*statements: str, params: dict | None = None) -> None:
    """Run SQL on audit_events with its append-only triggers out of the way (then put them back on
    PostgreSQL; on SQLite they stay dropped for the rest of this test's private database)."""
    db.session.rollback()  # the test's own read transaction would keep seeing the rows as they were
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        for statement in statements:
            connection.execute(text(statement), params or {})
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


def broken_at(result) -> int:
    assert result.exit_code == 1, result.output
    match = re.search(r"Broken at event #(\d+): ", result.output)
    assert match, result.output
    return int(match.group(1))


# --- appending ------------------------------------------------------------------------------------------


def test_events_are_chained_from_the_genesis_hash(app):  # LOG-01
    first, second = append(2)
    rows = events()
    assert [row.id for row in rows] == [first, second]
    assert rows[0].prev_hash == rules.GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash
    recomputed = rules.chain_hash(rows[0].prev_hash, {name: getattr(rows[0], name) for name in rules.HASHED_FIELDS})
    assert recomputed == rows[0].hash


def test_a_command_line_event_names_the_command_line_and_no_address(app):
    append(1)
    row = events()[-1]
    assert (row.actor_id, row.actor_label, row.ip) == (None, rules.SYSTEM_ACTOR, None)
    assert row.occurred_at.tzinfo is not None


def test_an_event_outside_the_vocabulary_is_refused_and_writes_nothing(app):  # LOG-02
    with pytest.raises(rules.AuditError):
        audit.record(db.session, action="viewed the narrative of case 12")
    with pytest.raises(rules.AuditError):
        audit.record(db.session, action="report_viewed", target_type="victim name")
    db.session.rollback()
    assert events() == []


def test_the_table_refuses_update_and_delete(app):  # LOG-01: append-only at the database level
    append(2)
    for statement in ("UPDATE audit_events SET actor_label = 'someone else'", "DELETE FROM audit_events",
                      "UPDATE audit_events SET id = id + 100"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))
    assert len(events()) == 2
    assert run(app, "audit", "verify").exit_code == 0


def test_no_fork_under_concurrent_writers(app):  # REL-04 with LOG-01: the chain head is serialised
    errors: list[BaseException] = []
    engine = db.engine

    def writer():
        try:
            for _ in range(10):
                audit.record_now(engine, action="key_rotated", target_type="key", target_id="k1")
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(events()) == 40
    assert audit.verify(db.session).ok


# --- flask audit verify ---------------------------------------------------------------------------------


def test_verify_an_empty_log(app):
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "Checked 0 events: chain intact." in result.output


def test_verify_an_intact_chain(app):  # LOG-01
    organisation = make_organisation("NGO A")  # accounts and organisations made through services are audited
    make_user(app, roles.LAWYER)
    make_user(app, roles.PARTNER, organisation)
    append(3)
    total = len(events())
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"Checked {total} events: chain intact." in result.output
    head = events()[-1]
    assert f"Newest event: {head.id}:{head.hash}" in result.output


def test_an_edited_event_is_named(app):  # LOG-01
    ids = append(5)
    tamper("UPDATE audit_events SET target_id = 'k-forged' WHERE id = :id", params={"id": ids[2]})
    result = run(app, "audit", "verify")
    assert broken_at(result) == ids[2]
    assert "the event was edited" in result.output
    assert "The 2 events before it are intact." in result.output


@pytest.mark.parametrize("column, value", [
    ("occurred_at", "2001-01-01 00:00:00.000000"), ("actor_label", "someone else"), ("ip", "198.51.100.1"),
    ("action", "key_retired"), ("actor_id", 99),
])
def test_an_edit_of_any_column_is_caught(app, column, value):
    ids = append(3)
    tamper(f"UPDATE audit_events SET {column} = :value WHERE id = :id", params={"value": value, "id": ids[1]})  # noqa: S608 — column from the parametrisation above
    assert broken_at(run(app, "audit", "verify")) == ids[1]


def test_a_removed_event_breaks_the_chain_at_the_next(app):  # LOG-01
    ids = append(5)
    tamper("DELETE FROM audit_events WHERE id = :id", params={"id": ids[2]})
    result = run(app, "audit", "verify")
    assert broken_at(result) == ids[3]
    assert "removed, inserted or reordered" in result.output


def test_swapped_events_are_caught(app):  # LOG-01
    ids = append(5)
    a, b = ids[1], ids[2]
    tamper("UPDATE audit_events SET id = -1 WHERE id = :a", "UPDATE audit_events SET id = :a WHERE id = :b",
           "UPDATE audit_events SET id = :b WHERE id = -1", params={"a": a, "b": b})
    assert broken_at(run(app, "audit", "verify")) == a


def test_a_rehashed_forgery_still_breaks_the_link_of_the_next_event(app):
    """Recomputing the edited event's own hash is not enough: the next event points at the old one."""
    ids = append(4)
    row = next(row for row in events() if row.id == ids[1])
    forged = {name: getattr(row, name) for name in rules.HASHED_FIELDS} | {"target_id": "k-forged"}
    tamper("UPDATE audit_events SET target_id = 'k-forged', hash = :hash WHERE id = :id",
           params={"hash": rules.chain_hash(row.prev_hash, forged), "id": ids[1]})
    assert broken_at(run(app, "audit", "verify")) == ids[2]


def test_removing_the_newest_events_is_caught_with_an_anchor(app):
    ids = append(4)
    anchor = re.search(r"Newest event: (\d+:[0-9a-f]{64})", run(app, "audit", "verify").output).group(1)
    tamper("DELETE FROM audit_events WHERE id >= :id", params={"id": ids[2]})
    assert run(app, "audit", "verify").exit_code == 0  # a shorter chain is still a chain …
    result = run(app, "audit", "verify", "--anchor", anchor)  # … but the head noted earlier is gone
    assert broken_at(result) == ids[3] and "missing" in result.output
    assert run(app, "audit", "verify", "--anchor", "1:zz").exit_code == 2


def test_an_anchor_with_another_hash_is_caught(app):
    ids = append(3)
    result = run(app, "audit", "verify", "--anchor", f"{ids[1]}:{'a' * 64}")
    assert broken_at(result) == ids[1]


def test_verify_needs_no_keys(tmp_path, database_url):
    assert verify_audit.callback.needs_keys is False
    app = build_app(tmp_path, database_url, require_keys=False, KEKS=None, INDEX_SECRET=None)
    with app.app_context():
        if database_url is None:
            AuditEvent.metadata.create_all(db.engine)
        try:
            assert app.extensions["caseapp.keyring"] is None
            audit.record(db.session, action="key_retired", target_type="key", target_id="k0")
            db.session.commit()
            result = run(app, "audit", "verify")
            assert result.exit_code == 0, result.output
            assert "Checked 1 events: chain intact." in result.output
        finally:
            db.session.remove()
            if database_url is not None:
                with db.engine.begin() as connection:
                    for table in reversed(AuditEvent.metadata.sorted_tables):
                        connection.execute(text("TRUNCATE audit_events") if table.name == "audit_events"
                                           else table.delete())
            db.engine.dispose()


def test_key_rotation_and_retirement_are_audited(tmp_path, database_url):  # LOG-01: key operations
    # The outer app (keys in files, as `flask keys init` makes them) empties the database afterwards.
    with running_app(tmp_path, database_url, KEKS=None, require_keys=False) as first:
        assert run(first, "keys", "init").exit_code == 0
        app = build_app(tmp_path, database_url, KEKS=None)
        with app.app_context():
            try:
                make_user(app, roles.LAWYER)  # an accounts data key to re-wrap
                rotated = run(app, "keys", "rotate")
                assert rotated.exit_code == 0, rotated.output
                retired = run(app, "keys", "retire", "k1", "--yes")
                assert retired.exit_code == 0, retired.output
                key_events = [(row.action, row.target_type, row.target_id, row.actor_label) for row in events()
                              if row.target_type == "key"]
                assert key_events == [("key_rotated", "key", "k2", rules.SYSTEM_ACTOR),
                                      ("key_retired", "key", "k1", rules.SYSTEM_ACTOR)]
                assert run(app, "audit", "verify").exit_code == 0
            finally:
                db.session.remove()
                db.engine.dispose()
