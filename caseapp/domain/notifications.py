"""What the app tells people, as data: the kinds of notification, who receives each, how it may be delivered,
and the words of its e-mail. Pure: no Flask, no database.

A notification never carries case content (DATA-06): its e-mail holds the case reference, the kind of event
and a link, and nothing a victim, a title, a narrative, a file name or another party's organisation could
be read from. The words below are therefore fixed sentences with no parameter taken from a case.

Case kinds go to the people concerned by a case and each person chooses, per kind, to get them at once, in
the digest or never. Account kinds are about the person's own account (a set-up link, a change made to it):
they are always sent at once and cannot be turned off, since they are how a person learns that someone
else changed their account (AUTH-12).
"""

from typing import NamedTuple

from caseapp.domain import stages
from caseapp.domain.i18n import N_
from caseapp.domain.roles import ADMIN, COORDINATOR, LAWYER, PARTNER

# How a person gets a kind of notification.
IMMEDIATE = "immediate"  # an e-mail at once (and in the app)
DIGEST = "digest"  # in the next daily or weekly digest (and in the app)
NEVER = "never"  # in the app only, no e-mail
DELIVERIES = (IMMEDIATE, DIGEST, NEVER)

# Who receives a case kind.
ORGANISATION = "organisation"  # the partners of the report's organisation
CASE_LAWYERS = "case_lawyers"  # the lawyers on the case's team, or every lawyer while the team has none
CASE_CASEWORKERS = "case_caseworkers"  # the lawyers and coordinators on the team (each role: every one when none)
CASE_COORDINATORS = "case_coordinators"  # the coordinators on the team, or every coordinator when none
ACCOUNT_OWNER = "account_owner"
ADMINS = "admins"

# Case kinds.
INFORMATION_REQUESTED = "information_requested"
REPORT_SUBMITTED = "report_submitted"
REPORT_UPDATED = "report_updated"
SCREENING_DECIDED = "screening_decided"
CASE_MOVED = "case_moved"
DECISION_RECORDED = "decision_recorded"

# Account kinds.
ACCOUNT_SETUP = "account_setup"
PASSWORD_RESET = "password_reset"  # noqa: S105 — a kind of message, not a password
ACCOUNT_CHANGED = "account_changed"
EMAIL_CHANGED = "email_changed"
APPROVAL_NEEDED = "approval_needed"

# The digest itself: deadlines and the notifications a person chose to receive that way.
DEADLINE_DIGEST = "deadline_digest"


class Kind(NamedTuple):
    code: str
    audience: str
    default: str  # the delivery until the person chooses
    choosable: bool  # whether the person may choose (and unsubscribe)
    label: str  # the kind in words, in lists and on the preferences page
    subject: str  # the e-mail's subject; %(reference)s is the case reference where there is one
    sentence: str  # what happened, in the e-mail's body


KINDS: dict[str, Kind] = {kind.code: kind for kind in (
    Kind(INFORMATION_REQUESTED, ORGANISATION, IMMEDIATE, True,
         N_("Request for information"),
         N_("%(reference)s: the lawyers ask for information"),
         N_("The coalition's lawyers have asked your organisation for information about report %(reference)s. "
            "Open the report to read the request and answer it.")),
    Kind(REPORT_SUBMITTED, CASE_LAWYERS, DIGEST, True,
         N_("New report"),
         N_("%(reference)s: a new report to screen"),
         N_("A partner organisation submitted report %(reference)s to the coalition's lawyers for screening.")),
    Kind(REPORT_UPDATED, CASE_LAWYERS, IMMEDIATE, True,
         N_("Answer or update from the partner"),
         N_("%(reference)s: the partner answered or updated the report"),
         N_("The partner organisation answered or updated report %(reference)s. Open it to read what changed.")),
    Kind(SCREENING_DECIDED, ORGANISATION, IMMEDIATE, True,
         N_("Screening decision"),
         N_("%(reference)s: the lawyers decided on your report"),
         N_("The coalition's lawyers have decided whether to take report %(reference)s further. "
            "Open the report to read their decision.")),
    Kind(CASE_MOVED, CASE_CASEWORKERS, DIGEST, True,
         N_("Stage or record changed"),
         N_("%(reference)s: the case moved or its record changed"),
         N_("Case %(reference)s moved to another stage or its Committee record changed. "
            "Open the case to see its timeline.")),
    Kind(DECISION_RECORDED, CASE_COORDINATORS, IMMEDIATE, True,
         N_("Committee decision recorded"),
         N_("%(reference)s: a Committee decision was recorded"),
         N_("The Committee's decision on case %(reference)s was recorded. "
            "Open the case to plan its follow-up and publicity.")),
    Kind(DEADLINE_DIGEST, ACCOUNT_OWNER, DIGEST, False,
         N_("Deadline digest"),
         N_("Your deadlines and news"),
         N_("Here are the deadlines on the cases you follow, and what happened since your last digest.")),
    Kind(ACCOUNT_SETUP, ACCOUNT_OWNER, IMMEDIATE, False,
         N_("Account set-up link"),
         N_("Set up your ESCR Case Desk account"),
         N_("An account was made for you, or an administrator asked you to set its password again. "
            "Follow the link to choose your password; it works once and expires in %(hours)s hours.")),
    Kind(PASSWORD_RESET, ACCOUNT_OWNER, IMMEDIATE, False,
         N_("Password reset link"),
         N_("Reset your ESCR Case Desk password"),
         N_("Someone asked to reset the password of your account. If it was you, follow the link to choose a new "
            "password; it works once and expires in %(hours)s hours. If it was not you, ignore this message: "
            "your password has not changed.")),
    Kind(ACCOUNT_CHANGED, ACCOUNT_OWNER, IMMEDIATE, False,
         N_("Change to your account"),
         N_("A change to your ESCR Case Desk account"),
         N_("Your account was changed: %(change)s. If you did not expect this, tell your coordinator or an "
            "administrator at once.")),
    Kind(EMAIL_CHANGED, ACCOUNT_OWNER, IMMEDIATE, False,
         N_("Change of e-mail address"),
         N_("The e-mail address of your ESCR Case Desk account changed"),
         N_("The e-mail address of your account was changed, and messages will no longer come to this address. "
            "If you did not expect this, tell an administrator at once.")),
    Kind(APPROVAL_NEEDED, ADMINS, IMMEDIATE, False,
         N_("Account waiting for approval"),
         N_("An account waits for a second administrator's approval"),
         N_("Another administrator created or reset a lawyer's or coordinator's account. It reaches case content "
            "only after a second administrator approves it. Open the account to check and approve it.")),
)}

