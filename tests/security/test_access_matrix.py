"""Access control: deny by default, the role × route × method matrix, IDOR and mass assignment.

Requirements proved here (SECURITY.md, "Access control", and "Test methods" items 1 and 2):

* AC-01 — every endpoint and method of ``app.url_map`` has an entry in the app's policy table
  (``caseapp.domain.permissions.ENDPOINT_POLICY``) *and* in this module's expectation table
  ``EXPECTED``; a route missing from the policy table is refused to everyone, admins included.
* AC-02 — ``EXPECTED`` is ``{endpoint: {method: {principal: Outcome}}}`` for the eight principals;
  each (endpoint, method, principal) is its own test case, run on a fresh app and database.
* AC-04 — account objects (sessions by handle, users by uuid, setup links) of someone else, or that
  do not exist, answer 404 and change nothing.
* AC-05 — posted fields a route does not take are ignored; invalid role/organisation pairs are refused.
* AC-06 — the visibility model: partners see their own organisation's reports; lawyers all; coordinators
  the cases before the Committee, their content (victims, narrative, files) only on the case's team —
  hence two coordinators, ``coordinator`` on no team and ``coordinator_on_team`` on the team of every
  case of the fixtures; admins no case content. Only admins reach account management.

The JSON API (``/api/v1``) ignores the session cookie: every principal of the matrix, signed in or
not, gets its 401 JSON error there (a token is the only credential; tests/web/test_api.py covers
token holders, and organisation B's 404 on every id). Its errors are checked as JSON, not as pages.

HEAD is answered by the GET view and checked under the same policy, so it is left out. OPTIONS is
present on every rule because Flask adds it automatically (``PROVIDE_AUTOMATIC_OPTIONS``). The
policy table does not list it: the hook lets Flask's automatic answer through for every endpoint the
table lists (200, an empty body, the URL's methods in ``Allow``, as a 405 would name them; no view
runs) and logs nothing. The matrix pins that for every endpoint; an OPTIONS that a view declares
itself, or one on an endpoint missing from the table, would need a policy entry like any method.
"""

import re
import uuid
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import select

from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.domain import notifications as kinds
from caseapp.domain import roles
from caseapp.domain.permissions import ENDPOINT_POLICY
from caseapp.models import Base, Organisation, SetupToken, User, UserSession
from caseapp.models.base import utcnow
from caseapp.services import accounts, notifications, tokens
from tests.factories import (
    PASSWORD,
    add_to_team,
    login,
    make_case,
    make_organisation,
    make_people,
    make_tracked_case,
    make_user,
    running_app,
)

PRINCIPALS = ("anonymous", "partner_a", "partner_b", "lawyer", "coordinator", "coordinator_on_team", "admin",
              "pending_2fa")
NEW_PASSWORD = "violet anchor drifting quietly 77"

# --- outcomes ------------------------------------------------------------------------------------


class Outcome(NamedTuple):
    """What a user sees: the status code and, for a redirect, the path of its target.

    ``location`` is a template filled from the fixture objects (``{partner_a_uuid}``).
    """

    status: int
    location: str | None = None

    def __str__(self) -> str:
        return f"{self.status} → {self.location}" if self.location else str(self.status)


OK = Outcome(200)
FORM_ERROR = Outcome(400)  # the view ran and refused the (empty) form
DENIED = Outcome(403)
NOT_FOUND = Outcome(404)
TO_LOGIN = Outcome(302, "/login")
TO_ENROLMENT = Outcome(302, "/two-factor/setup")
TO_HOME = Outcome(302, "/")
TO_ACCOUNT = Outcome(302, "/account")
UNAUTHORISED = Outcome(401)  # the JSON API without a token


def redirect_to(path: str) -> Outcome:
    return Outcome(302, path)


def moved_to(path: str) -> Outcome:
    """An old path's permanent redirect to its new one (caseapp/web/redirects.py)."""
    return Outcome(308, path)


ERROR_PAGE_TEXT = {
    403: "Your account does not have access to this page.",
    404: "There is nothing here, or you do not have access to it.",
}


def row(*, anonymous: Outcome, partner_a: Outcome, partner_b: Outcome, lawyer: Outcome, coordinator: Outcome,
        admin: Outcome, pending_2fa: Outcome, coordinator_on_team: Outcome | None = None) -> dict[str, Outcome]:
    """One (endpoint, method) row; every principal must be named, except that the coordinator on the case
    team gets what the one off it gets unless the row says otherwise (only case content differs)."""
    return {
        "anonymous": anonymous, "partner_a": partner_a, "partner_b": partner_b, "lawyer": lawyer,
        "coordinator": coordinator, "coordinator_on_team": coordinator_on_team or coordinator, "admin": admin,
        "pending_2fa": pending_2fa,
    }


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(PRINCIPALS, outcome)


def signed_in_users(outcome: Outcome) -> dict[str, Outcome]:
    """Level USER: anonymous goes to sign-in, a session owing two-factor goes to enrolment (AUTH-01)."""
    return row(anonymous=TO_LOGIN, partner_a=outcome, partner_b=outcome, lawyer=outcome, coordinator=outcome,
               admin=outcome, pending_2fa=TO_ENROLMENT)


def partners_only(own_organisation: Outcome, other_organisation: Outcome | None = None) -> dict[str, Outcome]:
    """Level PARTNERS: staff get 403; the other organisation's partner gets ``other_organisation``."""
    return row(anonymous=TO_LOGIN, partner_a=own_organisation, partner_b=other_organisation or own_organisation,
               lawyer=DENIED, coordinator=DENIED, admin=DENIED, pending_2fa=TO_ENROLMENT)


def lawyers_only(outcome: Outcome) -> dict[str, Outcome]:
    return row(anonymous=TO_LOGIN, partner_a=DENIED, partner_b=DENIED, lawyer=outcome, coordinator=DENIED,
               admin=DENIED, pending_2fa=TO_ENROLMENT)


def caseworkers_only(outcome: Outcome) -> dict[str, Outcome]:
    """Level CASEWORKERS: lawyers and coordinators, on the case's team or not."""
    return row(anonymous=TO_LOGIN, partner_a=DENIED, partner_b=DENIED, lawyer=outcome, coordinator=outcome,
               admin=DENIED, pending_2fa=TO_ENROLMENT)


def case_team_only(outcome: Outcome) -> dict[str, Outcome]:
    """Drafting (``can_draft``): lawyers and coordinators pass the level, but only the case's team reaches the
    case; the matrix's lawyer and first coordinator are on no team of it, so they find nothing (AC-04)."""
    return row(anonymous=TO_LOGIN, partner_a=DENIED, partner_b=DENIED, lawyer=NOT_FOUND, coordinator=NOT_FOUND,
               coordinator_on_team=outcome, admin=DENIED, pending_2fa=TO_ENROLMENT)


def coordinators_only(outcome: Outcome) -> dict[str, Outcome]:
    return row(anonymous=TO_LOGIN, partner_a=DENIED, partner_b=DENIED, lawyer=DENIED, coordinator=outcome,
               admin=DENIED, pending_2fa=TO_ENROLMENT)


def admins_only(outcome: Outcome) -> dict[str, Outcome]:
    """Level ADMIN_ONLY: every other signed-in role gets 403."""
    return row(anonymous=TO_LOGIN, partner_a=DENIED, partner_b=DENIED, lawyer=DENIED, coordinator=DENIED,
               admin=outcome, pending_2fa=TO_ENROLMENT)


PARTNER_A_PAGE = "/admin/users/{partner_a_uuid}"
DRAFT_EDIT = "/intake/{draft_uuid}/edit"
TRACKED = "/committee/{tracked_uuid}"

