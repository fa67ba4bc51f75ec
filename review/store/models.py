"""The system of record, as SQLAlchemy 2 models.

Rows that record history (record versions, evaluations, comments, decisions, audit events)
are only ever inserted. Rows that carry state (proposals, waivers, conditions, sign-offs)
change only through the service layer, which writes an audit event in the same transaction.
``Proposal.row_version`` is the optimistic lock every action checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine

from .storable import clean_text


class CleanString(TypeDecorator[str]):
    """Free text as every database accepts it (see review.store.storable)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else clean_text(value)


class CleanText(CleanString):
    impl = Text
    cache_ok = True


JsonType: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")
# JSON kept as its text on PostgreSQL too, for a document read whole far more often than it is
# queried (a system's record: the daily sweep reads every one as text, and jsonb rebuilt the
# text of each on the server, about half the time of reading it)
JsonText: TypeEngine[Any] = JSON()

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JsonType, list[Any]: JsonType}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


Timestamp: DateTime = DateTime(timezone=True)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (Index("uq_users_identity_subject", "identity_subject", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(CleanString(64), unique=True)
    display_name: Mapped[str] = mapped_column(CleanString(200))
    email: Mapped[str] = mapped_column(CleanString(320))
    department: Mapped[str | None] = mapped_column(CleanString(200))
    password_hash: Mapped[str | None] = mapped_column(CleanString(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    # the identity provider's "issuer|subject" this account is linked to (None: local only)
    identity_subject: Mapped[str | None] = mapped_column(CleanString(500))
    # an admin allowed the next provider sign-in with this username to link to this account
    identity_link_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class RoleGrant(Base):
    """A role, optionally scoped to a review domain (reviewer, waiver_authority)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "domain", name="uq_role_grants_grant"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(CleanString(32))
    domain: Mapped[str] = mapped_column(CleanString(32), default="")
    granted_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    user: Mapped[User] = relationship(back_populates="roles")


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_state_submitted", "state", "submitted_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(CleanString(500))
    department: Mapped[str] = mapped_column(CleanString(200), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(CleanString(32))
    stage: Mapped[str] = mapped_column(CleanString(16), default="proposal")
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    tier: Mapped[int | None] = mapped_column(Integer)
    disposition: Mapped[str | None] = mapped_column(CleanString(16))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    requester: Mapped[User] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012 - SQLAlchemy protocol


class RecordVersion(Base):
    """Every saved version of the intake record (drafts included); never changed."""

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number", name="uq_record_versions_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    record: Mapped[dict[str, Any]] = mapped_column(JsonType)
    record_hash: Mapped[str] = mapped_column(CleanString(64))
    stage: Mapped[str] = mapped_column(CleanString(16))
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(CleanText)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class StoredEvaluation(Base):
    """A findings snapshot with everything needed to reproduce it."""

    __tablename__ = "evaluations"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(CleanString(32))
    as_of: Mapped[dt.date] = mapped_column(Date)
    standards_version: Mapped[str] = mapped_column(CleanString(100))
    rules_version: Mapped[str] = mapped_column(CleanString(64))
    engine_version: Mapped[str] = mapped_column(CleanString(100))
    tier: Mapped[int] = mapped_column(Integer)
    tcv: Mapped[float] = mapped_column()
    disposition: Mapped[str] = mapped_column(CleanString(16))
    required_signoffs: Mapped[list[Any]] = mapped_column(JsonType)
    findings: Mapped[list[Any]] = mapped_column(JsonType)
    findings_hash: Mapped[str] = mapped_column(CleanString(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class ReviewTask(Base):
    """One required sign-off of one proposal: the reviewer queue reads this table."""

    __tablename__ = "review_tasks"
    __table_args__ = (
        UniqueConstraint("proposal_id", "domain", name="uq_review_tasks_domain"),
        Index("ix_review_tasks_queue", "domain", "status", "opened_at"),
        Index(
            "ix_review_tasks_queue_severity", "domain", "status", "severity_rank", "opened_at", "id"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    domain: Mapped[str] = mapped_column(CleanString(32))
    status: Mapped[str] = mapped_column(CleanString(16))  # open | signed | closed
    severity_rank: Mapped[int] = mapped_column(Integer, default=3)
    opened_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class SignOff(Base):
    __tablename__ = "signoffs"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    stage: Mapped[str] = mapped_column(CleanString(16))
    domain: Mapped[str] = mapped_column(CleanString(32))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version_number: Mapped[int] = mapped_column(Integer)
    record_hash: Mapped[str] = mapped_column(CleanString(64))
    findings_hash: Mapped[str] = mapped_column(CleanString(64))
    note: Mapped[str | None] = mapped_column(CleanText)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    invalidated_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    invalidated_reason: Mapped[str | None] = mapped_column(CleanText)
    reviewer: Mapped[User] = relationship(lazy="joined")


class Waiver(Base):
    __tablename__ = "waivers"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    finding_key: Mapped[str] = mapped_column(CleanString(600))
    rule_id: Mapped[str] = mapped_column(CleanString(100))
    subject: Mapped[str | None] = mapped_column(CleanString(500))
    domain: Mapped[str] = mapped_column(CleanString(32))
    granted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    justification: Mapped[str] = mapped_column(CleanText)
    compensating_controls: Mapped[str] = mapped_column(CleanText)
    granted_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expiry_reported_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    granter: Mapped[User] = relationship(lazy="joined", foreign_keys=[granted_by])


class Condition(Base):
    """A condition of approval for a major finding (GEN-8)."""

    __tablename__ = "conditions"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    finding_key: Mapped[str] = mapped_column(CleanString(600))
    rule_id: Mapped[str] = mapped_column(CleanString(100))
    subject: Mapped[str | None] = mapped_column(CleanString(500))
    domain: Mapped[str] = mapped_column(CleanString(32))
    text: Mapped[str] = mapped_column(CleanText)
    owner: Mapped[str] = mapped_column(CleanString(200))
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(CleanString(16), default="open")  # open | met | cancelled
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(CleanString(32))  # comment | change_request | response
    domain: Mapped[str | None] = mapped_column(CleanString(32))
    body: Mapped[str] = mapped_column(CleanText)
    version_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    author: Mapped[User] = relationship(lazy="joined")


class Decision(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    stage: Mapped[str] = mapped_column(CleanString(16))
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(CleanString(32))
    reason: Mapped[str | None] = mapped_column(CleanText)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    approver: Mapped[User] = relationship(lazy="joined")


class Contract(Base):
    """The contract stage of a proposal: the record version that carries it."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    vendor: Mapped[str | None] = mapped_column(CleanString(500))
    value_usd: Mapped[float | None] = mapped_column()
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    version_number: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    kind: Mapped[str] = mapped_column(CleanString(32))
    filename: Mapped[str] = mapped_column(CleanString(500))
    media_type: Mapped[str | None] = mapped_column(CleanString(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(CleanString(64))
    content: Mapped[bytes] = mapped_column()
    extracted: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class AuditEvent(Base):
    """Append-only, hash-chained history of every action (GEN-6, tamper evidence)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime] = mapped_column(Timestamp)
    actor: Mapped[str] = mapped_column(CleanString(64))
    action: Mapped[str] = mapped_column(CleanString(64))
    entity: Mapped[str] = mapped_column(CleanString(32))
    entity_id: Mapped[str] = mapped_column(CleanString(64), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JsonType)
    prev_hash: Mapped[str] = mapped_column(CleanString(64))
    hash: Mapped[str] = mapped_column(CleanString(64))
    # which chain key signed it (None for events written before the chain was keyed); only
    # a guard against an instance with the wrong key, never trusted by verification
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditChain(Base):
    """Where the keyed chain begins: events up to ``legacy_seq`` were written before the chain
    was keyed (plain SHA-256 links); every later event carries an HMAC. One row, never changed."""

    __tablename__ = "audit_chain"
    id: Mapped[int] = mapped_column(primary_key=True)
    legacy_seq: Mapped[int] = mapped_column(Integer)
    legacy_head: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class UserSession(Base):
    """A signed-in browser: checked on every page run, revoked at sign-out or password change.

    The cookie holds a random token; only its SHA-256 is stored. The token is handed to the
    browser once, by the server, in exchange for a short-lived single-use claim code."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    claim_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    claim_expires_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    address: Mapped[str | None] = mapped_column(CleanString(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    revoked_reason: Mapped[str | None] = mapped_column(String(64))


class SignInThrottle(Base):
    """Failed sign-ins counted per account name or per client address, with the pause."""

    __tablename__ = "sign_in_throttles"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_sign_in_throttles_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # account | address
    key: Mapped[str] = mapped_column(CleanString(320))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(Timestamp)


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


class Consultation(Base):
    """A department's request for an early-consultation meeting with Digital Service (GEN-6),
    shown to the technology (intake) reviewers."""

    __tablename__ = "consultations"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    starts_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(CleanText)
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)


# --- after approval (GEN-9): the inventory, its deadlines and notifications -----------------


class System(Base):
    """An approved (or imported) system in the City's technology inventory.

    The columns repeat what lists and filters need from the current record; ``record`` is
    the intake record the sweep judges. Changes go through review.services.inventory only.
    """

    __tablename__ = "systems"
    __table_args__ = (Index("ix_systems_status_department", "status", "department"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    origin: Mapped[str] = mapped_column(CleanString(16))  # review | import
    status: Mapped[str] = mapped_column(CleanString(16), default="active")  # active | retired
    reviewed: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str] = mapped_column(CleanString(500))
    product: Mapped[str | None] = mapped_column(CleanString(500))
    vendor: Mapped[str | None] = mapped_column(CleanString(500), index=True)
    department: Mapped[str] = mapped_column(CleanString(200))
    owner_name: Mapped[str] = mapped_column(CleanString(200))
    owner_email: Mapped[str] = mapped_column(CleanString(320))
    data_classes: Mapped[list[Any]] = mapped_column(JsonType)
    hosting: Mapped[str | None] = mapped_column(CleanString(32))
    tier: Mapped[int | None] = mapped_column(Integer)
    contract_value: Mapped[float | None] = mapped_column()
    contract_start: Mapped[dt.date | None] = mapped_column(Date)
    contract_end: Mapped[dt.date | None] = mapped_column(Date)
    renewal_options_years: Mapped[float | None] = mapped_column()
    auto_renewal: Mapped[bool | None] = mapped_column(Boolean)
    cancellation_notice_days: Mapped[int | None] = mapped_column(Integer)
    record: Mapped[dict[str, Any]] = mapped_column(JsonText)
    record_hash: Mapped[str] = mapped_column(CleanString(64))
    record_number: Mapped[int] = mapped_column(Integer, default=1)
    entered_on: Mapped[dt.date] = mapped_column(Date)
    rereview_due: Mapped[dt.date | None] = mapped_column(Date)
    renewal_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    # the findings (rule, subject, severity) the last judgement stored as an evaluation
    judged_hash: Mapped[str | None] = mapped_column(CleanString(64))
    retired_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    retired_reason: Mapped[str | None] = mapped_column(CleanText)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012 - SQLAlchemy protocol


class SystemRecord(Base):
    """Every version of a system's record (approval, import, evidence, renewal); never changed."""

    __tablename__ = "system_records"
    __table_args__ = (UniqueConstraint("system_id", "number", name="uq_system_records_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(CleanString(32))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    record: Mapped[dict[str, Any]] = mapped_column(JsonType)
    record_hash: Mapped[str] = mapped_column(CleanString(64))
    note: Mapped[str | None] = mapped_column(CleanText)
    created_by: Mapped[str] = mapped_column(CleanString(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class SystemReview(Base):
    """A review of a system (the first approval, a renewal, a change): its history links."""

    __tablename__ = "system_reviews"
    __table_args__ = (UniqueConstraint("proposal_id", name="uq_system_reviews_proposal_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    kind: Mapped[str] = mapped_column(CleanString(16))  # initial | renewal | change | rereview
    previous_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)


class SystemFinding(Base):
    """A finding that appeared on a system after approval (GEN-9): aged evidence, a lapsed
    waiver, end of support. At most one open row per finding key and system."""

    __tablename__ = "system_findings"
    __table_args__ = (
        Index(
            "uq_system_findings_open",
            "system_id",
            "finding_key",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_system_findings_status_due", "status", "due_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    finding_key: Mapped[str] = mapped_column(CleanString(600))
    rule_id: Mapped[str] = mapped_column(CleanString(100))
    subject: Mapped[str | None] = mapped_column(CleanString(500))
    domain: Mapped[str] = mapped_column(CleanString(32))
    severity: Mapped[str] = mapped_column(CleanString(16))
    title: Mapped[str] = mapped_column(CleanText)
    message: Mapped[str] = mapped_column(CleanText)
    citations: Mapped[list[Any]] = mapped_column(JsonType)
    evidence: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(CleanString(16), default="open")  # open | cleared
    opened_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    cleared_on: Mapped[dt.date | None] = mapped_column(Date)
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)


class NoticeMark(Base):
    """A GEN-9 notice mark reached for one deadline (recorded once: the sweep's memory)."""

    __tablename__ = "notice_marks"
    __table_args__ = (
        UniqueConstraint("system_id", "deadline_key", "mark", name="uq_notice_marks_mark"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    deadline_key: Mapped[str] = mapped_column(CleanString(300))
    mark: Mapped[str] = mapped_column(CleanString(16))  # days before, or "overdue"
    reached_on: Mapped[dt.date] = mapped_column(Date)


class Notice(Base):
    """One thing one person is told about; a digest gathers a person's notices beyond their
    ``DigestCursor`` (a notice is never changed once written)."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_recipient_id", "recipient", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(CleanString(320))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("systems.id"), index=True)
    kind: Mapped[str] = mapped_column(CleanString(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(CleanText)
    detail: Mapped[str] = mapped_column(CleanText)
    citations: Mapped[list[Any]] = mapped_column(JsonType)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    created_on: Mapped[dt.date] = mapped_column(Date)


class SweepRun(Base):
    """One run of the daily sweep: when, as of which day, and what it did."""

    __tablename__ = "sweep_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date, index=True)
    started_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    status: Mapped[str] = mapped_column(CleanString(16))  # running | finished
    runner: Mapped[str] = mapped_column(CleanString(200))
    counts: Mapped[dict[str, Any]] = mapped_column(JsonType)


# Tables of their own modules, imported so that Base.metadata holds them (models.py's length)
from . import publication_models  # noqa: E402, F401  (GEN-10's tables, in their own module)
from .notify_models import DigestCursor as DigestCursor  # noqa: E402
from .notify_models import NotificationPreference as NotificationPreference  # noqa: E402
from .notify_models import OutboxMessage as OutboxMessage  # noqa: E402
from .vendor_models import VendorAnswer as VendorAnswer  # noqa: E402
from .vendor_models import VendorDocument as VendorDocument  # noqa: E402
from .vendor_models import VendorLink as VendorLink  # noqa: E402
