"""Demonstration data: a user for every role and example requests in several states.

Everything is created through the service layer, so the demo database has a genuine history
and audit chain. Passwords are random unless given, and returned so the caller can print them.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select

from ..core.safeyaml import load_file
from ..errors import Refused
from ..store.database import data_dir
from ..store.models import User
from . import (
    accounts,
    approval_conditions,
    consultations,
    decisions,
    proposals,
    reviews,
    signoffs,
    waivers,
)
from .context import Services
from .roles import SIGNOFF_DOMAINS, Role
from .views import ProposalView

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    department: str | None
    grants: tuple[tuple[Role, str], ...]


REQUESTERS = {
    "Library": "dana",
    "Police": "pat",
    "Finance": "fiona",
    "Human Resources": "hana",
    "Community Development": "carl",
    "Fire": "felix",
    "City Clerk": "clara",
    "Parks and Recreation": "parker",
}

USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Avery Admin", "Digital Service", ((Role.ADMIN, ""),)),
    *(
        DemoUser(user, f"{user.title()} ({dept})", dept, ((Role.REQUESTER, ""),))
        for dept, user in REQUESTERS.items()
    ),
    DemoUser("tess", "Tess Tran (technology)", "Digital Service", ((Role.REVIEWER, "technology"),)),
    DemoUser("sam", "Sam Osei (security)", "Digital Service", ((Role.REVIEWER, "security"),)),
    DemoUser(
        "alex", "Alex Kim (accessibility)", "Digital Service", ((Role.REVIEWER, "accessibility"),)
    ),
    DemoUser("priya", "Priya Nair (privacy)", "City Attorney", ((Role.REVIEWER, "privacy"),)),
    DemoUser(
        "olga", "Olga Ruiz (open source)", "Digital Service", ((Role.REVIEWER, "open_source"),)
    ),
    DemoUser("aiden", "Aiden Park (AI)", "Digital Service", ((Role.REVIEWER, "ai"),)),
    DemoUser("paul", "Paul Mendes (procurement)", "Finance", ((Role.REVIEWER, "procurement"),)),
    DemoUser(
        "iso",
        "Ines Soto (Information Security Officer)",
        "Digital Service",
        ((Role.WAIVER_AUTHORITY, "security"),),
    ),
    DemoUser(
        "ada",
        "Adam Diaz (ADA Coordinator)",
        "City Manager",
        ((Role.WAIVER_AUTHORITY, "accessibility"),),
    ),
    DemoUser(
        "counsel",
        "Corinne Li (privacy counsel)",
        "City Attorney",
        ((Role.WAIVER_AUTHORITY, "privacy"),),
    ),
    DemoUser(
        "director",
        "Dr. Morgan Hale (Director of Digital Service)",
        "Digital Service",
        tuple(
            (Role.WAIVER_AUTHORITY, d)
            for d in ("general", "data", "open_source", "ai", "technology", "procurement")
        ),
    ),
    DemoUser("cara", "Cara Jones (contract approver)", "City Manager", ((Role.APPROVER, ""),)),
)


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_file(EXAMPLES / name)
    return data


def _without_contract(record: dict[str, Any]) -> dict[str, Any]:
    return {"proposal": record["proposal"]}


def seed(services: Services, *, password: str | None = None) -> dict[str, str]:
    """Create the demo users and requests; returns each username's password."""
    if accounts.user_count(services):
        raise Refused("the database already has users; demonstration data needs an empty one")
    passwords: dict[str, str] = {}
    for user in USERS:
        secret = password or secrets.token_urlsafe(12)
        accounts.create_user(
            services,
            None,
            username=user.username,
            display_name=user.name,
            email=f"{user.username}@city.example.gov",
            department=user.department,
            password=secret,
        )
        for role, domain in user.grants:
            accounts.grant(services, None, user.username, role, domain)
        passwords[user.username] = secret
    _requests(services)
    return passwords


def _sign_all(services: Services, proposal_id: int, required: list[str]) -> None:
    reviewer = {d: u.username for u in USERS for r, d in u.grants if r is Role.REVIEWER}
    for domain in required:
        if domain in SIGNOFF_DOMAINS:
            signoffs.sign_off(services, reviewer[domain], proposal_id, domain, note="Reviewed.")


def _parks_draft(services: Services, today: dt.date) -> None:
    """Parks: a draft not yet submitted, with an early-consultation meeting asked for."""
    parks = proposals.create_draft(services, "parker", _load("parks-crew-task-board.yaml"))
    consultations.request(
        services,
        "parker",
        parks.proposal.id,
        day=today + dt.timedelta(days=7),
        start=dt.time(10, 0),
        note="Which quotes do we need, and does the crew app need an ACR?",
    )


def _submit(services: Services, by: str, proposal_id: int) -> ProposalView:
    """Submit, then read the request as its page shows it (its findings decide what follows)."""
    return proposals.get(services, by, proposals.submit(services, by, proposal_id).id)


