"""Partner intake: drafts, saving a report, submitting it, and what the lawyers see of it.

A report is written whole each time it is saved (its victims, remedies and procedures are replaced),
inside the caller's transaction, so a failed save leaves the previous draft untouched.
"""

import json
from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import BlindIndexer
from caseapp.domain import covenant, stages
from caseapp.domain import report as rules
from caseapp.domain.admissibility import one_year_count
from caseapp.domain.deadlines import days_left, warning_level
from caseapp.domain.i18n import N_
from caseapp.domain.register import un_member_states
from caseapp.domain.report import ProcedureInput, RemedyInput, ReportInput, UnusedRemedyInput, VictimInput
from caseapp.domain.screening import case_facts
from caseapp.models import Case, DataKey, DomesticRemedy, OtherProcedure, UnusedRemedy, User, Victim
from caseapp.models.case import PARTNER_VIEW_COLUMNS
from caseapp.services import ServiceError, duplicates
from caseapp.services.cases import create_case, new_victim, submit_case, visible_cases
from caseapp.services.timeline import move_case
from caseapp.services.vault import CaseVault, new_vault, open_vaults

DRAFT = stages.DRAFT
# A partner edits a draft, and again a submitted report on which the lawyers asked for information.
EDITABLE_STAGES = (stages.DRAFT, stages.INFO_REQUESTED)


class ReportError(ServiceError):
    """The report has problems; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(N_("Please correct the fields marked below."))
        self.errors = errors


def check(report: ReportInput, *, today: date, submitting: bool) -> dict[str, str]:
    known_states = {code for code, _name in un_member_states()}
    return rules.problems(report, today=today, submitting=submitting, is_known_state=known_states.__contains__,
                          is_covenant_right=covenant.is_covenant_right)


def one_year_limit(report: ReportInput) -> date | None:
    """The last day to submit to the Committee (art. 3(2)(a)) as the engine counts it from the report's
    remedies — the date stored with the case when it is saved; None until the final decision's dates are in."""
    count = one_year_count(case_facts(report))
    return count[1] if count else None


def needs_lateness_reason(last_day: date | None, today: date) -> bool:
    """Whether to ask why the communication could not be submitted in time (``one_year_exception``, the
    exception of art. 3(2)(a)): once the last day has passed, or from the engine's first warning on."""
    return last_day is not None and warning_level(days_left(last_day, today)) is not None


def new_draft(session: Session, keyring: Keyring, user: User) -> tuple[Case, CaseVault]:
    _must_report_for_an_organisation(user)
    return create_case(session, keyring, organisation=user.organisation, author=user)


def _must_report_for_an_organisation(user: User) -> None:
    if user.organisation_id is None:
        raise ServiceError(N_("Only members of a partner organisation can report."))


def create_report(session: Session, keyring: Keyring, indexer: BlindIndexer, user: User, report: ReportInput, *,
                  today: date, submit: bool) -> tuple[Case, str | None]:
    """A new report written whole in one go (the demo data): saved as a draft, and submitted when asked.

    Raises ``ReportError`` before anything is written, not even the draft or its key.
    """
    new = seal_new_report(keyring, indexer, user, report, today=today, submit=submit)
    return new.case, add_new_report(session, new, keyring=keyring, today=today, submit=submit, actor=user)


@dataclass(frozen=True)
class NewReport:
    """A report not stored yet: its case row, its case's key row and its values, every one sealed before the
    write transaction begins (``seal_new_report``) and added inside it (``add_new_report``), REL-04."""

    case: Case
    key_row: DataKey
    vault: CaseVault
    sealed: "SealedReport"


def seal_new_report(keyring: Keyring, indexer: BlindIndexer, user: User, report: ReportInput, *, today: date,
                    submit: bool) -> NewReport:
    """A new report's case, its fresh data key wrapped, and the report encrypted, writing nothing; raises
    ``ReportError`` first when the report has problems. The case names its organisation by id, not by the
    relationship, so nothing cascades into the session."""
    _must_report_for_an_organisation(user)
    errors = check(report, today=today, submitting=submit)
    if errors:
        raise ReportError(errors)
    case = Case(uuid=uuid4(), organisation_id=user.organisation_id, created_by_id=user.id)
    vault, key_row = new_vault(keyring, case)
    return NewReport(case, key_row, vault, seal_report(vault, indexer, report))


def add_new_report(session: Session, new: NewReport, *, keyring: Keyring, today: date, submit: bool,
                   actor: User | None = None) -> str | None:
    """Store a report ``seal_new_report`` made (and checked), as a draft, submitted when asked; returns the
    reference then."""
    session.add_all([new.case, new.key_row])
    session.flush()
    return save_report(session, new.vault, new.sealed, keyring=keyring, today=today, submit=submit, actor=actor)


