"""Vendor documents uploaded with a request: stored, read, and offered to fill the form.

Uploads are size-limited before they are read, parsed by the safe evidence readers, and
stored with what was extracted. Applying the extracted answers is the requester's choice
(the UI asks them to confirm), and happens through a normal draft save.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..errors import FileProblem, InvalidTransition
from ..evidence.attach import READ_KINDS, extract
from ..store.models import Attachment
from . import access
from .access import ref
from .context import Services
from .lifecycle import EDITABLE, State

MAX_UPLOAD = 25_000_000
KINDS = ("acr", "sbom", "soc2_report", "questionnaire", "contract", "other")


@dataclass(frozen=True)
class Extracted:
    kind: str
    filename: str
    section: str | None
    answers: dict[str, Any]
    warnings: list[str]


def read(kind: str, filename: str, data: bytes) -> Extracted:
    """Extract what an ACR or SBOM says, without storing anything (for the preview)."""
    if len(data) > MAX_UPLOAD:
        raise FileProblem(f"{filename}: {len(data):,} bytes; the limit is {MAX_UPLOAD:,} bytes")
    if kind not in READ_KINDS:
        return Extracted(kind, filename, None, {}, [])
    answers, warnings = extract(kind, data, filename)
    return Extracted(kind, filename, READ_KINDS[kind], answers, warnings)


@dataclass(frozen=True)
class AttachmentView:
    id: int
    kind: str
    filename: str
    size: int
    sha256: str
    uploaded_by: int
    extracted: dict[str, Any] | None
    # the request's row version after this upload: the uploader's next save is based on it
    proposal_version: int


def add(
    services: Services,
    by: str,
    proposal_id: int,
    *,
    kind: str,
    filename: str,
    data: bytes,
    expected_version: int | None = None,
) -> AttachmentView:
    if kind not in KINDS:
        raise FileProblem(f"{filename}: kind {kind!r}; expected one of {', '.join(KINDS)}")
    extracted = read(kind, filename, data)  # refuses bad files before anything is stored
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id, expected_version=expected_version, lock=True)
        access.require_requester(tx.who, proposal, "attach documents to")
        if State(proposal.state) not in EDITABLE:
            raise InvalidTransition(
                f"{ref(proposal)} is {proposal.state}; attach documents while editing"
            )
        row = Attachment(
            proposal_id=proposal.id,
            kind=kind,
            filename=filename[:500],
            media_type=None,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            extracted={
                "section": extracted.section,
                "answers": extracted.answers,
                "warnings": extracted.warnings,
            }
            if extracted.section
            else None,
            uploaded_by=tx.who.id,
            uploaded_at=services.now(),
        )
        tx.session.add(row)
        access.touch(tx, proposal)
        tx.session.flush()
        tx.audit(
            "attachment.add",
            "proposal",
            proposal.id,
            kind=kind,
            filename=row.filename,
            sha256=row.sha256,
        )
        return _view(row, proposal.row_version)


def _view(row: Attachment, proposal_version: int) -> AttachmentView:
    return AttachmentView(
        row.id,
        row.kind,
        row.filename,
        row.size,
        row.sha256,
        row.uploaded_by,
        row.extracted,
        proposal_version,
    )


def list_for(services: Services, by: str, proposal_id: int) -> list[AttachmentView]:
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        rows = tx.session.scalars(
            select(Attachment).where(Attachment.proposal_id == proposal.id).order_by(Attachment.id)
        )
        return [_view(r, proposal.row_version) for r in rows]


def content(services: Services, by: str, proposal_id: int, attachment_id: int) -> tuple[str, bytes]:
    with services.transaction(by) as tx:
        proposal = access.load(tx, proposal_id)
        row = tx.session.get(Attachment, attachment_id)
        if row is None or row.proposal_id != proposal.id:
            raise FileProblem(f"no attachment {attachment_id} on {ref(proposal)}")
        return row.filename, row.content
