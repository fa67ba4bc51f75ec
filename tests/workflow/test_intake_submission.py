"""Submission needs only what GEN-1 and the tier need (the standards' list, not code); a
refused submission stores nothing; an upload leaves the uploader's draft savable."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from review.core.standards import AnswerIs, Requirement, load_standards
from review.errors import RecordInvalid, StaleUpdate
from review.services import attachments, proposals
from review.services.context import Services
from review.services.submission import gaps
from review.store.models import AuditEvent, Proposal, RecordVersion

from .support import saas

DATA = Path(__file__).resolve().parents[1] / "data"
MINIMAL: dict[str, Any] = {
    "proposal": {
        "title": "Room booking",
        "department": "Library",
        "requester": {"name": "Dana", "email": "dana@city.example.gov"},
        "problem_statement": "Rooms are booked on paper.",
        "cost": {"annual": 3000, "term_years": 2},
        "users": {"public_facing": True},
        "data_classes": ["internal"],
        "ai": {"uses_ai": False},
        "surveillance": {"is_surveillance_technology": False},
    }
}


def counts(services: Services) -> tuple[int, int, int]:
    with services.transaction() as tx:
        return (
            tx.session.scalar(select(func.count()).select_from(Proposal)) or 0,
            tx.session.scalar(select(func.count()).select_from(RecordVersion)) or 0,
            tx.session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def test_the_first_step_is_enough_to_submit(services: Services, people: Any) -> None:
    submitted = proposals.submit_new(services, "dana", copy.deepcopy(MINIMAL))
    assert submitted.state == "submitted"
    view = proposals.get(services, "dana", submitted.id)
    # every other gap is a missing-answer finding, not a refusal
    assert any("not answered" in f["message"] for f in view.findings)


@pytest.mark.parametrize(
    "path",
    [
        "problem_statement",
        "users.public_facing",
        "data_classes",
        "ai.uses_ai",
        "surveillance.is_surveillance_technology",
    ],
)
def test_each_required_answer_is_named_when_missing(
    services: Services, people: Any, path: str
) -> None:
    record = copy.deepcopy(MINIMAL)
    node = record["proposal"]
    *parents, last = path.split(".")
    for part in parents:
        node = node[part]
    del node[last]
    before = counts(services)
    with pytest.raises(RecordInvalid) as refused:
        proposals.submit_new(services, "dana", record)
    assert f"proposal.{path}" in {p.path for p in refused.value.problems}
    assert counts(services) == before, "a refused submission must store nothing"


def test_cost_needs_one_amount_and_a_term_for_annual_costs(services: Services) -> None:
    standards = services.evaluator.standards
    record = copy.deepcopy(MINIMAL)
    del record["proposal"]["cost"]
    paths = {p.path for p in gaps(record, standards)}
    assert "proposal.cost.one_time" in paths  # named with its alternative
    record["proposal"]["cost"] = {"annual": 10}
    assert {p.path for p in gaps(record, standards)} == {"proposal.cost.term_years"}
    record["proposal"]["cost"] = {"one_time": 0}  # a free tool: zero is an answer
    assert gaps(record, standards) == []


def test_decision_impact_is_needed_only_for_ai(services: Services) -> None:
    standards = services.evaluator.standards
    record = copy.deepcopy(MINIMAL)
    assert gaps(record, standards) == []
    record["proposal"]["ai"] = {"uses_ai": True}
    assert [p.path for p in gaps(record, standards)] == ["proposal.ai.decision_impact"]


def test_the_list_is_data_in_the_standards(services: Services) -> None:
    standards = services.evaluator.standards
    extra = Requirement(fields=["proposal.vendor.name"], cites=["GEN-1"])
    changed = standards.model_copy(
        update={
            "intake": standards.intake.model_copy(
                update={"submission_requires": [*standards.intake.submission_requires, extra]}
            )
        }
    )
    assert gaps(copy.deepcopy(MINIMAL), standards) == []
    assert [p.path for p in gaps(copy.deepcopy(MINIMAL), changed)] == ["proposal.vendor.name"]


def test_a_requirement_naming_no_intake_field_is_refused() -> None:
    with pytest.raises(ValueError, match=r"proposal\.cost\.anual"):
        Requirement(fields=["proposal.cost.anual"], cites=["GEN-2"])
    with pytest.raises(ValueError, match=r"proposal\.ai\.used"):
        Requirement(
            fields=["proposal.ai.decision_impact"],
            cites=["AI-2"],
            when=AnswerIs(field="proposal.ai.used", equals=True),
        )


def test_every_policy_section_ships_its_text() -> None:
    standards = load_standards()
    for section in standards.sections:
        assert len(section.text) > 40, section.id
    assert "problem statement" in standards.section_index["GEN-1"].text


def test_a_refused_submit_of_a_saved_draft_leaves_it_as_it_was(
    services: Services, people: Any
) -> None:
    saved = proposals.create_draft(services, "dana", copy.deepcopy(MINIMAL))
    before = counts(services)
    emptier = copy.deepcopy(MINIMAL)
    del emptier["proposal"]["data_classes"]
    with pytest.raises(RecordInvalid):
        proposals.save_and_submit(
            services,
            "dana",
            saved.proposal.id,
            emptier,
            expected_version=saved.proposal.row_version,
        )
    assert counts(services) == before
    after = proposals.get(services, "dana", saved.proposal.id)
    assert after.record["proposal"]["data_classes"] == ["internal"]
    assert after.state == "draft"


def test_a_draft_save_reports_what_submission_still_needs(services: Services, people: Any) -> None:
    record = copy.deepcopy(MINIMAL)
    del record["proposal"]["users"]
    saved = proposals.create_draft(services, "dana", record)
    assert [p.path for p in saved.missing] == ["proposal.users.public_facing"]


def test_an_upload_gives_the_draft_its_new_version(services: Services, people: Any) -> None:
    saved = proposals.create_draft(services, "dana", saas())
    version = saved.proposal.row_version
    acr = (DATA / "acr" / "drupal-10-16.docx").read_bytes()
    stored = attachments.add(
        services,
        "dana",
        saved.proposal.id,
        kind="acr",
        filename="drupal-10-16.docx",
        data=acr,
        expected_version=version,
    )
    assert stored.proposal_version > version
    assert stored.extracted and stored.extracted["answers"]["acr_date"] == "2023-05-12"
    # the version the upload returned is the one the next save is based on
    record = saas()
    record["proposal"]["accessibility"]["acr_date"] = stored.extracted["answers"]["acr_date"]
    again = proposals.save_draft(
        services, "dana", saved.proposal.id, record, expected_version=stored.proposal_version
    )
    assert again.proposal.record["proposal"]["accessibility"]["acr_date"] == "2023-05-12"
    # while the version loaded before the upload is stale, as it should be
    with pytest.raises(StaleUpdate, match="changed since you loaded it"):
        proposals.save_draft(services, "dana", saved.proposal.id, saas(), expected_version=version)
