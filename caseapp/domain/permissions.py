"""Who may do what. Pure predicates over a principal, and the endpoint policy table.

Every endpoint of the app must appear in ``ENDPOINT_POLICY`` with each HTTP method it answers;
the request hook denies anything missing (deny by default, AC-01) and a test walks the URL map to
prove nothing is missing. Object-level rules (which case, which session) are predicates below,
applied by the scoped loaders, which answer 404 for what the user may not see (AC-04).
"""

from typing import Protocol

from caseapp.domain.drafting import DRAFTING_STAGES
from caseapp.domain.roles import ADMIN, COORDINATOR, LAWYER, PARTNER, STAFF_ROLES


class Principal(Protocol):
    id: int
    role: str
    organisation_id: int | None
    # A new or reset staff account waits for a second admin's approval before it reaches case content
    # (AUTH-12, four-eyes): it signs in and sees its home and account pages, nothing of any case.
    awaiting_approval: bool


# Access levels, from the most open to the most closed.
PUBLIC = "public"  # anyone, signed in or not
SESSION = "session"  # a signed-in session, even one still owing its two-factor enrolment
USER = "user"  # a fully signed-in user of any role
STAFF = "staff"  # lawyer, coordinator or admin
PARTNERS = "partners"  # partner NGO members
LAWYERS = "lawyers"
CASEWORKERS = "caseworkers"  # lawyers and coordinators: the people who take cases to the Committee (a case's
# "case team" is the few of them assigned to that case: ``case_team_members``)
COORDINATORS = "coordinators"
ADMIN_ONLY = "admin"
# The JSON API: the session cookie counts for nothing there. The request hook lets these requests
# through to the API blueprint's own hook, which accepts only a personal access token
# (``Authorization: Bearer``) of a partner and answers 401 otherwise.
API = "api"

LEVELS = (PUBLIC, SESSION, USER, STAFF, PARTNERS, LAWYERS, CASEWORKERS, COORDINATORS, ADMIN_ONLY, API)

