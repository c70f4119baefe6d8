"""The audit log's vocabulary and its hash chain (LOG-01, AC-08). Pure: no Flask, no database.

Each audit event names who did what to which object, never any content (LOG-02): the closed list of
actions below, an object's type and opaque id (a uuid, a case reference, a key id, a State code), the
actor's account id and e-mail address at the time, and the client address.

Every event carries the hash of the one before it, so editing, removing or reordering any stored event
breaks the chain at that point. ``chain_hash`` is the one definition of an event's hash: SHA-256 over a
canonical JSON serialisation (sorted keys, no whitespace, ASCII) of a format version, the previous
hash and the hashed fields, the time as ISO 8601 in UTC with microseconds.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from caseapp.domain.i18n import N_

GENESIS_HASH = "0" * 64  # the "previous hash" of the first event
HASH_FORMAT = 1

# The fields an event's hash covers, in their fixed order (the row id is not among them: the chain
# itself fixes the order, and ids are assigned by the database after the hash is computed).
HASHED_FIELDS = (
    "occurred_at", "actor_id", "actor_label", "ip", "action", "target_type", "target_id", "case_uuid",
    "case_reference",
)

# Labels for an event with no signed-in account behind it.
SYSTEM_ACTOR = N_("command line")  # a `flask …` command run on the server
ANONYMOUS_ACTOR = N_("anonymous")  # a request with nobody signed in
UNKNOWN_ACCOUNT = N_("unknown account")  # a failed sign-in for an address that is no account: nothing typed is kept

MAX_ACTION = 40
MAX_LABEL = 254
MAX_IP = 45
MAX_TARGET_TYPE = 20
MAX_TARGET_ID = 64
MAX_CASE_REFERENCE = 20

# --- actions -----------------------------------------------------------------------------------------

# (code, description, group). Descriptions are shown in the admins' audit viewer.
_ACTIONS = (
    # Sign-in and two-factor
    ("login_succeeded", N_("Signed in"), "authentication"),
    ("login_failed", N_("Sign-in failed (wrong password, unknown or disabled account)"), "authentication"),
    ("login_two_factor_failed", N_("Sign-in failed at the two-factor code"), "authentication"),
    ("login_throttled", N_("Sign-in refused: too many recent failures"), "authentication"),
    ("logout", N_("Signed out"), "authentication"),
    ("two_factor_enrolled", N_("Two-factor authentication set up"), "authentication"),
    ("two_factor_reset", N_("Two-factor authentication reset by an administrator"), "authentication"),
    ("two_factor_failed", N_("A two-factor code was refused"), "authentication"),
    ("passkey_registered", N_("Passkey added"), "authentication"),
    ("passkey_removed", N_("Passkey removed"), "authentication"),
    ("login_passkey_failed", N_("Sign-in failed at the passkey"), "authentication"),
    ("recovery_codes_generated", N_("New recovery codes made (the earlier ones stop working)"), "authentication"),
    ("recovery_code_used", N_("Signed in with a recovery code instead of the second factor"), "authentication"),
    ("password_set", N_("Password set with a setup link"), "authentication"),
    ("password_changed", N_("Password changed"), "authentication"),
    ("password_reset_requested", N_("Password reset link asked for on the sign-in page (sent by e-mail)"),
     "authentication"),
    ("password_change_refused", N_("Password change refused: the current password was wrong"), "authentication"),
    ("demo_credentials_reset", N_("Demo account given a new password and two-factor secret (flask demo)"),
     "authentication"),
    # Accounts and organisations
    ("account_created", N_("Account created"), "accounts"),
    ("account_updated", N_("Account name changed"), "accounts"),
    ("role_changed", N_("Account role changed"), "accounts"),
    ("organisation_changed", N_("Account moved to another organisation"), "accounts"),
    ("account_disabled", N_("Account disabled"), "accounts"),
    ("account_enabled", N_("Account enabled"), "accounts"),
    ("setup_link_issued", N_("Setup link issued"), "accounts"),
    ("mail_requeued", N_("Undeliverable message sent again"), "accounts"),
    ("setup_link_requested", N_("New setup link sent to the account's address at an administrator's request"),
     "accounts"),
    ("email_changed", N_("Account e-mail address changed"), "accounts"),
    ("approval_requested", N_("Account waits for a second administrator's approval (four-eyes)"), "accounts"),
    ("account_approved", N_("Account approved by a second administrator or the operator"), "accounts"),
    ("sessions_ended", N_("All sessions of an account ended by an administrator"), "accounts"),
    ("organisation_created", N_("Organisation created"), "accounts"),
    ("api_token_created", N_("API token created"), "accounts"),
    ("api_token_revoked", N_("API token revoked"), "accounts"),
    ("calendar_feed_created", N_("Calendar feed created"), "accounts"),
    ("calendar_feed_revoked", N_("Calendar feed revoked"), "accounts"),
    # Case content
    ("report_created", N_("Report created"), "cases"),
    ("report_edited", N_("Report edited"), "cases"),
    ("report_submitted", N_("Report submitted"), "cases"),
    ("report_viewed", N_("Report or case viewed (decrypted)"), "cases"),
    ("assessment_recorded", N_("Screening assessment recorded"), "cases"),
    ("case_updated", N_("Case record updated"), "cases"),
    ("message_posted", N_("Message posted on a report"), "cases"),
    ("stage_changed", N_("Case moved to another stage"), "cases"),
    ("case_team_member_added", N_("Added to a case team"), "cases"),
    ("case_team_member_removed", N_("Removed from a case team"), "cases"),
    ("document_uploaded", N_("Document uploaded"), "cases"),
    ("document_downloaded", N_("Document downloaded (decrypted)"), "cases"),
    ("document_deleted", N_("Document deleted"), "cases"),
    ("draft_downloaded", N_("Drafted document downloaded (the target names the document and its language)"),
     "cases"),
    ("draft_annex_listed", N_("Evidence file listed as an annex of a drafted document"), "cases"),
    ("annex_bundle_downloaded", N_("Evidence file downloaded in an annex bundle (decrypted)"), "cases"),
    ("export_downloaded", N_("CSV export downloaded"), "cases"),
    ("case_deleted", N_("Report deleted (crypto-shredded)"), "cases"),
    ("case_shredded", N_("Report crypto-shredded by the retention job"), "cases"),
    # Keys, backups, retention
    ("key_rotated", N_("Key-encryption key rotated"), "keys"),
    ("key_retired", N_("Key-encryption key retired"), "keys"),
    ("backup_created", N_("Backup created"), "operations"),
    ("backup_restored", N_("Backup restored"), "operations"),
    ("retention_applied", N_("Retention job run"), "operations"),
    # The States register
    ("state_added", N_("State added to the register"), "register"),
    ("state_corrected", N_("State corrected in the register"), "register"),
    ("register_checked", N_("Register checked against its source"), "register"),
    ("register_seeded", N_("Register seeded from the shipped data"), "register"),
    ("register_imported", N_("Register changed by an imported list of parties"), "register"),
)

ACTIONS: dict[str, str] = {code: description for code, description, _group in _ACTIONS}
ACTION_GROUPS: dict[str, str] = {code: group for code, _description, group in _ACTIONS}

# What an event was done to, with the word the log shows for it.
TARGET_LABELS = {
    "case": N_("Case"), "document": N_("Document"), "user": N_("Account"), "organisation": N_("Organisation"),
    "token": N_("API token"), "passkey": N_("Passkey"), "calendar_feed": N_("Calendar feed"),
    "key": N_("Encryption key"), "state": N_("State"), "register": N_("States register"), "export": N_("Export"),
    "backup": N_("Backup"), "notification": N_("Notification"), "draft": N_("Drafted document"),
}
TARGET_TYPES = frozenset(TARGET_LABELS)


class AuditError(ValueError):
    """An event that may not be recorded: unknown action or target type, or a value too long."""


def describe(action: str) -> str:
    return ACTIONS.get(action, action)


def describe_target(target_type: str) -> str:
    return TARGET_LABELS.get(target_type, target_type)


def check_event(fields: Mapping[str, object]) -> None:
    """Refuse an event outside the vocabulary, so nothing free-form (content) can slip into the log."""
    action = fields.get("action")
    if action not in ACTIONS:
        raise AuditError(f"unknown audit action {action!r}")
    target_type = fields.get("target_type")
    if target_type is not None and target_type not in TARGET_TYPES:
        raise AuditError(f"unknown audit target type {target_type!r}")
    limits = {"actor_label": MAX_LABEL, "ip": MAX_IP, "target_id": MAX_TARGET_ID, "case_reference": MAX_CASE_REFERENCE,
              "case_uuid": 36}
    for name, limit in limits.items():
        value = fields.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise AuditError(f"audit field {name} must be text of at most {limit} characters")


# --- the chain -----------------------------------------------------------------------------------------


def iso_utc(moment: datetime) -> str:
    if not isinstance(moment, datetime):
        raise AuditError("an audit event needs its time")
    if moment.tzinfo is None:
        raise AuditError("naive datetime given; audit times are aware UTC datetimes")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(prev_hash: str, fields: Mapping[str, object]) -> bytes:
    """The bytes an event's hash is computed over: exactly ``HASHED_FIELDS``, the time in ISO UTC."""
    if set(fields) != set(HASHED_FIELDS):
        missing, extra = set(HASHED_FIELDS) - set(fields), set(fields) - set(HASHED_FIELDS)
        raise AuditError(f"audit fields differ from the hashed set (missing {sorted(missing)}, extra {sorted(extra)})")
    values: dict[str, object] = {}
    for name in HASHED_FIELDS:
        value = fields[name]
        if name == "occurred_at":
            value = iso_utc(value)  # type: ignore[arg-type]
        elif value is not None and not isinstance(value, (str, int)):
            raise AuditError(f"audit field {name} must be text, a whole number or None")
        values[name] = value
    document = {"v": HASH_FORMAT, "prev_hash": prev_hash, "fields": values}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def chain_hash(prev_hash: str, fields: Mapping[str, object]) -> str:
    """The SHA-256 (hex) of an event given the hash of the event before it (``GENESIS_HASH`` first)."""
    if len(prev_hash) != 64 or any(ch not in "0123456789abcdef" for ch in prev_hash):
        raise AuditError("prev_hash must be 64 lowercase hex digits")
    return hashlib.sha256(canonical(prev_hash, fields)).hexdigest()


@dataclass(frozen=True)
class ChainLink:
    """A stored event as the verifier sees it."""

    id: int
    prev_hash: str
    hash: str
    fields: Mapping[str, object]


@dataclass(frozen=True)
class ChainProblem:
    id: int
    reason: str


def check_link(link: ChainLink, expected_prev: str) -> ChainProblem | None:
    """What is wrong with one stored event, given the hash of the event that precedes it, or None.

    A wrong ``prev_hash`` means an event before this one was removed, inserted or moved; a hash that
    does not match the event's own fields means this event was edited.
    """
    if link.prev_hash != expected_prev:
        return ChainProblem(link.id, "its previous-event hash does not match the event before it "
                                     "(an event was removed, inserted or reordered here)")
    try:
        computed = chain_hash(link.prev_hash, link.fields)
    except AuditError as exc:
        return ChainProblem(link.id, f"it cannot be hashed ({exc})")
    if computed != link.hash:
        return ChainProblem(link.id, "its contents do not match its hash (the event was edited)")
    return None