CHOOSABLE_KINDS = tuple(code for code, kind in KINDS.items() if kind.choosable)
CASE_KINDS = tuple(code for code, kind in KINDS.items() if kind.audience not in (ACCOUNT_OWNER, ADMINS))
# Kinds whose e-mail carries a one-time link to set a password: the token is made when the message is sent,
# so the link exists nowhere but in that e-mail (never in the database in clear, never on a page).
SETUP_LINK_KINDS = (ACCOUNT_SETUP, PASSWORD_RESET)

# The changes an ACCOUNT_CHANGED message names (its "change" parameter), and how the message says them.
CHANGED_ROLE = "role"
CHANGED_ORGANISATION = "organisation"
CHANGED_NAME = "name"
CHANGED_EMAIL = "email"
CHANGED_TWO_FACTOR = "two_factor_reset"
CHANGED_PASSWORD = "password"  # noqa: S105 — a change code, not a password
CHANGED_DISABLED = "disabled"
CHANGED_ENABLED = "enabled"
CHANGED_APPROVED = "approved"
ACCOUNT_CHANGES = {
    CHANGED_ROLE: N_("your role changed"),
    CHANGED_ORGANISATION: N_("your organisation changed"),
    CHANGED_NAME: N_("your name changed"),
    CHANGED_EMAIL: N_("your e-mail address changed"),
    CHANGED_TWO_FACTOR: N_("your two-factor authentication was reset"),
    CHANGED_PASSWORD: N_("your password changed"),
    CHANGED_DISABLED: N_("your account was disabled"),
    CHANGED_ENABLED: N_("your account was enabled again"),
    CHANGED_APPROVED: N_("a second administrator approved your account"),
}

# Which roles a case audience may reach at all.
AUDIENCE_ROLES = {
    ORGANISATION: (PARTNER,),
    CASE_LAWYERS: (LAWYER,),
    CASE_CASEWORKERS: (LAWYER, COORDINATOR),
    CASE_COORDINATORS: (COORDINATOR,),
    ADMINS: (ADMIN,),
}


def choosable_for(role: str) -> tuple[str, ...]:
    """The kinds a person of ``role`` may receive and choose how to get (a partner is never told a case moved)."""
    return tuple(code for code in CHOOSABLE_KINDS if role in AUDIENCE_ROLES.get(KINDS[code].audience, ()))


def delivery_for(kind: str, chosen: str | None) -> str:
    """How a notification of ``kind`` goes to a person who chose ``chosen`` (None: no choice yet)."""
    spec = KINDS[kind]
    if not spec.choosable or chosen not in DELIVERIES:
        return spec.default
    return chosen


# Retries: the n-th failed attempt waits RETRY_BASE_SECONDS * 2**(n-1), at most RETRY_MAX_SECONDS; after
# MAX_ATTEMPTS failures the message is given up and shown to admins.
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 3600
MAX_ATTEMPTS = 10


def retry_delay_seconds(attempts: int) -> int:
    """The wait before the next attempt after ``attempts`` failures (1, 2, …): 1, 2, 4 … minutes, at most 6 h,
    so a mail server down for a day is retried a few times an hour and never hammered."""
    if attempts < 1:
        return 0
    return min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)


def gives_up(attempts: int, *, permanent: bool, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Whether a message stops being retried: the server refused it for good (a 5xx answer) or it has failed
    ``max_attempts`` times."""
    return permanent or attempts >= max_attempts


def kinds_for_move(source: str, target: str, actor_role: str) -> tuple[str, ...]:
    """Which notifications a move of a case's stage causes (DESIGN.md §4): a request for information tells the
    organisation, the partner's answer tells the lawyers, a screening decision tells the organisation, and a
    move before the Committee tells the case's caseworkers — a decision its coordinators first."""
    if target == stages.INFO_REQUESTED:
        return (INFORMATION_REQUESTED,)
    if actor_role == PARTNER and source == stages.INFO_REQUESTED:
        return (REPORT_UPDATED,)
    if target in (stages.DECLINED, stages.CANDIDATE) and source in stages.SCREENING_STAGES:
        return (SCREENING_DECIDED,)
    if target in stages.SCREENING_STAGES or source in stages.SCREENING_STAGES or source == stages.DECLINED:
        return ()
    if target == stages.DECIDED:
        return (DECISION_RECORDED, CASE_MOVED)
    return (CASE_MOVED,)
