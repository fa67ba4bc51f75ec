"""Systems no longer carry the day they were last swept, and keep their record as JSON text
(issue 13).

The daily sweep wrote ``systems.swept_on`` on every active system, every day: on PostgreSQL
20,000 rows rewritten a day, each a new row version with new index entries (about a tenth of
a following day's sweep, and as many dead rows for vacuum), for a column nothing read. When
the inventory was last swept is the sweep's own record (``sweep_runs``: each run's day,
runner and counts), and what the sweep changed on a system is in its audit events.

On PostgreSQL ``systems.record`` becomes ``json`` (its text as written) instead of ``jsonb``:
the sweep reads every active system's record as text each day, and ``jsonb`` rebuilt that text
on the server, row by row (20,000 records: 0.70 s against 0.37 s as ``json``). Nothing queries
inside a system's record but the registers' flags, which ``json`` answers alike. SQLite
stores JSON as text already.

Downgrade: the column comes back empty; an older application fills it at its next sweep. The
record goes back to ``jsonb``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # in place on both: SQLite drops an unindexed column itself (3.35 and later), where a batch
    # would copy the table that system findings, marks and reviews refer to
    op.execute("ALTER TABLE systems DROP COLUMN swept_on")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE systems ALTER COLUMN record TYPE json USING record::json")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE systems ALTER COLUMN record TYPE jsonb USING record::jsonb")
    op.add_column("systems", sa.Column("swept_on", sa.Date(), nullable=True))
