"""Findings and the evaluation result, exactly as intake.md names them.

A finding is one distinct problem: one rule, one fact (the proposal's section, or one
component, criterion, integration, platform or data type). Findings are ordered by severity,
then domain, then rule id, then subject, so the same record always prints the same list.
"""

import datetime as dt
import string
from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict
from typing_extensions import TypedDict

from .facts import FACT_KINDS
from .policy import Disposition, ReviewPolicy, finding_key
from .rules import Rule
from .standards import Standards

NOT_ANSWERED = "not answered"


class Evidence(TypedDict):
    """An input value that made the rule fire, with where it comes from."""

    field: str
    source: str
    value: Any


class Finding(NamedTuple):
    """One distinct problem. A named tuple: an evaluation creates dozens of them (the
    cheapest immutable record to build), and every value comes from checked rule data and
    facts, so there is nothing to validate."""

    rule_id: str
    domain: str
    severity: str
    title: str
    message: str
    citations: tuple[str, ...]
    remediation: str
    waivable: bool
    subject: str | None = None
    evidence: tuple[Evidence, ...] = ()

    @property
    def key(self) -> str:
        """Identity of the problem across evaluations (rule and subject)."""
        return finding_key(self.rule_id, self.subject)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form intake.md specifies (plus subject and evidence)."""
        return {
            "rule_id": self.rule_id,
            "domain": self.domain,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "citations": list(self.citations),
            "remediation": self.remediation,
            "waivable": self.waivable,
            "subject": self.subject,
            "evidence": [dict(e) for e in self.evidence],
        }


class Evaluation(BaseModel):
    """What ``review evaluate`` prints and what the user interface shows."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    tier: int
    tcv: float
    required_signoffs: list[str]
    disposition: Disposition
    standards_version: str
    rules_version: str
    stage: str
    as_of: dt.date
    findings: list[Finding]

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude={"findings"})
        data["findings"] = [f.to_dict() for f in self.findings]
        return data


class _Missing:
    def __format__(self, spec: str) -> str:
        return NOT_ANSWERED

    def __str__(self) -> str:
        return NOT_ANSWERED


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        return _Missing()


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _Missing):
            return NOT_ANSWERED
        if isinstance(value, bool):
            return "yes" if value else "no"
        if format_spec == "or" and isinstance(value, list):
            return _one_of(value)
        try:
            return str(super().format_field(value, format_spec))
        except (ValueError, TypeError):
            return str(value)


_FORMATTER = _Formatter()


def _one_of(values: list[Any]) -> str:
    """``{std.security.attestations.confidential:or}``: a standards list in words, "SOC 2
    Type II, ISO/IEC 27001 or FedRAMP Moderate" (a list of attestation groups reads as the
    types they accept), so a rule's text never repeats a list the standards own."""
    from ..labels import value_label  # labels reads the intake's vocabulary from core

    codes: list[str] = []
    for item in values:
        codes += [str(t) for t in getattr(item, "types", [item])]
    words = [value_label(code) for code in codes]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


class _Std:
    """Lets message templates say {std.security.cyber_insurance_min_usd:,.0f}."""

    def __init__(self, standards: Standards) -> None:
        self._s = standards

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s, name)


def message_values(fact: dict[str, Any], standards: Standards) -> dict[str, Any]:
    """A fact as message templates see it (built once per fact, shared by its findings)."""
    values = _Fields(
        {k: ("yes" if v else "no") if v.__class__ is bool else v for k, v in fact.items()}
    )
    values["std"] = standards
    return values


def render_message(
    template: str,
    fact: dict[str, Any],
    standards: Standards,
    values: dict[str, Any] | None = None,
) -> str:
    """Fill a message template: absent answers read "not answered", booleans yes/no."""
    if values is None:
        values = message_values(fact, standards)
    try:
        return template.format_map(values)
    except (ValueError, TypeError):  # a format spec that does not fit an absent answer
        values = _Fields(fact)
        values["std"] = _Std(standards)
        return _FORMATTER.vformat(template, (), values)


def make_finding(
    rule: Rule,
    fact: dict[str, Any],
    standards: Standards,
    values: dict[str, Any] | None = None,
) -> Finding:
    rule_id, domain, severity, title, citations, remediation, waivable, evidence = _static(rule)
    if "{" in title:  # titles and remediation use the message's placeholders ({std.*}, ...)
        title = render_message(title, fact, standards, values)
    if "{" in remediation:
        remediation = render_message(remediation, fact, standards, values)
    return Finding(
        rule_id,
        domain,
        severity,
        title,
        render_message(rule.spec.message, fact, standards, values),
        citations,
        remediation,
        waivable,
        fact.get("subject"),
        tuple(
            Evidence(field=name, source=source, value=fact.get(name)) for name, source in evidence
        ),
    )


_STATIC: dict[int, tuple[Rule, tuple[Any, ...]]] = {}


def _static(rule: Rule) -> tuple[Any, ...]:
    """A rule's unchanging finding parts, computed once per rule (keyed by identity)."""
    cached = _STATIC.get(id(rule))
    if cached is not None and cached[0] is rule:
        return cached[1]
    sources = FACT_KINDS[rule.kind].sources()
    parts = (
        rule.id,
        rule.domain,
        rule.spec.severity.value,
        rule.spec.title,
        tuple(rule.spec.citations),
        rule.spec.remediation,
        rule.spec.waivable,
        tuple((name, sources.get(name, name)) for name in rule.evidence_fields),
    )
    _STATIC[id(rule)] = (rule, parts)
    return parts


def sort_key(policy: ReviewPolicy) -> Callable[[Finding], tuple[int, int, str, str]]:
    """Severity (the policy's order), then domain, rule id and subject."""
    severity = {s: i for i, s in enumerate(policy.severity_order)}
    domain = {d: i for i, d in enumerate(policy.domain_order)}

    def key(finding: Finding) -> tuple[int, int, str, str]:
        return (
            severity[finding.severity],
            domain[finding.domain],
            finding.rule_id,
            finding.subject or "",
        )

    return key


def disposition_of(findings: list[Finding], policy: ReviewPolicy) -> Disposition:
    """GEN-8 on a fresh evaluation: every finding is live."""
    return policy.disposition(f.severity for f in findings)
