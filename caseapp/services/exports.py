"""CSV exports for coordinators (issue 6, item 8): the cases and the Committee's decisions.

Rows are built in batches and written as they go, so an export of 100,000 cases holds one batch in
memory. Every cell, the header row included, goes through ``caseapp.domain.csv_safety.safe_cell``
(IN-04: no cell a spreadsheet would run as a formula). Cases are read through the one scoped query,
``cases.visible_cases`` (AC-03), narrowed to what the role may see in a list of cases: coordinators
get only the cases before the Committee, never a report still in screening or declined. The only
encrypted value exported is the case title, decrypted through the case's vault and only for whoever may
read the case's content (a coordinator on its case team, AC-06); nothing about victims (identity,
contact, consent) is read at all.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.crypto import Keyring
from caseapp.domain import committee, permissions
from caseapp.domain.csv_safety import safe_cell
from caseapp.domain.permissions import Principal
from caseapp.domain.register import state_name
from caseapp.models import Case, Communication, MediaCoverage, PublicityAction
from caseapp.services import case_teams, cases
from caseapp.services.committee import TRACKED_STAGES
from caseapp.services.vault import open_vault

BATCH_SIZE = 500
FLUSH_AT = 64 * 1024  # characters buffered before a chunk is sent

CASES_HEADER = (
    "reference", "title", "stage", "state_code", "state", "rights", "submitted_at", "one_year_last_day",
    "communication_number", "un_symbol", "submitted_on", "registered_on", "decision_type", "decision_adopted_on",
)
DECISIONS_HEADER = (
    "reference", "state_code", "state", "rights", "decision_type", "decision", "adopted_on", "transmitted_on",
    "articles_violated", "un_symbol", "published", "publicised_in_country",
)
LIST_SEPARATOR = "; "
_DECISION_LABELS = dict(committee.DECISION_TYPES)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _batches(session: Session, query) -> Iterator[list]:
    """The rows of ``query`` (whose first entity is ``Case``) by ascending case id, a batch at a time.

    A caller turns each batch into plain values before it yields anything: the export is written a
    chunk at a time, each in a database session of its own, so rows loaded in one are not used in the
    next (caseapp/decisions/routes.py ``_csv_download``).
    """
    last_id = 0
    while True:
        rows = session.execute(query.where(Case.id > last_id).order_by(Case.id).limit(BATCH_SIZE)).all()
        if not rows:
            return
        last_id = rows[-1][0].id
        yield rows


def case_rows(session: Session, keyring: Keyring, user: Principal) -> Iterator[list]:
    """One row per submitted case the user may see, with its communication's numbers and dates."""
    query = (cases.visible_cases(user).add_columns(Communication)
             .outerjoin(Communication, Communication.case_id == Case.id))
    if not permissions.can_see_reports_in_screening(user):
        query = query.where(Case.stage.in_(TRACKED_STAGES))
    for batch in _batches(session, query):
        on_team = case_teams.on_team_of(session, user, [case.id for case, _communication in batch])
        yield from [_case_row(session, keyring, case, communication,
                              readable=permissions.can_read_case_content(user, on_team=case.id in on_team))
                    for case, communication in batch]


def _case_row(session: Session, keyring: Keyring, case: Case, communication: Communication | None, *,
              readable: bool) -> list:
    title = open_vault(session, keyring, case).get(case, "title") if readable else None
    if communication is None:
        committee_values = [None] * 6
    else:
        committee_values = [communication.communication_number, communication.un_symbol, communication.submitted_on,
                            communication.registered_on, communication.decision_type,
                            communication.decision_adopted_on]
    return [case.reference, title, case.stage, case.state_code, state_name(case.state_code),
            LIST_SEPARATOR.join(case.rights_invoked or ()), case.submitted_at, case.one_year_last_day,
            *committee_values]


def decision_rows(session: Session, user: Principal) -> Iterator[list]:
    """One row per communication with a decision recorded, with whether it is published on the public
    page and publicised in the country (``committee.publicised_in_country``). Clear columns only."""
    query = (cases.visible_cases(user).add_columns(Communication)
             .join(Communication, Communication.case_id == Case.id)
             .where(Communication.decision_type.is_not(None)))
    for batch in _batches(session, query):
        ids = [case.id for case, _communication in batch]
        kinds: dict[int, set[str]] = {}
        for case_id, kind in session.execute(select(PublicityAction.case_id, PublicityAction.kind).distinct()
                                             .where(PublicityAction.case_id.in_(ids))):
            kinds.setdefault(case_id, set()).add(kind)
        media = dict(session.execute(select(MediaCoverage.case_id, func.count())
                                     .where(MediaCoverage.case_id.in_(ids)).group_by(MediaCoverage.case_id)).all())
        yield from [
            _decision_row(case, communication,
                          committee.publicised_in_country(kinds.get(case.id, set()), media.get(case.id, 0)))
            for case, communication in batch
        ]


def _decision_row(case: Case, communication: Communication, publicised: bool) -> list:
    return [case.reference, case.state_code, state_name(case.state_code),
            LIST_SEPARATOR.join(case.rights_invoked or ()),
            communication.decision_type, _DECISION_LABELS.get(communication.decision_type),
            communication.decision_adopted_on, communication.decision_transmitted_on,
            LIST_SEPARATOR.join(communication.articles_violated or ()), communication.un_symbol,
            _yes_no(communication.published_at is not None), _yes_no(publicised)]


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text (RFC 4180: CRLF line ends, quoted when needed), in chunks of about ``FLUSH_AT``
    characters; every cell neutralised against formula injection (IN-04)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.tell() >= FLUSH_AT:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