ENDPOINT_POLICY: dict[str, dict[str, str]] = {
    "static": {"GET": PUBLIC},
    "bootstrap.static": {"GET": PUBLIC},
    "main.healthz": {"GET": PUBLIC},
    "main.bootstrap_css": {"GET": PUBLIC},
    "main.security_txt": {"GET": PUBLIC},
    "auth.login": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.setup_account": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.forgot_password": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.logout": {"POST": SESSION},
    "auth.enrol_two_factor": {"GET": SESSION, "POST": SESSION},
    "auth.two_factor_qr": {"GET": SESSION},
    # Passkeys (AUTH-13): a session owing its second factor may register its first one or answer with its
    # passkey; the views refuse the rest (adding a factor before proving the existing one).
    "auth.enrol_passkey": {"POST": SESSION},
    "auth.passkey_sign_in": {"GET": SESSION, "POST": SESSION},
    "main.index": {"GET": USER},
    # The language switcher of anyone without a saved preference (issue 18): it changes only the session.
    "main.choose_locale": {"GET": PUBLIC},
    # Notifications (issue 16): opening one of one's own; the unsubscribe link of an e-mail works signed in or
    # not, its signed token being the proof (and the POST the RFC 8058 one-click answer).
    "notifications.open_notification": {"GET": USER},
    "notifications.list_notifications": {"GET": USER},
    "notifications.mark_all_read": {"POST": USER},
    "notifications.unsubscribe": {"GET": PUBLIC},
    "notifications.confirm_unsubscribe": {"POST": PUBLIC},
    "account.show": {"GET": USER},
    "account.notification_choices": {"GET": USER, "POST": USER},
    "account.change_password": {"POST": USER},
    "account.change_locale": {"POST": USER},
    "account.end_session": {"POST": USER},
    "account.end_other_sessions": {"POST": USER},
    "account.add_passkey": {"POST": USER},
    "account.remove_passkey": {"POST": USER},
    "account.regenerate_recovery_codes": {"POST": USER},
    "account.create_token": {"POST": PARTNERS},
    "account.revoke_token": {"POST": PARTNERS},
    "account.create_calendar_feed": {"POST": CASEWORKERS},
    "account.revoke_calendar_feed": {"POST": CASEWORKERS},
    "deadlines.dashboard": {"GET": CASEWORKERS},
    # The feed's secret URL is its credential (a calendar application sends no cookie); an unknown or
    # revoked secret, or an owner no longer a lawyer or coordinator, answers 404.
    "deadlines.calendar_feed": {"GET": PUBLIC},
    "admin.list_users": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "admin.new_user": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "admin.show_user": {"GET": ADMIN_ONLY},
    "admin.update_user": {"POST": ADMIN_ONLY},
    "admin.disable_user": {"POST": ADMIN_ONLY},
    "admin.enable_user": {"POST": ADMIN_ONLY},
    "admin.end_user_sessions": {"POST": ADMIN_ONLY},
    "admin.reset_two_factor": {"POST": ADMIN_ONLY},
    "admin.send_setup_link": {"POST": ADMIN_ONLY},
    "admin.approve_user": {"POST": ADMIN_ONLY},
    "admin.list_organisations": {"GET": ADMIN_ONLY},
    "admin.new_organisation": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "admin.audit_log": {"GET": ADMIN_ONLY},
    "admin.undeliverable_mail": {"GET": ADMIN_ONLY},
    "admin.send_mail_again": {"POST": ADMIN_ONLY},
    # The States register (blueprint ``register``, still under /admin/states): public reference data, kept by admins.
    "register.list_states": {"GET": ADMIN_ONLY},
    "register.list_covenant": {"GET": ADMIN_ONLY},
    "register.show_state": {"GET": ADMIN_ONLY},
    "register.new_state": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "register.edit_state": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "register.check_register": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "documents.download_document": {"GET": USER},
    "intake.list_reports": {"GET": PARTNERS, "POST": PARTNERS},
    "intake.new_report": {"GET": PARTNERS, "POST": PARTNERS},
    "intake.one_year_limit": {"POST": PARTNERS},
    "intake.edit_report": {"GET": PARTNERS, "POST": PARTNERS},
    "intake.submitted": {"GET": PARTNERS},
    "intake.show_report": {"GET": PARTNERS},
    "intake.delete_document": {"POST": PARTNERS},
    "intake.delete_draft": {"POST": PARTNERS},
    "screening.list_reports": {"GET": LAWYERS},
    "screening.search_victims": {"GET": LAWYERS, "POST": LAWYERS},
    "screening.show_report": {"GET": LAWYERS},
    "screening.assess_report": {"GET": LAWYERS, "POST": LAWYERS},
    "screening.request_information": {"GET": LAWYERS, "POST": LAWYERS},
    "screening.decline_report": {"POST": LAWYERS},
    "screening.accept_report": {"POST": LAWYERS},
    "screening.reopen_report": {"POST": LAWYERS},
    "screening.add_team_member": {"POST": LAWYERS},
    "screening.remove_team_member": {"POST": LAWYERS},
    "messages.post_message": {"POST": USER},
    "dashboard.show": {"GET": CASEWORKERS},
    "committee.list_cases": {"GET": CASEWORKERS},
    "committee.show_case": {"GET": CASEWORKERS},
    "committee.edit_record": {"GET": CASEWORKERS, "POST": CASEWORKERS},
    "committee.move_case": {"POST": CASEWORKERS},
    "committee.add_interim_measure": {"POST": CASEWORKERS},
    "committee.update_interim_measure": {"POST": CASEWORKERS},
    "committee.add_follow_up_assessment": {"POST": CASEWORKERS},
    "committee.add_follow_up_submission": {"POST": CASEWORKERS},
    "committee.record_publicity": {"POST": CASEWORKERS},
    "committee.add_media": {"POST": CASEWORKERS},
    "committee.delete_media": {"POST": CASEWORKERS},
    "committee.publish": {"POST": COORDINATORS},
    "committee.withdraw_publication": {"POST": COORDINATORS},
    # The victims' consent to publishing their names: confirmed by a lawyer of the case's team, who reads the
    # victims' own consent in the report (``can_confirm_name_consent``; issue 17, point 7).
    "committee.confirm_name_consent": {"GET": LAWYERS, "POST": LAWYERS},
    # Drafting a case's documents: its team only (``can_draft``), lawyers and coordinators (issue 19).
    "drafting.show_drafts": {"GET": CASEWORKERS},
    "drafting.save_settings": {"POST": CASEWORKERS},
    "drafting.download_draft": {"GET": CASEWORKERS},
    "drafting.download_annexes": {"GET": CASEWORKERS},
    "committee.add_team_member": {"POST": CASEWORKERS},
    "committee.remove_team_member": {"POST": CASEWORKERS},
    "decisions.list_decisions": {"GET": PUBLIC},
    "decisions.atom_feed": {"GET": PUBLIC},
    "decisions.export_cases": {"GET": COORDINATORS},
    "decisions.export_decisions": {"GET": COORDINATORS},
    # Paths that moved when each workflow took one name (caseapp/web/redirects.py): a signed-in user is
    # redirected to the new path, whose own entry then applies; an anonymous visitor is sent to sign in.
    "moved.reports": {"GET": USER, "POST": USER},
    "moved.inbox": {"GET": USER, "POST": USER},
    "moved.tracking": {"GET": USER, "POST": USER},
    "moved.cases": {"GET": USER},
    "api.openapi": {"GET": PUBLIC},
    "api.create_report": {"POST": API},
    "api.list_reports": {"GET": API},
    "api.show_report": {"GET": API},
    "api.upload_documents": {"POST": API},
    "api.download_document": {"GET": API},
}


