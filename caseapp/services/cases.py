"""Creating cases, their victims and evidence files, and deleting (crypto-shredding) them.

The intake forms build on these; every sensitive value goes through the case's vault, every file
through the encrypted file store.
"""

from dataclasses import dataclass
from typing import BinaryIO
from uuid import UUID, uuid4

from sqlalchemy import Index, bindparam, exists, false, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from caseapp.core.database import count_up_to
from caseapp.core.files import EncryptedStore, promote_on_commit, remove_on_commit
from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import BlindIndexer
from caseapp.crypto.files import FileSummary, new_file_key, unwrap_file_key, wrap_file_key
from caseapp.domain import notifications as kinds
from caseapp.domain import permissions
from caseapp.domain.report import VictimInput
from caseapp.models import Case, CaseRight, Document, Organisation, ReferenceCounter, User, Victim
from caseapp.models.base import utcnow
from caseapp.services import audit, notifications
from caseapp.services.vault import CaseVault, create_vault, shred_case_key

REFERENCE_PREFIX = "ESCR"


# The year's counter, locked (the year a parameter; built once, as every submission reads it under the lock).
_YEARS_COUNTER = select(ReferenceCounter).where(ReferenceCounter.year == bindparam("year")).with_for_update()


def next_reference(session: Session, year: int) -> str:
    """ESCR-YYYY-NNNN, numbered per year without gaps in a committed sequence."""
    counter = session.execute(_YEARS_COUNTER, {"year": year}).scalar_one_or_none()
    if counter is None:
        # The year's first reference. On PostgreSQL, FOR UPDATE locks no row that does not exist yet, so
        # two concurrent first submissions would both insert it (a primary-key error, found by
        # tests/integration/test_concurrency.py): insert it unless it is there, then lock it.
        insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[session.get_bind().dialect.name]
        session.execute(insert(ReferenceCounter).values(year=year, last_number=0)
                        .on_conflict_do_nothing(index_elements=[ReferenceCounter.year]))
        counter = session.execute(_YEARS_COUNTER, {"year": year}).scalar_one()
    counter.last_number += 1
    session.flush()
    return f"{REFERENCE_PREFIX}-{year}-{counter.last_number:04d}"


def create_case(
    session: Session, keyring: Keyring, *, organisation: Organisation, author: User | None,
    title: str | None = None, summary: str | None = None, narrative: str | None = None, state_code: str | None = None,
) -> tuple[Case, CaseVault]:
    case = Case(uuid=uuid4(), organisation=organisation, created_by_id=author.id if author else None,
                state_code=state_code)
    session.add(case)
    vault = create_vault(session, keyring, case)
    vault.set(case, "title", title)
    vault.set(case, "summary", summary)
    vault.set(case, "narrative", narrative)
    session.flush()
    return case, vault


def submit_case(session: Session, case: Case) -> str:
    """Give a draft its reference and hand it to the lawyers; returns the reference."""
    case.reference = next_reference(session, utcnow().year)
    case.stage = "submitted"
    case.submitted_at = utcnow()
    session.flush()
    notifications.notify_case(session, case, kinds.REPORT_SUBMITTED, actor=None)
    return case.reference


def new_victim(vault: CaseVault, indexer: BlindIndexer, details: VictimInput) -> Victim:
    """A victim row for the vault's case, its identity encrypted and blind-indexed (CRY-07) — the one
    place victims are made, for the form, the API and the demo data alike."""
    victim = Victim(uuid=uuid4(), kind=details.kind, consent=details.consent,
                    keep_identity_confidential=details.confidential)
    for column in ("name", "contact", "identity_number", "consent_record"):
        vault.set(victim, column, getattr(details, column).strip() or None)
    victim.name_index = indexer.index("victim_name", details.name) if details.name.strip() else None
    number = details.identity_number
    victim.identity_number_index = indexer.index("victim_identity_number", number) if number.strip() else None
    return victim


def add_victim(session: Session, vault: CaseVault, indexer: BlindIndexer, details: VictimInput) -> Victim:
    victim = new_victim(vault, indexer, details)
    vault.case.victims.append(victim)
    session.flush()
    return victim


