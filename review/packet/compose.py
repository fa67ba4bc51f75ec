"""The packet's blocks in reading order: page 1's summary, then the full record.

The integrity section is added by the renderer, after the content it describes.
"""

from __future__ import annotations

from .content import (
    Block,
    Composition,
    PacketData,
    PageBreak,
    person,
    stage_decision,
    title_for,
)
from .sections import (
    by_domain,
    conditions_section,
    decisions_section,
    finding_numbers,
    findings_section,
    history_section,
    proposal_section,
    signoffs_section,
    waivers_section,
)
from .summary import summary
from .xml_text import clean


def compose(data: PacketData) -> Composition:
    view = data.view
    groups = by_domain(view)
    numbers = finding_numbers(groups)
    blocks: list[Block] = [*summary(data), PageBreak()]
    blocks += proposal_section(data)
    blocks += findings_section(data, groups, numbers)
    blocks += waivers_section(data, numbers, view.waivers)
    blocks += conditions_section(numbers, view.conditions)
    blocks += signoffs_section(data)
    blocks += decisions_section(data)
    blocks += history_section(data)
    decision = stage_decision(data)
    return Composition(
        blocks=blocks,
        title=clean(f"{title_for(view)} {data.packet_id}: {view.title}"),
        subject=clean(f"{view.ref} {view.department}"),
        packet_id=data.packet_id,
        dated=data.dated,
        draft=data.draft,
        decision=None if decision is None else decision.outcome,
        approver=None if decision is None else person(data, decision.approver),
        decided_at=None if decision is None else decision.at,
        proposal=view.ref,
        request_title=clean(view.title),
        verify_at=data.verify_at,
    )
