"""Fictional demo cases, so a new install shows encrypted data end to end. Every name is invented."""

import io

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import BlindIndexer
from caseapp.domain.report import VictimInput
from caseapp.models import Case, Organisation, User
from caseapp.services.cases import add_victim, create_case, record_document, store_upload, submit_case
from caseapp.services.files import FileStore

DEMO_CASES = (
    {
        "title": "[DEMO] Forced eviction of the Riverside settlement",
        "summary": "Fictional example: 40 families evicted without notice or alternative housing.",
        "narrative": "Fictional narrative for demonstration only. On a winter morning, municipal crews "
                     "demolished the homes of the Riverside settlement without prior consultation...",
        "state_code": "ES",
        "victims": [VictimInput(name="Demo Person One", contact="+00 000 000 001", identity_number="DEMO-0001",
                                  consent="yes"),
                    VictimInput(name="Riverside Residents' Association (demo)", kind="group", consent="yes")],
        "document": ("eviction-notice-demo.txt", b"DEMO evidence file: a fictional eviction notice.\n"),
    },
    {
        "title": "[DEMO] Water supply cut to a rural school",
        "summary": "Fictional example: a school without running water for eight months.",
        "narrative": "Fictional narrative for demonstration only. The regional utility disconnected the school...",
        "state_code": "PT",
        "victims": [VictimInput(name="Demo Person Two", identity_number="DEMO-0002", consent="unknown")],
        "document": ("school-water-demo.txt", b"DEMO evidence file: fictional meter readings.\n"),
    },
)


def create_demo_cases(session: Session, keyring: Keyring, indexer: BlindIndexer, store: FileStore,
                      organisation: Organisation, author: User) -> int:
    """Create the demo cases once for ``organisation``; returns how many were created."""
    if session.execute(select(func.count()).select_from(Case).where(Case.organisation_id == organisation.id)).scalar_one():
        return 0
    for spec in DEMO_CASES:
        name, content = spec["document"]
        upload = store_upload(session, store, io.BytesIO(content))
        case, vault = create_case(session, keyring, organisation=organisation, author=author, title=spec["title"],
                                  summary=spec["summary"], narrative=spec["narrative"], state_code=spec["state_code"])
        for victim in spec["victims"]:
            add_victim(session, vault, indexer, victim)
        record_document(session, vault, upload, original_name=name, content_type="text/plain", uploaded_by=author)
        submit_case(session, case)
    return len(DEMO_CASES)