# AC-02, AC-06: the expected outcome for every endpoint, method and principal. POSTs send an empty form.
EXPECTED: dict[str, dict[str, dict[str, Outcome]]] = {
    "static": {"GET": everyone(OK)},
    "bootstrap.static": {"GET": everyone(OK)},
    "main.healthz": {"GET": everyone(OK)},
    "main.bootstrap_css": {"GET": everyone(OK)},
    "main.security_txt": {"GET": everyone(OK)},
    "main.index": {"GET": signed_in_users(OK)},
    # The switcher of anyone without a saved preference (issue 18): it only sets the session's language; asked
    # without a language (as here), it refuses, whoever asks.
    "main.choose_locale": {"GET": everyone(FORM_ERROR)},
    "auth.login": {
        # Fully signed-in users are sent home; a session owing two-factor may sign in afresh.
        "GET": row(anonymous=OK, partner_a=TO_HOME, partner_b=TO_HOME, lawyer=TO_HOME, coordinator=TO_HOME,
                   admin=TO_HOME, pending_2fa=OK),
        "POST": row(anonymous=OK, partner_a=TO_HOME, partner_b=TO_HOME, lawyer=TO_HOME, coordinator=TO_HOME,
                    admin=TO_HOME, pending_2fa=OK),
    },
    # Anonymous: the policy redirect. Everyone else: signed out, then sent to sign-in.
    "auth.logout": {"POST": everyone(TO_LOGIN)},
    # A live setup link works for whoever holds it, signed in or not.
    "auth.setup_account": {"GET": everyone(OK), "POST": everyone(OK)},
    # "Forgot your password?" (AUTH-12): open to anyone; a fully signed-in user is sent to their account page.
    "auth.forgot_password": {
        "GET": row(anonymous=OK, partner_a=TO_ACCOUNT, partner_b=TO_ACCOUNT, lawyer=TO_ACCOUNT,
                   coordinator=TO_ACCOUNT, admin=TO_ACCOUNT, pending_2fa=OK),
        "POST": row(anonymous=FORM_ERROR, partner_a=TO_ACCOUNT, partner_b=TO_ACCOUNT, lawyer=TO_ACCOUNT,
                    coordinator=TO_ACCOUNT, admin=TO_ACCOUNT, pending_2fa=FORM_ERROR),
    },
    "auth.enrol_two_factor": {
        # Every role's fixture is enrolled (AUTH-01) and is sent home; only the pending one enrols.
        "GET": row(anonymous=TO_LOGIN, partner_a=TO_HOME, partner_b=TO_HOME, lawyer=TO_HOME, coordinator=TO_HOME,
                   admin=TO_HOME, pending_2fa=OK),
        "POST": row(anonymous=TO_LOGIN, partner_a=TO_HOME, partner_b=TO_HOME, lawyer=TO_HOME, coordinator=TO_HOME,
                    admin=TO_HOME, pending_2fa=OK),
    },
    # Fetched after the enrolment page (see PREPARE): only a session with a pending secret gets a QR code.
    "auth.two_factor_qr": {
        "GET": row(anonymous=TO_LOGIN, partner_a=NOT_FOUND, partner_b=NOT_FOUND, lawyer=NOT_FOUND,
                   coordinator=NOT_FOUND, admin=NOT_FOUND, pending_2fa=OK),
    },
    # Passkeys (AUTH-13). The first one, from the enrolment page: refused to accounts that have a second
    # factor; the pending session's empty form (no TOTP secret open yet) goes back to the enrolment page.
    "auth.enrol_passkey": {"POST": row(anonymous=TO_LOGIN, partner_a=DENIED, partner_b=DENIED, lawyer=DENIED,
                                       coordinator=DENIED, admin=DENIED, pending_2fa=TO_ENROLMENT)},
    # The second step of a sign-in with a passkey: nobody here owes one (no fixture has a passkey).
    "auth.passkey_sign_in": {"GET": signed_in_users(TO_HOME), "POST": signed_in_users(TO_HOME)},
    "account.show": {"GET": signed_in_users(OK)},
    # Each person's e-mail choices (issue 16): an empty form is refused next to its fields; an admin has no
    # kind to choose and no digest, so the empty form saves nothing and goes back to the page.
    "account.notification_choices": {
        "GET": signed_in_users(OK),
        "POST": row(anonymous=TO_LOGIN, partner_a=FORM_ERROR, partner_b=FORM_ERROR, lawyer=FORM_ERROR,
                    coordinator=FORM_ERROR, admin=redirect_to("/account/notifications"), pending_2fa=TO_ENROLMENT),
    },
    "account.change_password": {"POST": signed_in_users(FORM_ERROR)},
    # The account's language (issue 18): an empty form is refused next to the select.
    "account.change_locale": {"POST": signed_in_users(FORM_ERROR)},
    # The handle is one of partner_a's other sessions: only partner_a may end it, admins included (AC-04).
    "account.end_session": {
        "POST": row(anonymous=TO_LOGIN, partner_a=redirect_to("/account"), partner_b=NOT_FOUND, lawyer=NOT_FOUND,
                    coordinator=NOT_FOUND, admin=NOT_FOUND, pending_2fa=TO_ENROLMENT),
    },
    "account.end_other_sessions": {"POST": signed_in_users(redirect_to("/account"))},
    # Nobody's passkey has this uuid: not found for everyone (AC-04; tests/web/test_passkeys.py covers
    # another account's passkey).
    "account.remove_passkey": {"POST": signed_in_users(NOT_FOUND)},
    # Another passkey, from the account page: an empty form is refused next to the name.
    "account.add_passkey": {"POST": signed_in_users(FORM_ERROR)},
    # New recovery codes are shown on the response (AUTH-13).
    "account.regenerate_recovery_codes": {"POST": signed_in_users(OK)},
    # API tokens are for partners; the token revoked here is partner_a's own (AC-04: partner_b finds none).
    "account.create_token": {"POST": partners_only(FORM_ERROR)},
    "account.revoke_token": {"POST": partners_only(redirect_to("/account"), NOT_FOUND)},
    # The deadlines' calendar feed is for the caseworkers: creating one shows its secret URL on the page
    # (200); revoking when there is none says so and goes back to the account page.
    "account.create_calendar_feed": {"POST": caseworkers_only(OK)},
    "account.revoke_calendar_feed": {"POST": caseworkers_only(redirect_to("/account"))},
    # The deadlines of every case (clear dates only): lawyers and coordinators.
    "deadlines.dashboard": {"GET": caseworkers_only(OK)},
    # The feed's secret is its only credential, whoever asks: a made-up one is simply not found.
    "deadlines.calendar_feed": {"GET": everyone(NOT_FOUND)},
    "admin.list_users": {"GET": admins_only(OK), "POST": admins_only(redirect_to("/admin/users"))},
    "admin.new_user": {"GET": admins_only(OK), "POST": admins_only(FORM_ERROR)},
    "admin.show_user": {"GET": admins_only(OK)},
    "admin.update_user": {"POST": admins_only(FORM_ERROR)},
    "admin.disable_user": {"POST": admins_only(redirect_to(PARTNER_A_PAGE))},
    "admin.enable_user": {"POST": admins_only(redirect_to(PARTNER_A_PAGE))},
    "admin.end_user_sessions": {"POST": admins_only(redirect_to(PARTNER_A_PAGE))},
    "admin.reset_two_factor": {"POST": admins_only(redirect_to(PARTNER_A_PAGE))},
    # The link goes to the account's address, never to the page (AUTH-12): the admin is sent back to the account.
    "admin.send_setup_link": {"POST": admins_only(redirect_to(PARTNER_A_PAGE))},
    # partner_a waits for no approval: the refusal is flashed on the account's page.
    "admin.approve_user": {"POST": admins_only(redirect_to(PARTNER_A_PAGE))},
    "admin.list_organisations": {"GET": admins_only(OK)},
    "admin.new_organisation": {"GET": admins_only(OK), "POST": admins_only(FORM_ERROR)},
    # The States register (Finland's entry): admins only; an empty form is refused (no source given).
    "register.list_states": {"GET": admins_only(OK)},
    "register.list_covenant": {"GET": admins_only(OK)},
    "register.show_state": {"GET": admins_only(OK)},
    "register.new_state": {"GET": admins_only(OK), "POST": admins_only(FORM_ERROR)},
    "register.edit_state": {"GET": admins_only(OK), "POST": admins_only(FORM_ERROR)},
    "register.check_register": {"GET": admins_only(OK), "POST": admins_only(FORM_ERROR)},
    # The audit log (LOG-01): admins only, read-only (filters travel as GET parameters).
    "admin.audit_log": {"GET": admins_only(OK)},
    "admin.undeliverable_mail": {"GET": admins_only(OK)},
    # No message is given up in this scene: the (made-up) one is not found.
    "admin.send_mail_again": {"POST": admins_only(NOT_FOUND)},
    # Opening a notification: its owner is taken to what it is about (home, for an account notice); anyone
    # else's looks like none (AC-04). The unsubscribe link works signed in or not: its token is the proof.
    "notifications.open_notification": {"GET": row(
        anonymous=TO_LOGIN, partner_a=TO_HOME, partner_b=NOT_FOUND, lawyer=NOT_FOUND, coordinator=NOT_FOUND,
        admin=NOT_FOUND, pending_2fa=TO_ENROLMENT)},
    "notifications.unsubscribe": {"GET": everyone(OK)},
    "notifications.confirm_unsubscribe": {"POST": everyone(OK)},
    # A document of Organisation A's submitted report: its partners, the lawyers and the coordinators on its
    # case team may download it; Organisation B, a coordinator off the team and admins (no case content)
    # find nothing there (AC-04, AC-06).
    "documents.download_document": {
        "GET": row(anonymous=TO_LOGIN, partner_a=OK, partner_b=NOT_FOUND, lawyer=OK, coordinator=NOT_FOUND,
                   coordinator_on_team=OK, admin=NOT_FOUND, pending_2fa=TO_ENROLMENT),
    },
    # Organisation A's draft: only its partners reach it; Organisation B's partner finds nothing (AC-04).
    "intake.list_reports": {"GET": partners_only(OK), "POST": partners_only(redirect_to("/intake"))},
    # An empty first step starts no draft (issue 17, point 1): refused in place.
    "intake.new_report": {"GET": partners_only(OK), "POST": partners_only(FORM_ERROR)},
    "intake.one_year_limit": {"POST": partners_only(OK)},
    "intake.edit_report": {"GET": partners_only(OK, NOT_FOUND), "POST": partners_only(FORM_ERROR, NOT_FOUND)},
    "intake.submitted": {"GET": partners_only(redirect_to(DRAFT_EDIT), NOT_FOUND)},
    "intake.show_report": {"GET": partners_only(OK, NOT_FOUND)},
    "intake.delete_document": {"POST": partners_only(redirect_to(DRAFT_EDIT), NOT_FOUND)},
    "intake.delete_draft": {"POST": partners_only(redirect_to("/intake"), NOT_FOUND)},
    "screening.list_reports": {"GET": lawyers_only(OK)},
    # Reports naming a victim (blind index): lawyers only; an empty name is refused.
    "screening.search_victims": {"GET": lawyers_only(OK), "POST": lawyers_only(FORM_ERROR)},
    "screening.show_report": {"GET": lawyers_only(OK)},
    # The screening of Organisation A's submitted report (lawyers only). Empty forms are refused: no
    # status chosen, no request or reason written, no assessment yet to accept on.
    "screening.assess_report": {"GET": lawyers_only(OK), "POST": lawyers_only(FORM_ERROR)},
    "screening.request_information": {"GET": lawyers_only(OK), "POST": lawyers_only(FORM_ERROR)},
    "screening.decline_report": {"POST": lawyers_only(FORM_ERROR)},
    "screening.accept_report": {"POST": lawyers_only(FORM_ERROR)},
    "screening.reopen_report": {"POST": lawyers_only(FORM_ERROR)},
    # The case team panel of the workspace: no one chosen is refused; removing the coordinator on the team works.
    "screening.add_team_member": {"POST": lawyers_only(FORM_ERROR)},
    "screening.remove_team_member": {"POST": lawyers_only(redirect_to("/screening/{submitted_uuid}"))},
    # A case the Committee decided (Organisation A's): lawyers and coordinators track it. Empty forms are refused,
    # except removing a media item.
    "committee.list_cases": {"GET": caseworkers_only(OK)},
    "committee.show_case": {"GET": caseworkers_only(OK)},
    # The record is saved one event at a time (issue 17, point 7): a post that names no event is refused.
    "committee.edit_record": {"GET": caseworkers_only(OK), "POST": caseworkers_only(FORM_ERROR)},
    "committee.move_case": {"POST": caseworkers_only(FORM_ERROR)},
    "committee.add_interim_measure": {"POST": caseworkers_only(FORM_ERROR)},
    "committee.update_interim_measure": {"POST": caseworkers_only(FORM_ERROR)},
    "committee.add_follow_up_assessment": {"POST": caseworkers_only(FORM_ERROR)},
    "committee.add_follow_up_submission": {"POST": caseworkers_only(FORM_ERROR)},
    "committee.record_publicity": {"POST": caseworkers_only(FORM_ERROR)},
    "committee.add_media": {"POST": caseworkers_only(FORM_ERROR)},
    "committee.delete_media": {"POST": caseworkers_only(redirect_to(TRACKED))},
    "committee.publish": {"POST": coordinators_only(FORM_ERROR)},
    # The victims' consent to publishing their names: a lawyer on the case's team only. The matrix's lawyer
    # is on no team of the tracked case, so every principal is refused (the lawyer by the view, AC-06);
    # tests/web/test_committee.py covers the team's lawyer confirming it.
    "committee.confirm_name_consent": {"GET": lawyers_only(DENIED), "POST": lawyers_only(DENIED)},
    "committee.withdraw_publication": {"POST": coordinators_only(FORM_ERROR)},
    # The case team panel: lawyers and coordinators, on the team or not, assign it (DESIGN.md §2).
    "committee.add_team_member": {"POST": caseworkers_only(FORM_ERROR)},
    "committee.remove_team_member": {"POST": caseworkers_only(redirect_to(TRACKED))},
    # Drafting the tracked case's documents (issue 19): its team only. An empty settings form and a bundle with
    # no annex chosen are refused in place; the communication drafts in the page's language.
    "drafting.show_drafts": {"GET": case_team_only(OK)},
    "drafting.save_settings": {"POST": case_team_only(FORM_ERROR)},
    "drafting.download_draft": {"GET": case_team_only(OK)},
    "drafting.download_annexes": {"GET": case_team_only(FORM_ERROR)},
    # The thread of Organisation A's submitted report: its partners and the lawyers only (AC-04, AC-06).
    # An empty message is refused in place, beside its box on the page the thread is on.
    "messages.post_message": {
        "POST": row(anonymous=TO_LOGIN, partner_a=FORM_ERROR, partner_b=NOT_FOUND, lawyer=FORM_ERROR,
                    coordinator=NOT_FOUND, admin=NOT_FOUND, pending_2fa=TO_ENROLMENT),
    },
    # The dashboard (counts over every case, nothing decrypted): lawyers and coordinators.
    "dashboard.show": {"GET": caseworkers_only(OK)},
    # The published decisions and their feed are public; the CSV exports are for coordinators only.
    "decisions.list_decisions": {"GET": everyone(OK)},
    "decisions.atom_feed": {"GET": everyone(OK)},
    "decisions.export_cases": {"GET": coordinators_only(OK)},
    "decisions.export_decisions": {"GET": coordinators_only(OK)},
    # Paths that moved when each workflow took one name: a signed-in user, whatever their role, is sent on
    # to the new path (whose own row above then applies); an anonymous visitor goes to sign in.
    # tests/web/test_moved_paths.py follows every old path.
    "moved.reports": {"GET": signed_in_users(moved_to("/intake")), "POST": signed_in_users(moved_to("/intake"))},
    "moved.inbox": {"GET": signed_in_users(moved_to("/screening/{submitted_uuid}/assessment")),
                    "POST": signed_in_users(moved_to("/screening/{submitted_uuid}/assessment"))},
    "moved.tracking": {"GET": signed_in_users(moved_to(TRACKED + "/record")),
                       "POST": signed_in_users(moved_to(TRACKED + "/record"))},
    "moved.cases": {
        "GET": signed_in_users(moved_to("/documents/{submitted_uuid}/{submitted_document_uuid}/download")),
    },
    # Each person's own notification list and "mark all as read" (USER; tests/web/test_notification_list.py).
    "notifications.list_notifications": {"GET": signed_in_users(OK)},
    "notifications.mark_all_read": {"POST": signed_in_users(redirect_to("/notifications"))},
    # The JSON API: its description is public; everything else needs a token, which no principal here
    # sends, so a browser session — whoever it belongs to — gets 401 (README "JSON API").
    "api.openapi": {"GET": everyone(OK)},
    "api.create_report": {"POST": everyone(UNAUTHORISED)},
    "api.list_reports": {"GET": everyone(UNAUTHORISED)},
    "api.show_report": {"GET": everyone(UNAUTHORISED)},
    "api.upload_documents": {"POST": everyone(UNAUTHORISED)},
    "api.download_document": {"GET": everyone(UNAUTHORISED)},
}
# Flask's automatic OPTIONS runs no view: everyone gets its 200 and ``Allow`` (AC-01). A rule sharing
# its URL with another leaves OPTIONS to that one (POST /api/v1/reports, POST /notifications/unsubscribe/…:
# the GET rule has it).
SHARED_URL_WITHOUT_OPTIONS = frozenset({"api.create_report", "notifications.confirm_unsubscribe"})
for _endpoint, _methods in EXPECTED.items():
    if _endpoint not in SHARED_URL_WITHOUT_OPTIONS:
        _methods["OPTIONS"] = everyone(OK)

