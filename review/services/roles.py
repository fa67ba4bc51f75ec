"""Roles, review domains and who holds waiver authority (GEN-3, GEN-4, GEN-5)."""

from __future__ import annotations

from enum import StrEnum

from ..core import policy
from ..core.domains import DOMAINS, SIGNOFF_ORDER


class Role(StrEnum):
    REQUESTER = "requester"  # a department's staff: their own department's requests
    REVIEWER = "reviewer"  # scoped to one review domain
    WAIVER_AUTHORITY = "waiver_authority"  # scoped to one finding domain (GEN-5)
    APPROVER = "approver"  # contract approver
    ADMIN = "admin"  # users, roles, re-evaluation, audit


# The sign-off domains of GEN-3.
# (the evaluator's order; general and data findings are read by the technology reviewer)
SIGNOFF_DOMAINS = tuple(d for d in SIGNOFF_ORDER if d not in ("general", "data"))

FINDING_DOMAINS = DOMAINS


def review_domain(finding_domain: str) -> str:
    """The sign-off domain whose reviewer reads these findings (standards/review.yaml)."""
    return policy.current().review_domain(finding_domain)


def waiver_title(finding_domain: str) -> str:
    """Who may waive findings of this domain (GEN-5; the role grant carries the domain)."""
    return policy.current().waiver_title(finding_domain)


def scoped(role: Role) -> bool:
    return role in (Role.REVIEWER, Role.WAIVER_AUTHORITY)


def valid_domains(role: Role) -> tuple[str, ...]:
    if role is Role.REVIEWER:
        return SIGNOFF_DOMAINS
    if role is Role.WAIVER_AUTHORITY:
        return FINDING_DOMAINS
    return ("",)
