"""Accounts: organisations, users, setup links, sign-in, two-factor, and ending sessions."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.orm import Session

from caseapp.core import two_factor
from caseapp.core.passwords import Hasher
from caseapp.crypto import DecryptionError, Keyring, decrypt_field, encrypt_field
from caseapp.crypto.blind_index import BlindIndexer
from caseapp.domain import audit as audit_rules
from caseapp.domain import roles
from caseapp.domain.i18n import N_
from caseapp.domain.passwords import DEFAULT_MIN_SCORE, Problem, password_problem
from caseapp.domain.permissions import requires_two_factor
from caseapp.models import LoginFailure, Organisation, SetupToken, User, UserSession
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, audit, calendar_feeds, passkeys, recovery_codes, tokens
from caseapp.services.keys import ACCOUNTS_SCOPE, data_key

log = logging.getLogger("caseapp.accounts")

MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200


class PasswordRefusedError(ServiceError):
    """The password policy refused a new password; ``problem`` lets the page show it translated."""

    def __init__(self, problem: Problem):
        super().__init__(N_(problem.message, **problem.params), "password")
        self.problem = problem


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --- organisations -------------------------------------------------------------------------------


def create_organisation(session: Session, name: str, *, actor: User | None = None) -> Organisation:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ServiceError(N_("Give a name of 1 to %(max)d characters.", max=MAX_NAME_LENGTH), "name")
    if find_organisation(session, name) is not None:
        raise ServiceError(N_("An organisation with this name already exists."), "name")
    organisation = Organisation(name=name)
    session.add(organisation)
    session.flush()
    audit.record(session, action="organisation_created", actor=actor, target_type="organisation",
                 target_id=organisation.id)
    return organisation


def _organisation_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def find_organisation(session: Session, name: str) -> Organisation | None:
    """The organisation of that name, whatever its case. Compared in Python: SQLite's lower() folds only
    ASCII letters, so a name such as "Éducation" did not even find itself, and a second one failed on
    the unique name as a 500 (IN-02). Organisations are few."""
    key = _organisation_key(name)
    return next((organisation for organisation in session.execute(select(Organisation)).scalars()
                 if _organisation_key(organisation.name) == key), None)


# --- users ---------------------------------------------------------------------------------------


def find_user(session: Session, email: str) -> User | None:
    return session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def _check_role_and_organisation(role: str, organisation: Organisation | None) -> None:
    if role not in roles.ROLES:
        raise ServiceError(N_("Choose one of: %(roles)s.", roles=", ".join(roles.ROLES)), "role")
    if roles.needs_organisation(role) and organisation is None:
        raise ServiceError(N_("A partner must belong to an organisation."), "organisation")


def _checked_new_email(session: Session, email: str) -> str:
    email = normalise_email(email)
    if not email or len(email) > MAX_EMAIL_LENGTH or "@" not in email:
        raise ServiceError(N_("Give a valid e-mail address."), "email")
    if find_user(session, email) is not None:
        raise ServiceError(N_("An account with this e-mail address already exists."), "email")
    return email


def change_email(session: Session, actor: User, user: User, email: str) -> str | None:
    """Give the account another address; the old one, or None when it is the same. The setup links not
    yet used stop working: they went to the old address."""
    if normalise_email(email) == user.email:
        return None
    if actor.id == user.id:
        raise ServiceError(N_("You cannot change your own account; ask another administrator."), "email")
    new = _checked_new_email(session, email)
    old, user.email = user.email, new
    discard_setup_tokens(session, user)
    session.flush()
    audit.record(session, action="email_changed", actor=actor, target_type="user", target_id=user.uuid)
    return old


def create_user(
    session: Session,
    keyring: Keyring,
    *,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    display_name: str = "",
    password: str | None = None,
    hasher: Hasher | None = None,
    actor: User | None = None,
    min_score: int = DEFAULT_MIN_SCORE,
) -> User:
    """A new account. It asks for no second approval and sends nothing: the operator's commands, the demo
    and the tests make ready accounts this way; an admin's new account goes through
    ``account_changes.create_account`` (the set-up link by e-mail, four-eyes for staff: AUTH-12)."""
    email = _checked_new_email(session, email)
    _check_role_and_organisation(role, organisation)
    # The accounts key exists before anyone can reach two-factor enrolment, so that page only reads.
    data_key(session, keyring, ACCOUNTS_SCOPE)
    user = User(email=email, role=role, organisation=organisation, display_name=display_name.strip()[:120])
    session.add(user)
    if password is not None:
        set_password(session, user, password, hasher, min_score=min_score)
    session.flush()
    audit.record(session, action="account_created", actor=actor, target_type="user", target_id=user.uuid)
    return user


def new_password_problem(user: User, password: str, *, min_score: int = DEFAULT_MIN_SCORE) -> Problem | None:
    """Why the policy refuses ``password`` for this account (AUTH-05, AUTH-14), or None."""
    personal_words = (user.email, user.email.split("@")[0], user.display_name,
                      user.organisation.name if user.organisation else "")
    return password_problem(password, personal_words=personal_words, min_score=min_score)


def set_password(session: Session, user: User, password: str, hasher: Hasher, *,
                 min_score: int = DEFAULT_MIN_SCORE) -> None:
    """Set a new password the policy accepts (AUTH-05), judged with the words of this account and its
    organisation (AUTH-14); ``min_score`` is the app's ``PASSWORD_MIN_SCORE``."""
    problem = new_password_problem(user, password, min_score=min_score)
    if problem:
        raise PasswordRefusedError(problem)
    user.password_hash = hasher.hash(password)
    user.password_changed_at = utcnow()
    end_sessions(session, user)  # SESS-05
    tokens.revoke_all(session, user)  # AUTH-14: a token must not outlive the password it was made under
    session.flush()


