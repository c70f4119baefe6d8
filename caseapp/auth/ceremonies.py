"""The open WebAuthn ceremony of a session (AUTH-13). The options are written into the page that
starts it (the CSP allows no fetch: ``default-src 'none'``), and the challenge is kept in the
server-side session, never in a cookie, until the browser's answer takes it — once."""

import base64

from flask import current_app, session

from caseapp.core.extensions import db
from caseapp.services import ServiceError, passkeys
from caseapp.web.actions import refusal_text

CHALLENGE_KEY = "passkey_challenge"
REGISTER = "register"
SIGN_IN = "sign_in"
# Confirming a sensitive change on the account page (AUTH-10): that page also holds a REGISTER
# ceremony, so each purpose keeps its own challenge, and one purpose's challenge never answers another.
CONFIRM = "confirm"


def relying_party() -> passkeys.RelyingParty:
    return passkeys.RelyingParty.from_config(current_app.config)


def _key(purpose: str) -> str:
    return f"{CHALLENGE_KEY}_{purpose}"


def open_ceremony(purpose: str, user) -> str:
    """The options (JSON) for ``navigator.credentials.create()`` or ``.get()``. A challenge of this purpose
    that no answer has taken yet is offered again, so that viewing a page twice writes nothing to the
    session (a page view takes no write lock, REL-04); an answer takes it, and the next page gets a new one."""
    make = passkeys.registration_options if purpose == REGISTER else passkeys.authentication_options
    pending = _pending_challenge(purpose)
    options_json, challenge = make(user, relying_party(), pending)
    if pending is None:
        session[_key(purpose)] = {"purpose": purpose, "challenge": base64.urlsafe_b64encode(challenge).decode()}
    return options_json


def _pending_challenge(purpose: str) -> bytes | None:
    ceremony = session.get(_key(purpose))
    if not isinstance(ceremony, dict) or ceremony.get("purpose") != purpose:
        return None
    try:
        return base64.urlsafe_b64decode(ceremony["challenge"])
    except (KeyError, TypeError, ValueError):
        return None


def take_challenge(purpose: str) -> bytes | None:
    """The challenge of the open ceremony of this purpose, once: a second answer to it finds none."""
    challenge = _pending_challenge(purpose)
    session.pop(_key(purpose), None)
    return challenge


def register_from_form(user, form) -> bool:
    """Answer a registration ceremony from a posted ``PasskeyRegistrationForm`` (the enrolment page's
    first passkey and the account page's further ones): True once the passkey is added (the caller
    commits); otherwise the refusal is on the form's field and its spent answer is cleared, so the page
    shown again asks the authenticator afresh instead of resending it."""
    if form.validate_on_submit():
        try:
            passkeys.register(db.session, user, relying_party(), credential_json=form.credential.data,
                              challenge=take_challenge(REGISTER), name=form.name.data)
            return True
        except ServiceError as exc:
            db.session.rollback()
            target = form.name if exc.field == "name" else form.credential
            target.errors = [*target.errors, refusal_text(exc)]
    form.credential.data = ""
    return False
