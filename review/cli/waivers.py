"""Waivers (exceptions, GEN-5): ``review waive`` grants one; ``review waivers`` lists,
reports lapsed ones and revokes."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer

from .. import logs
from . import common, proposal_tables
from .common import As, ExpectVersion, Fmt, Format, ProposalId, RuleId, Subject

if TYPE_CHECKING:
    from ..services.views import WaiverView

app = typer.Typer(help="Waivers (exceptions, GEN-5): list, expire, revoke.", no_args_is_help=True)


def waive(
    proposal_id: ProposalId,
    rule_id: RuleId,
    justification: Annotated[str, typer.Option("--justification")],
    controls: Annotated[str, typer.Option("--controls", help="Compensating controls.")],
    expires: Annotated[str, typer.Option("--expires", metavar="DATE", help="At most 12 months.")],
    subject: Subject = None,
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Waive a finding (the domain's waiver authority; never a non-waivable finding)."""
    from ..services import waivers

    by = common.who(user)
    expires_on = common.date(expires, "--expires")
    with common.services() as services:
        view = waivers.grant(
            services,
            by,
            common.pid(proposal_id),
            rule_id,
            subject=subject,
            justification=justification,
            compensating_controls=controls,
            expires_on=expires_on,
            expected_version=expect_version,
        )
    common.done(view, f"waived {rule_id}", format)


@app.command("list")
def waivers_list(
    proposal_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only this proposal.")
    ] = None,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """Waivers on one request, or on every request you can see."""
    from ..services import proposals

    by = common.who(user)
    found: list[tuple[str, WaiverView]] = []
    with common.services() as services:
        if proposal_id is not None:
            ids = [common.pid(proposal_id)]
        else:
            ids = [s.id for s in proposals.list_proposals(services, by, limit=100_000)]
        for pid in sorted(ids):
            view = proposals.get(services, by, pid)
            found.extend((view.ref, w) for w in view.waivers)
    if format is Format.json:
        common.emit_json([{"proposal": ref, **dataclasses.asdict(w)} for ref, w in found])
        return
    proposal_tables.waivers_table("Waivers", found)


@app.command("expire")
def waivers_expire(user: As = None, format: Fmt = Format.table) -> None:
    """Report waivers that have lapsed: their findings are open again.

    Each lapse is recorded in the audit log once. --as is optional: without it a scheduled
    job acts as "system".
    """
    from ..services import waivers

    with common.services() as services:
        lapsed = waivers.expire_report(services, user.strip() if user else None)
    fresh = sum(1 for e in lapsed if e.newly_reported)
    logs.log.info("waiver sweep: %d lapsed, %d newly reported", len(lapsed), fresh)
    if format is Format.json:
        common.emit_json(
            [
                {"proposal": e.proposal, "newly_reported": e.newly_reported}
                | dataclasses.asdict(e.waiver)
                for e in lapsed
            ]
        )
        return
    if not lapsed:
        common.line("no waiver has lapsed")
        return
    rows = [
        (
            e.proposal,
            f"#{e.waiver.id}",
            e.waiver.finding_key,
            str(e.waiver.expires_on),
            "new" if e.newly_reported else "reported before",
        )
        for e in lapsed
    ]
    common.table(
        "Lapsed waivers: their findings are open again",
        ("Proposal", "Waiver", "Finding", "Expired", "Report"),
        rows,
    )


@app.command("revoke")
def waivers_revoke(
    proposal_id: ProposalId,
    waiver_id: Annotated[int, typer.Argument(metavar="WAIVER_ID")],
    reason: Annotated[str, typer.Option("--reason")],
    user: As = None,
    expect_version: ExpectVersion = None,
    format: Fmt = Format.table,
) -> None:
    """Revoke a waiver; its finding is open again."""
    from ..services import waivers

    by = common.who(user)
    with common.services() as services:
        view = waivers.revoke(
            services,
            by,
            common.pid(proposal_id),
            waiver_id,
            reason=reason,
            expected_version=expect_version,
        )
    common.done(view, f"revoked waiver #{waiver_id}", format)
