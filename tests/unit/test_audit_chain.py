"""The audit log's hash chain and vocabulary, pure (LOG-01, AC-08, LOG-02): caseapp/domain/audit.py."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.domain import audit as rules


def fields(**changes) -> dict:
    base = {
        "occurred_at": datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
        "actor_id": 7,
        "actor_label": "lawyer@example.org",
        "ip": "203.0.113.9",
        "action": "report_viewed",
        "target_type": "case",
        "target_id": "6f1c3c52-0000-4000-8000-000000000001",
        "case_uuid": "6f1c3c52-0000-4000-8000-000000000001",
        "case_reference": "ESCR-2025-0001",
    }
    return base | changes


def chain(n: int) -> list[rules.ChainLink]:
    """``n`` correctly linked events."""
    links, prev = [], rules.GENESIS_HASH
    for i in range(1, n + 1):
        values = fields(actor_id=i, occurred_at=datetime(2025, 3, 1, tzinfo=UTC) + timedelta(seconds=i))
        digest = rules.chain_hash(prev, values)
        links.append(rules.ChainLink(i, prev, digest, values))
        prev = digest
    return links


def first_problem(links: list[rules.ChainLink]) -> rules.ChainProblem | None:
    """The verifier's loop (caseapp/services/audit.py) over in-memory links."""
    expected = rules.GENESIS_HASH
    for link in sorted(links, key=lambda link: link.id):
        problem = rules.check_link(link, expected)
        if problem is not None:
            return problem
        expected = link.hash
    return None


# --- the hash ------------------------------------------------------------------------------------


def test_hash_is_sha256_hex_deterministic_and_chained():  # LOG-01
    first = rules.chain_hash(rules.GENESIS_HASH, fields())
    assert len(first) == 64 and set(first) <= set("0123456789abcdef")
    assert rules.chain_hash(rules.GENESIS_HASH, fields()) == first
    assert rules.chain_hash(first, fields()) != first  # the same event after another one hashes differently
    assert rules.GENESIS_HASH == "0" * 64


def test_canonical_form_is_sorted_json_with_iso_utc_time():
    text = rules.canonical(rules.GENESIS_HASH, fields()).decode()
    assert '"occurred_at":"2025-03-01T12:00:00.123456+00:00"' in text
    assert text.startswith('{"fields":{"action":"report_viewed","actor_id":7,')
    assert " " not in text.replace("Z", "")


def test_the_same_moment_in_another_timezone_hashes_the_same():
    moment = datetime(2025, 3, 1, 13, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert rules.chain_hash(rules.GENESIS_HASH, fields(occurred_at=moment)) == rules.chain_hash(
        rules.GENESIS_HASH, fields())


@pytest.mark.parametrize("name", rules.HASHED_FIELDS)
def test_every_hashed_field_changes_the_hash(name):  # an edit of any column is detected
    original = fields()
    changed = dict(original)
    changed[name] = (original[name] + timedelta(microseconds=1) if name == "occurred_at"
                     else original[name] + 1 if isinstance(original[name], int) else original[name] + "x")
    assert rules.chain_hash(rules.GENESIS_HASH, changed) != rules.chain_hash(rules.GENESIS_HASH, original)
    if name == "occurred_at":
        with pytest.raises(rules.AuditError):
            rules.chain_hash(rules.GENESIS_HASH, original | {name: None})
    else:
        assert (rules.chain_hash(rules.GENESIS_HASH, original | {name: None})
                != rules.chain_hash(rules.GENESIS_HASH, original))


@given(st.text(max_size=60), st.text(max_size=60))
def test_distinct_labels_never_collide_through_the_serialisation(a, b):
    """JSON escaping keeps field boundaries: no two different values serialise alike."""
    if a != b:
        assert rules.canonical(rules.GENESIS_HASH, fields(actor_label=a)) != rules.canonical(
            rules.GENESIS_HASH, fields(actor_label=b))


def test_fields_must_be_exactly_the_hashed_set():
    with pytest.raises(rules.AuditError, match="missing"):
        rules.chain_hash(rules.GENESIS_HASH, {k: v for k, v in fields().items() if k != "ip"})
    with pytest.raises(rules.AuditError, match="extra"):
        rules.chain_hash(rules.GENESIS_HASH, fields(title="A title"))


def test_naive_times_and_odd_values_are_refused():
    with pytest.raises(rules.AuditError, match="naive"):
        rules.chain_hash(rules.GENESIS_HASH, fields(occurred_at=datetime(2025, 3, 1)))  # noqa: DTZ001
    with pytest.raises(rules.AuditError):
        rules.chain_hash(rules.GENESIS_HASH, fields(target_id=b"bytes"))
    with pytest.raises(rules.AuditError, match="prev_hash"):
        rules.chain_hash("abc", fields())


# --- verification ----------------------------------------------------------------------------------


def test_an_intact_chain_has_no_problem():
    assert first_problem(chain(5)) is None
    assert first_problem([]) is None


def test_an_edited_event_is_named():
    links = chain(5)
    links[2] = replace(links[2], fields=dict(links[2].fields, target_id="another-case"))
    problem = first_problem(links)
    assert problem.id == 3 and "edited" in problem.reason


def test_a_removed_event_breaks_the_next_one():
    links = chain(5)
    del links[2]
    problem = first_problem(links)
    assert problem.id == 4 and "removed" in problem.reason


def test_a_removed_first_event_breaks_the_second():
    problem = first_problem(chain(3)[1:])
    assert problem.id == 2


def test_two_events_with_swapped_ids_are_caught():
    links = chain(5)
    third, fourth = links[2], links[3]
    links[2], links[3] = replace(fourth, id=3), replace(third, id=4)
    problem = first_problem(links)
    assert problem.id == 3 and "reordered" in problem.reason


def test_an_edited_hash_is_caught_at_that_event():
    links = chain(4)
    links[1] = replace(links[1], hash="f" * 64)
    assert first_problem(links).id == 2


# --- vocabulary (LOG-02: nothing free-form) -----------------------------------------------------------


def test_actions_are_a_closed_list_with_descriptions():
    assert "report_viewed" in rules.ACTIONS and "login_failed" in rules.ACTIONS
    assert all(len(code) <= rules.MAX_ACTION and description for code, description in rules.ACTIONS.items())
    assert set(rules.ACTION_GROUPS) == set(rules.ACTIONS)
    assert rules.describe("stage_changed") == "Case moved to another stage"


@pytest.mark.parametrize("bad", [
    {"action": "viewed the file of Ana Pérez"},
    {"target_type": "narrative"},
    {"target_id": "x" * 65},
    {"case_reference": "ESCR-2025-0001 and more words"},
    {"actor_label": 7},
])
def test_events_outside_the_vocabulary_are_refused(bad):
    with pytest.raises(rules.AuditError):
        rules.check_event(fields(**bad))


def test_a_well_formed_event_passes_the_check():
    rules.check_event(fields())
    rules.check_event(fields(actor_id=None, actor_label=rules.UNKNOWN_ACCOUNT, target_type=None, target_id=None,
                             case_uuid=None, case_reference=None, ip=None, action="login_failed"))
