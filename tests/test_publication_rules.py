"""The publication rules (standards/publication.yaml): loaded strictly, never publishing a
personal, confidential or security fact, refusing a field the product does not know."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from review.core.publication import DEFAULT_PATH, FIELDS, Nature, load_publication, rules
from review.errors import StandardsError


def _write(tmp_path: Path, change: object) -> Path:
    data = yaml.safe_load(DEFAULT_PATH.read_text())
    change(data["publication"])  # type: ignore[operator]
    path = tmp_path / "publication.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_bundled_rules_load_and_publish_only_public_facts() -> None:
    pub = rules()
    assert pub.within_days == 30 and pub.max_delay_months == 12  # GEN-10's numbers, as data
    assert set(pub.registers) == {"approved", "surveillance", "ai"}
    for register in pub.registers.values():
        for name in register.published:
            assert FIELDS[name].nature is Nature.PUBLIC
        assert {"ref", "packet_id", "packet_digest", "contact"} <= set(register.published)
    gen10 = {"purpose_en", "purpose_es", "impact_report", "use_policy", "council_approval_date"}
    assert gen10 - {"purpose_en", "purpose_es"} <= set(pub.registers["surveillance"].published)
    ai = {"decision_impact", "human_review", "model_type", "data_used", "vendor", "contact"}
    assert ai <= set(pub.registers["ai"].published)


def test_a_rule_naming_an_unknown_field_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        lambda p: p["registers"]["ai"]["fields"].append({"field": "favourite", "rule": "public"}),
    )
    with pytest.raises(StandardsError) as caught:
        load_publication(path)
    assert "registers.ai.fields.favourite: unknown field 'favourite'; known fields:" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("owner_email", "personal data"),
        ("data_purposes", "a Confidential or Restricted fact"),
        ("pen_test_date", "a security detail"),
    ],
)
def test_a_rule_publishing_what_gen10_forbids_is_refused(
    tmp_path: Path, field: str, words: str
) -> None:
    path = _write(
        tmp_path,
        lambda p: p["registers"]["approved"]["fields"].append({"field": field, "rule": "public"}),
    )
    with pytest.raises(StandardsError, match=f"registers.approved.fields.{field}: .*{words}"):
        load_publication(path)


def test_other_mistakes_name_their_field(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda p: p.update(hold_days=45))
    with pytest.raises(StandardsError, match=r"hold_days \(45\) must not exceed within_days"):
        load_publication(path)
    path = _write(tmp_path, lambda p: p.update(colour="red"))
    with pytest.raises(StandardsError, match="colour: unknown key"):
        load_publication(path)
    path = _write(tmp_path, lambda p: p["registers"]["ai"]["fields"][0].update(rule="maybe"))
    with pytest.raises(StandardsError, match=r"registers.ai.fields.0.rule"):
        load_publication(path)
