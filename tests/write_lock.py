"""REL-04's spy: what a request encrypts, blind-indexes, wraps or writes into the file store, and whether it
does so inside its write transaction (``write_intent()``, true once the view has taken the SQLite write lock)."""

from sqlalchemy.orm import Session

import caseapp.services.cases as case_service
import caseapp.services.vault as vault_module
from caseapp.core.database import write_intent, writing
from caseapp.core.extensions import db
from caseapp.core.resources import file_store
from caseapp.models import Case
from caseapp.services import documents


def spy_on_sealing(monkeypatch) -> list[tuple[str, bool]]:
    """Record each ("encrypt" | "index" | "key" | "wrap" | "file", inside the write transaction?) as it happens:
    a field encrypted, a name blind-indexed, a new case key wrapped under the KEK, a file key wrapped under the
    case key, a file encrypted into the store."""
    calls: list[tuple[str, bool]] = []

    def spied(what, original):
        return lambda *args, **kwargs: calls.append((what, write_intent())) or original(*args, **kwargs)

    monkeypatch.setattr(vault_module, "encrypt_field", spied("encrypt", vault_module.encrypt_field))
    monkeypatch.setattr(case_service.BlindIndexer, "index", spied("index", case_service.BlindIndexer.index))
    monkeypatch.setattr(vault_module, "wrap_key", spied("key", vault_module.wrap_key))
    monkeypatch.setattr(case_service, "wrap_file_key", spied("wrap", case_service.wrap_file_key))
    store = type(file_store())
    monkeypatch.setattr(store, "write_incoming", spied("file", store.write_incoming))
    return calls


def inside_the_lock(calls: list[tuple[str, bool]]) -> list[str]:
    return [what for what, inside in calls if inside]


def delete_the_case_once_its_files_are_stored(monkeypatch) -> None:
    """Make the next upload's case be deleted by another connection (another tab's request) right after its
    files are scanned and encrypted, before its view takes the write lock."""
    store = documents.store

    def store_then_delete_elsewhere(session, file_store_, vault, *args, **kwargs):
        stored = store(session, file_store_, vault, *args, **kwargs)
        with writing(), Session(db.engine) as other, other.begin():
            case_service.delete_case(other, file_store_, other.get(Case, vault.case.id))
        return stored

    monkeypatch.setattr(documents, "store", store_then_delete_elsewhere)
