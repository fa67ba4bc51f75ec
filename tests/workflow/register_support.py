"""Helpers for the public register tests: systems put straight into the inventory (as an
import would), with records a test chooses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from review.core.records import Submission
from review.services import inventory
from review.services.context import Services
from review.services.record_versions import normalised
from review.store.models import System

from .support import base


def record(**proposal: Any) -> dict[str, Any]:
    """The SaaS base (proposal only) with ``proposal`` fields replaced or merged."""
    data = base("saas")
    for key, value in proposal.items():
        current = data["proposal"].get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            current.update(value)
        else:
            data["proposal"][key] = value
    return {"proposal": data["proposal"]}


def surveillance(**changes: Any) -> dict[str, Any]:
    return record(
        title="Plate readers",
        department="Police",
        surveillance={
            "is_surveillance_technology": True,
            "categories": ["alpr"],
            "impact_report": True,
            "council_approved": True,
            "council_approval_date": "2026-10-06",
            "annual_report_due": "2027-10-06",
        },
        attachments=[{"kind": "use_policy", "path": "alpr-policy.pdf"}],
        **changes,
    )


def ai(**changes: Any) -> dict[str, Any]:
    return record(
        title="Chat helper",
        ai={
            "uses_ai": True,
            "generative": True,
            "decision_impact": "advisory",
            "human_review": True,
            "discloses_to_public": True,
            "model_type": "large language model",
            "data_used": "Library catalogue pages",
        },
        **changes,
    )


def put_system(
    services: Services, data: dict[str, Any], *, entered_on: dt.date | None = None
) -> int:
    """A system in use with ``data`` as its record, entered on ``entered_on`` (default today)."""
    submission = Submission.model_validate(data)
    with services.transaction("admin") as tx:
        system = System(
            origin="import",
            status="active",
            reviewed=True,
            entered_on=entered_on or services.today(),
            record_hash="",
            created_at=services.now(),
        )
        inventory.apply_record(system, submission)
        tx.session.add(system)
        inventory.add_record_version(tx, system, normalised(submission), source="import")
        return system.id
