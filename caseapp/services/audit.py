"""The audit log (LOG-01, AC-08): appending hash-chained events and verifying the chain.

``record`` appends one event in the caller's transaction, so it commits (or rolls back) with the change
it describes. The chain is serialised so two writers never read the same head: on SQLite the caller
already holds the write lock (``BEGIN IMMEDIATE``: unsafe HTTP methods, CLI commands under
``writing()``); on PostgreSQL ``record`` takes a transaction-level advisory lock before it reads the
head. A unique ``prev_hash`` makes a fork impossible even if that discipline were broken.

Reads of case content (GET views) must not write in the request's own transaction, which on SQLite is
a deferred read transaction; ``record_now`` appends their event in a short write transaction of its
own, committed before the content is sent (see ``caseapp.web.audit_hooks``).

Nothing here stores content (LOG-02): an action from ``caseapp.domain.audit.ACTIONS``, opaque ids, the
actor's account id and e-mail address, and the client address.
"""

import logging
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, func, or_, select, text
from sqlalchemy.orm import Session

from caseapp.core.database import writing
from caseapp.domain import audit as rules
from caseapp.models import AuditEvent, Case, User
from caseapp.models.base import utcnow

log = logging.getLogger("caseapp.audit")

# pg_advisory_xact_lock key of the chain head ("ESCRaudt" as a signed 64-bit integer).
CHAIN_LOCK_KEY = int.from_bytes(b"ESCRaudt", "big")
VERIFY_BATCH = 1000


# --- where an event comes from -------------------------------------------------------------------

@dataclass(frozen=True)
class Origin:
    """The HTTP request being served: its client address. Outside a request (CLI) there is none."""

    ip: str | None


_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


def bind_origin(ip: str | None) -> Token:
    """Called at the start of each request (``caseapp.web.audit_hooks``) so services record the client address."""
    return _origin.set(Origin((ip or "")[: rules.MAX_IP] or None))


def unbind_origin(token: Token) -> None:
    _origin.reset(token)


# --- appending -----------------------------------------------------------------------------------


def _lock_chain(session: Session) -> None:
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


_HEAD = select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)  # built once: every write reads it


def _head_hash(session: Session) -> str:
    head = session.execute(_HEAD).scalar_one_or_none()
    return head or rules.GENESIS_HASH


