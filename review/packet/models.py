"""Issued approval packets: one row per packet revision, never changed afterwards."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import Base, Timestamp, utcnow


class Packet(Base):
    """A signed-off packet as issued: its id, what it covers, its digest and signature."""

    __tablename__ = "packets"
    __table_args__ = (UniqueConstraint("packet_id", name="uq_packets_packet_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[str] = mapped_column(String(64))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    outcome: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
