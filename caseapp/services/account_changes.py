"""Changes to accounts that their owner is told of, and the four-eyes approval of staff accounts (AUTH-12).

Built on ``accounts``, which knows nothing of mail. Each use case here makes the change, asks for a
second admin's approval when ``permissions.needs_approval`` says so, and writes the notices in the same
transaction (the outbox: ``flask notify send`` mails them). No link with a secret is made here: a set-up
or reset message gets its one-time link when it is sent, so no page ever shows one to an admin.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.core.passwords import Hasher
from caseapp.crypto import Keyring
from caseapp.domain import notifications as kinds
from caseapp.domain import permissions, roles
from caseapp.domain.i18n import N_
from caseapp.domain.passwords import DEFAULT_MIN_SCORE
from caseapp.models import Organisation, SetupToken, User
from caseapp.models.base import utcnow
from caseapp.models.notification import Notification
from caseapp.services import ServiceError, accounts, audit, notifications, tokens


def admin_page(user: User) -> str:
    """The path of the account's page for admins (``admin.show_user``), the link of an approval notice."""
    return f"/admin/users/{user.uuid}"


def _tell(session: Session, user: User, change: str) -> None:
    notifications.notify_user(session, user, kinds.ACCOUNT_CHANGED, params={"change": change})


# --- four-eyes -----------------------------------------------------------------------------------


def approvers(session: Session, *, besides: tuple[int | None, ...] = ()) -> list[User]:
    """The admins who could approve an account now: active, approved themselves, not among ``besides``."""
    admins = session.execute(
        select(User).where(User.role == roles.ADMIN, User.disabled_at.is_(None)).order_by(User.id)
    ).scalars()
    return [admin for admin in admins if not admin.awaiting_approval and admin.id not in besides]


def request_approval(session: Session, actor: User | None, user: User) -> bool:
    """The account waits for a second admin from now on when its role needs one (AUTH-12); each admin who
    could approve it is told. Whether it now waits. A role that needs no approval ends a wait."""
    if not permissions.needs_approval(user.role):
        user.approval_requested_at = user.approval_requested_by_id = None
        return False
    user.approval_requested_at = utcnow()
    user.approval_requested_by_id = actor.id if actor is not None else None
    user.approved_at = None
    user.approved_by_id = None
    session.flush()
    audit.record(session, action="approval_requested", actor=actor, target_type="user", target_id=user.uuid)
    for admin in approvers(session, besides=(actor.id if actor else None, user.id)):
        notifications.notify_user(session, admin, kinds.APPROVAL_NEEDED, link=admin_page(user))
    return True


def approve(session: Session, actor: User, user: User) -> None:
    """A second admin approves the account: it reaches case content from its next request on."""
    if not user.awaiting_approval:
        raise ServiceError(N_("This account is not waiting for approval."))
    if actor.id in (user.id, user.approval_requested_by_id):
        raise ServiceError(N_("Another administrator must approve this account: you asked for the approval."))
    if not permissions.can_approve_account(actor, user, requested_by_id=user.approval_requested_by_id):
        raise ServiceError(N_("Your own account waits for approval; you cannot approve others yet."))
    _approved(session, actor, user)


def approve_by_operator(session: Session, user: User) -> None:
    """The host's operator approves (``flask users approve``), for an instance with a single admin."""
    if not user.awaiting_approval:
        raise ServiceError(N_("This account is not waiting for approval."))
    _approved(session, None, user)


def _approved(session: Session, actor: User | None, user: User) -> None:
    user.approved_at = utcnow()
    user.approved_by_id = actor.id if actor is not None else None
    session.flush()
    audit.record(session, action="account_approved", actor=actor, target_type="user", target_id=user.uuid)
    _tell(session, user, kinds.CHANGED_APPROVED)


# --- what admins do ------------------------------------------------------------------------------


def create_account(session: Session, keyring: Keyring, actor: User, *, email: str, role: str,
                   organisation: Organisation | None, display_name: str = "") -> User:
    """A new account: its set-up link goes to its own address, and a staff account waits for a second admin."""
    user = accounts.create_user(session, keyring, email=email, role=role, organisation=organisation,
                                display_name=display_name, actor=actor)
    request_approval(session, actor, user)
    notifications.notify_user(session, user, kinds.ACCOUNT_SETUP)
    return user


