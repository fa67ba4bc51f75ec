"""How the review treats findings, each fact defined once (standards/review.yaml).

The severities' order and what each means for a decision (GEN-8), whether a severity can be
waived (GEN-5), the finding domains' titles, reviewers and waiver authorities (GEN-3, GEN-5),
the waiver limit: data in ``standards/review.yaml``, validated here with strict models. The
rules that follow from them (a finding's key, whether it is live, the disposition) are the
functions below, and nowhere else.
"""

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import StandardsError
from .domains import Domain
from .safeyaml import load_file

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "standards" / "review.yaml"

Disposition = Literal["blocked", "conditions", "clear"]
# A finding's status at read time: only open and conditioned findings still count (GEN-8).
LIVE_STATUSES = frozenset({"open", "conditioned"})


class Severity(StrEnum):
    """The vocabulary of a rule's severity (its order and meaning are data, below)."""

    BLOCKER = "blocker"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeverityPolicy(_Schema):
    id: Severity
    label: str = Field(min_length=1)
    blocks_approval: bool
    needs_condition: bool
    waivable: bool
    acted_on: bool


class DomainPolicy(_Schema):
    id: Domain
    title: str = Field(min_length=1)
    long_title: str = Field(min_length=1)
    review_domain: Domain
    waiver_authority: str = Field(min_length=1)


class WaiverPolicy(_Schema):
    max_months: int = Field(ge=1, le=120)
    default_months: int = Field(ge=1)


class ConditionPolicy(_Schema):
    default_due_months: int = Field(ge=1)


class ReviewPolicy(_Schema):
    severities: list[SeverityPolicy]
    domains: list[DomainPolicy]
    waivers: WaiverPolicy
    conditions: ConditionPolicy

    @model_validator(mode="after")
    def _complete(self) -> "ReviewPolicy":
        for label, ids, known in (
            ("severities", [s.id.value for s in self.severities], [s.value for s in Severity]),
            ("domains", [d.id for d in self.domains], list(get_args(Domain))),
        ):
            if sorted(ids) != sorted(known):
                raise ValueError(f"{label} must list each of {known} exactly once; got {ids}")
        if self.waivers.default_months > self.waivers.max_months:
            raise ValueError("waivers.default_months must not exceed waivers.max_months")
        return self

    # --- severities -----------------------------------------------------------------------

    @cached_property
    def severity_order(self) -> tuple[str, ...]:
        """Most severe first."""
        return tuple(s.id.value for s in self.severities)

    @cached_property
    def _severity(self) -> dict[str, SeverityPolicy]:
        return {s.id.value: s for s in self.severities}

    def severity(self, severity: str) -> SeverityPolicy:
        return self._severity[severity]

    def rank(self, severity: str) -> int:
        """0 for the most severe."""
        return self.severity_order.index(severity)

    @property
    def least_rank(self) -> int:
        return len(self.severities) - 1

    def worst(self, severities: Iterable[str]) -> str | None:
        ranked = sorted(severities, key=self.rank)
        return ranked[0] if ranked else None

    @cached_property
    def acted_on(self) -> tuple[str, ...]:
        return tuple(s.id.value for s in self.severities if s.acted_on)

    # --- findings -------------------------------------------------------------------------

    def waivable(self, finding: dict[str, Any]) -> bool:
        """Its rule allows a waiver and its severity asks something that can be waived."""
        return bool(finding["waivable"]) and self.severity(finding["severity"]).waivable

    def must_answer(self, severity: str) -> bool:
        """GEN-8 does not let it stand unanswered: it blocks, or needs a condition."""
        found = self.severity(severity)
        return found.blocks_approval or found.needs_condition

    def disposition(self, severities: Iterable[str]) -> Disposition:
        """GEN-8 over the severities of what is still live: blocked, conditions or clear."""
        found = [self.severity(s) for s in severities]
        if any(s.blocks_approval for s in found):
            return "blocked"
        if any(s.needs_condition for s in found):
            return "conditions"
        return "clear"

    # --- domains --------------------------------------------------------------------------

    @cached_property
    def domain_order(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.domains)

    @cached_property
    def _domain(self) -> dict[str, DomainPolicy]:
        return {d.id: d for d in self.domains}

    def domain_title(self, domain: str | None, *, long: bool = False) -> str:
        if not domain:
            return "—"
        found = self._domain.get(domain)
        if found is None:
            return domain.replace("_", " ").capitalize()
        return found.long_title if long else found.title

    def review_domain(self, finding_domain: str) -> str:
        """The sign-off domain whose reviewer reads findings of ``finding_domain`` (GEN-3)."""
        found = self._domain.get(finding_domain)
        return found.review_domain if found else finding_domain

    def waiver_title(self, finding_domain: str) -> str:
        """Who may waive findings of ``finding_domain`` (GEN-5)."""
        return self._domain[finding_domain].waiver_authority

    # --- waivers --------------------------------------------------------------------------

    def latest_expiry(self, granted: dt.date, months: int | None = None) -> dt.date:
        """The same calendar day ``months`` later (clamped to the month's last day)."""
        from .derived import months_before  # derived reads the standards, which read this

        return months_before(granted, -(self.waivers.max_months if months is None else months))


def finding_key(rule_id: str, subject: str | None) -> str:
    """A finding's identity across evaluations: its rule and its subject."""
    return f"{rule_id}|{subject or ''}"


def key_of(finding: dict[str, Any]) -> str:
    return finding_key(finding["rule_id"], finding.get("subject"))


def is_live(status: str) -> bool:
    """Open or conditioned: it still counts for the decision (waived and resolved do not)."""
    return status in LIVE_STATUSES


def load_review_policy(path: Path | None = None) -> ReviewPolicy:
    """Load and validate ``review.yaml``; a problem names the file and the field."""
    path = path or DEFAULT_FILE
    try:
        content = load_file(path, what="standards file")
    except Exception as exc:  # FileProblem and OS errors alike
        raise StandardsError(str(exc)) from None
    if not isinstance(content, dict) or set(content) != {"review"}:
        raise StandardsError(f"{path}: expected exactly one top-level key 'review'")
    try:
        return ReviewPolicy.model_validate(content["review"])
    except ValidationError as exc:
        problems = "; ".join(
            f"review.{'.'.join(str(p) for p in e['loc'])}: "
            + ("unknown field" if e["type"] == "extra_forbidden" else e["msg"])
            for e in exc.errors()
        )
        raise StandardsError(f"{path}: {problems}") from None


@cache
def current() -> ReviewPolicy:
    """The bundled review policy (the one the workspace and the command line use)."""
    return load_review_policy()
