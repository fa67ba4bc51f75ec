"""Packet tests reuse the workflow fixtures (a fresh migrated database per test) and drive a
real request through the service layer to a decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from review.core.safeyaml import load_file
from review.services import approval_conditions, decisions, proposals, signoffs, waivers
from review.services.context import Services
from review.services.views import ProposalView
from tests.workflow import conftest as workflow
from tests.workflow.conftest import FAST_HASHER, Clock

# the workflow tests' fixtures, by name: a fresh migrated database, a settable clock,
# services over them, and a user for every role
database = workflow.database
sqlite_template = workflow.sqlite_template
pg_template = workflow.pg_template
clock = workflow.clock
services = workflow.services
people = workflow.people
__all__ = [
    "FAST_HASHER",
    "Clock",
    "clock",
    "database",
    "people",
    "pg_template",
    "services",
    "sqlite_template",
]

ROOT = Path(__file__).resolve().parents[2]
REVIEWER = {
    "technology": "tess",
    "security": "sam",
    "accessibility": "alex",
    "privacy": "priya",
    "open_source": "olga",
    "ai": "aiden",
    "procurement": "paul",
}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys (and any packet template) live in a per-test data directory."""
    folder = tmp_path / "data"
    monkeypatch.setenv("REVIEW_DATA_DIR", str(folder))
    monkeypatch.delenv("REVIEW_PACKET_TEMPLATE", raising=False)
    return folder


def fire_record(**changes: Any) -> dict[str, Any]:
    """The fire-records renewal example, filed by the Library (the fixtures' department):
    blockers to waive, majors to condition, minors and infos."""
    record = load_file(ROOT / "examples" / "fire-records-renewal.yaml")
    proposal = dict(record["proposal"])
    proposal["department"] = "Library"
    proposal.update(changes)
    return {"proposal": proposal}


@dataclass
class Driven:
    services: Services
    id: int
    submitted: ProposalView


def submit(services: Services, record: dict[str, Any] | None = None) -> Driven:
    draft = proposals.create_draft(services, "dana", record or fire_record())
    view = proposals.get(services, "dana", proposals.submit(services, "dana", draft.proposal.id).id)
    return Driven(services, view.id, view)


def waive_and_condition(
    driven: Driven,
    *,
    justification: str = "Servers are on an isolated station network.",
    controls: str = "Network segmentation; quarterly access review.",
    condition_text: str = "Vendor delivers the fix and the ADA Coordinator verifies it.",
    owner: str = "Fire IT",
) -> None:
    services = driven.services
    today = services.today()
    for finding in driven.submitted.findings:
        if finding["severity"] == "blocker":
            waivers.grant(
                services,
                "iso",
                driven.id,
                finding["rule_id"],
                subject=finding["subject"],
                justification=justification,
                compensating_controls=controls,
                expires_on=today + dt.timedelta(days=180),
            )
        elif finding["severity"] == "major":
            approval_conditions.add(
                services,
                "cara",
                driven.id,
                finding["rule_id"],
                subject=finding["subject"],
                text=condition_text,
                owner=owner,
                due_date=today + dt.timedelta(days=90),
            )


def sign_all(driven: Driven, note: str = "Reviewed against the standards.") -> None:
    for domain in driven.submitted.required_signoffs:
        signoffs.sign_off(driven.services, REVIEWER[domain], driven.id, domain, note=note)


def decide(driven: Driven, reason: str = "Approved with the conditions listed.") -> ProposalView:
    return decisions.decide(
        driven.services, "cara", driven.id, "approve_with_conditions", reason=reason
    )


@pytest.fixture
def decided(services: Services, people: dict[str, str], clock: Clock) -> Driven:
    """A request approved with conditions: waivers, conditions, every sign-off, a decision."""
    driven = submit(services)
    waive_and_condition(driven)
    sign_all(driven)
    clock.advance(hours=2)
    decide(driven)
    clock.advance(hours=1)
    return driven