def issue_setup_token(session: Session, user: User, lifetime: timedelta, *, actor: User | None = None,
                      revoke_api_tokens: bool = True) -> str:
    """A one-time setup link secret, valid for ``lifetime``; earlier unused links stop working, and so do
    the account's API tokens (an admin's reset: AUTH-14), even before the link is used. A reset the person
    asked for themselves (``revoke_api_tokens=False``) leaves their tokens until the new password is set, so
    that anyone typing their address cannot cut their organisation's system off."""
    discard_setup_tokens(session, user)
    if revoke_api_tokens:
        tokens.revoke_all(session, user)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(SetupToken(user_id=user.id, token_hash=token_digest(token), created_at=now, expires_at=now + lifetime))
    session.flush()
    audit.record(session, action="setup_link_issued", actor=actor, target_type="user", target_id=user.uuid)
    return token


def discard_setup_tokens(session: Session, user: User) -> None:
    """Every unused setup link of the account stops working."""
    session.execute(delete(SetupToken).where(SetupToken.user_id == user.id, SetupToken.used_at.is_(None)))


def setup_token_user(session: Session, token: str) -> SetupToken | None:
    """The live setup token for this secret, or None (unknown, used, expired or account disabled)."""
    if not token or len(token) > 100:
        return None
    row = session.execute(select(SetupToken).where(SetupToken.token_hash == token_digest(token))).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= utcnow() or not row.user.is_active:
        return None
    return row


def complete_setup(session: Session, token_row: SetupToken, password: str, hasher: Hasher, *,
                   min_score: int = DEFAULT_MIN_SCORE) -> User:
    user = token_row.user
    set_password(session, user, password, hasher, min_score=min_score)
    token_row.used_at = utcnow()
    session.flush()
    audit.record(session, action="password_set", actor=user, target_type="user", target_id=user.uuid)
    log.info("account.setup_completed", extra={"user_id": user.id})
    return user


