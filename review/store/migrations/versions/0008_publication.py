"""Publication (GEN-10): delays of register entries, and the public registers' order index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "publication_delays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["systems.id"],
            name=op.f("fk_publication_delays_system_id_systems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_delays")),
    )
    with op.batch_alter_table("publication_delays", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publication_delays_system_id"), ["system_id"], unique=False
        )
    op.create_index(
        "ix_systems_public_order",
        "systems",
        ["department", "title", "id", "status", "entered_on", "retired_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_systems_public_order", table_name="systems")
    with op.batch_alter_table("publication_delays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_delays_system_id"))
    op.drop_table("publication_delays")
