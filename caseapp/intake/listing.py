"""The partner's list of their organisation's reports, with search over decrypted titles."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from caseapp.crypto import Keyring
from caseapp.models import Case, User
from caseapp.models.base import utcnow
from caseapp.services import todo
from caseapp.services.cases import by_ids, only_ids, visible_cases
from caseapp.services.committee import STAGE_ORDER
from caseapp.services.vault import open_vaults
from caseapp.web.forms import AppForm
from caseapp.web.labels import STATUS_LABELS
from caseapp.web.sorting import Sorting
from caseapp.web.translation import lazy_gettext as _l


class ReportFilterForm(AppForm):
    q = StringField(_l("Title or reference contains"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[SelectChoice("", _l("All"))] + [SelectChoice(k, v) for k, v in STATUS_LABELS.items()])


# The list's sortable columns (``?sort=``, issue 17, point 6) and the direction a first click gives: the
# latest change first by default. Titles are encrypted and not sorted by the database.
LIST_SORTS = {"updated": "desc", "reference": "asc", "status": "asc", "limit": "asc"}
DEFAULT_SORT = "updated"
_SORT_COLUMNS = {"updated": Case.updated_at, "reference": Case.reference, "status": STAGE_ORDER,
                 "limit": Case.one_year_last_day}


@dataclass
class ReportRow:
    case: Case
    title: str


def report_rows(session: Session, keyring: Keyring, user: User, criteria: dict, *, page: int,
                per_page: int, sorting: Sorting | None = None) -> tuple[list[ReportRow], int]:
    """One page of the organisation's reports, in the order of ``sorting`` (latest change first without
    one), and how many match in all.

    Without search words the page is cut in the database (its ids found in the organisation's index) and
    only its titles are decrypted. Search words are matched against every decrypted title: an
    organisation's own reports, and the words never leave the server."""
    column = _SORT_COLUMNS[sorting.key if sorting else DEFAULT_SORT]
    descending = sorting.descending if sorting else True
    # Drafts have no reference and uncounted limits no date: those rows go last either way.
    order = [] if column is STAGE_ORDER else [column.is_(None)]
    order += [column.desc() if descending else column.asc(), Case.id.desc() if descending else Case.id.asc()]
    query = visible_cases(user).order_by(*order)
    if criteria.get("status"):
        query = query.where(Case.stage == criteria["status"])
    if criteria.get("show") in todo.INTAKE_PRESETS:  # set by a home page's count (``?show=``)
        query = query.where(todo.clause(criteria["show"], user, now=utcnow()))
    needle = (criteria.get("q") or "").strip().casefold()
    if not needle:
        ids = only_ids(query)
        total = session.execute(select(func.count()).select_from(ids.order_by(None).subquery())).scalar_one()
        found = by_ids(session, session.execute(ids.offset((page - 1) * per_page).limit(per_page)).scalars().all())
        vaults = open_vaults(session, keyring, found)
        return [ReportRow(case, vaults[case.id].get(case, "title") or "") for case in found], total
    rows = []
    everything = session.execute(query).scalars().all()
    for start in range(0, len(everything), 500):
        batch = everything[start : start + 500]
        vaults = open_vaults(session, keyring, batch)
        for case in batch:
            title = vaults[case.id].get(case, "title") or ""
            if needle in title.casefold() or needle in (case.reference or "").casefold():
                rows.append(ReportRow(case, title))
    return rows[(page - 1) * per_page : page * per_page], len(rows)