def update_user(
    session: Session, actor: User, user: User, *, role: str, organisation: Organisation | None, display_name: str
) -> bool:
    """Change role, organisation and name. A change of role or organisation ends the user's sessions."""
    if actor.id == user.id:
        raise ServiceError(N_("You cannot change your own account; ask another administrator."), "role")
    _check_role_and_organisation(role, organisation)
    role_changed = role != user.role
    organisation_changed = (organisation.id if organisation else None) != user.organisation_id
    access_changed = role_changed or organisation_changed
    renamed = display_name.strip()[:120] != user.display_name
    user.role = role
    user.organisation = organisation
    user.display_name = display_name.strip()[:120]
    if access_changed:
        end_sessions(session, user)  # SESS-05
        tokens.revoke_all(session, user)  # a token must not follow its owner into another organisation or role
        calendar_feeds.revoke_all(session, user)  # nor a calendar feed of every case's deadlines
    session.flush()
    for action, happened in (("role_changed", role_changed), ("organisation_changed", organisation_changed),
                             ("account_updated", renamed)):
        if happened:
            audit.record(session, action=action, actor=actor, target_type="user", target_id=user.uuid)
    return access_changed


def set_disabled(session: Session, actor: User, user: User, disabled: bool) -> None:
    if actor.id == user.id:
        raise ServiceError(N_("You cannot disable your own account."))
    user.disabled_at = utcnow() if disabled else None
    if disabled:
        end_sessions(session, user)  # SESS-05
        tokens.revoke_all(session, user)  # re-enabling the account does not revive them
        calendar_feeds.revoke_all(session, user)
        discard_setup_tokens(session, user)
    session.flush()
    audit.record(session, action="account_disabled" if disabled else "account_enabled", actor=actor,
                 target_type="user", target_id=user.uuid)


# --- sign-in -------------------------------------------------------------------------------------


@dataclass
class SignIn:
    user: User
    needs_enrolment: bool  # a role that must have a second factor has none: the session stays confined to enrolment
    needs_passkey: bool = False  # the password was right; the passkey is asked for on the next page


def recent_failures(session: Session, user: User, window: timedelta) -> int:
    since = utcnow() - window
    return session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.user_id == user.id, LoginFailure.failed_at > since)
    ).scalar_one()


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    code: str | None,
    hasher: Hasher,
    keyring: Keyring,
    throttle_attempts: int,
    throttle_window: timedelta,
    totp_window: int,
    two_factor_required_roles: tuple[str, ...],
    indexer: BlindIndexer,
) -> SignIn | None:
    """Check e-mail, password and — when enrolled — the second factor in one step: the TOTP code, or one
    of the account's recovery codes in the same field (AUTH-13).

    An account with a passkey that gave no code gets ``needs_passkey``: the passkey is asked for on the
    next page (``verify_second_step``), since a browser can sign a challenge only for a known account.
    Every failure returns None and costs one argon2 verify, whatever its cause (AUTH-08).
    A throttled account fails without its hash being checked (AUTH-07).
    """
    user = find_user(session, email) if len(email) <= MAX_EMAIL_LENGTH else None
    if user is not None and recent_failures(session, user, throttle_window) >= throttle_attempts:
        hasher.burn(password)
        log.warning("login.throttled", extra={"user_id": user.id})
        audit.record(session, action="login_throttled", actor=user, target_type="user", target_id=user.uuid)
        return None
    result = hasher.verify(user.password_hash if user else None, password)
    if user is None or not result.ok or not user.is_active:
        return _fail(session, user, "password")
    if result.new_hash:
        user.password_hash = result.new_hash
    if user.has_second_factor:
        if user.passkeys and not two_factor.clean_code(code):
            session.flush()
            return SignIn(user, needs_enrolment=False, needs_passkey=True)
        if not _second_factor_code_accepted(session, keyring, indexer, user, code, totp_window=totp_window):
            return _fail(session, user, "two_factor")
    _succeed(session, user)
    needs_enrolment = not user.has_second_factor and requires_two_factor(user.role, two_factor_required_roles)
    return SignIn(user, needs_enrolment=needs_enrolment)


