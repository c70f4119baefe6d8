from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.models.base import Base, UTCDateTime, utcnow


class DataKey(Base):
    """A data key, stored only wrapped under a key-encryption key.

    ``scope`` names what the key protects (``accounts`` for TOTP secrets; ``case:<uuid>`` for a case).
    Deleting the row crypto-shreds everything encrypted under it. ``recipient`` stays empty for
    server-held keys and keeps per-user wrapping possible later (SECURITY.md, phase 2).
    """

    __tablename__ = "data_keys"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(80), primary_key=True, default="server")
    kek_id: Mapped[str] = mapped_column(String(32), index=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