# The levels whose pages show cases (lists, pages, deadlines, exports, the dashboard): refused to an
# account awaiting its approval.
CASE_LEVELS = frozenset({STAFF, LAWYERS, CASEWORKERS, COORDINATORS})


def _awaiting(principal: Principal) -> bool:
    return bool(principal.awaiting_approval)


def access_level(endpoint: str | None, method: str) -> str | None:
    """The level an endpoint and method require, or None when the table does not list it."""
    if endpoint is None:
        return None
    methods = ENDPOINT_POLICY.get(endpoint, {})
    return methods.get("GET" if method == "HEAD" else method)


def level_allows(level: str, principal: Principal | None, *, two_factor_done: bool) -> bool:
    """Whether a principal (None when anonymous) may reach an endpoint of the given level."""
    if level in (PUBLIC, API):
        return True  # API: the blueprint authenticates the token itself (see API above)
    if principal is None:
        return False
    if level == SESSION:
        return True
    if not two_factor_done:
        return False
    if level == USER:
        return True
    if level in CASE_LEVELS and _awaiting(principal):
        return False  # AUTH-12: no case list, case page, deadline, export or feed before the approval
    if level == STAFF:
        return principal.role in STAFF_ROLES
    if level == PARTNERS:
        return principal.role == PARTNER
    if level == LAWYERS:
        return principal.role == LAWYER
    if level == CASEWORKERS:
        return principal.role in (LAWYER, COORDINATOR)
    if level == COORDINATORS:
        return principal.role == COORDINATOR
    if level == ADMIN_ONLY:
        return principal.role == ADMIN
    return False


def requires_two_factor(role: str, required_roles: tuple[str, ...] | frozenset[str]) -> bool:
    return role in required_roles


def can_hold_api_token(principal: Principal) -> bool:
    """The API is for partner organisations' own systems: only their members hold tokens."""
    return principal.role == PARTNER and principal.organisation_id is not None


def can_hold_calendar_feed(principal: Principal) -> bool:
    """The deadlines' calendar feed covers every case: only those who see every case hold one."""
    return principal.role in (LAWYER, COORDINATOR) and not _awaiting(principal)


def can_manage_accounts(principal: Principal) -> bool:
    return principal.role == ADMIN


def can_change_account(actor: Principal, target: Principal) -> bool:
    """Admins change other accounts; nobody disables or demotes themselves (no lock-out by mistake)."""
    return actor.role == ADMIN and actor.id != target.id


# --- four-eyes (AUTH-12) ---------------------------------------------------------------------------

# The roles whose new account, or an admin's reset of one, waits for a second admin: lawyers and
# coordinators reach case content; an admin approves the others (an admin approved by nobody could
# approve the accounts his colleague makes for himself).
APPROVAL_ROLES = frozenset({LAWYER, COORDINATOR, ADMIN})


