"""Tables of the public registers (GEN-10): a department's request to delay publishing an
entry, and the Director's decision on it. Imported at the end of models.py, so the metadata
(and Alembic) see them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, CleanString, CleanText, System, Timestamp, utcnow


class PublicationDelay(Base):
    """GEN-10: a delay of one system's register entry, asked for with a reason, granted or
    refused by the Director, ending at most max_delay_months after the decision (data)."""

    __tablename__ = "publication_delays"
    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    reason: Mapped[str] = mapped_column(CleanText)
    until: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(CleanString(16))  # requested | granted | refused
    requested_by: Mapped[str] = mapped_column(CleanString(64))
    requested_on: Mapped[dt.date] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(CleanString(64))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(CleanText)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012


# The public register pages list systems by department, title and id, a page at a time; the
# index also covers what decides whether a system is listed, so counting 20,000 systems reads
# the index, never their records.
Index(
    "ix_systems_public_order",
    System.department,
    System.title,
    System.id,
    System.status,
    System.entered_on,
    System.retired_at,
)
