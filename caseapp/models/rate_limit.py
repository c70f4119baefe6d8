from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.models.base import Base


class RateLimitCounter(Base):
    """One fixed-window counter of the per-address rate limits (``database://`` storage,
    ``caseapp.core.rate_limits``): every gunicorn worker, and every host on the same database, counts in
    the same row, so an address gets the configured limit and not one limit per worker."""

    __tablename__ = "rate_limit_counters"

    # Flask-Limiter's key: its prefix, the limited address or token digest, the scope and the limit.
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer())
    # Unix time in seconds, as the ``limits`` package reckons windows; indexed for the purge of old windows.
    expires_at: Mapped[float] = mapped_column(Float(), index=True)
