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

from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.crypto import Keyring
from caseapp.domain import committee, permissions
from caseapp.domain.csv_safety import safe_cell
from caseapp.domain.permissions import Principal
from caseapp.models import Case, Communication, MediaCoverage, PublicityAction
from caseapp.services import case_teams, cases, state_names
from caseapp.services.committee import TRACKED_STAGES
from caseapp.services.vault import open_vault

BATCH_SIZE = 500
FLUSH_AT = 64 * 1024  # characters buffered before a chunk is sent

# Each column: its key (the tests' and the code's name for it) and its heading, in the downloader's language
# (issue 18, point 4). Codes (stage, decision type, State code) stay codes, for spreadsheets to filter on;
# the columns beside them give the same thing in words.
CASES_COLUMNS = (
    ("reference", lazy_gettext("Reference")), ("title", lazy_gettext("Title")), ("stage", lazy_gettext("Stage")),
    ("state_code", lazy_gettext("State code")), ("state", lazy_gettext("State")),
    ("rights", lazy_gettext("Covenant articles invoked")), ("submitted_at", lazy_gettext("Submitted to the lawyers")),
    ("one_year_last_day", lazy_gettext("Last day to submit to the Committee")),
    ("communication_number", lazy_gettext("Communication number")), ("un_symbol", lazy_gettext("UN document symbol")),
    ("submitted_on", lazy_gettext("Submitted to the Committee")),
    ("registered_on", lazy_gettext("Registered by the Committee")),
    ("decision_type", lazy_gettext("Decision type code")), ("decision_adopted_on", lazy_gettext("Decision adopted on")),
)
DECISIONS_COLUMNS = (
    ("reference", lazy_gettext("Reference")), ("state_code", lazy_gettext("State code")),
    ("state", lazy_gettext("State")), ("rights", lazy_gettext("Covenant articles invoked")),
    ("decision_type", lazy_gettext("Decision type code")), ("decision", lazy_gettext("Decision")),
    ("adopted_on", lazy_gettext("Decision adopted on")), ("transmitted_on", lazy_gettext("Transmitted to the parties")),
    ("articles_violated", lazy_gettext("Articles found violated")), ("un_symbol", lazy_gettext("UN document symbol")),
    ("published", lazy_gettext("Published on the public decisions page")),
    ("publicised_in_country", lazy_gettext("Publicised in the country")),
)
LIST_SEPARATOR = "; "
_DECISION_LABELS = dict(committee.DECISION_TYPES)


def headings(columns) -> list[str]:
    """The header row of an export: each column's heading in the current language."""
    return [str(heading) for _key, heading in columns]


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


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
    return [case.reference, title, case.stage, case.state_code, state_names.name(case.state_code),
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


def _decision_label(code: str | None) -> str | None:
    label = _DECISION_LABELS.get(code)
    return gettext(label) if label else label


def _decision_row(case: Case, communication: Communication, publicised: bool) -> list:
    return [case.reference, case.state_code, state_names.name(case.state_code),
            LIST_SEPARATOR.join(case.rights_invoked or ()),
            communication.decision_type, _decision_label(communication.decision_type),
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