# The URL each endpoint is requested at, filled from real fixture objects (see ``url_context``).
URLS = {
    "static": "/static/css/app.css",
    "bootstrap.static": "/bootstrap/static/css/bootstrap.min.css",
    "main.healthz": "/healthz",
    "main.bootstrap_css": "/assets/bootstrap.min.css",
    "main.security_txt": "/.well-known/security.txt",
    "main.index": "/",
    "main.choose_locale": "/language",
    "auth.login": "/login",
    "auth.logout": "/logout",
    "auth.setup_account": "/setup/{setup_token}",
    "auth.forgot_password": "/password/forgot",
    "auth.enrol_two_factor": "/two-factor/setup",
    "auth.two_factor_qr": "/two-factor/setup/qr.svg",
    "account.show": "/account",
    "account.notification_choices": "/account/notifications",
    "account.change_password": "/account/password",
    "account.change_locale": "/account/language",
    "account.end_session": "/account/sessions/{partner_a_other_handle}/end",
    "account.end_other_sessions": "/account/sessions/end-others",
    "account.remove_passkey": "/account/passkeys/00000000-0000-4000-8000-000000000000/remove",
    "account.add_passkey": "/account/passkeys",
    "account.regenerate_recovery_codes": "/account/recovery-codes",
    "auth.enrol_passkey": "/two-factor/passkey",
    "auth.passkey_sign_in": "/two-factor/passkey/sign-in",
    "account.create_token": "/account/tokens",
    "account.revoke_token": "/account/tokens/{partner_a_token_uuid}/revoke",
    "account.create_calendar_feed": "/account/calendar-feed",
    "account.revoke_calendar_feed": "/account/calendar-feed/revoke",
    "deadlines.dashboard": "/deadlines",
    "deadlines.calendar_feed": "/calendar/not-a-feed-secret-0000000000000000000000000.ics",
    "admin.list_users": "/admin/users",
    "admin.new_user": "/admin/users/new",
    "admin.show_user": PARTNER_A_PAGE,
    "admin.update_user": PARTNER_A_PAGE + "/update",
    "admin.disable_user": PARTNER_A_PAGE + "/disable",
    "admin.enable_user": PARTNER_A_PAGE + "/enable",
    "admin.end_user_sessions": PARTNER_A_PAGE + "/sessions/end",
    "admin.reset_two_factor": PARTNER_A_PAGE + "/two-factor/reset",
    "admin.send_setup_link": PARTNER_A_PAGE + "/setup-link",
    "admin.approve_user": PARTNER_A_PAGE + "/approve",
    "admin.list_organisations": "/admin/organisations",
    "admin.new_organisation": "/admin/organisations/new",
    "register.list_states": "/admin/states",
    "register.list_covenant": "/admin/states/covenant",
    "register.show_state": "/admin/states/FI",
    "register.new_state": "/admin/states/new",
    "register.edit_state": "/admin/states/FI/edit",
    "register.check_register": "/admin/states/check",
    "admin.audit_log": "/admin/audit",
    "admin.undeliverable_mail": "/admin/mail",
    "admin.send_mail_again": "/admin/mail/00000000-0000-4000-8000-000000000000/send-again",
    "notifications.open_notification": "/notifications/{partner_a_notification_uuid}",
    "notifications.unsubscribe": "/notifications/unsubscribe/{unsubscribe_token}",
    "notifications.confirm_unsubscribe": "/notifications/unsubscribe/{unsubscribe_token}",
    "documents.download_document": "/documents/{submitted_uuid}/{submitted_document_uuid}/download",
    "intake.list_reports": "/intake",
    "intake.new_report": "/intake/new",
    "intake.one_year_limit": "/intake/one-year-limit",
    "intake.edit_report": DRAFT_EDIT,
    "intake.submitted": "/intake/{draft_uuid}/submitted",
    "intake.show_report": "/intake/{draft_uuid}",
    "intake.delete_document": "/intake/{draft_uuid}/documents/{draft_document_uuid}/delete",
    "intake.delete_draft": "/intake/{draft_uuid}/delete",
    "screening.list_reports": "/screening",
    "screening.search_victims": "/screening/search",
    "screening.show_report": "/screening/{submitted_uuid}",
    "screening.assess_report": "/screening/{submitted_uuid}/assessment",
    "screening.request_information": "/screening/{submitted_uuid}/request-information",
    "screening.decline_report": "/screening/{submitted_uuid}/decline",
    "screening.accept_report": "/screening/{submitted_uuid}/accept",
    "screening.reopen_report": "/screening/{submitted_uuid}/reopen",
    "screening.add_team_member": "/screening/{submitted_uuid}/team",
    "screening.remove_team_member": "/screening/{submitted_uuid}/team/{coordinator_on_team_uuid}/remove",
    "messages.post_message": "/cases/{submitted_uuid}/messages",
    "committee.list_cases": "/committee",
    "committee.show_case": TRACKED,
    "committee.edit_record": TRACKED + "/record",
    "committee.move_case": TRACKED + "/move",
    "committee.add_interim_measure": TRACKED + "/interim-measures",
    "committee.update_interim_measure": TRACKED + "/interim-measures/{measure_uuid}",
    "committee.add_follow_up_assessment": TRACKED + "/follow-up/assessments",
    "committee.add_follow_up_submission": TRACKED + "/follow-up/submissions",
    "committee.record_publicity": TRACKED + "/publicity",
    "committee.add_media": TRACKED + "/media",
    "committee.delete_media": TRACKED + "/media/{media_uuid}/delete",
    "committee.publish": TRACKED + "/publication",
    "committee.confirm_name_consent": TRACKED + "/publication/names",
    "committee.withdraw_publication": TRACKED + "/publication/withdraw",
    "committee.add_team_member": TRACKED + "/team",
    "committee.remove_team_member": TRACKED + "/team/{coordinator_on_team_uuid}/remove",
    "drafting.show_drafts": "/drafting/{tracked_uuid}",
    "drafting.save_settings": "/drafting/{tracked_uuid}/settings",
    "drafting.download_draft": "/drafting/{tracked_uuid}/communication.docx",
    "drafting.download_annexes": "/drafting/{tracked_uuid}/annexes.zip",
    "dashboard.show": "/dashboard",
    "decisions.list_decisions": "/decisions",
    "decisions.atom_feed": "/decisions.atom",
    "decisions.export_cases": "/exports/cases.csv",
    "decisions.export_decisions": "/exports/decisions.csv",
    "notifications.list_notifications": "/notifications",
    "notifications.mark_all_read": "/notifications/read",
    "moved.reports": "/reports",
    "moved.inbox": "/inbox/{submitted_uuid}/assessment",
    "moved.tracking": "/tracking/{tracked_uuid}/record",
    "moved.cases": "/cases/{submitted_uuid}/documents/{submitted_document_uuid}/download",
    "api.openapi": "/api/v1/openapi.json",
    "api.create_report": "/api/v1/reports",
    "api.list_reports": "/api/v1/reports",
    "api.show_report": "/api/v1/reports/{submitted_uuid}",
    "api.upload_documents": "/api/v1/reports/{submitted_uuid}/documents",
    "api.download_document": "/api/v1/reports/{submitted_uuid}/documents/{submitted_document_uuid}",
}

