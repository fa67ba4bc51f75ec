"""Documents a vendor uploads through their link (issue 14), read by the evidence readers.

An upload is size-limited and read by the same safe readers as the department's attachments
(``attachments.read``: ACR, SBOM, CAIQ and HECVAT questionnaires) before anything is stored;
what it says about the vendor-facing sections is offered to the vendor's form (``fill``), and
the document is stored with the link. When the vendor submits, the documents uploaded since
their last answer are kept with that answer, so the requester sees them beside the proposed
change. A SOC 2 report and a certificate of insurance are stored, not read: no reader exists.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..errors import FileProblem, NotFound
from ..store.models import Proposal, VendorDocument, VendorLink
from . import access, attachments
from .context import Services, Tx
from .vendor_links import VendorAccess, open_link, rules, vendor_audit

# what a vendor may upload -> (how it is named to people, the reader that reads it or None)
KINDS: dict[str, tuple[str, str | None]] = {
    "acr": ("Accessibility Conformance Report (ACR)", "acr"),
    "sbom": ("Software bill of materials (SBOM)", "sbom"),
    "soc2_report": ("SOC 2 report", None),
    "caiq": ("CAIQ questionnaire (CSA)", "questionnaire"),
    "hecvat": ("HECVAT questionnaire", "questionnaire"),
    "insurance_certificate": ("Certificate of cyber insurance", None),
}
SECTION_OF = {"acr": "accessibility", "sbom": "open_source"}


@dataclass(frozen=True)
class VendorDocumentView:
    id: int
    kind: str
    filename: str
    size: int
    sha256: str
    answers: dict[str, Any]  # the vendor sections the document fills, as the form nests them
    warnings: list[str]

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind][0] if self.kind in KINDS else self.kind


def _sections(reader: str | None, found: dict[str, Any]) -> dict[str, Any]:
    """What a reader found, nested by section and kept to the vendor-facing sections."""
    if reader is None:
        return {}
    nested = found if reader == "questionnaire" else {SECTION_OF[reader]: found}
    allowed = set(rules().sections)
    return {k: copy.deepcopy(v) for k, v in nested.items() if k in allowed}


def upload(
    services: Services, token: str, kind: str, filename: str, data: bytes
) -> VendorDocumentView:
    """Read and store a vendor's document (a use of the link); refused, naming the file, when
    its kind is unknown, it is too large or it cannot be read, and then nothing is stored."""
    if kind not in KINDS:
        raise FileProblem(f"{filename}: kind {kind!r}; expected one of {', '.join(KINDS)}")
    link = open_link(services, token)
    reader = KINDS[kind][1]
    read = attachments.read(reader or "other", filename, data)  # size limit, then the reader
    answers = _sections(reader, read.answers)
    with services.transaction() as tx:
        row = VendorDocument(
            link_id=link.link_id,
            proposal_id=link.proposal_id,
            answer_id=None,
            kind=kind,
            filename=filename[:500],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            extracted={"answers": answers, "warnings": list(read.warnings)},
            uploaded_at=services.now(),
        )
        tx.session.add(row)
        tx.session.flush()
        stored = tx.session.get(VendorLink, link.link_id)
        if stored is None:
            raise NotFound(f"vendor link {link.link_id} is gone; ask for a new link")
        vendor_audit(
            tx, stored, "vendor.upload", kind=kind, filename=row.filename, sha256=row.sha256
        )
        return _view(row)


def _view(row: VendorDocument) -> VendorDocumentView:
    found = row.extracted or {}
    return VendorDocumentView(
        row.id,
        row.kind,
        row.filename,
        row.size,
        row.sha256,
        dict(found.get("answers") or {}),
        list(found.get("warnings") or []),
    )


def unsent(services: Services, link: VendorAccess) -> list[VendorDocumentView]:
    """The documents uploaded through this link that no answer carries yet."""
    with services.transaction() as tx:
        rows = tx.session.scalars(
            select(VendorDocument)
            .where(VendorDocument.link_id == link.link_id, VendorDocument.answer_id.is_(None))
            .order_by(VendorDocument.id)
        )
        return [_view(r) for r in rows]


def attach_unsent(tx: Tx, link_id: int, answer_id: int) -> list[int]:
    """Keep the link's unsent documents with the answer just submitted; returns their ids."""
    rows = list(
        tx.session.scalars(
            select(VendorDocument).where(
                VendorDocument.link_id == link_id, VendorDocument.answer_id.is_(None)
            )
        )
    )
    for row in rows:
        row.answer_id = answer_id
    return [r.id for r in rows]


def for_answer(tx: Tx, answer_id: int) -> list[VendorDocumentView]:
    rows = tx.session.scalars(
        select(VendorDocument)
        .where(VendorDocument.answer_id == answer_id)
        .order_by(VendorDocument.id)
    )
    return [_view(r) for r in rows]


def content(services: Services, by: str, document_id: int) -> tuple[str, bytes]:
    """A vendor document's file, for the requester deciding the answer it came with."""
    with services.transaction(by) as tx:
        row = tx.session.get(VendorDocument, document_id)
        proposal = tx.session.get(Proposal, row.proposal_id) if row else None
        if row is None or proposal is None or not access.can_view(tx.who, proposal):
            raise NotFound(f"no vendor document {document_id} that you can see")
        access.require_requester(tx.who, proposal, "read vendor documents of")
        return row.filename, row.content


def fill(sections: dict[str, Any], found: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Put what a document says into the vendor's form (``sections``: the vendor sections as
    the form holds them): unanswered fields are filled and lists get the entries they lack;
    an answer already given is kept (and named), so nothing typed is replaced. Returns the
    dotted fields (filled, kept)."""
    filled: list[str] = []
    kept: list[str] = []
    for name, value in found.items():
        mine = sections.get(name)
        if isinstance(value, dict) and (mine is None or isinstance(mine, dict)):
            target = sections.setdefault(name, {})
            pairs = [(target, key, item, f"{name}.{key}") for key, item in value.items()]
        else:
            pairs = [(sections, name, value, name)]
        for where, key, item, path in pairs:
            if _fill_one(where, key, item):
                filled.append(path)
            elif where.get(key) != item:
                kept.append(path)
    return filled, kept


def _fill_one(target: dict[str, Any], key: str, value: Any) -> bool:
    current = target.get(key)
    if key.endswith("_provided") and value is True and current is not True:
        target[key] = True  # the uploaded document is the proof that it was provided
        return True
    if current in (None, [], ""):
        target[key] = copy.deepcopy(value)
        return True
    if isinstance(current, list) and isinstance(value, list):
        new = [item for item in value if item not in current]
        if new:
            target[key] = [*current, *copy.deepcopy(new)]
            return True
    return False
