"""The retention job (DATA-02): find declined reports past the retention period and crypto-shred them.

A report's decline date is the time of its latest move into the ``declined`` stage (``case_events``);
a declined case with no such event (declined before the timeline existed) falls back to
``cases.updated_at``. Which reports are expired is the pure rule of ``caseapp.domain.retention``.
Shredding goes through ``caseapp.services.cases.delete_case``: the case's data key row goes in the
same transaction as its rows, and its files are unlinked once that commits (CRY-06); the audit log gets
a ``case_shredded`` event in that transaction (LOG-01). Reads clear columns only: nothing is decrypted.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.core.database import writing
from caseapp.core.files import EncryptedStore
from caseapp.domain import stages
from caseapp.domain.retention import age_in_days, is_expired
from caseapp.models import Case, CaseEvent
from caseapp.services import audit
from caseapp.services.cases import delete_case

log = logging.getLogger("caseapp.retention")


@dataclass(frozen=True)
class ExpiredReport:
    case_id: int
    uuid: UUID
    reference: str | None
    declined_on: date
    age_days: int

    @property
    def label(self) -> str:
        return self.reference or str(self.uuid)


def _declined_at():
    """The time of the case's latest move into ``declined`` (None when the timeline has none)."""
    return (
        select(func.max(CaseEvent.occurred_at))
        .where(CaseEvent.case_id == Case.id, CaseEvent.to_stage == stages.DECLINED, CaseEvent.action == "move")
        .correlate(Case)
        .scalar_subquery()
    )


def _declined_query():
    return select(Case.id, Case.uuid, Case.reference, _declined_at().label("declined_at"), Case.updated_at).where(
        Case.stage == stages.DECLINED
    )


def _expired(row, *, today: date, days: int) -> ExpiredReport | None:
    declined: datetime = row.declined_at or row.updated_at
    declined_on = declined.date()
    if not is_expired(declined_on, today, days):
        return None
    return ExpiredReport(row.id, row.uuid, row.reference, declined_on, age_in_days(declined_on, today))


def expired_reports(session: Session, *, today: date, days: int) -> list[ExpiredReport]:
    """Declined reports older than ``days`` days on ``today``, longest declined first."""
    rows = session.execute(_declined_query().order_by(Case.id)).all()
    found = [report for row in rows if (report := _expired(row, today=today, days=days)) is not None]
    return sorted(found, key=lambda report: (report.declined_on, report.case_id))


def shred_if_expired(session: Session, store: EncryptedStore, case_id: int, *, today: date, days: int) -> bool:
    """Crypto-shred the case if it is still a declined report past the period (it may have been reopened
    since it was listed), with a ``case_shredded`` audit event in the same transaction; flushes, the
    caller commits. The case row is locked first (PostgreSQL; SQLite's writer already holds the database
    lock), so a concurrent reopening waits or wins. Returns whether it was shredded."""
    case = session.execute(select(Case).where(Case.id == case_id).with_for_update()).scalar_one_or_none()
    if case is None:  # deleted meanwhile
        return False
    row = session.execute(_declined_query().where(Case.id == case_id)).one_or_none()
    if row is None or _expired(row, today=today, days=days) is None:
        return False
    audit.record(session, action="case_shredded", case=case)
    delete_case(session, store, case)
    return True


@dataclass
class RetentionRun:
    shredded: list[ExpiredReport] = field(default_factory=list)
    skipped: int = 0  # reopened or accepted since they were listed, or deleted meanwhile
    failed: list[ExpiredReport] = field(default_factory=list)


def apply(session: Session, store: EncryptedStore, found: list[ExpiredReport], *, today: date, days: int,
          progress: Callable[[ExpiredReport], None] | None = None) -> RetentionRun:
    """Crypto-shred each of ``found`` (from ``expired_reports``) in a write transaction of its own, then
    record one ``retention_applied`` audit event; ``flask retention run --apply`` and the background job run
    this. One report's failure neither stops nor undoes the others: it is logged by the case's id and
    left for the next run."""
    run = RetentionRun()
    for report in found:
        try:
            with writing():
                done = shred_if_expired(session, store, report.case_id, today=today, days=days)
                session.commit()
        except Exception:
            session.rollback()
            log.exception("retention.shred_failed", extra={"case": str(report.uuid)})
            run.failed.append(report)
        else:
            if done:
                run.shredded.append(report)
                log.info("retention.case_shredded", extra={"case": str(report.uuid), "declined_on":
                                                            report.declined_on.isoformat(), "days": days})
            else:
                run.skipped += 1
        if progress is not None:
            progress(report)
    log.info("retention.run", extra={"days": days, "shredded": len(run.shredded), "skipped": run.skipped,
                                     "failed": len(run.failed)})
    with writing():
        audit.record(session, action="retention_applied")
        session.commit()
    return run
