"""Passkeys as a second factor (AUTH-13): the server side of the WebAuthn ceremonies, with py_webauthn.

Each ceremony has two halves. ``*_options`` makes the options the browser passes to
``navigator.credentials.create()`` or ``.get()``, with a fresh random challenge that the caller keeps in
the server-side session; ``register`` and ``verify`` check the browser's answer against that challenge,
the relying party id and the origin. A passkey is only a second factor here: the password comes first.
"""

import json
import logging
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from caseapp.domain.i18n import N_
from caseapp.domain.second_factor import may_remove_factor, relying_party
from caseapp.models import Passkey, User
from caseapp.models.base import utcnow
from caseapp.services import ServiceError, audit

log = logging.getLogger("caseapp.passkeys")

MAX_NAME_LENGTH = 100
MAX_CREDENTIAL_JSON = 64 * 1024  # an attestation without certificates is a few hundred bytes
KNOWN_TRANSPORTS = frozenset(transport.value for transport in AuthenticatorTransport)


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origin: str
    name: str
    timeout_ms: int

    @classmethod
    def from_config(cls, config) -> "RelyingParty":
        rp_id, origin = relying_party(config["BASE_URL"], config.get("WEBAUTHN_RP_ID"), config.get("WEBAUTHN_ORIGIN"))
        return cls(rp_id, origin, config["WEBAUTHN_RP_NAME"], config["WEBAUTHN_TIMEOUT_MS"])


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=passkey.credential_id,
            transports=[AuthenticatorTransport(t) for t in passkey.transports.split(",") if t in KNOWN_TRANSPORTS],
        )
        for passkey in user.passkeys
    ]


def _parse(credential_json: str | None) -> dict:
    if not credential_json or len(credential_json) > MAX_CREDENTIAL_JSON:
        raise ServiceError(N_("The passkey did not answer. Try again."), "credential")
    try:
        credential = json.loads(credential_json)
    except ValueError:
        credential = None
    if not isinstance(credential, dict):
        raise ServiceError(N_("The passkey did not answer. Try again."), "credential")
    return credential


# --- registration ---------------------------------------------------------------------------------


def registration_options(user: User, rp: RelyingParty, challenge: bytes | None = None) -> tuple[str, bytes]:
    """Options (JSON) for ``navigator.credentials.create()`` and the challenge to keep (a new random one
    unless the session's still unanswered ``challenge`` is given). The user handle is the account's uuid,
    never its e-mail address; the user's own passkeys are excluded, so the same authenticator is not
    registered twice."""
    options = generate_registration_options(
        challenge=challenge,
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user.uuid.bytes,
        user_name=user.email,
        user_display_name=user.label,
        timeout=rp.timeout_ms,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    return options_to_json(options), options.challenge


def register(session: Session, user: User, rp: RelyingParty, *, credential_json: str | None, challenge: bytes | None,
             name: str) -> Passkey:
    """Check the browser's answer to ``registration_options`` and keep the new passkey."""
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ServiceError(N_("Give the passkey a name of 1 to %(max)d characters.", max=MAX_NAME_LENGTH), "name")
    credential = _parse(credential_json)
    if challenge is None:
        raise ServiceError(N_("This passkey request has expired. Try again."), "credential")
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        log.warning("passkey.registration_refused", extra={"user_id": user.id, "reason": type(exc).__name__})
        raise ServiceError(N_("The passkey could not be added. Try again."), "credential") from exc
    if session.execute(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)).first():
        raise ServiceError(N_("This passkey is already registered."), "credential")
    response = credential.get("response")
    transports = response.get("transports") if isinstance(response, dict) else None
    transports = [t for t in transports if t in KNOWN_TRANSPORTS] if isinstance(transports, list) else []
    passkey = Passkey(user=user, credential_id=verified.credential_id, public_key=verified.credential_public_key,
                      sign_count=verified.sign_count, transports=",".join(transports), name=name)
    session.add(passkey)
    session.flush()
    audit.record(session, action="passkey_registered", actor=user, target_type="passkey", target_id=str(passkey.uuid))
    log.info("passkey.registered", extra={"user_id": user.id})
    return passkey


# --- authentication -------------------------------------------------------------------------------


def authentication_options(user: User, rp: RelyingParty, challenge: bytes | None = None) -> tuple[str, bytes]:
    """Options (JSON) for ``navigator.credentials.get()`` naming this account's passkeys, and the challenge
    (a new random one unless the session's still unanswered ``challenge`` is given)."""
    options = generate_authentication_options(
        challenge=challenge, rp_id=rp.id, timeout=rp.timeout_ms, allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), options.challenge


def verify(session: Session, user: User, rp: RelyingParty, *, credential_json: str | None,
           challenge: bytes | None) -> Passkey | None:
    """The account's passkey that signed the challenge, or None. A signature counter that did not move
    forward (a cloned authenticator) is refused by the library."""
    try:
        credential = _parse(credential_json)
        credential_id = base64url_to_bytes(str(credential.get("rawId") or credential.get("id") or ""))
    except (ServiceError, ValueError):
        return None
    passkey = next((p for p in user.passkeys if p.credential_id == credential_id), None)
    if passkey is None or challenge is None:
        return None
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin,
            credential_public_key=passkey.public_key, credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        log.warning("passkey.assertion_refused", extra={"user_id": user.id, "reason": type(exc).__name__})
        return None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    session.flush()
    return passkey


# --- listing and removal --------------------------------------------------------------------------


def find_own(user: User, passkey_uuid: UUID) -> Passkey | None:
    return next((passkey for passkey in user.passkeys if passkey.uuid == passkey_uuid), None)


def remove(session: Session, user: User, passkey: Passkey, *, required_roles) -> None:
    factors_left = len(user.passkeys) - 1 + (1 if user.has_totp else 0)
    if not may_remove_factor(user.role, required_roles, factors_left):
        raise ServiceError(N_("This is your only second factor, and your account must keep one. "
                           "Add another passkey or an authenticator app first."))
    uuid = passkey.uuid
    user.passkeys.remove(passkey)
    session.flush()
    audit.record(session, action="passkey_removed", actor=user, target_type="passkey", target_id=str(uuid))
    log.info("passkey.removed", extra={"user_id": user.id})
