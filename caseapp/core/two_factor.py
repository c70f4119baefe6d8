"""TOTP (RFC 6238) with single use of each code (AUTH-02) and ±1 step of skew (AUTH-03)."""

import io
import time

import pyotp
import segno
from pyotp.utils import strings_equal

SECRET_BASE32_LENGTH = 32  # 32 base32 characters = 160 bits (AUTH-04)
CODE_DIGITS = 6


def new_secret() -> str:
    return pyotp.random_base32(length=SECRET_BASE32_LENGTH)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=True, svgns=True)
    return buffer.getvalue()


def clean_code(code: str | None) -> str:
    return "".join((code or "").split())


def accepted_step(secret: str, code: str | None, *, last_step: int | None, window: int, now: float | None = None):
    """The time step the code belongs to, or None. Steps at or before ``last_step`` are refused,
    so a code — even one still inside the window — works once only. Server time only."""
    code = clean_code(code)
    if len(code) != CODE_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time() if now is None else now)
    for step in range(current - window, current + window + 1):
        if last_step is not None and step <= last_step:
            continue
        if strings_equal(code, totp.generate_otp(step)):
            return step
    return None


def current_code(secret: str, now: float | None = None) -> str:
    """The code an authenticator shows now: for demo enrolment and tests."""
    return pyotp.TOTP(secret).at(time.time() if now is None else now)
