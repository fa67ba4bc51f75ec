"""``review packet``: build, preview and verify approval packets; show the signing key.

Exit codes of ``review packet verify``: 0 valid, 10 altered, 11 signed by a key this
deployment does not trust, 12 a DRAFT preview (sealed, unchanged), 2 not a packet.
Other commands follow ``review``'s codes (0 done, 2 refused or bad input).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from . import common
from .common import As, ProposalId

EXIT_VALID = 0
EXIT_ALTERED = 10
EXIT_UNKNOWN_KEY = 11
EXIT_DRAFT = 12
EXIT_INPUT = 2
# what a sealed statement from an unknown key could carry to a terminal: escape sequences
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

app = typer.Typer(
    help="Signed-off approval packets (Word documents) and their verification.",
    no_args_is_help=True,
)

Output = Annotated[Path, typer.Option("--output", "-o", help="Where to write the .docx.")]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.partial")
    temp.write_bytes(data)
    temp.replace(path)


@app.command("build")
def build(
    proposal_id: ProposalId,
    output: Output,
    user: As = None,
    draft_ok: Annotated[
        bool, typer.Option("--draft-ok", help="Write a DRAFT preview if it is not decided yet.")
    ] = False,
) -> None:
    """Issue (or re-issue) the signed approval packet of a decided request."""
    from ..packet import issue_packet

    by, number = common.who(user), common.pid(proposal_id)
    with common.services() as services:
        built = issue_packet(services, by, number, draft_ok=draft_ok)
    _write(output, built.data)
    if built.draft:
        sys.stdout.write(
            f"DRAFT preview {built.packet_id} written to {output} (a draft, not an approval)\n"
        )
        return
    state = "issued" if built.newly_issued else "already issued; same packet"
    sys.stdout.write(
        f"packet {built.packet_id} {state}: {output}\n"
        f"digest {built.digest}\nsigned by {built.fingerprint}\n"
    )


@app.command("preview")
def preview(proposal_id: ProposalId, output: Output, user: As = None) -> None:
    """Write a DRAFT preview (marked on every page; nothing is issued or recorded)."""
    from ..packet import preview_packet

    by, number = common.who(user), common.pid(proposal_id)
    with common.services() as services:
        built = preview_packet(services, by, number)
    _write(output, built.data)
    sys.stdout.write(f"DRAFT preview {built.packet_id} written to {output}\n")


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="A packet (.docx).")],
) -> None:
    """Check a packet: valid (0), altered (10), unknown key (11), DRAFT preview (12)."""
    from ..errors import FileProblem
    from ..packet import Outcome, verify_packet

    try:
        data = file.read_bytes()
    except OSError as exc:
        sys.stderr.write(f"review: cannot read {file}: {exc.strerror}\n")
        raise typer.Exit(EXIT_INPUT) from None
    try:
        result = verify_packet(data, filename=str(file))
    except FileProblem as exc:
        sys.stderr.write(f"review: {file}: {exc}\n")
        raise typer.Exit(EXIT_INPUT) from None
    codes = {
        Outcome.VALID: EXIT_VALID,
        Outcome.ALTERED: EXIT_ALTERED,
        Outcome.UNKNOWN_KEY: EXIT_UNKNOWN_KEY,
        Outcome.DRAFT: EXIT_DRAFT,
    }
    sys.stdout.write(_report(file, result))
    raise typer.Exit(codes[result.outcome])


def _report(file: Path, result: Any) -> str:
    """What ``verify`` prints: the verdict, what the seal says, what changed."""
    lines = [f"{result.outcome.value}: {file}", result.message]
    lines += [f"{name}: {value}" for name, value in result.facts()]
    lines += [f"changed: {problem}" for problem in result.problems]
    return "".join(_CONTROL.sub("\ufffd", line) + "\n" for line in lines)


@app.command("key")
def key(
    pem: Annotated[bool, typer.Option("--pem/--no-pem", help="Print the public key PEM.")] = True,
) -> None:
    """The deployment's packet-signing public key (created on first use) and trusted keys."""
    from ..packet.keys import signing_key, trusted_keys

    current = signing_key()
    sys.stdout.write(f"fingerprint {current.fingerprint}\nprivate key {current.path}\n")
    others = [f for f in trusted_keys() if f != current.fingerprint]
    for fingerprint in others:
        sys.stdout.write(f"also trusted {fingerprint}\n")
    if pem:
        sys.stdout.write(current.public_pem)
