"""The audit log in requests: each request's client address for the events services record, and
``audit_request`` for views (LOG-01, AC-08).

A view that shows, exports or sends decrypted case content calls ``audit_request`` after the object is
found and authorised and before the content leaves: a read (GET, HEAD) records its event in a short
write transaction of its own, committed at once, because the request's own transaction only reads
(``caseapp.services.audit.record_now``); a state-changing request records it in its own transaction, so
the event commits with the change or not at all.
"""

from flask import Flask, g, request

from caseapp.core.database import SAFE_METHODS
from caseapp.core.extensions import db
from caseapp.models import Case, User
from caseapp.services import audit
from caseapp.web.security import current_user


def init_app(app: Flask) -> None:
    app.before_request(_bind_origin)
    app.teardown_request(_unbind_origin)


def _bind_origin() -> None:
    g.audit_origin_token = audit.bind_origin(request.remote_addr)


def _unbind_origin(_exc=None) -> None:
    token = g.pop("audit_origin_token", None)
    if token is not None:
        audit.unbind_origin(token)


def audit_request(action: str, *, target_type: str | None = None, target_id: object | None = None,
                  case: Case | None = None, actor: User | None = None) -> None:
    """Record ``action`` by the signed-in user (or ``actor``) of this request on the given target."""
    event = {"action": action, "actor": actor or current_user(), "target_type": target_type, "target_id": target_id,
             "case": case}
    if request.method in SAFE_METHODS:
        audit.record_now(db.engine, **event)
    else:
        audit.record(db.session, **event)
