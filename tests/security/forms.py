"""The state-changing form routes of the app and what a legitimate user sends to each: shared by the
CSRF suite (tests/security/test_csrf.py) and the form fuzzing (tests/security/test_form_fuzzing.py).

``FORM_DATA`` holds, per endpoint, the valid request (the control request) a user of the narrowest
principal allowed would send; ``Scene`` has the real objects its URL needs. Both modules fail when a
state-changing route of the URL map has no entry here.
"""

import html
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp.core import two_factor
from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import notifications as kinds
from caseapp.domain import permissions
from caseapp.domain.admissibility import CRITERIA
from caseapp.domain.screening import STRATEGIC_FACTORS
from caseapp.models import Case, Passkey
from caseapp.services import accounts, notifications, screening, tokens
from caseapp.services.vault import open_vault
from tests.factories import PASSWORD, Account, add_to_team, login, make_case, make_tracked_case, record_screening
from tests.web.soft_authenticator import SoftAuthenticator

NEW_PASSWORD = "violet tractor mango umbrella 77"
ORIGIN = "https://localhost"  # TestingConfig.BASE_URL, the passkeys' origin

# The narrowest principal the policy table lets use a route: the CSRF check must hold for them, and the
# form fuzzing sends its requests as them.
PRINCIPAL_FOR_LEVEL = {
    permissions.PUBLIC: "anonymous",
    permissions.SESSION: "pending_2fa",
    permissions.USER: "partner_a",
    permissions.STAFF: "lawyer",
    permissions.PARTNERS: "partner_a",
    permissions.LAWYERS: "lawyer",
    permissions.CASEWORKERS: "coordinator",
    permissions.COORDINATORS: "coordinator",
    permissions.ADMIN_ONLY: "admin",
}
# A page each principal can open that carries a CSRF token.
TOKEN_PAGE = {"anonymous": "auth.login", "pending_2fa": "auth.enrol_two_factor"}
DEFAULT_TOKEN_PAGE = "account.show"
# Routes whose valid request is read from a page other than the principal's token page: the passkey
# options (and the challenge they open in the session) of the account page.
FORM_PAGE = {"account.add_passkey": "account.show", "account.notification_choices": "account.notification_choices"}


# Routes that act on a submitted report rather than a draft.
SUBMITTED_REPORT_ENDPOINTS = frozenset({
    "messages.post_message", "screening.assess_report", "screening.request_information",
    "screening.decline_report", "screening.accept_report", "screening.reopen_report", "screening.add_team_member",
    "screening.remove_team_member",
})


