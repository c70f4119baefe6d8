"""The app's long-lived resources (keys, hasher, file store, blind indexer), loaded once by create_app,
and the States register, loaded from the database once per request."""

from flask import current_app, g

from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import BlindIndexer
from caseapp.domain.states import StatesRegister
from caseapp.extensions import db
from caseapp.services.files import FileStore
from caseapp.services.passwords import Hasher
from caseapp.services.register import load_register


class KeysNotLoadedError(RuntimeError):
    pass


def _loaded(name: str):
    value = current_app.extensions.get(f"caseapp.{name}")
    if value is None:
        raise KeysNotLoadedError(current_app.extensions.get("caseapp.keyring_error", "keys are not loaded"))
    return value


def keyring() -> Keyring:
    return _loaded("keyring")


def blind_indexer() -> BlindIndexer:
    return _loaded("blind_indexer")


def hasher() -> Hasher:
    return current_app.extensions["caseapp.hasher"]


def file_store() -> FileStore:
    return current_app.extensions["caseapp.file_store"]


def states_register() -> StatesRegister:
    """The OP-ICESCR States register from the database, loaded once per request (app context).

    Raises ``caseapp.services.register.RegisterNotSeededError`` when ``flask states seed`` never ran.
    """
    if "states_register" not in g:
        g.states_register = load_register(db.session)
    return g.states_register
