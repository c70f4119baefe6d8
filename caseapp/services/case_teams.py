"""Case teams: who is assigned to a case (DESIGN.md §2, AC-06).

Each change is written twice in the caller's transaction: on the case's timeline (a ``CaseEvent`` whose
action is ``team_added`` or ``team_removed`` and whose encrypted note is the member's name, so the team
sees who joined when) and in the audit log (ids only, LOG-02).
"""

from uuid import UUID, uuid4

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from caseapp.domain import permissions
from caseapp.domain.i18n import N_
from caseapp.domain.roles import COORDINATOR, LAWYER
from caseapp.models import Case, CaseEvent, CaseTeamMember, User
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, audit
from caseapp.services.timeline import ADDED, REMOVED
from caseapp.services.vault import CaseVault


def members(session: Session, case: Case) -> list[CaseTeamMember]:
    """The case's team, in the order they joined."""
    return list(session.execute(select(CaseTeamMember).where(CaseTeamMember.case_id == case.id)
                                .order_by(CaseTeamMember.added_at, CaseTeamMember.id)).scalars())


def is_on_team(session: Session, case: Case, user: User) -> bool:
    return session.execute(select(exists().where(CaseTeamMember.case_id == case.id,
                                                 CaseTeamMember.user_id == user.id))).scalar_one()


def team_case_ids(user: User):
    """A subquery of the ids of the cases whose team includes ``user`` ("my cases")."""
    return select(CaseTeamMember.case_id).where(CaseTeamMember.user_id == user.id)


def on_team_of(session: Session, user: permissions.Principal, case_ids: list[int]) -> set[int]:
    """Which of these cases have ``user`` on their team: one query for a page of cases."""
    if not case_ids:
        return set()
    return set(session.execute(select(CaseTeamMember.case_id).where(CaseTeamMember.user_id == user.id,
                                                                    CaseTeamMember.case_id.in_(case_ids))).scalars())


def may_read_content(session: Session, user: User, case: Case) -> bool:
    """``permissions.can_read_case_content`` for ``user`` on ``case`` (the team looked up only when it matters)."""
    on_team = user.role == COORDINATOR and is_on_team(session, case, user)
    return permissions.can_read_case_content(user, on_team=on_team)


def find_person(session: Session, user_uuid: UUID) -> User | None:
    """The account a team form names (to add or remove); whether it may join is ``add_member``'s rule."""
    return session.execute(select(User).where(User.uuid == user_uuid)).scalar_one_or_none()


def candidates(session: Session, case: Case) -> list[User]:
    """The active lawyers and coordinators not yet on the case's team, for the "add" select."""
    taken = select(CaseTeamMember.user_id).where(CaseTeamMember.case_id == case.id)
    users = session.execute(select(User).where(User.role.in_((LAWYER, COORDINATOR)), User.id.not_in(taken))
                            .order_by(User.display_name, User.email)).scalars()
    return [user for user in users if permissions.can_join_case_team(user.role, active=user.is_active)]


def _timeline(session: Session, vault: CaseVault, actor: User, action: str, member: User) -> None:
    case = vault.case
    event = CaseEvent(uuid=uuid4(), case_id=case.id, occurred_at=utcnow(), actor_id=actor.id, actor_role=actor.role,
                      from_stage=case.stage, to_stage=case.stage, action=action)
    vault.set(event, "note", member.label)
    session.add(event)


def add_member(session: Session, vault: CaseVault, actor: User, member: User) -> CaseTeamMember | None:
    """Put ``member`` on the vault's case team; None (nothing written) when they are on it already."""
    case = vault.case
    if not permissions.can_manage_case_team(actor):
        raise ServiceError(N_("Only lawyers and coordinators assign case teams."))
    if not permissions.can_join_case_team(member.role, active=member.is_active):
        raise ServiceError(N_("Only active lawyers and coordinators can join a case team."), "member")
    if is_on_team(session, case, member):
        return None
    row = CaseTeamMember(case_id=case.id, user_id=member.id, added_by_id=actor.id, added_at=utcnow())
    session.add(row)
    _timeline(session, vault, actor, ADDED, member)
    session.flush()
    audit.record(session, action="case_team_member_added", actor=actor, target_type="user", target_id=member.uuid,
                 case=case)
    return row


def remove_member(session: Session, vault: CaseVault, actor: User, member: User) -> None:
    case = vault.case
    if not permissions.can_manage_case_team(actor):
        raise ServiceError(N_("Only lawyers and coordinators assign case teams."))
    row = session.execute(select(CaseTeamMember).where(CaseTeamMember.case_id == case.id,
                                                       CaseTeamMember.user_id == member.id)).scalar_one_or_none()
    if row is None:
        raise ServiceError(N_("That person is not on this case's team."))
    session.delete(row)
    _timeline(session, vault, actor, REMOVED, member)
    session.flush()
    audit.record(session, action="case_team_member_removed", actor=actor, target_type="user", target_id=member.uuid,
                 case=case)
