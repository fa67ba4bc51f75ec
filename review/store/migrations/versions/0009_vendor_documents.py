"""Vendor documents (issue 14): what a vendor uploads through their link, kept with the answer.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 08:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "vendor_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("extracted", json, nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["vendor_answers.id"]),
        sa.ForeignKeyConstraint(["link_id"], ["vendor_links.id"]),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("link_id", "proposal_id", "answer_id"):
        op.create_index(f"ix_vendor_documents_{column}", "vendor_documents", [column], unique=False)


def downgrade() -> None:
    for column in ("answer_id", "proposal_id", "link_id"):
        op.drop_index(f"ix_vendor_documents_{column}", table_name="vendor_documents")
    op.drop_table("vendor_documents")
