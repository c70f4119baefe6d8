"""The partner's list of their organisation's reports, with search over decrypted titles."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from caseapp.crypto import Keyring
from caseapp.models import Case, User
from caseapp.services.cases import visible_cases
from caseapp.services.vault import open_vault

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "screening": _l("In screening"),
    "info_requested": _l("Information requested"),
    "declined": _l("Declined"),
    "candidate": _l("Strategic candidate"),
    "preparing": _l("Communication in preparation"),
    "submitted_to_committee": _l("Submitted to the Committee"),
    "registered": _l("Registered by the Committee"),
    "observations": _l("State observations"),
    "comments": _l("Author's comments"),
    "decided": _l("Decided"),
    "follow_up": _l("Follow-up"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
    "discontinued": _l("Discontinued"),
    "friendly_settlement": _l("Friendly settlement"),
}


class ReportFilterForm(FlaskForm):
    q = StringField(_l("Title or reference contains"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[SelectChoice("", _l("All"))] + [SelectChoice(k, v) for k, v in STATUS_LABELS.items()])


@dataclass
class ReportRow:
    case: Case
    title: str


def report_rows(session: Session, keyring: Keyring, user: User, criteria: dict) -> list[ReportRow]:
    """The organisation's reports, newest first. Titles are decrypted to search them: an
    organisation's own reports are few enough for that, and the search words never leave the server."""
    query = visible_cases(user).order_by(Case.updated_at.desc(), Case.id.desc())
    if criteria.get("status"):
        query = query.where(Case.stage == criteria["status"])
    rows = []
    needle = (criteria.get("q") or "").strip().casefold()
    for case in session.execute(query).scalars():
        title = open_vault(session, keyring, case).get(case, "title") or ""
        if needle and needle not in title.casefold() and needle not in (case.reference or "").casefold():
            continue
        rows.append(ReportRow(case, title))
    return rows
