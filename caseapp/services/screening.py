"""Screening: the admissibility engine run on a report's recorded facts, the lawyer's versioned
determinations and strategic assessment, and the three decisions (request information, decline, accept).

The partner's report (decrypted through the case's vault) becomes the engine's ``CaseFacts``
(DESIGN.md §5); the engine's assessment is computed when a lawyer looks, and saved, as it was then,
inside each screening version.
"""

import json
from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.domain import stages
from caseapp.domain.admissibility import Assessment, assess
from caseapp.domain.i18n import N_
from caseapp.domain.register import StatesRegister
from caseapp.domain.report import ReportInput
from caseapp.domain.screening import Change, ScreeningContent, case_facts, changes, check_content, same_judgement
from caseapp.models import Message, ScreeningVersion, User
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, audit, messages
from caseapp.services.intake import load_report
from caseapp.services.timeline import move_case
from caseapp.services.vault import CaseVault

MAX_DECLINE_REASON = 4000


class ScreeningError(ServiceError):
    """A screening with problems, by field name; nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(N_("The assessment has problems."))
        self.errors = errors


def assess_report(vault: CaseVault, *, today: date, register: StatesRegister,
                  report: ReportInput | None = None) -> Assessment:
    """The engine's assessment of the case's report; ``report``: the report already decrypted from ``vault``
    (the case page shows it too), so it is not decrypted twice."""
    return assess(case_facts(report if report is not None else load_report(vault)), today=today, register=register)


# --- versions ------------------------------------------------------------------------------------


@dataclass
class Version:
    row: ScreeningVersion
    content: ScreeningContent
    changes: list[Change]


def versions(session: Session, vault: CaseVault) -> list[Version]:
    """Every saved screening of the case, newest first, each with what it changed."""
    rows = session.execute(
        select(ScreeningVersion).where(ScreeningVersion.case_id == vault.case.id).order_by(ScreeningVersion.version)
    ).scalars().all()
    result, previous = [], None
    for row in rows:
        content = ScreeningContent.from_json(json.loads(vault.get(row, "content") or "{}"))
        result.append(Version(row, content, changes(previous, content)))
        previous = content
    return result[::-1]


def latest(session: Session, vault: CaseVault) -> Version | None:
    found = versions(session, vault)
    return found[0] if found else None


def record_screening(session: Session, vault: CaseVault, lawyer: User, content: ScreeningContent) -> ScreeningVersion:
    """Save ``content`` as the case's next screening version; a first screening opens the case's
    screening stage. Refuses a screening with problems, or one that changes nothing."""
    case = vault.case
    if case.stage not in stages.SCREENING_STAGES and case.stage != stages.CANDIDATE:
        raise ServiceError(N_("This case is not being screened."))
    errors = check_content(content)
    if errors:
        raise ScreeningError(errors)
    previous = latest(session, vault)
    if same_judgement(previous.content if previous else None, content):
        raise ServiceError(N_("Nothing changed since the last version: it was not saved again."))
    number = (session.execute(select(func.max(ScreeningVersion.version)).where(ScreeningVersion.case_id == case.id))
              .scalar_one() or 0) + 1
    row = ScreeningVersion(uuid=uuid4(), case_id=case.id, version=number, author_id=lawyer.id, created_at=utcnow(),
                           engine_overall=content.engine.get("overall", "incomplete"), overall=content.overall)
    vault.set(row, "content", json.dumps(content.to_json(), ensure_ascii=False, sort_keys=True))
    session.add(row)
    if case.stage == stages.SUBMITTED:
        move_case(session, vault, lawyer, stages.SCREENING, N_("Screening started."))
    session.flush()
    audit.record(session, action="assessment_recorded", actor=lawyer, case=case)
    return row


# --- decisions -----------------------------------------------------------------------------------


def request_information(session: Session, vault: CaseVault, lawyer: User, body: str) -> Message:
    """Ask the partner for information in the report's thread; the report waits for their answer."""
    message = messages.post_message(session, vault, lawyer, body, information_request=True)
    move_case(session, vault, lawyer, stages.INFO_REQUESTED, N_("Information requested from the partner."))
    return message


def decline(session: Session, vault: CaseVault, lawyer: User, reason: str) -> None:
    """Decline the report; the reason is what the partner reads on their report page."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ServiceError(N_("Write the reason the partner will read."), "reason")
    if len(reason) > MAX_DECLINE_REASON:
        raise ServiceError(N_("Keep the reason under %(max)d characters.", max=MAX_DECLINE_REASON), "reason")
    move_case(session, vault, lawyer, stages.DECLINED, reason)
    vault.set(vault.case, "decline_reason", reason)


def accept(session: Session, vault: CaseVault, lawyer: User, note: str | None = None) -> None:
    """Accept the report as a strategic candidate: only on a screening that finds no condition unmet and
    scores every strategic factor, so the choice rests on a recorded assessment."""
    current = latest(session, vault)
    if current is None:
        raise ServiceError(N_("Record an assessment before accepting the case."))
    if current.content.overall == "inadmissible":
        raise ServiceError(N_("Your latest assessment finds a condition not met: change it, with your reasons, "
                           "or decline the report."))
    if not current.content.complete_strategy:
        raise ServiceError(N_("Score every strategic factor before accepting the case."))
    move_case(session, vault, lawyer, stages.CANDIDATE, note)
    vault.set(vault.case, "decline_reason", None)


def reopen(session: Session, vault: CaseVault, lawyer: User, note: str) -> None:
    """Take a declined or accepted report back into screening (a decision taken in error, new facts)."""
    if not (note or "").strip():
        raise ServiceError(N_("Say why the report is reopened."), "note")
    move_case(session, vault, lawyer, stages.SCREENING, note)
    vault.set(vault.case, "decline_reason", None)
