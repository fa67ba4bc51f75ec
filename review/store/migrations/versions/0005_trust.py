"""Trust: a keyed audit chain's starting point, server-side sessions, sign-in throttles, the
identity-provider link of an account, and TRUNCATE refused on every append-only table.

Existing databases: events already written keep their plain SHA-256 links; ``audit_chain``
records where they end (``legacy_seq``) and the first keyed event, whose HMAC covers the last
legacy hash, seals them (docs/deploy.md, "Upgrading an existing audit log"). Accounts that the
identity provider created (their ``user.create`` event says so) may be linked to the provider
at their next sign-in; every other account is local until an admin allows the link.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-28 09:00:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
# History: rows only ever inserted (comments and decisions included: nothing changes them).
APPEND_ONLY = (
    "audit_events",
    "record_versions",
    "evaluations",
    "packets",
    "comments",
    "decisions",
    "audit_chain",
)
# Tables whose UPDATE/DELETE triggers this revision adds (the others have them since 0001/0002).
NEW_ROW_TRIGGERS = ("comments", "decisions", "audit_chain")


def upgrade() -> None:
    _tables()
    # plain ADD COLUMN on both databases: SQLite's batch mode would copy and drop the users
    # table, which the foreign keys (and ON DELETE CASCADE of role grants) forbid
    op.add_column("users", sa.Column("identity_subject", sa.String(length=500), nullable=True))
    op.add_column(
        "users",
        sa.Column("identity_link_allowed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("uq_users_identity_subject", "users", ["identity_subject"], unique=True)
    # a new nullable column: no row is rewritten, so the append-only triggers are not involved
    op.add_column("audit_events", sa.Column("key_id", sa.String(length=16), nullable=True))
    _record_legacy_chain()
    _allow_provider_accounts_to_link()
    _triggers()


def _tables() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("legacy_seq", sa.Integer(), nullable=False),
        sa.Column("legacy_head", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("claim_hash", sa.String(length=64), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("claim_hash", name=op.f("uq_user_sessions_claim_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)
    op.create_table(
        "sign_in_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_throttles")),
        sa.UniqueConstraint("scope", "key", name="uq_sign_in_throttles_key"),
    )


def _record_legacy_chain() -> None:
    """Events written before this revision are the chain's unkeyed prefix."""
    bind = op.get_bind()
    last = bind.execute(
        sa.text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
    ).first()
    seq, head = (int(last[0]), str(last[1])) if last else (0, GENESIS)
    bind.execute(
        sa.text(
            "INSERT INTO audit_chain (legacy_seq, legacy_head, created_at) "
            "VALUES (:seq, :head, CURRENT_TIMESTAMP)"
        ),
        {"seq": seq, "head": head},
    )


def _allow_provider_accounts_to_link() -> None:
    """Accounts the identity provider created before subjects were recorded link at their
    next provider sign-in, as they did before; no local account gains that right."""
    bind = op.get_bind()
    created = bind.execute(
        sa.text("SELECT entity_id, details FROM audit_events WHERE action = 'user.create'")
    ).all()
    for username, details in created:
        data = json.loads(details) if isinstance(details, str) else details
        if isinstance(data, dict) and data.get("source") == "identity provider":
            bind.execute(
                sa.text(
                    "UPDATE users SET identity_link_allowed = :yes "
                    "WHERE username = :name AND password_hash IS NULL"
                ),
                {"yes": True, "name": username},
            )


def _triggers() -> None:
    """History is inserted, never updated, deleted or truncated: the database refuses."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # SQLite has no TRUNCATE; its "DELETE FROM t" fires the DELETE trigger (a table with
        # triggers never takes the truncate shortcut), which refuses.
        for table in NEW_ROW_TRIGGERS:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return
    if dialect != "postgresql":
        return
    for table in NEW_ROW_TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION review_append_only()"
        )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION review_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in NEW_ROW_TRIGGERS:
        if dialect == "sqlite":
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.drop_column("audit_events", "key_id")
    op.drop_index("uq_users_identity_subject", table_name="users")
    op.drop_column("users", "identity_link_allowed")
    op.drop_column("users", "identity_subject")
    op.drop_table("sign_in_throttles")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")
    op.drop_table("audit_chain")
