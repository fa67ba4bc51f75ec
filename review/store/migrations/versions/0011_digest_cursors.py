"""Digests record delivery as a per-person cursor, not a mark on every notice (issue 13).

Until now composing a digest marked each of its notices delivered (``notices.digest_id``):
ten updates of the notices table and its pending index for a digest of ten, which cost on
PostgreSQL about as much as rendering the digest. Now a person's digests keep one row,
``digest_cursors``: the id of the last notice to them that a digest has taken (ids only grow).

Backfill: each recipient's cursor is the last notice already in a digest. A notice still
pending below it (composing took notices in id order, so only a notice dated after the day
its digest was composed for can be one) is written again with a new id, after the cursor,
and the old row removed: nothing delivered is sent again and nothing pending is lost. Then
``notices.digest_id`` and its index go; notices are read by (recipient, id).

On PostgreSQL the outbox's bodies (a digest is about 5 kB of text and HTML, which PostgreSQL
compresses as it stores it) are compressed with lz4 instead of pglz, as migration 0010 does for
findings; a server built without lz4 keeps pglz. Rows already stored keep their compression.

Downgrade: the column and index come back; the notices at or below a recipient's cursor are
linked to that recipient's latest digest in the outbox (the exact digest of each notice is not
recorded any more), and any without one are left pending.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LZ4_BUILT_IN = (
    "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
)
_NOTICE_COLUMNS = "recipient, system_id, kind, urgent, title, detail, citations, due_on, created_on"


def _compress_bodies(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not bind.scalar(sa.text(_LZ4_BUILT_IN)):
        return
    op.execute(
        f"ALTER TABLE outbox ALTER COLUMN body_text SET COMPRESSION {method}, "
        f"ALTER COLUMN body_html SET COMPRESSION {method}"
    )


def upgrade() -> None:
    op.create_table(
        "digest_cursors",
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("last_notice_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("recipient", name=op.f("pk_digest_cursors")),
    )
    op.execute(
        "INSERT INTO digest_cursors (recipient, last_notice_id) "
        "SELECT recipient, MAX(id) FROM notices WHERE digest_id IS NOT NULL GROUP BY recipient"
    )
    # pending notices below their recipient's cursor: written again after it, in their order
    op.execute(
        f"INSERT INTO notices ({_NOTICE_COLUMNS}) "
        f"SELECT {', '.join(f'n.{c.strip()}' for c in _NOTICE_COLUMNS.split(','))} "
        "FROM notices n JOIN digest_cursors c ON c.recipient = n.recipient "
        "WHERE n.digest_id IS NULL AND n.id < c.last_notice_id ORDER BY n.id"
    )
    op.execute(
        "DELETE FROM notices WHERE digest_id IS NULL AND id < ("
        "SELECT c.last_notice_id FROM digest_cursors c WHERE c.recipient = notices.recipient)"
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_pending")
        batch_op.drop_constraint("fk_notices_digest_id_outbox", type_="foreignkey")
        batch_op.drop_column("digest_id")
        batch_op.create_index("ix_notices_recipient_id", ["recipient", "id"], unique=False)
    _compress_bodies("lz4")


def downgrade() -> None:
    _compress_bodies("pglz")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_recipient_id")
        batch_op.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_notices_digest_id_outbox", "outbox", ["digest_id"], ["id"])
        batch_op.create_index("ix_notices_pending", ["recipient", "digest_id"], unique=False)
    op.execute(
        "UPDATE notices SET digest_id = ("
        "SELECT MAX(o.id) FROM outbox o WHERE o.kind = 'digest' AND o.channel = 'email' "
        "AND o.recipient = notices.recipient) "
        "WHERE id <= (SELECT c.last_notice_id FROM digest_cursors c "
        "WHERE c.recipient = notices.recipient)"
    )
    op.drop_table("digest_cursors")