@dataclass
class Scene:
    """Real objects to fill URL arguments with: a target account, a setup link, spare sessions."""

    app: object
    people: dict[str, Account]
    setup_token: str
    case_uuid: str
    document_uuid: str
    submitted_uuid: str
    tracked_uuid: str = ""
    measure: dict = field(default_factory=dict)  # uuid and id of the tracked case's interim measures request
    media_uuid: str = ""
    spare_handles: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    passkeys: dict[str, str] = field(default_factory=dict)
    given_up_mail: str = ""  # a message ``flask notify send`` gave up on, for admins to send again

    def user(self, principal: str):
        return self.people[principal].user

    def url(self, endpoint: str, principal: str, method: str = "GET") -> str:
        rule = next(r for r in self.app.url_map.iter_rules(endpoint) if method in (r.methods or ()))
        values = {name: self._value(name, endpoint, principal) for name in rule.arguments}
        return self.app.url_map.bind("localhost", url_scheme="https").build(endpoint, values, method=method)

    def _value(self, name: str, endpoint: str, principal: str) -> str:
        if name == "user_uuid":  # an account an admin may change
            return str(self.user("partner_b").uuid)
        if name == "token" and endpoint == "deadlines.calendar_feed":
            # A made-up feed secret (404). A live one would record its use ("last used", at most hourly),
            # bookkeeping like a session's last activity; tests/web/test_deadlines.py covers live feeds.
            return "not-a-feed-secret"
        if name == "token" and endpoint.startswith("notifications."):  # the acting person's unsubscribe link
            acting = self.user(principal) if principal != "anonymous" else self.user("partner_a")
            return notifications.unsubscribe_token(self.app.config["SECRET_KEY"], acting, kinds.SCREENING_DECIDED)
        if name == "token":  # a live setup link
            return self.setup_token
        if name == "case_uuid" and endpoint in SUBMITTED_REPORT_ENDPOINTS:
            return self.submitted_uuid
        if name == "case_uuid" and endpoint.startswith(("committee.", "drafting.")):
            return self.tracked_uuid
        if name == "document" and endpoint.startswith("drafting."):  # the document drafted for every case
            return "communication"
        if name == "member_uuid":  # the lawyer, whom the control request puts on the case's team first
            return str(self.user("lawyer").uuid)
        if name == "measure_uuid":
            return self.measure["uuid"]
        if name == "item_uuid":
            return self.media_uuid
        if name == "step":  # the report form without a step: the whole report in one post (every field read)
            return None
        if name in ("case_uuid", "document_uuid"):  # a draft of partner_a's organisation, with a document
            return getattr(self, name)
        if name in ("id", "doc_id"):  # the JSON API's names for a report and its document
            return getattr(self, {"id": "case_uuid", "doc_id": "document_uuid"}[name])
        if name == "token_uuid":  # an API token of the acting user
            if principal not in self.tokens:
                self.tokens[principal] = str(tokens.create(db.session, self.user(principal), "CSRF suite").token.uuid)
                db.session.commit()
            return self.tokens[principal]
        if name == "handle":  # another session of the acting user
            if principal not in self.spare_handles:
                self.spare_handles[principal] = login(self.app, self.app.test_client(), self.user(principal))
            return self.spare_handles[principal]
        if name == "passkey_uuid":  # a passkey of the acting user, beside their TOTP (so it may go)
            if principal not in self.passkeys:
                passkey = Passkey(user=self.user(principal), credential_id=os.urandom(32), public_key=b"scene",
                                  name="Scene key")
                db.session.add(passkey)
                db.session.commit()
                self.passkeys[principal] = str(passkey.uuid)
            return self.passkeys[principal]
        if name == "notification_uuid" and endpoint == "admin.send_mail_again":  # a message given up, to requeue
            if not self.given_up_mail:
                row = notifications.notify_user(db.session, self.user("partner_a"), kinds.ACCOUNT_CHANGED,
                                                params={"change": "name"})
                row.mail_status, row.attempts = "failed", 10
                db.session.commit()
                self.given_up_mail = str(row.uuid)
            return self.given_up_mail
        if name == "notification_uuid":  # nobody's: opening one's own writes its read time (a GET that may)
            return "00000000-0000-4000-8000-000000000000"
        if name == "iso2":  # a State of the seeded register
            return "FI"
        if name == "filename":  # a real file in the static folder this endpoint serves
            blueprint = endpoint.rpartition(".")[0]
            folder = Path(self.app.blueprints[blueprint].static_folder if blueprint else self.app.static_folder)
            return sorted(p for p in folder.rglob("*") if p.is_file())[0].relative_to(folder).as_posix()
        pytest.fail(f"No real object for URL argument {name!r} of {endpoint}: teach Scene._value about it")


def make_scene(app, people: dict[str, Account]) -> Scene:
    """Those objects, written through the services: a draft, a submitted report and a decided case of
    partner_a's organisation, and a live setup link for partner_b."""
    token = accounts.issue_setup_token(db.session, people["partner_b"].user, timedelta(hours=24))
    db.session.commit()
    case, document = make_case(app, people["partner_a"].user.organisation, people["partner_a"].user)
    submitted, _ = make_case(app, people["partner_a"].user.organisation, people["partner_a"].user, submit=True)
    tracked, measure, media = make_tracked_case(app, people["partner_a"].user.organisation, people["partner_a"].user)
    return Scene(app, people, token, str(case.uuid), str(document.uuid), str(submitted.uuid), str(tracked.uuid),
                 {"uuid": str(measure.uuid), "id": measure.id}, str(media.uuid))


# --- what a legitimate user would send to each state-changing route (the control request) --------


def _passkey_answer(page: str) -> str:
    """A new software authenticator's answer to the passkey options the page holds."""
    match = re.search(r'data-options="([^"]+)"', page)
    assert match, "the page offers no passkey registration"
    return SoftAuthenticator(ORIGIN).register(html.unescape(match.group(1)))


def _secret_on(page: str) -> str:
    match = re.search(r'class="secret-code[^"]*"[^>]*>([A-Z2-7 ]+)<', page)
    assert match, "the enrolment page shows no setup key"
    return match.group(1).replace(" ", "")