@dataclass(frozen=True)
class SealedReport:
    """A report with every value the partner typed already encrypted for its case and its victims' names and
    identity numbers blind-indexed: made before the write transaction begins (``seal_report``), so the
    SQLite write lock covers the writes alone (REL-04: no crypto inside the write transaction; issue 20,
    point 3). ``case_columns``: the case row's sealed columns; the rows: new, not yet in any session."""

    report: ReportInput
    case_columns: dict[str, bytes | None]
    victims: list[Victim]
    remedies: list[DomesticRemedy]
    unused_remedies: list[UnusedRemedy]
    other_procedures: list[OtherProcedure]


# The case row's columns a report fills, in the vault's names.
REPORT_CASE_COLUMNS = ("title", "summary", "narrative", "consent_justification", "remedies_exception_explanation",
                       "one_year_exception", "urgent_explanation")


# The rows a report is made of beyond its case row, each with the case's collection that holds them.
REPORT_COLLECTIONS = (("victims", Victim), ("remedies", DomesticRemedy), ("unused_remedies", UnusedRemedy),
                      ("other_procedures", OtherProcedure))


def seal_report(vault: CaseVault, indexer: BlindIndexer, report: ReportInput) -> SealedReport:
    """Encrypt and blind-index the report for ``vault``'s case, writing nothing (see ``SealedReport``)."""
    case = vault.case
    columns = {column: vault.seal(case, column, getattr(report, column).strip() or None)
               for column in REPORT_CASE_COLUMNS}
    instruments = [item.strip() for item in report.other_instruments if item.strip()]
    columns["other_instruments"] = vault.seal(case, "other_instruments", _instruments_text(instruments))
    remedies = []
    for item in report.remedies:
        remedy = DomesticRemedy(uuid=uuid4(), kind=item.kind, filed=item.filed, decided=item.decided,
                                notified=item.notified, outcome=item.outcome, final=item.final,
                                addressed_substance=item.addressed_substance)
        vault.set(remedy, "body", item.body.strip() or None)
        remedies.append(remedy)
    unused_remedies = []
    for item in report.unused_remedies:
        unused = UnusedRemedy(uuid=uuid4(), reason=item.reason)
        vault.set(unused, "name", item.name.strip() or None)
        vault.set(unused, "explanation", item.explanation.strip() or None)
        unused_remedies.append(unused)
    procedures = []
    for item in report.other_procedures:
        procedure = OtherProcedure(uuid=uuid4(), same_matter=item.same_matter, status=item.status, on_date=item.date)
        vault.set(procedure, "body", item.body.strip() or None)
        procedures.append(procedure)
    return SealedReport(report=report, case_columns=columns,
                        victims=[new_victim(vault, indexer, item) for item in report.victims],
                        remedies=remedies, unused_remedies=unused_remedies, other_procedures=procedures)


def save_report(session: Session, vault: CaseVault, sealed: SealedReport, *,
                keyring: Keyring, today: date, submit: bool, actor: User | None = None) -> str | None:
    """Save the report ``seal_report`` sealed for ``vault``'s case (and submit it when asked); returns the
    reference once submitted.

    A draft is submitted to get its reference. A report on which the lawyers asked for information is
    sent back to them (``actor``, the partner, is recorded on its timeline) and keeps its reference.
    Raises ``ReportError`` before writing anything when the report has problems.
    """
    case = vault.case
    if case.stage not in EDITABLE_STAGES:
        raise ServiceError(N_("This report was already submitted; it can no longer be edited here."))
    errors = check(sealed.report, today=today, submitting=submit)
    if errors:
        raise ReportError(errors)
    _write(session, vault, case, sealed)
    if submit and case.stage == DRAFT:
        submit_case(session, case)
    elif submit:
        if actor is None:
            raise ValueError("say who sends the updated report")
        move_case(session, vault, actor, stages.SCREENING, N_("The partner updated the report."))
    if case.reference is not None:
        # Its victims may have changed. After the reference: on PostgreSQL the reference counter's row
        # lock orders concurrent submissions, so each one sees the victims of those committed before it.
        duplicates.record(session, keyring, [vault])
    else:
        session.flush()
    return case.reference if submit else None


