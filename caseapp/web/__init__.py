"""Request plumbing shared by the blueprints: the policy hook and response headers, server-side
sessions, error pages, template helpers and labels, the encrypted upload spool, downloads, the audit of
requests, form pieces, the action helper, pagination, the redirects of moved paths, and the start-up
self-test the server runs before serving.

The web package sits above the services; services never import it (``tests/unit/test_architecture.py``)."""

from flask import Flask

from caseapp.core.extensions import babel, db
from caseapp.web import audit_hooks, errors, mail_hook, security, templating
from caseapp.web.errors import API_PATH_PREFIX
from caseapp.web.locales import select_locale
from caseapp.web.sessions import ServerSessionInterface
from caseapp.web.translation import install_template_gettext
from caseapp.web.uploads import EncryptedUploadRequest


def init_app(app: Flask) -> None:
    """Install the request plumbing: request class, sessions, locale, hooks, error pages, template helpers."""
    app.request_class = EncryptedUploadRequest
    app.session_interface = ServerSessionInterface(db, sessionless_prefixes=(API_PATH_PREFIX,))
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    audit_hooks.init_app(app)  # first: the client address is bound before any hook or view records an event
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    mail_hook.init_app(app)