def _second_factor_code_accepted(session: Session, keyring: Keyring, indexer: BlindIndexer, user: User,
                                 code: str | None, *, totp_window: int) -> bool:
    """A fresh TOTP code (single use, AUTH-02), or else an unused recovery code, which is then spent."""
    if user.has_totp:
        secret = decrypt_totp_secret(session, keyring, user)
        step = two_factor.accepted_step(secret, code, last_step=user.totp_last_step, window=totp_window)
        if step is not None:
            user.totp_last_step = step
            return True
    return recovery_codes.use(session, indexer, user, code)


def _succeed(session: Session, user: User) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.user_id == user.id))
    user.last_login_at = utcnow()
    session.flush()
    audit.record(session, action="login_succeeded", actor=user, target_type="user", target_id=user.uuid)
    log.info("login.success", extra={"user_id": user.id})


def verify_second_step(
    session: Session,
    user: User,
    *,
    rp: passkeys.RelyingParty,
    credential_json: str | None,
    challenge: bytes | None,
    code: str | None,
    keyring: Keyring,
    indexer: BlindIndexer,
    totp_window: int,
    throttle_attempts: int,
    throttle_window: timedelta,
) -> bool:
    """The second page of a sign-in whose password was right: the passkey's answer to ``challenge``, or
    a TOTP or recovery code in its place. Failures count towards the account's throttle (AUTH-07)."""
    if recent_failures(session, user, throttle_window) >= throttle_attempts:
        audit.record(session, action="login_throttled", actor=user, target_type="user", target_id=user.uuid)
        return False
    if credential_json:
        accepted = passkeys.verify(session, user, rp, credential_json=credential_json, challenge=challenge) is not None
        reason = "passkey"
    else:
        accepted = _second_factor_code_accepted(session, keyring, indexer, user, code, totp_window=totp_window)
        reason = "two_factor"
    if not accepted:
        _fail(session, user, reason)
        return False
    _succeed(session, user)
    return True


def _fail(session: Session, user: User | None, reason: str) -> None:
    if user is not None:
        session.add(LoginFailure(user_id=user.id))
        session.flush()
    # An unknown address is not kept, not even hashed: it may be a mistyped password (LOG-02).
    action = {"two_factor": "login_two_factor_failed", "passkey": "login_passkey_failed"}.get(reason, "login_failed")
    audit.record(session, action=action, actor=user,
                 actor_label=None if user is not None else audit_rules.UNKNOWN_ACCOUNT,
                 target_type="user" if user is not None else None, target_id=user.uuid if user is not None else None)
    log.warning("login.failed", extra={"user_id": user.id if user else None, "reason": reason})
    return None


# --- two-factor ----------------------------------------------------------------------------------


def _totp_aad(user: User) -> bytes:
    return f"users|totp_secret|{user.uuid}|v1".encode()


def decrypt_totp_secret(session: Session, keyring: Keyring, user: User) -> str:
    key = data_key(session, keyring, ACCOUNTS_SCOPE)
    return decrypt_field(key, user.totp_secret_encrypted, _totp_aad(user), key_id=ACCOUNTS_SCOPE).decode()


def enrol_two_factor(
    session: Session, keyring: Keyring, user: User, secret: str, code: str | None, *, window: int
) -> bool:
    """Store the secret (encrypted) once the user proves their authenticator shows the same codes."""
    step = two_factor.accepted_step(secret, code, last_step=None, window=window)
    if step is None:
        return False
    key = data_key(session, keyring, ACCOUNTS_SCOPE)
    user.totp_secret_encrypted = encrypt_field(key, secret.encode(), _totp_aad(user))
    user.totp_last_step = step
    user.totp_enrolled_at = utcnow()
    session.flush()
    audit.record(session, action="two_factor_enrolled", actor=user, target_type="user", target_id=user.uuid)
    log.info("two_factor.enrolled", extra={"user_id": user.id})
    return True