FORM_DATA = {
    "auth.login": lambda s, page: {"email": s.user("partner_a").email, "password": PASSWORD},
    "auth.logout": lambda s, page: {},
    "auth.setup_account": lambda s, page: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    "auth.forgot_password": lambda s, page: {"email": s.user("partner_a").email},
    "auth.enrol_two_factor": lambda s, page: {"code": two_factor.current_code(_secret_on(page))},
    # The enrolment page's passkey options, answered by a software authenticator (AUTH-13).
    "auth.enrol_passkey": lambda s, page: {"name": "Control key", "credential": _passkey_answer(page)},
    # pending_2fa has no passkey to answer with: the page sends it back to enrolment, whatever is posted.
    "auth.passkey_sign_in": lambda s, page: {},
    # partner_a has TOTP, as every role by default (AUTH-01): a password change needs a fresh code (AUTH-10)
    "account.change_password": lambda s, page: {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "code": two_factor.current_code(s.people["partner_a"].totp_secret),
    },
    "account.change_locale": lambda s, page: {"locale": "es", "next": "/account"},
    "account.end_session": lambda s, page: {},
    "account.end_other_sessions": lambda s, page: {},
    "account.add_passkey": lambda s, page: {"name": "Another key", "credential": _passkey_answer(page)},
    "account.remove_passkey": lambda s, page: {},
    "account.regenerate_recovery_codes": lambda s, page: {},
    "account.create_token": lambda s, page: {"name": "Made by the control request"},
    "account.revoke_token": lambda s, page: {},
    "account.create_calendar_feed": lambda s, page: {},
    "account.revoke_calendar_feed": lambda s, page: {},
    # The kinds the page offers the principal (those of their role), when the page is at hand (FORM_PAGE), else
    # every kind: the view reads only those of the role.
    "account.notification_choices": lambda s, page: {
        **dict.fromkeys(re.findall(r'name="(kind_[a-z_]+)"', page or "")
                        or [f"kind_{kind}" for kind in kinds.CHOOSABLE_KINDS], "digest"),
        "digest_frequency": "daily", "digest_within_days": "30"},
    "admin.list_users": lambda s, page: {"q": "", "role": "", "status": "", "sort": "email"},
    "admin.new_user": lambda s, page: {
        "email": "new-person@example.org", "display_name": "New Person", "role": "lawyer", "organisation": "",
    },
    "admin.update_user": lambda s, page: {
        "email": s.user("partner_b").email, "display_name": "Renamed", "role": "partner",
        "organisation": str(s.user("partner_b").organisation_id),
    },
    "admin.disable_user": lambda s, page: {},
    "admin.enable_user": lambda s, page: {},
    "admin.end_user_sessions": lambda s, page: {},
    "admin.reset_two_factor": lambda s, page: {},
    "admin.send_setup_link": lambda s, page: {},
    "admin.approve_user": lambda s, page: {},
    "admin.new_organisation": lambda s, page: {"name": "Organisation C"},
    "register.new_state": lambda s, page: {
        "iso2": "NZ", "name": "", "listing": "signatory", "verified": "no", "source": "CSRF suite control request",
    },
    "register.edit_state": lambda s, page: {
        "name": "Finland", "listing": "party", "signature": "2009-09-24", "instrument_type": "ratification",
        "instrument_date": "2014-01-31", "instrument_year": "", "entry_into_force": "2014-04-30",
        "eif_basis": "art18(2) deposit+3 months (control request)", "art10_declaration": "unknown",
        "art11_declaration": "unknown", "verified": "partly", "source_note": "UNTC",
        "source": "CSRF suite control request",
    },
    "register.check_register": lambda s, page: {"as_of": "2026-06-30", "reported_parties": "31",
                                                "source": "CSRF suite"},
    "intake.list_reports": lambda s, page: {"q": "", "status": ""},
    "intake.new_report": lambda s, page: {"action": "next", "title": "Control report"},
    "intake.one_year_limit": lambda s, page: {"remedies-0-body": "", "remedies-0-kind": "judicial",
                                              "remedies-0-notified": "2025-01-10", "remedies-0-outcome": "rejected",
                                              "remedies-0-final": "yes", "remedies-0-addressed_substance": "yes"},
    "intake.edit_report": lambda s, page: {
        "action": "save", "title": "Saved by the control request", "state": "", "continuing": "unknown",
        "only_mass_media_reports": "unknown", "author_is_victim": "unknown", "acting_on_behalf": "unknown",
        "remedies_exception_reason": "", "urgent_risk": "unknown", "victims_under_jurisdiction": "unknown",
        "clear_disadvantage": "unknown", "general_importance": "unknown",
    },
    "intake.delete_document": lambda s, page: {},
    "intake.delete_draft": lambda s, page: {},
    "messages.post_message": lambda s, page: {"body": "Hello from the control request"},
    "screening.assess_report": lambda s, page: {
        **{f"status_{criterion}": "met" for criterion, _article in CRITERIA},
        **{f"reason_{criterion}": "Control request" for criterion, _article in CRITERIA},
        **{f"score_{factor}": "3" for factor, _name in STRATEGIC_FACTORS},
    },
    "screening.request_information": lambda s, page: {"body": "When was the final decision notified?"},
    "screening.search_victims": lambda s, page: {"name": "Ana Pérez"},
    "screening.decline_report": lambda s, page: {"reason": "Outside the Committee's competence."},
    "screening.accept_report": lambda s, page: _screened(s) or {"note": ""},
    "screening.reopen_report": lambda s, page: _declined(s) or {"note": "New facts arrived."},
    # The record form saves one event at a time (issue 17, point 7): the decision's fields.
    "committee.edit_record": lambda s, page: {"event": "decision", "decision_type": "inadmissible",
                                             "decision_adopted_on": "2025-01-10"},
    "committee.move_case": lambda s, page: {"target": "closed", "note": "Control request"},
    "committee.add_interim_measure": lambda s, page: {"requested_on": "2024-04-01"},
    "committee.update_interim_measure": lambda s, page: {
        f"m{s.measure['id']}-outcome": "granted", f"m{s.measure['id']}-outcome_on": "2024-03-05",
        f"m{s.measure['id']}-compliance": "complied"},
    "committee.add_follow_up_assessment": lambda s, page: {"assessed_on": "2025-06-01", "grade": "no_response",
                                                          "procedure": "continued"},
    "committee.add_follow_up_submission": lambda s, page: {"submitted_on": "2025-06-01"},
    "committee.record_publicity": lambda s, page: {"kind": "press_release", "done_on": "2025-02-01"},
    "committee.add_media": lambda s, page: {"outlet": "Control Daily", "published_on": "2025-02-01"},
    "drafting.save_settings": lambda s, page: _on_team(s, s.tracked_uuid, "coordinator") or {
        "working_language": "fr", "remedies_sought": "Rehouse the families."},
    "committee.delete_media": lambda s, page: {},
    "committee.publish": lambda s, page: {"summary": "A summary for the public."},
    "committee.confirm_name_consent": lambda s, page: _lawyer_on_team(s, s.tracked_uuid) or {
        "identity_consented": "y", "victim_names": "Control Name"},
    "committee.withdraw_publication": lambda s, page: _published(s) or {},
    "committee.add_team_member": lambda s, page: {"member": str(s.user("lawyer").uuid)},
    "committee.remove_team_member": lambda s, page: _lawyer_on_team(s, s.tracked_uuid) or {},
    "screening.add_team_member": lambda s, page: {"member": str(s.user("coordinator").uuid)},
    "screening.remove_team_member": lambda s, page: _lawyer_on_team(s, s.submitted_uuid) or {},
    # Old paths (caseapp/web/redirects.py): the form the old page sent, here none, is passed on as it is.
    "notifications.mark_all_read": lambda s, page: {},
    "admin.send_mail_again": lambda s, page: {},
    "notifications.confirm_unsubscribe": lambda s, page: {},
    "moved.reports": lambda s, page: {},
    "moved.inbox": lambda s, page: {},
    "moved.tracking": lambda s, page: {},
}


