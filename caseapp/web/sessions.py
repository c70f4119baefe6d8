"""Server-side sessions (SESS-01…05).

The cookie of a signed-in user carries only a signed 256-bit random id; the database holds the SHA-256
of that id, the user, whether two-factor is done, and a small JSON payload (CSRF token, flash messages).
Idle and absolute timeouts are enforced here, on the server. Session rows are read and written on their
own connection so they never mix with a request's unit of work.

Anonymous visitors get no row (SESS-01). The sign-in form needs a place for its CSRF token: Flask-WTF
keeps the raw token in the session (``session["csrf_token"]``) and puts a signed, timed copy in the form,
then compares the two on the POST. For a visitor who is nobody yet, that session is the same cookie
holding the small payload itself (the CSRF token, a flash message such as "You have signed out."),
signed with the app's key under a salt of its own and refused after SESSION_ABSOLUTE_TIMEOUT: the
classic Flask cookie session, with nothing in it worth stealing and nothing written to the database, so
a flood of ``GET /login`` no longer fills ``user_sessions`` with addresses and browsers. Signing in
moves to a server-side row under a new id (SESS-02); signing out goes back to the cookie. The two
cookie forms are told apart by their signatures (different salts): neither can pass for the other.

The payload of a signed-in session (its CSRF token, flash messages, a list's search words) is sealed
under a key derived from the session id (``caseapp.crypto.sealed``): the database keeps only the id's
digest, so neither it, its WAL nor a backup shows a partner's search words (CRY-01, DATA-01). Rows
written before sealing are read once as plain JSON and sealed at their next write.

Expired rows are purged by ``flask sessions purge`` (cron) and, while people use the app, at most once
every SESSION_PURGE_INTERVAL per process, inside a session write that happens anyway (SESS-04).
"""

import hashlib
import json
import secrets
import threading
import time
from datetime import datetime

from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, insert, select, update
from werkzeug.datastructures import CallbackDict

from caseapp.core.database import writing
from caseapp.crypto import DecryptionError
from caseapp.crypto.sealed import is_sealed, seal, unseal
from caseapp.models import UserSession
from caseapp.models.base import utcnow
from caseapp.services.accounts import purge_expired_sessions

SESSION_ID_BYTES = 32  # 256 bits (SESS-01, CRY-09)


# Read on every request of a signed-in person: built once (building it cost more than running it, issue 20).
_SESSION_ROW = select(UserSession.__table__).where(UserSession.id_hash == bindparam("id_hash"))


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


PAYLOAD_PURPOSE = "session-payload"


def _seal_payload(session_id: str, payload: dict) -> str:
    return seal(session_id, PAYLOAD_PURPOSE, _digest(session_id), json.dumps(payload))


def _open_payload(session_id: str | None, stored: str) -> tuple[dict, bool]:
    """The payload of a row, and whether it must be written again (it was stored in clear by an older
    version). A payload that does not unseal (altered, or moved to another row) reads as empty."""
    if not is_sealed(stored):
        data = json.loads(stored or "{}")
        data = data if isinstance(data, dict) else {}
        return data, bool(data)
    if session_id is None:
        return {}, False
    try:
        data = json.loads(unseal(session_id, PAYLOAD_PURPOSE, _digest(session_id), stored))
    except DecryptionError:
        return {}, True
    return (data if isinstance(data, dict) else {}), False


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, *, session_id=None, user_id=None, two_factor_done=False, created_at=None,
                 last_seen_at=None, handle=None, expired=False):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial or {}, on_update)
        self.session_id: str | None = session_id
        self.handle: str | None = handle
        self.user_id: int | None = user_id
        self.two_factor_done: bool = two_factor_done
        self.created_at: datetime | None = created_at
        self.last_seen_at: datetime | None = last_seen_at
        self.expired = expired  # the cookie named a session that timed out or was ended
        self.had_cookie = expired or session_id is not None
        self.modified = False
        self.ended_ids: list[str] = []

    @property
    def id_hash(self) -> str | None:
        return _digest(self.session_id) if self.session_id else None

    def start(self, user_id: int, *, two_factor_done: bool) -> None:
        """Sign a user in under a brand-new id; the old id dies (SESS-02)."""
        self.regenerate()
        self.clear()
        self.user_id = user_id
        self.two_factor_done = two_factor_done
        self.modified = True

    def regenerate(self) -> None:
        if self.session_id:
            self.ended_ids.append(self.id_hash)
        self.session_id = None
        self.handle = None
        self.created_at = None
        self.modified = True

    def end(self) -> None:
        """Log out: the server record is deleted (SESS-03). A message flashed afterwards lives in a new,
        anonymous session; with nothing to keep, the cookie is removed."""
        self.regenerate()
        self.clear()
        self.user_id = None
        self.two_factor_done = False


