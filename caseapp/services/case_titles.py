"""The titles of a page of cases, beside their references (issue 17, point 6), for lists built from clear
columns — the deadlines dashboard — that show a title only to whoever may read it."""

from uuid import UUID

from sqlalchemy.orm import Session

from caseapp.crypto import Keyring
from caseapp.domain import permissions
from caseapp.models import Case, User
from caseapp.services.case_teams import on_team_of
from caseapp.services.cases import visible_cases
from caseapp.services.vault import open_vaults


def readable_titles(session: Session, keyring: Keyring, user: User, case_uuids: list[UUID]) -> dict[UUID, str | None]:
    """The titles of these cases (a page of the dashboard) for ``user``: decrypted only where the user may
    read the case's content — lawyers every case, a coordinator the cases of their team (AC-06); None
    for the others. The cases are found through the visibility model's own query (AC-03)."""
    if not case_uuids:
        return {}
    found = list(session.execute(visible_cases(user).where(Case.uuid.in_(case_uuids))).scalars())
    on_team = on_team_of(session, user, [case.id for case in found])
    readable = [case for case in found if permissions.can_read_case_content(user, on_team=case.id in on_team)]
    vaults = open_vaults(session, keyring, readable)
    titles: dict[UUID, str | None] = {case.uuid: None for case in found}
    titles.update({case.uuid: vaults[case.id].get(case, "title") or "" for case in readable})
    return titles
