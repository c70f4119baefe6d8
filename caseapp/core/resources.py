"""The app's long-lived resources (keys, hasher, file store, blind indexer), loaded once by create_app."""

from flask import current_app

from caseapp.core.files import EncryptedStore
from caseapp.core.passwords import Hasher
from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import BlindIndexer


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


def file_store() -> EncryptedStore:
    return current_app.extensions["caseapp.file_store"]
