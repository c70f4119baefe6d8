"""The app's Flask-Limiter, which tells the app's log when the rate limits' storage stops answering and
when it answers again (README "Rate limits").

With a storage on a server of its own (``redis://``), Flask-Limiter's in-memory fallback is on: when a
call to the server fails, the limiter sets ``_storage_dead`` and counts in this process's memory from
then on, with the same limits; on a request, at most every 1, 2, 4 … 32 seconds, it checks the server
again (``storage.check()``, a PING) and, once it answers, sets ``_storage_dead`` back and counts there
again. It logs both switches on its own ``flask-limiter`` logger, which has a NullHandler and is printed
by nothing in production (the app's JSON handler is on ``caseapp``): so the switches are logged here, once
each, as the app's events. Flask-Limiter has no hook for them; ``_storage_dead`` is its attribute (4.x).

The limiter is one object for the process, set up again by every ``init_app``: in production a process
builds one app, but the test suite builds many, and Flask-Limiter keeps some state from the previous app
(an outage, a fallback turned on). ``init_app`` starts each app from a clean state.
"""

import logging

import flask_limiter
from flask import Flask

log = logging.getLogger(__name__)

SETTING = "RATELIMIT_STORAGE_URI"
FALLBACK_SETTING = "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"
# Storages inside the app itself: no fallback. The database being down stops the app anyway, and an
# unmigrated table must stop the start; memory:// cannot fail.
STORAGES_WITHOUT_FALLBACK = ("database", "memory")


def shown_uri(uri: str) -> str:
    """The URI as logs and messages may show it: its scheme only, since it may carry a password."""
    scheme = uri.partition("://")[0]
    return f"{scheme}://…" if scheme else repr(uri)


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter's ``Limiter``, logging the fallback's switches (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        self._storage_shown = "the rate limits' storage"
        self._storage_is_dead = False
        super().__init__(*args, **kwargs)

    def init_app(self, app: Flask) -> None:
        uri = str(app.config.get(SETTING) or "")
        self._storage_shown = f"{SETTING} ({shown_uri(uri)})"
        if uri.partition("://")[0] in STORAGES_WITHOUT_FALLBACK:
            app.config[FALLBACK_SETTING] = False
        else:  # a server that can be down while the app runs: serve, counting per process meanwhile
            app.config.setdefault(FALLBACK_SETTING, True)
        # Flask-Limiter only ever turns the fallback on and never forgets an outage across init_app calls.
        self._in_memory_fallback_enabled = False
        self._storage_is_dead = False
        super().init_app(app)

    @property
    def fallback_enabled(self) -> bool:
        return bool(self.enabled and self._in_memory_fallback_enabled)

    @property
    def storage_shown(self) -> str:
        """``RATELIMIT_STORAGE_URI (redis://…)``: the setting, and its URI without a password."""
        return self._storage_shown

    def fall_back(self) -> None:
        """Count in this process's memory from now on, until a health check finds the storage answering
        again (the start-up self-test, when the storage does not answer)."""
        self._storage_dead = True

    @property
    def _storage_dead(self) -> bool:
        return self._storage_is_dead

    @_storage_dead.setter
    def _storage_dead(self, dead: bool) -> None:
        """Where Flask-Limiter switches to the fallback and back: log each switch once."""
        was_dead, self._storage_is_dead = self._storage_is_dead, dead
        if dead and not was_dead:
            log.warning("rate_limit.storage_unreachable", extra={
                "storage": self._storage_shown,
                "fallback": "counting in each process's memory until the storage answers again"})
        elif was_dead and not dead:
            log.info("rate_limit.storage_recovered", extra={"storage": self._storage_shown})
