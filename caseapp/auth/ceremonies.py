"""The open WebAuthn ceremony of a session (AUTH-13). The options are written into the page that
starts it (the CSP allows no fetch: ``default-src 'none'``), and the challenge is kept in the
server-side session, never in a cookie, until the browser's answer takes it — once."""

import base64

from flask import current_app, session

from caseapp.services import passkeys

CHALLENGE_KEY = "passkey_challenge"
REGISTER = "register"
SIGN_IN = "sign_in"


def relying_party() -> passkeys.RelyingParty:
    return passkeys.RelyingParty.from_config(current_app.config)


def open_ceremony(purpose: str, user) -> str:
    """The options (JSON) for ``navigator.credentials.create()`` or ``.get()``; a page that shows them
    replaces any earlier challenge of this session."""
    make = passkeys.registration_options if purpose == REGISTER else passkeys.authentication_options
    options_json, challenge = make(user, relying_party())
    session[CHALLENGE_KEY] = {"purpose": purpose, "challenge": base64.urlsafe_b64encode(challenge).decode()}
    return options_json


def take_challenge(purpose: str) -> bytes | None:
    """The challenge of the open ceremony of this purpose, once: a second answer to it finds none."""
    ceremony = session.pop(CHALLENGE_KEY, None)
    if not isinstance(ceremony, dict) or ceremony.get("purpose") != purpose:
        return None
    try:
        return base64.urlsafe_b64decode(ceremony["challenge"])
    except (KeyError, TypeError, ValueError):
        return None
