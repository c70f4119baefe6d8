from datetime import datetime

from sqlalchemy import DDL, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.models.base import Base, UTCDateTime


class AuditEvent(Base):
    """One audit event, append-only and hash-chained (LOG-01, AC-08; caseapp/domain/audit.py).

    ``id`` is the chain order. ``actor_id`` has no foreign key: removing an account never rewrites the
    history, and ``actor_label`` keeps the e-mail address the actor had at the time. No column holds
    content (LOG-02): targets are opaque ids, actions come from a closed list.
    """

    __tablename__ = "audit_events"
    __table_args__ = {"sqlite_autoincrement": True}  # an id is never reused, even for the newest row

    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer(), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str | None] = mapped_column(String(45))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str | None] = mapped_column(String(20))
    target_id: Mapped[str | None] = mapped_column(String(64), index=True)
    case_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    case_reference: Mapped[str | None] = mapped_column(String(20), index=True)
    # Each prev_hash can be followed by one event only: two writers racing for the head cannot fork it.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# Append-only at the database level: UPDATE and DELETE are refused by triggers. The migration that
# creates the table creates the same triggers (SQL repeated there, as revisions never import app code);
# these DDL events give the same protection to schemas made by ``create_all`` (the test suite).
APPEND_ONLY_MESSAGE = "audit_events is append-only"
SQLITE_TRIGGERS = tuple(
    f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
)
POSTGRESQL_TRIGGERS = (
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
    *(f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
      "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()" for verb in ("UPDATE", "DELETE")),
)

for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
event.listen(AuditEvent.__table__, "after_drop",
             DDL("DROP FUNCTION IF EXISTS audit_events_append_only()").execute_if(dialect="postgresql"))