@dataclass
class StoredUpload:
    """An encrypted file waiting in the store's incoming/ folder for its database row."""

    file_id: UUID
    file_key: bytes
    summary: FileSummary


def store_upload(session: Session, store: EncryptedStore, source: BinaryIO, *,
                 max_size: int | None = None) -> StoredUpload:
    """Encrypt an upload into the store before any database write, so no file I/O happens while the
    SQLite write lock is held (REL-04). It is promoted when ``session`` commits, discarded on rollback."""
    file_id, file_key = uuid4(), new_file_key()
    summary = store.write_incoming(file_id, file_key, source, max_size=max_size)
    promote_on_commit(session, store, file_id)
    return StoredUpload(file_id, file_key, summary)


def record_document(session: Session, vault: CaseVault, upload: StoredUpload, *, original_name: str,
                    content_type: str, uploaded_by: User | None) -> Document:
    document = seal_document(vault, upload, original_name=original_name, content_type=content_type,
                             uploaded_by=uploaded_by)
    add_document(session, vault, document)
    return document


def seal_document(vault: CaseVault, upload: StoredUpload, *, original_name: str, content_type: str,
                  uploaded_by: User | None) -> Document:
    """A stored file's row with its key wrapped and its name and digest encrypted, kept out of the session
    (no case, so nothing cascades into it): sealed before a write transaction, added inside it (REL-04)."""
    document = Document(uuid=upload.file_id, content_type=content_type, size=upload.summary.size,
                        uploaded_by_id=uploaded_by.id if uploaded_by else None,
                        wrapped_file_key=wrap_file_key(vault.data_key, upload.file_id, upload.file_key))
    vault.set(document, "original_name", original_name)
    vault.set(document, "sha256", upload.summary.sha256)
    return document


def add_document(session: Session, vault: CaseVault, document: Document) -> None:
    """A row ``seal_document`` made for ``vault``'s case, added to it in the caller's write transaction."""
    document.case = vault.case
    session.add(document)
    session.flush()


def document_key(vault: CaseVault, document: Document) -> bytes:
    return unwrap_file_key(vault.data_key, document.uuid, document.wrapped_file_key)


def delete_case(session: Session, store: EncryptedStore, case: Case) -> None:
    """Crypto-shred: the case's key goes in the same transaction as its rows; its files are unlinked
    once that commits, and `flask store sweep` removes any left behind (CRY-06). The caller records the
    audit event, which says why (``case_deleted`` by its partner, ``case_shredded`` by the retention job)."""
    for document in case.documents:
        remove_on_commit(session, store, document.uuid)
    shred_case_key(session, case)
    session.delete(case)
    session.flush()


def visible_cases(user: User):
    """The one query every case lookup starts from: it applies the visibility model (AC-03)."""
    scope = permissions.case_scope(user)
    query = select(Case)
    if scope == permissions.OWN_ORGANISATION:
        return query.where(Case.organisation_id == user.organisation_id)
    if scope == permissions.NO_CASES:
        return query.where(false())
    return query.where(Case.reference.is_not(None))  # staff never see an organisation's drafts


def only_ids(query):
    """A case query reduced to the ids, with its filters and order: a list finds a page's ids in an index
    that holds the filtered and sorted columns, without reading the rows (``by_ids`` then reads those)."""
    return query.with_only_columns(Case.id)


# A list is counted exactly up to at least this many rows, and to ten pages past the one shown, in
# thousands; past that it says "more than". Counting every match costs as much as sorting them all: 15 ms
# for the 19,000 queued reports that invoke article 11(1), against 2 ms for the first thousand (issue 20).
COUNTED_AT_LEAST = 1_000
COUNTED_PAGES_AHEAD = 10


@dataclass(frozen=True)
class IdsPage:
    """One page of a list's ids; ``total`` is exact unless ``more``, when there are more than ``total``."""

    ids: list[int]
    total: int
    more: bool


