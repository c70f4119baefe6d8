"""The encrypted thread between a report's organisation and the lawyers."""

from dataclasses import dataclass
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.domain import notifications as kinds
from caseapp.domain import permissions, roles, stages
from caseapp.domain.i18n import N_
from caseapp.models import Document, Message, User
from caseapp.services import ServiceError, audit, notifications
from caseapp.services.timeline import move_case
from caseapp.services.vault import CaseVault

MAX_MESSAGE = 20_000
INFORMATION_REQUEST = "information_request"


@dataclass
class ThreadEntry:
    message: Message
    body: str
    documents: list[tuple[Document, str]]


def post_message(session: Session, vault: CaseVault, author: User, body: str, *,
                 information_request: bool = False) -> Message:
    sealed = seal_message(vault, author, body, information_request=information_request)
    return add_message(session, vault, author, sealed)


def seal_message(vault: CaseVault, author: User, body: str, *, information_request: bool = False) -> Message:
    """A message checked and its body encrypted, kept out of the session (no case yet): sealed before a
    write transaction, added inside it by ``add_message`` (REL-04: no crypto inside the write transaction)."""
    body = body.replace("\x00", "").strip()
    if not body:
        raise ServiceError(N_("Write a message."), "body")
    if len(body) > MAX_MESSAGE:
        raise ServiceError(N_("Keep a message under %(max)d characters.", max=MAX_MESSAGE), "body")
    message = Message(uuid=uuid4(), author_id=author.id, author_role=author.role,
                      kind=INFORMATION_REQUEST if information_request else "message")
    vault.set(message, "body", body)
    return message


def add_message(session: Session, vault: CaseVault, author: User, message: Message) -> Message:
    """Post a message ``seal_message`` made, if its author may write in the thread as the case stands now."""
    case = vault.case
    if case.reference is None or not permissions.can_use_thread(author, case.organisation_id):
        raise ServiceError(N_("You cannot write in this report's thread."))
    if message.kind == INFORMATION_REQUEST and not permissions.can_request_information(author):
        raise ServiceError(N_("Only lawyers request information."))
    message.case = case
    session.add(message)
    session.flush()
    audit.record(session, action="message_posted", actor=author, case=case)
    if author.role == roles.PARTNER and case.stage == stages.INFO_REQUESTED:
        move_case(session, vault, author, stages.SCREENING, N_("The partner answered in the thread."))
    elif author.role == roles.PARTNER:
        notifications.notify_case(session, case, kinds.REPORT_UPDATED, actor=author)
    return message


def thread(session: Session, vault: CaseVault) -> list[ThreadEntry]:
    """The whole thread, oldest first, decrypted before anything is shown."""
    case = vault.case
    messages = session.execute(
        select(Message).where(Message.case_id == case.id).order_by(Message.created_at, Message.id)
    ).scalars()
    by_message: dict[int, list[tuple[Document, str]]] = {}
    for document in case.documents:
        if document.message_id is not None:
            by_message.setdefault(document.message_id, []).append((document, vault.get(document, "original_name")))
    return [ThreadEntry(message, vault.get(message, "body"), by_message.get(message.id, [])) for message in messages]
