"""PostgreSQL compresses evaluations' findings with lz4 instead of pglz (issue 16).

A findings list is several kB of JSON, so PostgreSQL compresses it (TOAST) as it stores it;
with pglz that compression was most of the time a re-evaluation's insert took (about 0.6 ms a
row against 0.3 ms with lz4, bench/workflow.py). Rows already stored keep their compression;
a server built without lz4 keeps pglz. SQLite is unchanged.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 11:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LZ4_BUILT_IN = (
    "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
)


def _compress_findings(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not bind.scalar(sa.text(_LZ4_BUILT_IN)):
        return
    op.execute(f"ALTER TABLE evaluations ALTER COLUMN findings SET COMPRESSION {method}")


def upgrade() -> None:
    _compress_findings("lz4")


def downgrade() -> None:
    _compress_findings("pglz")