# Pages a principal visits first, as the browser would (the QR code is loaded by the enrolment page).
PREPARE = {"auth.two_factor_qr": ("/two-factor/setup",)}

# --- helpers -------------------------------------------------------------------------------------


def policy_gaps(app, policy, expected) -> list[str]:
    """Every (endpoint, method) served by ``app`` that the policy table or the matrix does not list (AC-01)."""
    gaps = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD"}):
            automatic_options = method == "OPTIONS" and rule.provide_automatic_options
            if not automatic_options and method not in policy.get(rule.endpoint, {}):
                gaps.append(f"ENDPOINT_POLICY lacks {rule.endpoint} {method}")
            if method not in expected.get(rule.endpoint, {}):
                gaps.append(f"EXPECTED lacks {rule.endpoint} {method}")
    return gaps


def served_methods(app) -> dict[str, set[str]]:
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD"})
    return methods


def sign_in(app, client, principal: str, people) -> None:
    if principal != "anonymous":
        login(app, client, people[principal].user, two_factor_done=principal != "pending_2fa")


def location_path(response) -> str | None:
    location = response.headers.get("Location")
    return urlsplit(location).path if location is not None else None


def seen(response) -> Outcome:
    """The outcome as the browser sees it: status, and the redirect target's path."""
    return Outcome(response.status_code,
                   location_path(response) if response.status_code in (301, 302, 303, 307, 308) else None)


