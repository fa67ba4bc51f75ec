"""The form as data: every intake field asked once, list answers kept whole, and field paths
written as a person reads them."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel

from review.core.records import Submission
from review.core.standards import load_standards
from review.ui.field_names import field_name, humanise
from review.ui.form_spec import (
    CONTRACT_STEP,
    FIELDS,
    FIRST,
    STEPS,
    item_problems,
    items_to_value,
    value_to_items,
)


def leaves(model: type[BaseModel], prefix: str) -> set[str]:
    """Every answerable path of the record: nested models are walked, lists are answers."""
    out: set[str] = set()
    for name, info in model.model_fields.items():
        inner = [a for a in (info.annotation, *get_args(info.annotation)) if _model(a)]
        if inner and get_origin(info.annotation) is not list:
            out |= leaves(inner[0], f"{prefix}{name}.")
        else:
            out.add(prefix + name)
    return out


def _model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def test_every_field_of_the_record_is_asked_exactly_once() -> None:
    asked = [f.path for step in (*STEPS, CONTRACT_STEP) for f in step.fields]
    assert len(asked) == len(set(asked)), "a field is asked twice"
    record = leaves(Submission, "")
    assert set(asked) == record, (sorted(record - set(asked)), sorted(set(asked) - record))


def test_the_first_step_holds_what_submission_requires() -> None:
    first = {f.path for f in FIRST.fields}
    for requirement in load_standards().intake.submission_requires:
        assert set(requirement.fields) <= first, requirement


def test_list_answers_keep_every_column_of_every_item() -> None:
    for spec in (f for f in FIELDS.values() if f.kind == "items"):
        items = [{c.name: _sample(c.kind, c.options, n) for c in spec.columns} for n in range(3)]
        if spec.path.endswith("data_purposes"):
            items = [
                {**item, "data_type": spec.columns[0].options[n]} for n, item in enumerate(items)
            ]
        back = value_to_items(spec, items_to_value(spec, items))
        assert back == items, spec.path


def _sample(kind: str, options: tuple[str, ...], n: int) -> Any:
    if kind == "enum":
        return options[n % len(options)]
    if kind == "bool":
        return n % 2 == 0
    if kind == "date":
        return f"2026-0{n + 1}-15"
    return f"text {n}"


def test_an_item_names_its_missing_answers_by_label() -> None:
    spec = FIELDS["proposal.integrations"]
    assert item_problems(spec, {"method": "api"}, [], None) == ["System is required."]
    purposes = FIELDS["proposal.data_purposes"]
    existing = [{"data_type": "ssn", "purpose": "Payroll"}]
    clash = item_problems(purposes, {"data_type": "ssn", "purpose": "Other"}, existing, None)
    assert clash == ["Social Security numbers already has a data purpose: edit that one instead."]
    assert item_problems(purposes, {"data_type": "ssn", "purpose": "New"}, existing, 0) == []


def test_items_are_named_on_their_buttons() -> None:
    integrations = FIELDS["proposal.integrations"]
    assert integrations.item_title({"system": "erp", "method": "api"}) == "erp (API)"
    alternatives = FIELDS["proposal.alternatives_considered"]
    title = alternatives.item_title({"name": "Odoo", "open_source": True, "reason_rejected": "x"})
    assert title == "Odoo (open source)"


def test_field_paths_read_as_label_and_step() -> None:
    assert field_name("proposal.title") == "Title (Tell us about the problem)"
    assert (
        field_name("proposal.integrations[1].method")
        == "Method of integration 2 (Users and hosting)"
    )
    assert field_name("proposal.accessibility.languages[0]") == "Languages, line 1 (Accessibility)"
    assert field_name("contract.clauses.governing_law") == "Governing law (Contract)"
    assert field_name("proposal.nothing_like_this") is None


def test_messages_and_remediations_lose_their_paths() -> None:
    assert humanise("proposal.title: required field is missing") == (
        "Title (Tell us about the problem): required field is missing"
    )
    assert humanise("record the minimum in encryption.tls_min_version.") == (
        "record the minimum in Minimum TLS version (Security)."
    )
    assert humanise("record it in incident_notification_hours.") == (
        "record it in Incident notification commitment (Security)."
    )
    assert humanise("proposal.accessibility.does_not_support / partially_supports") == (
        "Criteria reported 'Does Not Support' (Accessibility) / "
        "Criteria reported 'Partially Supports' (Accessibility)"
    )
    # words, values, files and addresses are not fields
    kept = "hosting vendor_cloud per policy.md; write to dana@city.example.gov"
    assert humanise(kept) == kept


def test_no_rule_text_keeps_a_field_path_once_humanised() -> None:
    """Every remediation of every rule, as a person reads it, names fields by label."""
    from review.core.evaluate import evaluator

    for rule in evaluator().book.rules:
        text = humanise(rule.spec.remediation)
        for path in FIELDS:
            assert path not in text, (rule.id, text)
            leaf = path.split(".", 1)[1]
            if "." in leaf or "_" in leaf:
                assert f" {leaf}" not in text and f"{leaf}." not in text, (rule.id, text)


HOSTILE = [
    "[click](javascript:alert(1))",
    "**loud** _quiet_ `code` <img src=x onerror=alert(1)>",
    "costs $10,000 and $75,000",
    "back\\slash ~~gone~~ | table | # heading",
]


def test_a_persons_text_stays_text_in_labels_and_markdown() -> None:
    from review.ui.policy_text import literal

    for text in HOSTILE:
        for escaped in (literal(text),):
            # every markdown-active character is escaped, so nothing renders as a link,
            # emphasis, code, HTML or LaTeX
            for char in "[]*_`<>$~|#":
                assert char not in escaped.replace("\\" + char, ""), (text, escaped)
            assert escaped.replace("\\", "") == text.replace("\\", ""), (text, escaped)


def test_a_persons_line_breaks_stay_line_breaks() -> None:
    from review.ui.policy_text import literal

    # markdown joins single newlines into one line: a comment's lines must stay its lines
    assert literal("Checked with IT.\nSee ticket 42.") == "Checked with IT.  \nSee ticket 42."
    assert literal("- not a list\r\n1) nor this") == "\\- not a list  \n1\\) nor this"
    assert literal("cascade-fee-calculator 1.2") == "cascade-fee-calculator 1.2"  # mid-line
