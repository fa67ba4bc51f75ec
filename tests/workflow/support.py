"""Shared helpers for the workflow tests: records, walking a proposal through the lifecycle,
and snapshots of the database for "nothing changed" checks."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from review.core.evaluate import Evaluator, evaluator
from review.core.safeyaml import load_file
from review.services import (
    approval_conditions,
    audit,
    decisions,
    proposals,
    reviews,
    signoffs,
)
from review.services.context import Services
from review.services.views import ProposalView
from review.store.database import Database
from review.store.models import AuditEvent, Base, Proposal

BASES = Path(__file__).resolve().parent.parent / "data" / "bases"
EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"

# Who reviews each sign-off domain in the conftest's USERS.
REVIEWER = {
    "technology": "tess",
    "security": "sam",
    "accessibility": "alex",
    "privacy": "priya",
    "open_source": "olga",
    "ai": "aiden",
    "procurement": "paul",
}

# The compliant Tier 2 SaaS base has exactly one major finding, on WCAG 1.4.10.
ACC_MAJOR = "ACC-003-partially-supports-public"


def base(name: str = "saas") -> dict[str, Any]:
    """A fresh copy of a base record (dates kept as text)."""
    data: dict[str, Any] = load_file(BASES / f"{name}.yaml")
    return copy.deepcopy(data)


def proposal_only(record: dict[str, Any]) -> dict[str, Any]:
    return {"proposal": copy.deepcopy(record["proposal"])}


def saas(**changes: Any) -> dict[str, Any]:
    """The SaaS base with ``proposal`` fields replaced."""
    record = base("saas")
    record["proposal"].update(changes)
    return record


def contract_record() -> dict[str, Any]:
    return base("contract")


def submitted(
    services: Services, record: dict[str, Any] | None = None, by: str = "dana"
) -> ProposalView:
    draft = proposals.create_draft(services, by, record if record is not None else saas())
    return proposals.get(services, by, proposals.submit(services, by, draft.proposal.id).id)


def sign(
    services: Services, proposal_id: int, domains: list[str], *, skip: tuple[str, ...] = ()
) -> ProposalView:
    view = proposals.get(services, "admin", proposal_id)
    for domain in domains:
        if domain not in skip:
            view = signoffs.sign_off(services, REVIEWER[domain], proposal_id, domain, note="ok")
    return view


def ready(
    services: Services, record: dict[str, Any] | None = None, by: str = "dana"
) -> ProposalView:
    view = submitted(services, record, by)
    view = sign(services, view.id, view.required_signoffs)
    assert view.state == "ready_for_approval"
    return view


def condition_majors(services: Services, view: ProposalView, by: str = "cara") -> ProposalView:
    """A condition with owner and due date on every open major finding."""
    due = services.today() + dt.timedelta(days=90)
    for finding in view.findings:
        if finding["severity"] == "major" and finding.status == "open":
            view = approval_conditions.add(
                services,
                by,
                view.id,
                finding["rule_id"],
                subject=finding["subject"],
                text="Vendor fixes reflow at 320 CSS pixels.",
                owner="Library IT",
                due_date=due,
            )
    return view


def approved(services: Services) -> ProposalView:
    """The SaaS base approved with a condition on its one major finding."""
    view = ready(services)
    view = condition_majors(services, view)
    return decisions.decide(services, "cara", view.id, "approve_with_conditions", reason="ok")


def in_contract_review(services: Services) -> ProposalView:
    view = approved(services)
    submitted = proposals.submit_contract(services, "dana", view.id, contract_record())
    assert submitted.state == "contract_submitted"
    return reviews.start_review(services, "paul", view.id)


def changes_requested(services: Services) -> ProposalView:
    view = submitted(services)
    return reviews.request_changes(
        services, "sam", view.id, domain="security", reason="Shorten the incident window."
    )


# --- database snapshots -----------------------------------------------------------------


def row_counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def proposal_row(database: Database, proposal_id: int) -> tuple[str, int, int]:
    with database.session() as session:
        proposal = session.get(Proposal, proposal_id)
        assert proposal is not None
        return proposal.state, proposal.row_version, proposal.current_version


def audit_actions(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def last_seq(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.max(AuditEvent.seq))) or 0)


def events_after(database: Database, seq: int) -> list[AuditEvent]:
    with database.session() as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
        )


def execute_raw(database: Database, sql: str, **params: Any) -> None:
    """Run SQL directly, outside the service layer (as an attacker with database access)."""
    with database.engine.begin() as connection:
        connection.execute(text(sql), params)


# --- a change of standards (GEN-7) ------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent.parent
NEW_FINDING = "SEC-004-incident-window"  # the SaaS base notifies in 48 h; the new limit is 24


def changed_standards(root: Path) -> Evaluator:
    """The bundled standards and rules, copied, with the incident window cut from 72 to 24
    hours and the standards version bumped (as a policy owner would)."""
    shutil.copytree(REPO / "standards", root / "standards")
    shutil.copytree(REPO / "rules", root / "rules")
    path = root / "standards" / "standards.yaml"
    source = path.read_text()
    for old, new in (
        ("\nversion: 1\n", "\nversion: 2\n"),
        ('\nname: "2026.11"\n', '\nname: "2026.12"\n'),
        ("  incident_notification_max_hours: 72\n", "  incident_notification_max_hours: 24\n"),
    ):
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    path.write_text(source)
    return evaluator(standards_dir=root / "standards", rules_dir=root / "rules")


# --- the audit trail as an attacker with database access changes it ---------------------


def without_triggers(database: Database) -> None:
    """What the table owner or a superuser can do: switch the append-only triggers off."""
    if database.is_sqlite:
        for table in ("audit_events", "audit_chain"):
            for verb in ("update", "delete"):
                execute_raw(database, f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    else:
        for table in ("audit_events", "audit_chain"):
            execute_raw(database, f"ALTER TABLE {table} DISABLE TRIGGER USER")


def relink(events: list[AuditEvent], prev: str) -> None:
    """Re-hash events in order with SHA-256, as someone without the key can."""
    for event in events:
        event.prev_hash = prev
        event.hash = audit.event_hash(
            event.seq,
            event.at,
            event.actor,
            event.action,
            event.entity,
            event.entity_id,
            event.details,
            prev,
        )
        prev = event.hash