class ServerSessionInterface(SessionInterface):
    salt = "caseapp.session"
    anonymous_salt = "caseapp.anonymous-session"

    def __init__(self, db, *, sessionless_prefixes: tuple[str, ...] = ()):
        self.db = db
        # Paths where the cookie means nothing (the JSON API authenticates each request by token): the
        # session is neither read nor touched nor saved there, so a browser's cookie cannot authorise
        # an API call, and API traffic never writes session rows.
        self.sessionless_prefixes = sessionless_prefixes
        self._last_purge: float | None = None  # time.monotonic() of this process's last purge
        self._purge_lock = threading.Lock()

    def _signer(self, app: Flask) -> Signer:
        return Signer(app.secret_key, salt=self.salt, digest_method=hashlib.sha256)

    def _anonymous_serializer(self, app: Flask) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(app.secret_key, salt=self.anonymous_salt,
                                      signer_kwargs={"digest_method": hashlib.sha256})

    def _open_anonymous(self, app: Flask, cookie: str) -> "ServerSession":
        """The payload an anonymous visitor's cookie carries; an empty session when it is forged or old."""
        try:
            data = self._anonymous_serializer(app).loads(
                cookie, max_age=int(app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()))
        except BadSignature:
            data = None
        session = ServerSession(data if isinstance(data, dict) else None)
        session.had_cookie = True
        return session

    def _purge_due(self, app: Flask) -> bool:
        """True at most once every SESSION_PURGE_INTERVAL in this process (and at its first write)."""
        interval = app.config["SESSION_PURGE_INTERVAL"].total_seconds()
        with self._purge_lock:
            now = time.monotonic()
            if self._last_purge is not None and now - self._last_purge < interval:
                return False
            self._last_purge = now
            return True

    def open_session(self, app: Flask, request: Request) -> ServerSession | None:
        if self.sessionless_prefixes and request.path.startswith(self.sessionless_prefixes):
            return None  # Flask substitutes a null session, which is never saved
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or app.secret_key is None:
            return ServerSession()
        try:
            session_id = self._signer(app).unsign(cookie).decode()
        except (BadSignature, UnicodeDecodeError):
            return self._open_anonymous(app, cookie)
        with self.db.engine.connect() as connection:
            row = connection.execute(
                _SESSION_ROW, {"id_hash": _digest(session_id)}
            ).first()
        if row is None:
            return ServerSession(expired=True)
        if row.user_id is None:
            # An anonymous row written before anonymous sessions moved to the cookie: its payload moves
            # there now and the row goes.
            session = ServerSession(_open_payload(session_id, row.data)[0])
            session.had_cookie = True
            session.ended_ids.append(row.id_hash)
            session.modified = True
            return session
        now = utcnow()
        last_seen, created = row.last_seen_at, row.created_at
        if (now - last_seen > app.config["SESSION_IDLE_TIMEOUT"]
                or now - created > app.config["SESSION_ABSOLUTE_TIMEOUT"]):
            session = ServerSession(expired=True)
            session.ended_ids.append(row.id_hash)
            session.modified = True
            return session
        payload, reseal = _open_payload(session_id, row.data)
        session = ServerSession(
            payload,
            session_id=session_id,
            user_id=row.user_id,
            two_factor_done=row.two_factor_done,
            created_at=created,
            last_seen_at=last_seen,
            handle=row.handle,
        )
        session.modified = reseal
        return session

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        # Anything the view did not commit is abandoned here, and the session write below cannot
        # wait on the request's own SQLite write lock.
        self.db.session.rollback()
        name = self.get_cookie_name(app)
        now = utcnow()
        table = UserSession.__table__
        cookie_to_set = None
        touch_due = bool(session.last_seen_at and now - session.last_seen_at > app.config["SESSION_TOUCH_INTERVAL"])
        anonymous = session.session_id is None and session.user_id is None
        if anonymous:
            # Nobody signed in: no row, whatever the session holds; its payload travels in the cookie.
            to_write = False
            if dict(session) and session.modified:
                cookie_to_set = self._anonymous_serializer(app).dumps(dict(session))
        elif session.session_id is None:
            to_write = True
        else:
            to_write = session.modified or touch_due
        # Nothing to write (most reads): no write transaction, so a page never queues for the write lock.
        if to_write or session.ended_ids:
            with writing(), self.db.engine.begin() as connection:
                if session.ended_ids:
                    connection.execute(delete(table).where(table.c.id_hash.in_(session.ended_ids)))
                if to_write and self._purge_due(app):  # SESS-04: expired rows go, with their address
                    purge_expired_sessions(connection, idle=app.config["SESSION_IDLE_TIMEOUT"],
                                           absolute=app.config["SESSION_ABSOLUTE_TIMEOUT"], now=now)
                if not anonymous and session.session_id is None:  # signing in: a new row under a new id
                    session.session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
                    session.handle = secrets.token_hex(16)
                    connection.execute(
                        insert(table).values(
                            id_hash=session.id_hash,
                            handle=session.handle,
                            user_id=session.user_id,
                            two_factor_done=session.two_factor_done,
                            data=_seal_payload(session.session_id, dict(session)),
                            created_at=now,
                            last_seen_at=now,
                            ip_address=(_client_ip() or "")[:45],
                            user_agent=_user_agent()[:200],
                        )
                    )
                    cookie_to_set = self._signer(app).sign(session.session_id.encode()).decode()
                elif not anonymous and session.modified:
                    connection.execute(
                        update(table)
                        .where(table.c.id_hash == session.id_hash)
                        .values(data=_seal_payload(session.session_id, dict(session)), user_id=session.user_id,
                                two_factor_done=session.two_factor_done, last_seen_at=now)
                    )
                elif touch_due:
                    connection.execute(update(table).where(table.c.id_hash == session.id_hash).values(last_seen_at=now))
        if cookie_to_set:
            response.set_cookie(
                name,
                cookie_to_set,
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
                samesite=app.config["SESSION_COOKIE_SAMESITE"],
                path="/",
            )
        elif session.session_id is None and session.had_cookie and not dict(session):
            response.delete_cookie(
                name, path="/", secure=app.config["SESSION_COOKIE_SECURE"], httponly=True,
                samesite=app.config["SESSION_COOKIE_SAMESITE"],
            )


def _client_ip() -> str:
    return request.remote_addr or ""


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")
