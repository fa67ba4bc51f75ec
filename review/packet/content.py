"""What a packet says: its blocks, the data they are made from, and the canonical content.

A packet is a list of blocks, each a paragraph (its text), a table (its rows of cell texts)
or a page break. The renderer writes exactly these texts into the Word document and the
verifier reads exactly these texts back out of it. The *content digest* is SHA-256 over the
canonical form of the words: a JSON array of ``["p", text]`` and ``["t", [[cell, ...], ...]]``
items (UTF-8, no insignificant whitespace, empty paragraphs and page breaks left out), after
a format line. The seal (:mod:`.seal`) signs that digest together with every part of the
package, so presentation is covered too; the content digest is what the footer prints and
what tells two issues of a packet apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..labels import readable, value_label
from ..services.views import ProposalView
from .xml_text import clean

FORMAT = "city-tech-review/packet/v1"
DECIDED_STATES = frozenset(
    {"approved", "approved_with_conditions", "rejected", "contract_approved", "contract_rejected"}
)
APPROVED_STATES = frozenset({"approved", "approved_with_conditions", "contract_approved"})
REJECTED_STATES = frozenset({"rejected", "contract_rejected"})


# --- blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    style: str  # a logical style name of styles.PARAGRAPH_STYLES
    text: str


@dataclass(frozen=True)
class Grid:
    rows: list[list[str]]
    widths: tuple[int, ...]  # relative column widths (the renderer widens a column whose
    # longest word would not fit, so no word is broken mid-word)
    header: bool = True  # first row is a header (repeated on every page)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> hex fill
    kind: str = "grid"  # grid | keyvalue | facts (label, value, label, value) | signature


@dataclass(frozen=True)
class PageBreak:
    """The summary is page 1 whatever follows it."""


Block = Para | Grid | PageBreak


def canonical_items(blocks: Iterable[Block]) -> list[Any]:
    items: list[Any] = []
    for block in blocks:
        if isinstance(block, Para):
            if block.text.strip():
                items.append(["p", block.text])
        elif isinstance(block, Grid):
            items.append(["t", block.rows])
    return items


def canonical_bytes(items: Sequence[Any]) -> bytes:
    body = json.dumps(list(items), ensure_ascii=False, separators=(",", ":"))
    return f"{FORMAT}\n{body}".encode()


def digest_of(items: Sequence[Any]) -> str:
    return hashlib.sha256(canonical_bytes(items)).hexdigest()


# --- the data a packet is made from ------------------------------------------------------


@dataclass(frozen=True)
class HistoryEvent:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class PacketData:
    view: ProposalView
    names: dict[str, str]  # username -> display name
    sections: dict[str, str]  # policy section id -> title
    events: list[HistoryEvent]
    packet_id: str
    draft: bool
    dated: dt.datetime
    outstanding: list[str]  # why it is only a draft
    city: str = "the City"
    council: list[str] = field(default_factory=list)  # why City Council approval applies
    verify_at: str = ""  # where a reader verifies a copy (the workspace's address), if known


@dataclass(frozen=True)
class Composition:
    blocks: list[Block]
    title: str  # the document's title ("Technology approval packet ...")
    subject: str
    packet_id: str
    dated: dt.datetime
    draft: bool
    decision: str | None = None  # the recorded outcome, e.g. approved_with_conditions
    approver: str | None = None  # who decided, as the packet names them
    decided_at: dt.datetime | None = None
    proposal: str = ""  # P-12
    request_title: str = ""
    verify_at: str = ""


def title_for(view: ProposalView) -> str:
    """The document says what it records: an approval, a rejection, or a review so far."""
    if view.state in REJECTED_STATES:
        return "Technology rejection record"
    if view.state in APPROVED_STATES:
        return "Technology approval packet"
    return "Technology review packet"


# --- how values read ------------------------------------------------------------------------


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def when(moment: dt.datetime | None) -> str:
    return "" if moment is None else utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def money(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"${value:,.2f}"
    return "not answered" if value is None else clean(value)


def show(value: Any, path: str | None = None) -> str:
    """A recorded value as a reader expects it: yes/no, labels for codes (``saas`` is
    "Software as a service"), lists joined, absent as 'not answered'."""
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(show(v, path) for v in value) if value else "none"
    if isinstance(value, dict):
        if not value:
            return "none"
        return "; ".join(f"{readable(str(k)).lower()}: {show(v)}" for k, v in value.items())
    if isinstance(value, str):
        return clean(value_label(value, path))
    return clean(value)


def person(data: PacketData, username: str) -> str:
    name = data.names.get(username)
    return clean(f"{name} ({username})" if name and name != username else username)


def brief(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word (the full text is in the later sections)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return f"{cut}\u2026"


def record_parts(view: ProposalView) -> tuple[dict[str, Any], dict[str, Any]]:
    """The proposal and contract sections of the record (empty when absent)."""
    record = view.record if isinstance(view.record, dict) else {}
    proposal = record.get("proposal")
    contract = record.get("contract")
    return (
        proposal if isinstance(proposal, dict) else {},
        contract if isinstance(contract, dict) else {},
    )


def stage_decision(data: PacketData) -> Any:
    mine = [d for d in data.view.decisions if d.stage == data.view.stage]
    return mine[-1] if mine else None