def matches(actual: Outcome, expected: Outcome) -> bool:
    """Equal, except that a ``*`` in the expected redirect stands for one path segment (a new object's id)."""
    if expected.location and "*" in expected.location:
        pattern = re.escape(expected.location).replace(r"\*", "[^/]+")
        return actual.status == expected.status and re.fullmatch(pattern, actual.location or "") is not None
    return actual == expected


def fill(outcome: Outcome, context: dict[str, str]) -> Outcome:
    return outcome._replace(location=outcome.location.format(**context)) if outcome.location else outcome


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, read afresh; sessions without their payload and last-seen time.

    Rendering any page stores a CSRF token in the session payload, so only who is signed in where counts.
    """
    db.session.rollback()
    state = {}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns
                   if not (table.name == "user_sessions" and c.name in ("data", "last_seen_at"))]
        rows = db.session.execute(select(*columns)).all()
        state[table.name] = sorted((tuple(r) for r in rows), key=repr)
    db.session.rollback()
    return state


def user_row(user: User) -> dict:
    """The stored account, read afresh from the database."""
    db.session.rollback()
    table = User.__table__
    return dict(db.session.execute(select(table).where(table.c.id == user.id)).mappings().one())


def session_exists(handle: str) -> bool:
    db.session.rollback()
    return db.session.execute(select(UserSession.handle).where(UserSession.handle == handle)).first() is not None


# --- fixtures ------------------------------------------------------------------------------------


def matrix_people(app, org_a: Organisation, org_b: Organisation) -> dict:
    """The principals of ``tests.factories.make_people`` and a second coordinator, whom ``url_context`` puts
    on the team of every case (AC-06)."""
    return make_people(app, org_a, org_b) | {"coordinator_on_team": make_user(app, roles.COORDINATOR)}


@pytest.fixture
def people(app, org_a, org_b):
    return matrix_people(app, org_a, org_b)


@pytest.fixture
def url_context(app, people, org_a) -> dict[str, str]:
    """Real objects for the URL parameters: partner_a's uuid, another session of hers, a live setup link,
    and two reports of Organisation A with a document each: a draft and a submitted one."""
    partner_a = people["partner_a"].user
    other_handle = login(app, app.test_client(), partner_a)
    invitee = make_user(app, roles.PARTNER, org_a, email="matrix.invitee@ngo-a.org", password=None).user
    token = accounts.issue_setup_token(db.session, invitee, app.config["SETUP_TOKEN_LIFETIME"])
    db.session.commit()
    draft, draft_document = make_case(app, org_a, partner_a)
    submitted, submitted_document = make_case(app, org_a, partner_a, submit=True)
    api_token = tokens.create(db.session, partner_a, "Matrix token").token
    tracked, measure, media = make_tracked_case(app, org_a, partner_a)
    notice = notifications.notify_user(db.session, partner_a, kinds.ACCOUNT_CHANGED, params={"change": "name"})
    db.session.commit()
    on_team = people["coordinator_on_team"].user
    add_to_team(submitted, on_team)
    add_to_team(tracked, on_team)
    return {"partner_a_uuid": str(partner_a.uuid), "partner_a_other_handle": other_handle, "setup_token": token,
            "draft_uuid": str(draft.uuid), "draft_document_uuid": str(draft_document.uuid),
            "submitted_uuid": str(submitted.uuid), "submitted_document_uuid": str(submitted_document.uuid),
            "partner_a_token_uuid": str(api_token.uuid), "tracked_uuid": str(tracked.uuid),
            "measure_uuid": str(measure.uuid), "media_uuid": str(media.uuid),
            "coordinator_on_team_uuid": str(on_team.uuid), "partner_a_notification_uuid": str(notice.uuid),
            "unsubscribe_token": notifications.unsubscribe_token(app.config["SECRET_KEY"], partner_a,
                                                                 kinds.SCREENING_DECIDED)}


# --- AC-01: deny by default ----------------------------------------------------------------------


def test_every_route_and_method_is_in_the_policy_table_and_the_matrix(app):
    """AC-01: adding a route without a policy entry and a matrix row fails here."""
    assert policy_gaps(app, ENDPOINT_POLICY, EXPECTED) == []


def test_policy_table_and_matrix_name_only_routes_that_exist(app):
    """AC-01: no stale entries, so neither table claims coverage of something that is not served."""
    served = served_methods(app)
    stale_policy = [(e, m) for e, methods in ENDPOINT_POLICY.items() for m in methods if m not in served.get(e, ())]
    stale_matrix = [(e, m) for e, methods in EXPECTED.items() for m in methods if m not in served.get(e, ())]
    assert stale_policy == []
    assert stale_matrix == []
    assert set(URLS) == set(EXPECTED)


def test_every_matrix_row_names_all_eight_principals():
    """AC-02: no principal is silently left out of a row."""
    incomplete = [(e, m) for e, methods in EXPECTED.items() for m, by in methods.items() if set(by) != set(PRINCIPALS)]
    assert incomplete == []


def test_every_matrix_url_reaches_its_endpoint(app, url_context):
    """AC-02: the matrix requests each endpoint through a URL that really routes to it."""
    adapter = app.url_map.bind("localhost")
    for endpoint, methods in EXPECTED.items():
        for method in methods:
            matched, _args = adapter.match(URLS[endpoint].format(**url_context), method=method)
            assert matched == endpoint, (endpoint, method)


@pytest.fixture
def app_with_unlisted_route(tmp_path, database_url):
    """A fresh app with one extra route that nobody added to ENDPOINT_POLICY."""
    calls = []

    def unlisted_view():
        calls.append(1)
        return "UNLISTED VIEW RAN"

    def add_route(app):
        app.add_url_rule("/unlisted", endpoint="unlisted_probe", view_func=unlisted_view, methods=["GET", "POST"])

    with running_app(tmp_path / "unlisted", database_url, prepare=add_route) as app:
        yield app, calls


def test_route_missing_from_the_policy_is_refused_to_everyone_and_caught_by_the_meta_test(app_with_unlisted_route):
    """AC-01: deny by default — even an admin gets 403, the view never runs, and the walk reports it."""
    app, calls = app_with_unlisted_route
    assert policy_gaps(app, ENDPOINT_POLICY, EXPECTED) == [
        "ENDPOINT_POLICY lacks unlisted_probe GET", "EXPECTED lacks unlisted_probe GET",
        "EXPECTED lacks unlisted_probe OPTIONS",
        "ENDPOINT_POLICY lacks unlisted_probe POST", "EXPECTED lacks unlisted_probe POST",
    ]
    people = matrix_people(app, make_organisation("Organisation A"), make_organisation("Organisation B"))
    for principal in PRINCIPALS:
        for method in ("GET", "POST"):
            client = app.test_client()
            sign_in(app, client, principal, people)
            response = client.open("/unlisted", method=method)
            assert response.status_code == 403, (principal, method)
            assert "UNLISTED VIEW RAN" not in response.get_data(as_text=True)
    assert calls == []


# --- AC-02 / AC-06: the matrix -------------------------------------------------------------------

MATRIX_CASES = [
    pytest.param(endpoint, method, principal, id=f"{endpoint}-{method}-{principal}")
    for endpoint, methods in EXPECTED.items()
    for method in methods
    for principal in PRINCIPALS
]


@pytest.mark.parametrize(("endpoint", "method", "principal"), MATRIX_CASES)
def test_access_matrix(app, people, request, endpoint, method, principal):
    """AC-02, AC-06 (and AUTH-01 for pending_2fa): one principal, one endpoint, one method, on a fresh app."""
    expected = EXPECTED[endpoint][method][principal]
    needs_objects = "{" in URLS[endpoint] or "{" in (expected.location or "")
    url_context = request.getfixturevalue("url_context") if needs_objects else {}
    expected = fill(expected, url_context)
    client = app.test_client()
    sign_in(app, client, principal, people)
    for page in PREPARE.get(endpoint, ()):
        client.get(page)
    before = snapshot()

    response = client.open(URLS[endpoint].format(**url_context), method=method, data={} if method == "POST" else None)

    assert matches(seen(response), expected), f"{seen(response)} is not {expected}"
    if URLS[endpoint].startswith("/api/"):
        if expected.status >= 400:  # the API's JSON error, never a page
            assert set(response.get_json()) == {"error"} and response.get_json()["error"]["message"]
    elif expected.status in ERROR_PAGE_TEXT:
        assert ERROR_PAGE_TEXT[expected.status] in response.get_data(as_text=True)
    refused = expected in (DENIED, NOT_FOUND, TO_ENROLMENT, UNAUTHORISED) or (
        principal == "anonymous" and expected == TO_LOGIN)
    if refused:
        assert snapshot() == before, "a refused request changed the database"


# --- AC-06: what each role is shown -------------------------------------------------------------


@pytest.mark.parametrize("principal", ["partner_a", "partner_b", "lawyer", "coordinator", "admin"])
def test_only_admins_are_offered_account_management(app, people, principal):
    """AC-06: the admin pages appear in the navigation for admins only."""
    client = app.test_client()
    sign_in(app, client, principal, people)
    html = client.get("/").get_data(as_text=True)
    offered = [link in html for link in ('href="/admin/users"', 'href="/admin/organisations"', 'href="/admin/states"',
                                         'href="/admin/audit"')]
    assert offered == [principal == "admin"] * 4


def test_partner_pages_show_only_their_own_organisation(app, people):
    """AC-06: a partner of organisation B sees nothing of organisation A or its members."""
    client = app.test_client()
    sign_in(app, client, "partner_b", people)
    for page in ("/", "/account"):
        html = client.get(page).get_data(as_text=True)
        assert "Organisation B" in html
        assert "Organisation A" not in html
        assert people["partner_a"].user.email not in html


def test_admin_user_page_shows_no_credentials(app, people):
    """AC-06 (admins manage accounts, nothing more) and AUTH-04: no password hash or TOTP secret on the page."""
    client = app.test_client()
    sign_in(app, client, "admin", people)
    lawyer = people["lawyer"]
    html = client.get(f"/admin/users/{lawyer.user.uuid}").get_data(as_text=True)
    assert lawyer.user.email in html
    assert lawyer.totp_secret not in html
    assert lawyer.user.password_hash not in html
    assert lawyer.user.totp_secret_encrypted.hex() not in html


# --- AC-04: account objects of others ------------------------------------------------------------


@pytest.mark.parametrize("principal", ["partner_b", "lawyer", "coordinator", "admin"])
def test_nobody_else_can_end_a_partners_session_by_handle(app, people, principal):
    """AC-04: someone else's session handle answers 404, and partner_a stays signed in."""
    victim = app.test_client()
    handle = login(app, victim, people["partner_a"].user)
    attacker = app.test_client()
    sign_in(app, attacker, principal, people)

    response = attacker.post(f"/account/sessions/{handle}/end")

    assert response.status_code == 404
    assert ERROR_PAGE_TEXT[404] in response.get_data(as_text=True)
    assert session_exists(handle)
    assert victim.get("/account").status_code == 200


