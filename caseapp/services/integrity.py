"""`flask keys check`: decrypt every encrypted field and authenticate every stored file.

Failures name the record and the key, never the content, so the report can be shared.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from caseapp.core.files import INCOMING_GRACE_SECONDS, EncryptedStore
from caseapp.crypto import DecryptionError, Keyring, unwrap_key
from caseapp.crypto.keyring import KeyringError, canary_matches
from caseapp.models import (
    Case,
    CaseEvent,
    Communication,
    DataKey,
    FollowUpAssessment,
    FollowUpSubmission,
    InterimMeasure,
    KekCanary,
    Message,
    PublicityAction,
    ScreeningVersion,
    User,
)
from caseapp.services import accounts
from caseapp.services.cases import document_key
from caseapp.services.vault import open_vault


@dataclass
class IntegrityReport:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fields: int = 0
    files: int = 0
    data_keys: int = 0
    canaries: int = 0


def check_everything(session: Session, keyring: Keyring, store: EncryptedStore, progress=None) -> IntegrityReport:
    report = IntegrityReport()
    _check_canaries(session, keyring, report)
    _check_data_keys(session, keyring, report)
    _check_accounts(session, keyring, report)
    case_ids = session.execute(select(Case.id).order_by(Case.id)).scalars().all()
    bar = progress(length=len(case_ids), label="Checking cases") if progress else nullcontext()
    known_files = set()
    with bar:
        for start in range(0, len(case_ids), 100):
            batch = session.execute(
                select(Case).where(Case.id.in_(case_ids[start : start + 100]))
                .options(selectinload(Case.victims), selectinload(Case.documents), selectinload(Case.remedies),
                         selectinload(Case.unused_remedies), selectinload(Case.other_procedures))
            ).scalars().all()
            for case in batch:
                known_files.update(document.uuid for document in case.documents)
                _check_case(session, keyring, store, case, report)
                if progress:
                    bar.update(1)
            session.expunge_all()
    orphans = store.stored_ids() - known_files
    if orphans:
        report.warnings.append(f"{len(orphans)} stored files have no record (run `flask store sweep`)")
    # Committed, but the move out of incoming/ was interrupted: the file reads (``open_stored`` falls back
    # to incoming), so it was authenticated above; the sweep finishes the move.
    unmoved = store.incoming_ids() & known_files
    if unmoved:
        report.warnings.append(f"{len(unmoved)} files of committed records are still in incoming/ "
                               "(run `flask store sweep` to finish moving them)")
    abandoned = store.incoming_ids(older_than=INCOMING_GRACE_SECONDS) - known_files
    if abandoned:
        report.warnings.append(f"{len(abandoned)} incoming files of interrupted uploads have no record "
                               "(run `flask store sweep`)")
    return report


def _check_canaries(session: Session, keyring: Keyring, report: IntegrityReport) -> None:
    loaded = dict(keyring.keys)
    for canary in session.execute(select(KekCanary)).scalars():
        report.canaries += 1
        if canary.kek_id not in loaded:
            report.warnings.append(f"key {canary.kek_id} is known to the database but not loaded")
        elif not canary_matches(keyring, canary.kek_id, canary.ciphertext):
            report.problems.append(f"key {canary.kek_id}: the loaded key does not decrypt its canary (wrong key)")


def _check_data_keys(session: Session, keyring: Keyring, report: IntegrityReport) -> None:
    for row in session.execute(select(DataKey)).scalars():
        report.data_keys += 1
        try:
            unwrap_key(keyring, row.scope, row.kek_id, row.wrapped_key)
        except (DecryptionError, KeyringError):
            report.problems.append(f"data key {row.scope} (key {row.kek_id}) does not unwrap")


def _check_accounts(session: Session, keyring: Keyring, report: IntegrityReport) -> None:
    for user in session.execute(select(User).where(User.totp_secret_encrypted.is_not(None))).scalars():
        report.fields += 1
        try:
            accounts.decrypt_totp_secret(session, keyring, user)
        except DecryptionError:
            report.problems.append(f"user {user.uuid}: two-factor secret does not decrypt")


def _check_case(session: Session, keyring: Keyring, store: EncryptedStore, case: Case, report: IntegrityReport) -> None:
    label = case.reference or "draft"
    try:
        vault = open_vault(session, keyring, case)
    except DecryptionError as exc:
        report.problems.append(f"case {label} ({case.uuid}): data key unusable (key {exc.key_id or '?'})")
        return
    thread = session.execute(select(Message).where(Message.case_id == case.id)).scalars().all()
    screenings = session.execute(select(ScreeningVersion).where(ScreeningVersion.case_id == case.id)).scalars().all()
    events = session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars().all()
    committee_rows = [row for model in (Communication, InterimMeasure, FollowUpAssessment, FollowUpSubmission,
                                        PublicityAction)
                      for row in session.execute(select(model).where(model.case_id == case.id)).scalars()]
    for row in (case, *case.victims, *case.documents, *case.remedies, *case.unused_remedies, *case.other_procedures,
                *thread, *screenings, *events, *committee_rows):
        for column in row.ENCRYPTED:
            report.fields += 1
            try:
                vault.get(row, column)
            except DecryptionError:
                report.problems.append(f"{row.__tablename__} {row.uuid} ({label}): {column} does not decrypt")
    for document in case.documents:
        report.files += 1
        try:
            store.authenticate(document.uuid, document_key(vault, document))
        except FileNotFoundError:
            report.problems.append(f"document {document.uuid} ({label}): file missing from the store")
        except DecryptionError:
            report.problems.append(f"document {document.uuid} ({label}): file does not authenticate")