def _requests(services: Services) -> None:
    today = services.today()
    # Library room booking: approved with a condition on its one major finding.
    library = proposals.create_draft(services, "dana", _load("library-room-booking.yaml"))
    lib = _submit(services, "dana", library.proposal.id)
    for finding in lib.findings:
        if finding["severity"] == "major":
            approval_conditions.add(
                services,
                "alex" if finding["domain"] == "accessibility" else "cara",
                lib.id,
                finding["rule_id"],
                subject=finding["subject"],
                text="Vendor fixes reflow at 320 CSS pixels; verified by the ADA Coordinator.",
                owner="Roomly Inc. / Library IT",
                due_date=today.replace(year=today.year + 1),
            )
    _sign_all(services, lib.id, lib.required_signoffs)
    decisions.decide(services, "cara", lib.id, "approve_with_conditions", reason="Conditions set.")

    # Police ALPR: in review, security has asked for changes.
    police = proposals.create_draft(services, "pat", _load("police-alpr.yaml"))
    pol = _submit(services, "pat", police.proposal.id)
    signoffs.sign_off(services, "tess", pol.id, "technology", note="Architecture is acceptable.")
    reviews.comment(
        services,
        "priya",
        pol.id,
        "A surveillance impact report is required first.",
        domain="privacy",
    )

    # Human Resources AI screening: changes requested by the AI reviewer.
    hr = proposals.create_draft(services, "hana", _load("hr-ai-resume-screening.yaml"))
    hr_view = _submit(services, "hana", hr.proposal.id)
    reviews.request_changes(
        services,
        "aiden",
        hr_view.id,
        domain="ai",
        reason="Provide the algorithmic impact assessment and the human review procedure (AI-2).",
    )

    # Community Development permitting portal: submitted, waiting for reviewers.
    permit = proposals.create_draft(
        services, "carl", _load("community-development-permitting.yaml")
    )
    proposals.submit(services, "carl", permit.proposal.id)

    _parks_draft(services, today)

    # Fire records renewal: in review, with a waiver from the Information Security Officer.
    fire = proposals.create_draft(services, "felix", _load("fire-records-renewal.yaml"))
    fire_view = _submit(services, "felix", fire.proposal.id)
    single_sign_on = [f for f in fire_view.findings if f["rule_id"] == "SEC-002-single-sign-on"]
    if single_sign_on:
        waivers.grant(
            services,
            "iso",
            fire_view.id,
            "SEC-002-single-sign-on",
            justification="Records system is reached only from the station network.",
            compensating_controls="Network segmentation; quarterly access review.",
            expires_on=today.replace(month=1, day=31, year=today.year + 1),
        )

    # City Clerk: approved, then the contract submitted and in contract review.
    clerk_record = _load("clerk-public-records-portal.yaml")
    clerk = proposals.create_draft(services, "clara", _without_contract(clerk_record))
    clerk_view = _submit(services, "clara", clerk.proposal.id)
    _sign_all(services, clerk_view.id, clerk_view.required_signoffs)
    outcome = "approve" if clerk_view.disposition == "clear" else "approve_with_conditions"
    if outcome == "approve":
        decisions.decide(services, "cara", clerk_view.id, outcome)
        proposals.submit_contract(services, "clara", clerk_view.id, clerk_record)


def _roles(user: DemoUser) -> str:
    domains: dict[str, list[str]] = {}
    for role, domain in user.grants:
        domains.setdefault(role.value.replace("_", " "), []).append(domain.replace("_", " "))
    return "; ".join(
        f"{role} ({', '.join(found)})" if any(found) else role for role, found in domains.items()
    )


def accounts_table(passwords: dict[str, str]) -> str:
    """The demonstration accounts as a table: who to sign in as to try each role."""
    rows = [("Username", "Password", "Department", "Name", "Roles")]
    rows += [
        (u.username, passwords.get(u.username, "?"), u.department or "", u.name, _roles(u))
        for u in USERS
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "Demonstration accounts:\n\n" + "\n".join(lines) + "\n"


def seed_once(svc: Services, *, out: TextIO | None = None) -> None:
    """Seed an empty database and print the accounts (kept in ``demo-accounts.txt``, 0600)."""
    with svc.db.session() as session:
        users = session.scalar(select(func.count()).select_from(User)) or 0
    if users:
        return
    passwords = seed(svc)
    text = accounts_table(passwords)
    note = data_dir() / "demo-accounts.txt"
    note.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    stream = out or sys.stdout
    stream.write("\n" + text + f"(also written to {note})\n\n")
    stream.flush()


def prepare(svc: Services, *, demo: bool) -> list[str]:
    """What an application start does about accounts: seed the demonstration data when asked
    for (REVIEW_DEMO=1) into an empty database, never otherwise; and, while no account
    exists, the lines that tell the operator how to create the first admin."""
    if demo:
        seed_once(svc)
        return []
    hint = accounts.first_admin_hint(svc)
    return hint.splitlines() if hint else []