def record(
    session: Session,
    *,
    action: str,
    actor: User | None = None,
    target_type: str | None = None,
    target_id: object | None = None,
    ip: str | None = None,
    case: Case | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain in ``session``'s transaction (the caller commits).

    ``actor`` is the account acting (None: the command line, or nobody signed in); ``target_type`` and
    ``target_id`` name the object (a uuid, reference, key id or State code — never content); ``case``,
    when the event concerns a case, adds its uuid and reference (and makes it the target when no other
    is given). ``ip`` defaults to the client address of the request being served. ``actor_label``
    overrides the label stored for the actor (``rules.UNKNOWN_ACCOUNT`` for a failed sign-in of an
    unknown address: nothing the visitor typed is kept).
    """
    origin = _origin.get()
    if ip is None and origin is not None:
        ip = origin.ip
    if actor_label is None:
        actor_label = actor.email if actor is not None else (rules.ANONYMOUS_ACTOR if origin else rules.SYSTEM_ACTOR)
    case_uuid = str(case.uuid) if case is not None else None
    if case is not None and target_type is None:
        target_type, target_id = "case", case_uuid
    fields = {
        "occurred_at": utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "actor_label": actor_label[: rules.MAX_LABEL],
        "ip": ip,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id) if target_id is not None else None,
        "case_uuid": case_uuid,
        "case_reference": case.reference if case is not None else None,
    }
    rules.check_event(fields)
    _lock_chain(session)
    prev_hash = _head_hash(session)
    event = AuditEvent(prev_hash=prev_hash, hash=rules.chain_hash(prev_hash, fields), **fields)
    session.add(event)
    session.flush()
    log.debug("audit.recorded", extra={"audit_id": event.id, "action": action})
    return event


def record_now(engine: Engine, **event) -> None:
    """Append an event in a short write transaction of its own, committed before this returns.

    For reads of case content: the request's own transaction only reads (on SQLite a deferred
    ``BEGIN``, which must not turn into a writer), so the event gets a connection and an immediate
    write transaction of its own. A failure raises: content is not sent unless its reading is logged.
    """
    with writing(), Session(engine) as session, session.begin():
        record(session, **event)


# --- verifying -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None
    head_id: int | None = None  # the newest event checked, and its hash: note them elsewhere to detect
    head_hash: str | None = None  # removal of the newest events, which no chain can show by itself


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def _link(row) -> rules.ChainLink:
    return rules.ChainLink(row.id, row.prev_hash, row.hash, {name: getattr(row, name) for name in rules.HASHED_FIELDS})


def verify(session: Session, *, progress: Callable[[int], None] | None = None,
           anchor: tuple[int, str] | None = None) -> VerifyResult:
    """Recompute the chain in id order, streaming the rows; stop at the first broken event.

    An edited event fails its own hash; a removed, inserted or reordered one breaks the next event's
    link to it (``rules.check_link``). Removing the newest events leaves a valid, shorter chain: an
    ``anchor`` (id, hash) noted from an earlier check must still be there, unchanged.
    """
    columns = [getattr(AuditEvent, name) for name in ("id", "prev_hash", "hash", *rules.HASHED_FIELDS)]
    rows = session.execute(select(*columns).order_by(AuditEvent.id).execution_options(yield_per=VERIFY_BATCH))
    expected_prev, checked, head_id = rules.GENESIS_HASH, 0, None
    for row in rows:
        problem = rules.check_link(_link(row), expected_prev)
        if problem is not None:
            rows.close()
            return VerifyResult(False, checked, problem.id, problem.reason, head_id, expected_prev)
        if anchor is not None and row.id == anchor[0] and row.hash != anchor[1]:
            rows.close()
            return VerifyResult(False, checked, row.id, "it is not the event noted earlier (its hash differs)",
                                head_id, expected_prev)
        expected_prev, head_id = row.hash, row.id
        checked += 1
        if progress is not None and checked % VERIFY_BATCH == 0:
            progress(VERIFY_BATCH)
    if progress is not None and checked % VERIFY_BATCH:
        progress(checked % VERIFY_BATCH)
    if anchor is not None and (head_id is None or head_id < anchor[0] or not _exists(session, anchor[0])):
        return VerifyResult(False, checked, anchor[0], "it is missing: events noted earlier were removed",
                            head_id, expected_prev if head_id else None)
    return VerifyResult(True, checked, head_id=head_id, head_hash=expected_prev if head_id else None)


def _exists(session: Session, event_id: int) -> bool:
    return session.execute(select(AuditEvent.id).where(AuditEvent.id == event_id)).first() is not None


# --- the admins' viewer --------------------------------------------------------------------------


def search(*, actor_id: int | None = None, case_reference: str | None = None, action: str | None = None,
           since: date | None = None, until: date | None = None):
    """The events matching the viewer's filters, newest first. A case is found by its reference, and
    with it every event of that case from before it had one (its draft), through the case's uuid."""
    query = select(AuditEvent)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if case_reference:
        same_case = select(AuditEvent.case_uuid).where(AuditEvent.case_reference == case_reference,
                                                       AuditEvent.case_uuid.is_not(None))
        query = query.where(or_(AuditEvent.case_reference == case_reference, AuditEvent.case_uuid.in_(same_case)))
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(since, time.min, UTC))
    if until is not None:
        query = query.where(AuditEvent.occurred_at < datetime.combine(until + timedelta(days=1), time.min, UTC))
    return query.order_by(AuditEvent.id.desc())
