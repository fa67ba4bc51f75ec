"""The vendor link's table (issue 14), kept apart from models.py for its length."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, CleanString, utcnow

Timestamp = DateTime(timezone=True)


class VendorLink(Base):
    """A vendor contact's link to answer one request (issue 14): only the token's SHA-256 is
    kept; it expires, can be revoked, and counts its uses per hour (rate limit)."""

    __tablename__ = "vendor_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    email: Mapped[str] = mapped_column(CleanString(320))
    token_hash: Mapped[str] = mapped_column(CleanString(64), unique=True)
    created_by: Mapped[str] = mapped_column(CleanString(200))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    window_start: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    window_uses: Mapped[int] = mapped_column(Integer, default=0)