def test_an_unknown_session_handle_answers_404(app, people):
    """AC-04: a made-up handle looks exactly like someone else's."""
    client = app.test_client()
    sign_in(app, client, "partner_a", people)
    before = snapshot()
    assert client.post(f"/account/sessions/{'0' * 32}/end").status_code == 404
    assert snapshot() == before


ADMIN_USER_ROUTES = [
    ("GET", ""), ("POST", "/update"), ("POST", "/disable"), ("POST", "/enable"), ("POST", "/sessions/end"),
    ("POST", "/two-factor/reset"), ("POST", "/setup-link"), ("POST", "/approve"),
]
UNKNOWN_USER_IDS = [
    pytest.param(str(uuid.UUID(int=0x1234)), id="random-uuid"),
    pytest.param("not-a-uuid", id="malformed"),
    pytest.param("1", id="numeric-id"),
    pytest.param("0" * 33, id="too-long-hex"),
]


@pytest.mark.parametrize("user_id", UNKNOWN_USER_IDS)
@pytest.mark.parametrize(("method", "suffix"), ADMIN_USER_ROUTES)
def test_admin_gets_404_for_an_unknown_or_malformed_user_id(app, people, method, suffix, user_id):
    """AC-04: a user id that is not a known account is simply not found, and nothing changes."""
    client = app.test_client()
    sign_in(app, client, "admin", people)
    before = snapshot()

    response = client.open(f"/admin/users/{user_id}{suffix}", method=method, data={"role": "partner"})

    assert response.status_code == 404
    assert ERROR_PAGE_TEXT[404] in response.get_data(as_text=True)
    assert snapshot() == before


