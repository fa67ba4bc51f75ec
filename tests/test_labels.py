"""Labels of stored values (review/labels.py): complete, unambiguous, used by path."""

from __future__ import annotations

import enum

from review.core import records
from review.labels import (
    CONFORMANCE,
    ENUM_LABELS,
    STATE,
    WORKFLOW,
    enum_at,
    label_codes,
    tier_label,
    value_label,
    workflow_label,
)
from review.services.lifecycle import State


def test_every_enumeration_value_has_a_label() -> None:
    """A new value in an intake enumeration must get its label here, or this fails."""
    enums = {
        obj
        for obj in vars(records).values()
        if isinstance(obj, type) and issubclass(obj, enum.StrEnum) and obj is not enum.StrEnum
    }
    assert enums == set(ENUM_LABELS)
    for kind, table in ENUM_LABELS.items():
        assert {m.value for m in kind} == set(table), kind
        assert all(label[:1].isupper() or label[:1].isdigit() for label in table.values()), kind
        assert len(set(table.values())) == len(table), f"two values of {kind} read the same"


def test_every_state_has_a_label() -> None:
    assert {s.value for s in State} == set(STATE)


def test_the_same_code_reads_by_its_field() -> None:
    assert value_label("none", "proposal.hosting") == "Nothing hosted"
    assert value_label("none", "proposal.authentication.sso") == "No single sign-on"
    assert value_label("none", "proposal.encryption.tls_min_version") == "No encryption in transit"
    assert value_label("none") == "none"  # ambiguous without its field: left as written
    assert value_label("saas", "proposal.acquisition_type") == "Software as a service"
    assert value_label("informal_quotes", "proposal.procurement_method") == "Informal quotes"
    assert value_label("api", "proposal.integrations.3.method") == "API"
    assert value_label("soc2_type2", "proposal.certifications.type") == "SOC 2 Type II"
    assert (
        value_label("does_not_support", "proposal.accessibility.does_not_support")
        == (CONFORMANCE["does_not_support"])
    )
    assert value_label("Roomly Inc.", "proposal.vendor.name") == "Roomly Inc."  # free text


def test_paths_find_their_enumeration() -> None:
    assert enum_at("proposal.hosting") is records.Hosting
    assert enum_at("proposal.data_classes") is records.DataClass
    assert enum_at("proposal.surveillance.categories") is records.SurveillanceCategory
    assert enum_at("proposal.title") is None
    assert enum_at("proposal.no_such_field") is None
    assert enum_at("contract.clauses.governing_law") is None


def test_codes_in_generated_text_read_as_labels() -> None:
    assert label_codes("Hosting is city_data_center: on-premises") == (
        "Hosting is City data center: on-premises"
    )
    assert label_codes("acquisition type: saas; method none") == (
        "acquisition type: Software as a service; method none"
    )
    assert label_codes("an unknown_code stays") == "an unknown_code stays"


def test_workflow_values() -> None:
    assert workflow_label("state", "approved_with_conditions") == "Approved with conditions"
    assert workflow_label("severity", "info") == "Information"
    assert workflow_label("state", "something_new") == "Something new"
    assert set(WORKFLOW) >= {"state", "outcome", "disposition", "severity", "finding_status"}
    assert tier_label(3) == "Tier 3 (full review)" and tier_label(None) == "Not evaluated"