def send_setup_link(session: Session, actor: User, user: User) -> None:
    """An admin's reset: a new set-up link to the account's own address. The earlier links and the API
    tokens stop working at once (AUTH-14); a staff account waits for a second admin again."""
    if not permissions.can_change_account(actor, user) or not user.is_active:
        raise ServiceError(N_("A set-up link can only be sent to another, active account."))
    accounts.discard_setup_tokens(session, user)
    tokens.revoke_all(session, user)
    audit.record(session, action="setup_link_requested", actor=actor, target_type="user", target_id=user.uuid)
    request_approval(session, actor, user)
    notifications.notify_user(session, user, kinds.ACCOUNT_SETUP)


def reset_two_factor(session: Session, actor: User, user: User) -> None:
    accounts.reset_two_factor(session, actor, user)
    request_approval(session, actor, user)
    _tell(session, user, kinds.CHANGED_TWO_FACTOR)


def set_disabled(session: Session, actor: User, user: User, disabled: bool) -> None:
    was_active = user.is_active
    accounts.set_disabled(session, actor, user, disabled)
    if was_active == disabled:
        _tell(session, user, kinds.CHANGED_DISABLED if disabled else kinds.CHANGED_ENABLED)


def update_account(session: Session, actor: User, user: User, *, email: str, role: str,
                   organisation: Organisation | None, display_name: str) -> bool:
    """Change address, role, organisation and name; the account is told of each change, its old address
    of a new one. A change of role to one that needs approval waits for a second admin. Whether the
    user's sessions were ended (access changed)."""
    if actor.id == user.id:
        raise ServiceError(N_("You cannot change your own account; ask another administrator."), "role")
    before = (user.role, user.organisation_id, user.display_name)
    old_email = accounts.change_email(session, actor, user, email)
    access_changed = accounts.update_user(session, actor, user, role=role, organisation=organisation,
                                          display_name=display_name)
    if user.role != before[0]:
        _tell(session, user, kinds.CHANGED_ROLE)
        request_approval(session, actor, user)
    if user.organisation_id != before[1]:
        _tell(session, user, kinds.CHANGED_ORGANISATION)
    if user.display_name != before[2]:
        _tell(session, user, kinds.CHANGED_NAME)
    if old_email is not None:
        notifications.notify_user(session, user, kinds.EMAIL_CHANGED, address=old_email)
        _tell(session, user, kinds.CHANGED_EMAIL)
    return access_changed


# --- what people do to their own account ---------------------------------------------------------


def change_password(session: Session, keyring: Keyring, user: User, **kwargs) -> None:
    """``accounts.change_password`` (the current password and the second factor), and the notice."""
    accounts.change_password(session, keyring, user, **kwargs)
    _tell(session, user, kinds.CHANGED_PASSWORD)


def complete_setup(session: Session, token_row: SetupToken, password: str, hasher: Hasher, *,
                   min_score: int = DEFAULT_MIN_SCORE) -> User:
    """A password set with a set-up or reset link: sessions end and API tokens go (``set_password``);
    a new password in place of an earlier one is a change the account is told of."""
    had_password = token_row.user.password_hash is not None
    user = accounts.complete_setup(session, token_row, password, hasher, min_score=min_score)
    if had_password:
        _tell(session, user, kinds.CHANGED_PASSWORD)
    return user


def request_password_reset(session: Session, email: str, *, interval: timedelta,
                           now: datetime | None = None) -> None:
    """The sign-in page's "Forgot your password?": a reset link to an active account's own address, at
    most one each ``interval``. Says nothing either way, and does the same queries whether or not the
    address has an account. The link only sets a password: the second factor still guards staff
    accounts, so no second admin is asked (AUTH-12)."""
    now = now or utcnow()
    email = accounts.normalise_email(email)
    user = accounts.find_user(session, email) if len(email) <= accounts.MAX_EMAIL_LENGTH else None
    recent = session.execute(
        select(Notification.id).where(Notification.user_id == (user.id if user is not None else -1),
                                      Notification.kind == kinds.PASSWORD_RESET,
                                      Notification.created_at > now - interval).limit(1)
    ).first()
    if user is None or not user.is_active or recent is not None:
        return
    notifications.notify_user(session, user, kinds.PASSWORD_RESET)
    audit.record(session, action="password_reset_requested", target_type="user", target_id=user.uuid)