def test_admin_sees_no_edit_controls_on_their_own_account(app, people):
    """AC-04: the UI offers an admin no way to change, disable or reset their own account."""
    admin = people["admin"].user
    client = app.test_client()
    sign_in(app, client, "admin", people)
    html = client.get(f"/admin/users/{admin.uuid}").get_data(as_text=True)
    assert "This is your own account; another administrator must change it." in html
    for action in ("/update", "/disable", "/two-factor/reset", "/sessions/end", "/setup-link"):
        assert f'action="/admin/users/{admin.uuid}{action}"' not in html


SELF_ACTIONS = [
    pytest.param("/disable", "You cannot disable your own account.", id="disable"),
    pytest.param("/two-factor/reset", "You cannot reset your own two-factor; ask another admin.", id="reset-2fa"),
    pytest.param("/sessions/end", "End your own sessions from your account page.", id="end-sessions"),
    pytest.param("/setup-link", "A set-up link can only be sent to another, active account.", id="setup-link"),
    pytest.param("/approve", "This account is not waiting for approval.", id="approve"),
]


@pytest.mark.parametrize(("suffix", "message"), SELF_ACTIONS)
def test_admin_cannot_act_on_their_own_account(app, people, suffix, message):
    """AC-04: disabling, resetting or signing out oneself is refused; the account and its session stay."""
    admin = people["admin"].user
    client = app.test_client()
    sign_in(app, client, "admin", people)
    before = snapshot()

    response = client.post(f"/admin/users/{admin.uuid}{suffix}", follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == f"/admin/users/{admin.uuid}"
    assert message in response.get_data(as_text=True)
    assert snapshot() == before
    assert client.get("/admin/users").status_code == 200  # still signed in, still an admin


@pytest.mark.parametrize("new_role", [roles.LAWYER, roles.COORDINATOR, roles.PARTNER])
def test_admin_cannot_change_their_own_account(app, people, org_a, new_role):
    """AC-04: an admin changing their own role, organisation or name is told why and nothing changes."""
    admin = people["admin"].user
    client = app.test_client()
    sign_in(app, client, "admin", people)
    before = snapshot()

    response = client.post(f"/admin/users/{admin.uuid}/update",
                           data={"role": new_role, "organisation": str(org_a.id), "display_name": "Me"},
                           follow_redirects=True)

    assert response.request.path == f"/admin/users/{admin.uuid}"
    assert "You cannot change your own account; ask another administrator." in response.get_data(as_text=True)
    assert snapshot() == before
    assert user_row(admin)["role"] == roles.ADMIN


def setup_page(client, token: str):
    return client.get(f"/setup/{token}")


DEAD_LINK_TEXT = "This link is invalid, already used or expired."


@pytest.fixture
def invitee(app, org_a):
    """A partner account that has not set its password yet, and its setup link."""
    user = make_user(app, roles.PARTNER, org_a, email="invitee@ngo-a.org", password=None).user
    token = accounts.issue_setup_token(db.session, user, app.config["SETUP_TOKEN_LIFETIME"])
    db.session.commit()
    return user, token


def assert_dead_link(client, token: str, user: User) -> None:
    before = user_row(user)
    page = setup_page(client, token)
    assert page.status_code == 404
    assert DEAD_LINK_TEXT in page.get_data(as_text=True)
    posted = client.post(f"/setup/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert posted.status_code == 404
    assert user_row(user) == before  # no password was set through the dead link


def test_a_live_setup_link_sets_the_password_once(app, client, invitee):
    """AC-04: the link works (control case), then a second use answers 404."""
    user, token = invitee
    page = setup_page(client, token)
    assert page.status_code == 200
    assert user.email in page.get_data(as_text=True)
    response = client.post(f"/setup/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert seen(response) == TO_LOGIN
    assert user_row(user)["password_hash"] is not None
    assert_dead_link(app.test_client(), token, user)


def test_an_expired_setup_link_answers_404(app, client, invitee):
    """AC-04: past its 24 hours the link is dead."""
    user, token = invitee
    with time_machine.travel(utcnow() + timedelta(hours=23, minutes=59), tick=False):
        assert setup_page(client, token).status_code == 200  # still live just before the limit
    with time_machine.travel(utcnow() + timedelta(hours=24, minutes=1), tick=False):
        assert_dead_link(client, token, user)


def test_a_setup_link_dies_when_the_admin_disables_the_account(app, people, invitee):
    """AC-04: disabling an account through the admin page kills its setup link."""
    user, token = invitee
    admin = app.test_client()
    sign_in(app, admin, "admin", people)
    assert seen(admin.post(f"/admin/users/{user.uuid}/disable")) == Outcome(302, f"/admin/users/{user.uuid}")
    assert_dead_link(app.test_client(), token, user)


def test_a_setup_link_of_a_disabled_account_answers_404_even_if_the_token_row_survives(app, client, invitee):
    """AC-04: the link check itself refuses a disabled account, not only the clean-up on disabling."""
    user, token = invitee
    user.disabled_at = utcnow()
    db.session.commit()
    assert db.session.execute(select(SetupToken).where(SetupToken.user_id == user.id)).scalar_one_or_none()
    assert_dead_link(client, token, user)


@pytest.mark.parametrize("token", ["unknown-token", "x" * 101])
def test_an_unknown_setup_link_answers_404(app, client, invitee, token):
    """AC-04: made-up and over-long tokens are not found."""
    user, _live = invitee
    assert_dead_link(client, token, user)


# --- AC-05: mass assignment ----------------------------------------------------------------------


def extra_fields(org: Organisation) -> dict[str, str]:
    """Columns of ``users`` that no form of these routes takes, with values an attacker would want."""
    return {
        "role": roles.ADMIN,
        "organisation_id": str(org.id),
        "disabled_at": "2000-01-01T00:00:00",
        "email": "attacker@example.org",
        "password_hash": "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
        "totp_secret_encrypted": "00" * 40,
        "totp_last_step": "99999999999",
        "uuid": str(uuid.UUID(int=1)),
        "id": "1",
    }


# (route suffix, expected outcome, columns of partner_a the action itself changes)
ACTIONS_WITHOUT_FIELDS = [
    pytest.param("/disable", redirect_to(PARTNER_A_PAGE), {"disabled_at"}, id="disable"),
    pytest.param("/enable", redirect_to(PARTNER_A_PAGE), set(), id="enable"),
    pytest.param("/sessions/end", redirect_to(PARTNER_A_PAGE), set(), id="end-sessions"),
    # partner_a has TOTP (every role must, AUTH-01): the reset clears it, and nothing else
    pytest.param("/two-factor/reset", redirect_to(PARTNER_A_PAGE),
                 {"totp_secret_encrypted", "totp_last_step", "totp_enrolled_at"}, id="reset-2fa"),
    pytest.param("/setup-link", redirect_to(PARTNER_A_PAGE), set(), id="setup-link"),
    pytest.param("/approve", redirect_to(PARTNER_A_PAGE), set(), id="approve"),
]


@pytest.mark.parametrize(("suffix", "expected", "changed"), ACTIONS_WITHOUT_FIELDS)
def test_admin_actions_ignore_posted_account_fields(app, people, org_b, url_context, suffix, expected, changed):
    """AC-05: buttons that take no fields change only what they are for, whatever else is posted."""
    partner_a = people["partner_a"].user
    client = app.test_client()
    sign_in(app, client, "admin", people)
    before = user_row(partner_a)

    response = client.post(f"/admin/users/{partner_a.uuid}{suffix}", data=extra_fields(org_b))

    assert seen(response) == fill(expected, url_context)
    after = user_row(partner_a)
    assert {k: v for k, v in after.items() if k not in changed} == {k: v for k, v in before.items() if k not in changed}
    assert after["role"] == roles.PARTNER
    if "disabled_at" in changed:
        assert after["disabled_at"] is not None and after["disabled_at"].year != 2000


def test_admin_update_takes_only_name_role_and_organisation(app, people, org_a, org_b):
    """AC-05: the update form's own fields apply (the e-mail address is one of them, kept here); credentials,
    status and ids posted alongside do not."""
    partner_a = people["partner_a"].user
    client = app.test_client()
    sign_in(app, client, "admin", people)
    before = user_row(partner_a)
    data = {**extra_fields(org_b), "role": roles.PARTNER, "organisation": str(org_a.id), "display_name": "Ana A.",
            "email": partner_a.email}

    response = client.post(f"/admin/users/{partner_a.uuid}/update", data=data)

    assert seen(response) == Outcome(302, f"/admin/users/{partner_a.uuid}")
    after = user_row(partner_a)
    assert after["display_name"] == "Ana A."
    assert {k: v for k, v in after.items() if k != "display_name"} == {
        k: v for k, v in before.items() if k != "display_name"
    }


def test_admin_new_user_ignores_credential_and_status_fields(app, people, org_a, org_b):
    """AC-05: a new account gets no password, TOTP secret or disabled state from the form, and the chosen
    organisation."""
    client = app.test_client()
    sign_in(app, client, "admin", people)
    data = {**extra_fields(org_b), "email": "new.member@ngo-a.org", "role": roles.PARTNER,
            "organisation": str(org_a.id)}

    response = client.post("/admin/users/new", data=data)

    created = db.session.execute(select(User).where(User.email == "new.member@ngo-a.org")).scalar_one()
    assert seen(response) == Outcome(302, f"/admin/users/{created.uuid}")
    stored = user_row(created)
    assert stored["role"] == roles.PARTNER
    assert stored["organisation_id"] == org_a.id
    assert stored["password_hash"] is None
    assert stored["totp_secret_encrypted"] is None
    assert stored["totp_last_step"] is None
    assert stored["disabled_at"] is None
    assert str(stored["uuid"]) != str(uuid.UUID(int=1))
    assert db.session.execute(select(User).where(User.email == "attacker@example.org")).first() is None


def test_admin_new_organisation_takes_only_a_name(app, people, org_a):
    """AC-05: posting an id with a new organisation does not overwrite an existing one."""
    client = app.test_client()
    sign_in(app, client, "admin", people)

    response = client.post("/admin/organisations/new", data={"name": "Organisation C", "id": str(org_a.id)})

    assert seen(response) == redirect_to("/admin/organisations")
    db.session.rollback()
    names = set(db.session.execute(select(Organisation.name)).scalars())
    assert names == {"Organisation A", "Organisation B", "Organisation C"}


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"current_password": "wrong password entirely", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                     id="wrong-current-password"),
        pytest.param({}, id="empty-form"),
        pytest.param({"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                     id="valid-change"),
    ],
)
def test_partner_cannot_raise_their_role_through_the_password_form(app, people, org_b, form):
    """AC-05: role, organisation and the other account columns posted with a password change are ignored."""
    partner_a = people["partner_a"].user
    client = app.test_client()
    sign_in(app, client, "partner_a", people)
    before = user_row(partner_a)

    if form.get("current_password") == PASSWORD:  # partners hold a second factor too (AUTH-01): a fresh code
        form = {**form, "code": two_factor.current_code(people["partner_a"].totp_secret)}
    response = client.post("/account/password", data={**extra_fields(org_b), **form})

    after = user_row(partner_a)
    assert after["role"] == roles.PARTNER
    assert after["organisation_id"] == before["organisation_id"]
    assert after["email"] == before["email"]
    assert after["disabled_at"] is None
    assert after["totp_secret_encrypted"] == before["totp_secret_encrypted"]  # not the posted secret
    if form.get("current_password") == PASSWORD:
        assert seen(response) == redirect_to("/account")
        assert app.extensions["caseapp.hasher"].verify(after["password_hash"], NEW_PASSWORD).ok  # not the posted hash
    else:
        assert response.status_code == 400
        assert after == before
    assert client.get("/admin/users").status_code == 403  # still a partner in the app's eyes


@pytest.mark.parametrize("target", ["lawyer", "partner_a"])
def test_update_to_partner_without_organisation_is_refused(app, people, target):
    """AC-05: a partner must belong to an organisation; the form says so and nothing changes."""
    user = people[target].user
    kept_session = login(app, app.test_client(), user)
    client = app.test_client()
    sign_in(app, client, "admin", people)
    before = snapshot()

    response = client.post(f"/admin/users/{user.uuid}/update",
                           data={"role": roles.PARTNER, "organisation": "", "display_name": "Changed",
                                 "email": user.email})

    assert response.status_code == 400
    assert "A partner must belong to an organisation." in response.get_data(as_text=True)
    assert snapshot() == before
    assert session_exists(kept_session)  # no access change, so their sessions were not ended


@pytest.mark.parametrize(("path", "principal"), [
    ("/decisions", "anonymous"), ("/login", "anonymous"), ("/screening", "anonymous"), ("/screening", "lawyer"),
    ("/admin/users", "partner_a"), ("/admin/users", "admin"), ("/api/v1/reports", "anonymous"),
])
def test_options_is_answered_with_allow_and_logs_no_error(app, people, caplog, path, principal):
    """AC-01: OPTIONS gets Flask's automatic answer — 2xx, the URL's methods in ``Allow``, an empty body —
    whoever asks, and no ERROR line (it was a 403 logged as a missing policy entry)."""
    client = app.test_client()
    sign_in(app, client, principal, people)
    with caplog.at_level("INFO"):
        response = client.options(path)
    assert response.status_code in (200, 204)
    allowed = {method.strip() for method in response.headers["Allow"].split(",")}
    assert "GET" in allowed and "OPTIONS" in allowed
    assert response.get_data() == b""  # nothing but the methods
    assert response.headers["Cache-Control"] == "no-store"
    assert [record.getMessage() for record in caplog.records if record.levelno >= 40] == []
    # Any other method the URL does not have is still refused.
    assert client.open(path, method="PROPFIND").status_code == 405


def test_options_on_an_endpoint_missing_from_the_policy_is_still_refused(app_with_unlisted_route):
    """AC-01: the automatic OPTIONS is answered only for endpoints the policy table lists."""
    app, calls = app_with_unlisted_route
    response = app.test_client().options("/unlisted")
    assert response.status_code == 403 and "Allow" not in response.headers
    assert calls == []