def _published(scene: Scene) -> None:
    """Withdrawing needs a published decision: publish the tracked one (once)."""
    from caseapp.models import Communication

    communication = db.session.execute(select(Communication).join(Case, Case.id == Communication.case_id)
                                       .where(Case.uuid == uuid.UUID(scene.tracked_uuid))).scalar_one()
    if communication.published_at is None:
        communication.public_summary = "Published by the control request."
        communication.published_at = datetime.now(UTC)
        db.session.commit()


def _lawyer_on_team(scene: Scene, case_uuid: str) -> None:
    """Removing a member needs one: put the lawyer on the case's team (once)."""
    _on_team(scene, case_uuid, "lawyer")


def _on_team(scene: Scene, case_uuid: str, principal: str) -> None:
    """Put ``principal`` on the case's team (once): removing a member needs one, drafting needs the team."""
    from caseapp.services import case_teams

    case = db.session.execute(select(Case).where(Case.uuid == uuid.UUID(case_uuid))).scalar_one()
    if not case_teams.is_on_team(db.session, case, scene.user(principal)):
        add_to_team(case, scene.user(principal))


def submitted_case(scene: Scene) -> Case:
    return db.session.execute(select(Case).where(Case.uuid == uuid.UUID(scene.submitted_uuid))).scalar_one()


def _screened(scene: Scene) -> None:
    """Accepting needs a screening on record: give the submitted report one (once)."""
    case = submitted_case(scene)
    if case.stage == "submitted":
        record_screening(case, scene.user("lawyer"))


def _declined(scene: Scene) -> None:
    """Reopening needs a declined report: decline the submitted one (once)."""
    case = submitted_case(scene)
    if case.stage != "declined":
        screening.decline(db.session, open_vault(db.session, keyring(), case), scene.user("lawyer"), "Out of time.")
        db.session.commit()


def principal_for(endpoint: str, method: str) -> str:
    level = permissions.access_level(endpoint, method)
    assert level is not None, f"{method} {endpoint} is missing from the policy table (AC-01)"
    return PRINCIPAL_FOR_LEVEL[level]


def client_for(scene: Scene, principal: str):
    client = scene.app.test_client()
    if principal != "anonymous":
        login(scene.app, client, scene.user(principal), two_factor_done=principal != "pending_2fa")
    return client
