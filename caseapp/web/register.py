"""The OP-ICESCR States register of the current request, loaded from the database once per request."""

from flask import g

from caseapp.core.extensions import db
from caseapp.domain.register import StatesRegister
from caseapp.services.register import load_register


def current_register() -> StatesRegister:
    """The register as the database holds it now (cached on the app context for the rest of the request).

    Raises ``caseapp.services.register.RegisterNotSeededError`` when ``flask states seed`` never ran.
    """
    if "states_register" not in g:
        g.states_register = load_register(db.session)
    return g.states_register
