"""The case team rule (DESIGN.md §2, AC-06), pure: who reads a case's content, who joins and assigns a team."""

from types import SimpleNamespace

import pytest

from caseapp.domain import permissions, roles


def principal(role: str) -> SimpleNamespace:
    return SimpleNamespace(id=1, role=role, organisation_id=7 if role == roles.PARTNER else None,
                           awaiting_approval=False)


@pytest.mark.parametrize(("role", "off_team", "on_team"), [
    (roles.PARTNER, True, True),
    (roles.LAWYER, True, True),
    (roles.COORDINATOR, False, True),
    (roles.ADMIN, False, False),
])
def test_coordinators_read_a_case_only_on_its_team(role, off_team, on_team):  # AC-06
    assert permissions.can_read_case_content(principal(role), on_team=False) is off_team
    assert permissions.can_read_case_content(principal(role), on_team=True) is on_team


def test_only_active_lawyers_and_coordinators_join_and_assign_teams():  # AC-06
    assert [permissions.can_join_case_team(role, active=True) for role in roles.ROLES] == [False, True, True, False]
    assert not permissions.can_join_case_team(roles.COORDINATOR, active=False)
    assert [permissions.can_manage_case_team(principal(role)) for role in roles.ROLES] == [False, True, True, False]


def test_coordinators_see_no_report_still_in_screening():  # AC-06
    assert [permissions.can_see_reports_in_screening(principal(role)) for role in roles.ROLES] == [
        True, True, False, False]
