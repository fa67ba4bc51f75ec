"""Roles, review domains and who holds waiver authority (GEN-3, GEN-4, GEN-5)."""

from __future__ import annotations

from enum import StrEnum

from ..core.evaluate import SIGNOFF_ORDER
from ..core.standards import DOMAINS


class Role(StrEnum):
    REQUESTER = "requester"  # a department's staff: their own department's requests
    REVIEWER = "reviewer"  # scoped to one review domain
    WAIVER_AUTHORITY = "waiver_authority"  # scoped to one finding domain (GEN-5)
    APPROVER = "approver"  # contract approver
    ADMIN = "admin"  # users, roles, re-evaluation, audit


# The sign-off domains of GEN-3.
# (the evaluator's order; general and data findings are read by the technology reviewer)
SIGNOFF_DOMAINS = tuple(d for d in SIGNOFF_ORDER if d not in ("general", "data"))

# Findings of the general and data domains are read by the technology (Digital Service
# intake) reviewer; every other finding domain has a sign-off domain of its own name.
REVIEW_DOMAIN_OF = {"general": "technology", "data": "technology"}

# GEN-5: who may waive a finding of each domain. The role grant carries the finding domain;
# these titles are what the UI and docs show.
WAIVER_AUTHORITY_TITLE = {
    "security": "Information Security Officer",
    "accessibility": "ADA Coordinator",
    "privacy": "privacy counsel (City Attorney)",
}
DEFAULT_WAIVER_AUTHORITY_TITLE = "Director of Digital Service"

FINDING_DOMAINS = DOMAINS


def review_domain(finding_domain: str) -> str:
    return REVIEW_DOMAIN_OF.get(finding_domain, finding_domain)


def waiver_title(finding_domain: str) -> str:
    return WAIVER_AUTHORITY_TITLE.get(finding_domain, DEFAULT_WAIVER_AUTHORITY_TITLE)


def scoped(role: Role) -> bool:
    return role in (Role.REVIEWER, Role.WAIVER_AUTHORITY)


def valid_domains(role: Role) -> tuple[str, ...]:
    if role is Role.REVIEWER:
        return SIGNOFF_DOMAINS
    if role is Role.WAIVER_AUTHORITY:
        return FINDING_DOMAINS
    return ("",)