def counted_up_to(page: int, per_page: int) -> int:
    """How far a list is counted when ``page`` is shown: in thousands, at least ten pages past it."""
    ahead = (page + COUNTED_PAGES_AHEAD) * per_page
    return max(COUNTED_AT_LEAST, -(-ahead // COUNTED_AT_LEAST) * COUNTED_AT_LEAST)


def in_order_of(query, index: Index):
    """``query`` reading the cases through ``index``, named to SQLite (``INDEXED BY``): an index that holds
    them in the query's own order, walked to the page instead of sorting every match first, which is what
    SQLite's planner chooses, having no statistics (``core.database.accept_index_hints``). Other databases
    plan for themselves; the hint is left out of their SQL."""
    return query.with_hint(Case, f"INDEXED BY {index.name}", "sqlite")


def page_of_ids(session: Session, query, *, page: int, per_page: int, order_index: Index | None = None,
                seeks_index: bool = False) -> IdsPage:
    """A page of a case list's ids, counted up to ``counted_up_to`` rows.

    ``order_index``: an index that holds the cases in the query's own order (``in_order_of``). It is walked
    when the list is longer than it counts: finding the page's rows in order then stops after about as many
    matches as the page needs. A short list is sorted, which costs little, where a walk past rows that do
    not match would cost more. ``seeks_index``: the query's filters pick a range of that index (a window of
    days in the queue), which then finds the rows and counts them however many there are."""
    ids_query = only_ids(query)
    cap = counted_up_to(page, per_page)
    seeking = order_index is not None and seeks_index
    counted = count_up_to(session, in_order_of(ids_query, order_index) if seeking else ids_query, cap)
    more = counted > cap
    if order_index is not None and (more or seeks_index):
        ids_query = in_order_of(ids_query, order_index)
    ids = list(session.scalars(ids_query.offset((page - 1) * per_page).limit(per_page)))
    return IdsPage(ids=ids, total=min(counted, cap), more=more)


# A right invoked by at least this many reports is common: most lists hold many of its cases.
COMMON_RIGHT_ROWS = 5_000


def invoking(session: Session, code: str):
    """The clause for the cases that invoke the right ``code``, in the form that finds them fastest. A rare
    right is found through its rows (``ix_case_rights_code``), few to read. A common one is tested case by
    case on ``case_rights``' key: the list, walked in order or counted only so far (``page_of_ids``), then
    stops as soon as it has enough, instead of first reading every row of the right (50,000 for article
    11(1) in the benchmark's data: 6 ms a query). Which one: a count of the right's rows, cut at the bound."""
    rows = select(CaseRight.case_id).where(CaseRight.code == code)
    if count_up_to(session, rows, COMMON_RIGHT_ROWS) < COMMON_RIGHT_ROWS:
        return Case.id.in_(rows)
    return exists().where(CaseRight.case_id == Case.id, CaseRight.code == code)


def by_ids(session: Session, ids: list[int], *options) -> list[Case]:
    """The cases with these ids, in the order given."""
    cases = session.execute(select(Case).where(Case.id.in_(ids)).options(*options)).scalars()
    found = {case.id: case for case in cases}
    return [found[case_id] for case_id in ids if case_id in found]


def find_visible_case(session: Session, user: User, case_uuid: UUID) -> Case | None:
    return session.execute(visible_cases(user).where(Case.uuid == case_uuid)).scalar_one_or_none()


def find_visible_document(session: Session, user: User, case_uuid: UUID, document_uuid: UUID) -> Document | None:
    case = find_visible_case(session, user, case_uuid)
    if case is None:
        return None
    return session.execute(
        select(Document).where(Document.case_id == case.id, Document.uuid == document_uuid)
    ).scalar_one_or_none()


def organisation_storage_used(session: Session, organisation_id: int) -> int:
    """Bytes of evidence stored for an organisation, for its quota (UP-01)."""
    return session.execute(
        select(func.coalesce(func.sum(Document.size), 0)).join(Case, Case.id == Document.case_id)
        .where(Case.organisation_id == organisation_id)
    ).scalar_one()


def delete_document(session: Session, store: EncryptedStore, document: Document, *, actor: User | None = None) -> None:
    """Remove one file: its row (and so its wrapped file key) now, its bytes once that commits."""
    audit.record(session, action="document_deleted", actor=actor, target_type="document", target_id=document.uuid,
                 case=document.case)
    remove_on_commit(session, store, document.uuid)
    session.delete(document)
    session.flush()
