"""The open WebAuthn ceremony of a session (AUTH-13). The options are written into the page that
starts it (the CSP allows no fetch: ``default-src 'none'``), and the challenge is kept in the
server-side session, never in a cookie, until the browser's answer takes it — once."""

import base64

from flask import current_app, session

from caseapp.services import passkeys

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
    """The options (JSON) for ``navigator.credentials.create()`` or ``.get()``; a page that shows them
    replaces any earlier challenge of this purpose in this session."""
    make = passkeys.registration_options if purpose == REGISTER else passkeys.authentication_options
    options_json, challenge = make(user, relying_party())
    session[_key(purpose)] = {"purpose": purpose, "challenge": base64.urlsafe_b64encode(challenge).decode()}
    return options_json


def take_challenge(purpose: str) -> bytes | None:
    """The challenge of the open ceremony of this purpose, once: a second answer to it finds none."""
    ceremony = session.pop(_key(purpose), None)
    if not isinstance(ceremony, dict) or ceremony.get("purpose") != purpose:
        return None
    try:
        return base64.urlsafe_b64decode(ceremony["challenge"])
    except (KeyError, TypeError, ValueError):
        return None
