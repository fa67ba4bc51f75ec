"""``review publish``: the public registers and the review metrics as open data (GEN-10)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import common


def publish(
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="The directory to write (replaced whole).")
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Publish as of this day (default today)."),
    ] = None,
) -> None:
    """Write each register and the review metrics as CSV and JSON, a Table Schema per file and
    a DCAT-US 1.1 data.json. The same records give byte-identical files."""
    from ..services.open_data import publish as run_publish

    day = common.date(as_of, "--as-of") if as_of is not None else None
    with common.services() as services:
        names = run_publish(services, out, day)
    common.line(f"published {len(names)} files to {out}")