def _write(session: Session, vault: CaseVault, case: Case, sealed: SealedReport) -> None:
    report = sealed.report
    case.state_code = report.state or None
    case.set_rights_invoked(report.rights_invoked)
    case.facts_start, case.facts_end, case.continuing = report.facts_start, report.facts_end, report.continuing
    case.author_is_victim, case.acting_on_behalf = report.author_is_victim, report.acting_on_behalf
    case.remedies_exception_reason = report.remedies_exception_reason or None
    case.only_mass_media_reports = report.only_mass_media_reports
    for name in PARTNER_VIEW_COLUMNS:
        setattr(case, name, getattr(report, name))
    case.urgent_risk, case.urgent_date = report.urgent_risk, report.urgent_date
    case.one_year_basis_date, case.one_year_last_day = one_year_count(case_facts(report)) or (None, None)
    for column, blob in sealed.case_columns.items():
        vault.put(case, column, blob)

    # The report's rows are replaced whole, by statement: loading the old ones only to delete them took four
    # reads under the write lock, a submission's slowest part of it (issue 20, fifth pass). The case's
    # collections are then read afresh when next used.
    for _name, model in REPORT_COLLECTIONS:
        session.execute(delete(model).where(model.case_id == case.id).execution_options(synchronize_session=False))
    session.expire(case, [name for name, _model in REPORT_COLLECTIONS])
    for row in (*sealed.victims, *sealed.remedies, *sealed.unused_remedies, *sealed.other_procedures):
        row.case_id = case.id
        session.add(row)


def set_other_instruments(vault: CaseVault, items: list[str]) -> None:
    """The partner's list of other instruments, encrypted as one JSON list (nothing stored when empty)."""
    vault.set(vault.case, "other_instruments", _instruments_text(items))


def _instruments_text(items: list[str]) -> str | None:
    return json.dumps(items, ensure_ascii=False) if items else None


def other_instruments(vault: CaseVault) -> list[str]:
    text = vault.get(vault.case, "other_instruments")
    return [str(item) for item in json.loads(text)] if text else []


def load_report(vault: CaseVault) -> ReportInput:
    """The report as the partner entered it, decrypted whole (nothing is half-shown)."""
    case = vault.case
    text = vault.read(case)
    return ReportInput(
        title=text["title"] or "", summary=text["summary"] or "", narrative=text["narrative"] or "",
        state=case.state_code, rights_invoked=list(case.rights_invoked or []),
        other_instruments=other_instruments(vault), facts_start=case.facts_start, facts_end=case.facts_end,
        continuing=case.continuing, author_is_victim=case.author_is_victim, acting_on_behalf=case.acting_on_behalf,
        consent_justification=text["consent_justification"] or "",
        remedies_exception_reason=case.remedies_exception_reason,
        remedies_exception_explanation=text["remedies_exception_explanation"] or "",
        one_year_exception=text["one_year_exception"] or "", only_mass_media_reports=case.only_mass_media_reports,
        **{name: getattr(case, name) for name in PARTNER_VIEW_COLUMNS},
        urgent_risk=case.urgent_risk, urgent_date=case.urgent_date, urgent_explanation=text["urgent_explanation"] or "",
        victims=[
            VictimInput(name=vault.get(v, "name") or "", kind=v.kind, contact=vault.get(v, "contact") or "",
                        identity_number=vault.get(v, "identity_number") or "", consent=v.consent,
                        consent_record=vault.get(v, "consent_record") or "", confidential=v.keep_identity_confidential)
            for v in case.victims
        ],
        remedies=[
            RemedyInput(body=vault.get(r, "body") or "", kind=r.kind, filed=r.filed, decided=r.decided,
                        notified=r.notified, outcome=r.outcome, final=r.final,
                        addressed_substance=r.addressed_substance)
            for r in case.remedies
        ],
        unused_remedies=[
            UnusedRemedyInput(name=vault.get(u, "name") or "", reason=u.reason,
                              explanation=vault.get(u, "explanation") or "")
            for u in case.unused_remedies
        ],
        other_procedures=[
            ProcedureInput(body=vault.get(p, "body") or "", same_matter=p.same_matter, status=p.status, date=p.on_date)
            for p in case.other_procedures
        ],
    )


@dataclass
class ReportSummary:
    case: Case
    title: str


def report_page(session: Session, keyring: Keyring, user: User, *, page: int, per_page: int
                ) -> tuple[list[ReportSummary], int]:
    """One page of the reports ``user`` may see (AC-03), newest first, with their decrypted titles,
    and how many there are in all."""
    query = visible_cases(user)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page_query = query.order_by(Case.created_at.desc(), Case.id.desc()).offset((page - 1) * per_page).limit(per_page)
    page_cases = session.execute(page_query).scalars().all()
    vaults = open_vaults(session, keyring, page_cases)  # the page's keys in one query, not one per row
    return [ReportSummary(case, vaults[case.id].get(case, "title") or "") for case in page_cases], total