def reset_two_factor(session: Session, actor: User, user: User) -> None:
    if actor.id == user.id:
        raise ServiceError(N_("You cannot reset your own two-factor; ask another admin."))
    user.totp_secret_encrypted = None
    user.totp_last_step = None
    user.totp_enrolled_at = None
    user.passkeys.clear()  # every second factor goes: the person lost them, or they were compromised
    recovery_codes.discard(session, user)
    end_sessions(session, user)  # SESS-05
    session.flush()
    audit.record(session, action="two_factor_reset", actor=actor, target_type="user", target_id=user.uuid)
    log.info("two_factor.reset", extra={"user_id": user.id, "actor_id": actor.id})


def change_password(
    session: Session,
    keyring: Keyring,
    user: User,
    *,
    current: str,
    new: str,
    code: str | None,
    hasher: Hasher,
    totp_window: int,
    indexer: BlindIndexer,
    rp: passkeys.RelyingParty,
    credential_json: str | None = None,
    challenge: bytes | None = None,
    min_score: int = DEFAULT_MIN_SCORE,
) -> None:
    """Needs the current password and, for every account with a second factor, a fresh one (AUTH-10):
    the passkey's answer to ``challenge``, or else a TOTP code or a recovery code (which is spent), checked
    as at sign-in (AUTH-13). An account whose only factor is a passkey is not let off with the password."""
    if not hasher.verify(user.password_hash, current).ok:
        raise ServiceError(N_("The current password is not right."), "current_password")
    # The new password is judged before the second factor is spent, so a refused password does not
    # cost a recovery code or a passkey answer.
    problem = new_password_problem(user, new, min_score=min_score)
    if problem:
        raise PasswordRefusedError(problem)
    if user.has_second_factor:
        if credential_json:
            if passkeys.verify(session, user, rp, credential_json=credential_json, challenge=challenge) is None:
                raise ServiceError(N_("The passkey was not accepted. Try again, or give a code."), "credential")
        elif not _second_factor_code_accepted(session, keyring, indexer, user, code, totp_window=totp_window):
            raise ServiceError(N_("The two-factor code is not right or was already used."), "code")
    set_password(session, user, new, hasher, min_score=min_score)
    audit.record(session, action="password_changed", actor=user, target_type="user", target_id=user.uuid)


# --- sessions ------------------------------------------------------------------------------------


def end_sessions(session: Session, user: User, *, keep_id_hash: str | None = None) -> int:
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_id_hash is not None:
        statement = statement.where(UserSession.id_hash != keep_id_hash)
    return session.execute(statement).rowcount or 0


def active_sessions(session: Session, user: User) -> list[UserSession]:
    return list(
        session.execute(
            select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.last_seen_at.desc())
        ).scalars()
    )


def find_session_by_handle(session: Session, handle: str) -> UserSession | None:
    return session.execute(select(UserSession).where(UserSession.handle == handle)).scalar_one_or_none()


def purge_expired_sessions(
    session: Session | Connection, *, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> int:
    """Delete the sessions past their idle or absolute limit, with the address and browser they keep
    (SESS-04); how many. Run by ``flask sessions purge``, at sign-in, and periodically by the session
    interface on its own connection."""
    now = now or utcnow()
    return (
        session.execute(
            delete(UserSession).where(
                (UserSession.last_seen_at < now - idle) | (UserSession.created_at < now - absolute)
            )
        ).rowcount
        or 0
    )


def _pending_aad(user: User) -> bytes:
    return f"user_sessions|totp_pending|{user.uuid}|v1".encode()


def seal_pending_secret(session: Session, keyring: Keyring, user: User, secret: str) -> str:
    """Encrypt a not-yet-confirmed TOTP secret for keeping in the session between two requests."""
    key = data_key(session, keyring, ACCOUNTS_SCOPE)
    return encrypt_field(key, secret.encode(), _pending_aad(user)).hex()


def open_pending_secret(session: Session, keyring: Keyring, user: User, sealed: str | None) -> str | None:
    if not sealed:
        return None
    key = data_key(session, keyring, ACCOUNTS_SCOPE)
    try:
        blob = bytes.fromhex(sealed)
        return decrypt_field(key, blob, _pending_aad(user)).decode()
    except (ValueError, DecryptionError):
        return None
