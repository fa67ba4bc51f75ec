"""The vendor link's table (issue 14), kept apart from models.py for its length."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, CleanString, utcnow

Timestamp = DateTime(timezone=True)
JsonType = JSON().with_variant(JSONB(), "postgresql")


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


class VendorAnswer(Base):
    """A vendor's submitted answers: a proposed change the requester accepts or rejects field
    by field (``decisions``: dotted field path -> accepted | rejected)."""

    __tablename__ = "vendor_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("vendor_links.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonType)
    submitted_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    status: Mapped[str] = mapped_column(CleanString(16), default="pending")  # pending | decided
    decisions: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    decided_by: Mapped[str | None] = mapped_column(CleanString(200))
    decided_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class VendorDocument(Base):
    """A document a vendor uploaded through their link (an ACR, SBOM, SOC 2 report, CAIQ,
    HECVAT or certificate of insurance), kept with the answer it was sent with (``answer_id``
    is empty until the vendor submits) so the requester sees it beside the proposed change."""

    __tablename__ = "vendor_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("vendor_links.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("vendor_answers.id"), index=True)
    kind: Mapped[str] = mapped_column(CleanString(32))
    filename: Mapped[str] = mapped_column(CleanString(500))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(CleanString(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    extracted: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    uploaded_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