def needs_approval(role: str) -> bool:
    """Whether creating or resetting an account of this role needs a second admin's approval."""
    return role in APPROVAL_ROLES


def can_approve_account(actor: Principal, target: Principal, *, requested_by_id: int | None) -> bool:
    """A second admin approves: an admin, himself approved, neither the account nor the admin who asked."""
    return (actor.role == ADMIN and not _awaiting(actor) and _awaiting(target) and actor.id != target.id
            and actor.id != requested_by_id)


def can_end_session(actor: Principal, session_owner_id: int | None) -> bool:
    """Users end their own sessions; admins end anyone's."""
    return session_owner_id is not None and (actor.id == session_owner_id or actor.role == ADMIN)


# --- cases ---------------------------------------------------------------------------------------

ALL_CASES = "all"
OWN_ORGANISATION = "organisation"
NO_CASES = "none"


def case_scope(principal: Principal) -> str:
    """Which cases a principal may see at all (SECURITY.md visibility model, AC-03, AC-06):
    partners their organisation's, lawyers and coordinators all, admins none (no case content), and an
    account awaiting its approval none (AUTH-12)."""
    if _awaiting(principal):
        return NO_CASES
    if principal.role == PARTNER:
        return OWN_ORGANISATION if principal.organisation_id is not None else NO_CASES
    if principal.role in (LAWYER, COORDINATOR):
        return ALL_CASES
    return NO_CASES


def can_view_case(principal: Principal, case_organisation_id: int) -> bool:
    scope = case_scope(principal)
    return scope == ALL_CASES or (scope == OWN_ORGANISATION and principal.organisation_id == case_organisation_id)


def can_use_thread(principal: Principal, case_organisation_id: int) -> bool:
    """The report's thread is between its organisation's partners and the lawyers."""
    if _awaiting(principal):
        return False
    if principal.role == PARTNER:
        return principal.organisation_id == case_organisation_id
    return principal.role == LAWYER


def can_request_information(principal: Principal) -> bool:
    return principal.role == LAWYER and not _awaiting(principal)


# --- case teams ----------------------------------------------------------------------------------


def can_join_case_team(role: str, *, active: bool) -> bool:
    """A case team holds the people who take the case to the Committee: active lawyers and coordinators."""
    return active and role in (LAWYER, COORDINATOR)


def can_manage_case_team(principal: Principal) -> bool:
    """Lawyers and coordinators assign each other to cases, on or off the team (DESIGN.md §2)."""
    return principal.role in (LAWYER, COORDINATOR) and not _awaiting(principal)


def can_confirm_name_consent(principal: Principal, *, on_team: bool) -> bool:
    """Whether a principal may confirm that a case's victims consented to the publication of their names: a
    lawyer on the case's team, who reads the victims and their own consent (coordinators publish the
    decision but may not see the victims, so they never decide this)."""
    return principal.role == LAWYER and on_team and not _awaiting(principal)


def can_see_reports_in_screening(principal: Principal) -> bool:
    """Reports still in screening, or declined, are between their organisation and the lawyers: a coordinator
    sees a case once a lawyer accepts it (the committee stages)."""
    return principal.role in (PARTNER, LAWYER) and not _awaiting(principal)


def can_draft(principal: Principal, *, on_team: bool, stage: str) -> bool:
    """Whether a principal may draft a case's documents (issue 19), from the strategic candidate on: its
    communication, annexes and requests name the victims, so only the case's team — its lawyers and
    coordinators — has them, never a lawyer outside the team, a partner (who reported, and reads the report)
    or an admin."""
    if _awaiting(principal) or stage not in DRAFTING_STAGES:
        return False
    return principal.role in (LAWYER, COORDINATOR) and on_team


def can_read_case_content(principal: Principal, *, on_team: bool) -> bool:
    """Whether a principal who may see a case (``can_view_case``) may also read its content: the victims'
    identity and contact, the narrative, the title and the evidence files (AC-06). Partners read their
    organisation's reports and lawyers read every report (DESIGN.md §2); coordinators read a case only
    when they are on its team; admins never read case content; nobody awaiting approval does (AUTH-12)."""
    if _awaiting(principal):
        return False
    if principal.role in (PARTNER, LAWYER):
        return True
    if principal.role == COORDINATOR:
        return on_team
    return False
