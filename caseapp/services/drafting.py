"""What a drafted document is filled from (issue 19): the case's record gathered once, decrypted, as codes,
dates and the words people wrote — never translated here (the drafting blueprint says the codes in the
document's language). Also the drafting settings a lawyer keeps on the case (its working language, the
remedies sought), the annexes a draft lists, and the annex bundle streamed as a ZIP, decrypted chunk by
chunk, never written to disk in clear.

Who may draft is ``permissions.can_draft``; every generation is audited by the caller (which document,
which annexes)."""

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.core.files import EncryptedStore
from caseapp.crypto import Keyring
from caseapp.domain import drafting
from caseapp.domain.admissibility import Assessment
from caseapp.domain.committee import VIEWS_VIOLATION
from caseapp.domain.i18n import N_
from caseapp.domain.register import StatesRegister, protocol_entry_into_force
from caseapp.domain.report import ReportInput
from caseapp.domain.screening import Determination
from caseapp.models import Case, Communication, Document, FollowUpAssessment, FollowUpSubmission, InterimMeasure
from caseapp.services import ServiceError, decisions, documents, screening
from caseapp.services.committee import communication_of
from caseapp.services.intake import load_report
from caseapp.services.vault import CaseVault


@dataclass
class Annex:
    number: str
    document: Document
    name: str


@dataclass
class DraftRecord:
    """The case as a draft needs it (one decryption of everything, so a document is built whole or not)."""

    case: Case
    organisation: str
    report: ReportInput
    protocol_in_force: date | None
    assessment: Assessment | None
    determinations: dict[str, Determination]
    remedies_sought: str
    measures_asked: str
    annexes: list[Annex] = field(default_factory=list)
    communication: Communication | None = None
    recommendations: str = ""
    assessments: list[FollowUpAssessment] = field(default_factory=list)
    submissions: list[tuple[date, str]] = field(default_factory=list)


def save_settings(session: Session, vault: CaseVault, *, working_language: str, remedies_sought: str | None) -> None:
    """Keep the communication's working language and the remedies sought on the case."""
    if working_language not in drafting.WORKING_LANGUAGES:
        raise ServiceError(N_("Choose the language of the communication."), "working_language")
    text = (remedies_sought or "").replace("\x00", "").strip()
    if len(text) > drafting.MAX_REMEDIES_SOUGHT:
        raise ServiceError(N_("Keep the remedies sought under %(max)d characters.", max=drafting.MAX_REMEDIES_SOUGHT),
                           "remedies_sought")
    vault.case.working_language = working_language
    vault.set(vault.case, "remedies_sought", text or None)
    session.flush()


def annex_choices(vault: CaseVault) -> list[tuple[Document, str]]:
    """The case's evidence files with their names, oldest first, for the lawyer to choose annexes from."""
    ordered = sorted(vault.case.documents, key=lambda document: (document.created_at, document.id))
    return [(document, vault.get(document, "original_name") or "") for document in ordered]


def chosen_annexes(vault: CaseVault, chosen: list[UUID]) -> list[Annex]:
    """The files chosen as annexes, in the order of the case's files, numbered as the draft lists them; a
    uuid that is not a file of this case is ignored (it names nothing the reader may have)."""
    wanted = set(chosen)
    picked = [(document, name) for document, name in annex_choices(vault) if document.uuid in wanted]
    numbers = drafting.annex_numbers(len(picked))
    return [Annex(number, document, name) for number, (document, name) in zip(numbers, picked, strict=True)]


def draft_record(session: Session, vault: CaseVault, *, register: StatesRegister, today: date,
                 annexes: list[Annex]) -> DraftRecord:
    case = vault.case
    report = load_report(vault)
    party = register.party(case.state_code) if case.state_code else None
    latest = screening.latest(session, vault)
    measure = session.execute(select(InterimMeasure).where(InterimMeasure.case_id == case.id)
                              .order_by(InterimMeasure.requested_on.desc(), InterimMeasure.id.desc())).scalars().first()
    communication = communication_of(session, case)
    assessments = session.execute(select(FollowUpAssessment).where(FollowUpAssessment.case_id == case.id)
                                  .order_by(FollowUpAssessment.assessed_on)).scalars().all()
    submissions = session.execute(select(FollowUpSubmission).where(FollowUpSubmission.case_id == case.id)
                                  .order_by(FollowUpSubmission.submitted_on)).scalars().all()
    return DraftRecord(
        communication=communication,
        recommendations=(vault.get(communication, "recommendations") or "") if communication else "",
        assessments=list(assessments),
        submissions=[(row.submitted_on, vault.get(row, "note") or "") for row in submissions],
        case=case, organisation=case.organisation.name, report=report,
        protocol_in_force=protocol_entry_into_force(party).day if party is not None else None,
        assessment=screening.assess_report(vault, today=today, register=register),
        determinations={d.criterion: d for d in latest.content.determinations} if latest else {},
        remedies_sought=vault.get(case, "remedies_sought") or "",
        measures_asked=(vault.get(measure, "note") or "") if measure is not None else "",
        annexes=annexes,
    )


def offered(session: Session, case: Case) -> list[str]:
    """The documents the case's record can fill now (``drafting.available``), in the order of ``DOCUMENTS``."""
    communication = communication_of(session, case)
    facts = {"stage": case.stage, "urgent": case.urgent_risk == "yes",
             "views_found_violation": bool(communication and communication.decision_type == VIEWS_VIOLATION
                                           and communication.decision_transmitted_on),
             "published": bool(communication and communication.published_at)}
    return [document for document in drafting.DOCUMENTS if drafting.available(document, **facts)]


def public_decision(session: Session, case: Case) -> decisions.PublicDecision | None:
    """The case's decision as the public decisions page shows it (None until published): all a press release
    is made of, so that it never carries what the page does not."""
    row = session.execute(decisions.published().where(Communication.case_id == case.id)).first()
    return decisions.to_public(row) if row is not None else None


# --- the annex bundle --------------------------------------------------------------------------------------


class _Pipe:
    """A write-only stream that hands over what was written since the last ``take``: the ZIP is written into
    it and sent on at once, so the bundle is never whole in memory nor anywhere on disk."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def annex_bundle(session: Session, keyring: Keyring, store: EncryptedStore, annexes: list[Annex]) -> Iterator[bytes]:
    """The annexes as a ZIP, each file named by its number and its name ("03 - eviction order.pdf"), streamed:
    each file's chunks are authenticated and decrypted one at a time (CRY-03) and stored without compression
    (evidence is mostly already compressed, and a stored entry costs no CPU).

    Every file is opened (its key unwrapped, its name and date read) before this returns, while the request's
    database session is still there; only the decryption of the chunks happens as the response is sent."""
    entries = []
    for annex in annexes:
        opened = documents.open_document(session, keyring, store, annex.document)
        entry = zipfile.ZipInfo(bundle_name(annex), date_time=annex.document.created_at.timetuple()[:6])
        entries.append((entry, annex.document.size > 2**31, opened.chunks))
    return _zipped(entries)


def _zipped(entries) -> Iterator[bytes]:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as bundle:
        for entry, large, chunks in entries:
            with bundle.open(entry, "w", force_zip64=large) as target:
                for chunk in chunks:
                    target.write(chunk)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def bundle_name(annex: Annex) -> str:
    """An annex's file name in the bundle: its number first, then its name without any folder part."""
    name = annex.name.replace("/", "_").replace("\\", "_").strip() or "document"
    return f"{annex.number} - {name}"
