"""``review queue``: a reviewer's requests waiting for sign-off."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Annotated

import typer

from . import common
from .common import As, Fmt, Format


class QueueSort(StrEnum):
    age = "age"
    severity = "severity"


def queue(
    domain: Annotated[
        list[str] | None, typer.Option("--domain", help="Repeatable; default: all of yours.")
    ] = None,
    sort: Annotated[QueueSort, typer.Option("--sort")] = QueueSort.age,
    limit: Annotated[int, typer.Option(min=1)] = 25,
    user: As = None,
    format: Fmt = Format.table,
) -> None:
    """Requests waiting for your sign-off, oldest (or most severe) first."""
    from ..services.queue import reviewer_queue

    by = common.who(user)
    with common.services() as services:
        items = reviewer_queue(
            services,
            by,
            domains=domain or None,
            sort="severity" if sort is QueueSort.severity else "age",
            limit=limit,
        )
    if format is Format.json:
        common.emit_json([dataclasses.asdict(i) for i in items])
        return
    columns = ("ID", "Title", "Department", "Domain", "State", "Tier", "Worst", "Waiting since")
    rows = [
        (
            i.ref,
            i.title,
            i.department,
            i.domain,
            i.state,
            common.opt(i.tier),
            i.worst_severity,
            common.when(i.waiting_since),
        )
        for i in items
    ]
    common.table(f"Review queue of {by}", columns, rows)
