"""The seal: a signed statement of what the packet is and the exact bytes of every part.

A packet's seal is one part of its package (``_review/packet-seal.json``). It holds a
*statement* (the packet id, the request, the decision and who took it, the content digest,
the signing key's fingerprint, and the SHA-256 of every other part of the package, by
name), the statement's digest (the *package digest*) and the Ed25519 signature of that
digest. Because every part is listed, nothing can be added, removed or changed anywhere in
the file (body, hidden text, text boxes, headers, footers, comments, styles, properties)
without the verifier finding it; the seal part itself must be exactly the canonical JSON of
its own values. The seal is referenced from the package's relationships with a type Word
and LibreOffice do not know, so they ignore it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import FileProblem

SEAL_PART = "_review/packet-seal.json"
SEAL_TYPE = "application/vnd.city-tech-review.packet-seal+json"
SEAL_REL = "urn:city-tech-review:relationship:packet-seal"
SEAL_FORMAT = "city-tech-review/packet-seal/v2"
SEAL_CONTEXT = b"city-tech-review packet seal v2\n"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Statement(_Strict):
    """What the key signs (through its digest)."""

    format: str
    packet_id: str
    proposal: str
    title: str
    draft: bool
    decision: str | None
    approver: str | None
    decided_at: str | None  # ISO 8601, UTC
    dated: str
    content_digest: str
    key: str  # the signing key's fingerprint
    verify_at: str
    parts: list[tuple[str, str]]  # (part name, SHA-256 hex), sorted by name


class Seal(_Strict):
    statement: Statement
    digest: str  # SHA-256 of the statement's canonical JSON: the package digest
    signature: str  # Ed25519 over SEAL_CONTEXT + digest, base64


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def statement_digest(statement: Statement) -> str:
    return hashlib.sha256(_canonical(statement.model_dump(mode="json"))).hexdigest()


def seal_bytes(seal: Seal) -> bytes:
    return _canonical(seal.model_dump(mode="json")) + b"\n"


def part_digests(entries: dict[str, bytes]) -> list[tuple[str, str]]:
    return sorted(
        (name, hashlib.sha256(body).hexdigest())
        for name, body in entries.items()
        if name != SEAL_PART
    )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("a key is repeated")
    return dict(pairs)


def parse_seal(raw: bytes) -> Seal:
    """The seal part, refused (FileProblem) unless it is exactly the canonical form of a seal."""
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
        if isinstance(value, dict) and isinstance(value.get("statement"), dict):
            parts = value["statement"].get("parts")
            if isinstance(parts, list):  # JSON has no tuples
                value["statement"]["parts"] = [
                    tuple(p) if isinstance(p, list) else p for p in parts
                ]
        seal = Seal.model_validate(value)
    except (UnicodeDecodeError, ValueError, ValidationError, RecursionError) as exc:
        raise FileProblem(
            f"the packet's seal cannot be read ({str(exc).splitlines()[0]})"
        ) from None
    if seal_bytes(seal) != raw:
        raise FileProblem("the packet's seal is not in its canonical form")
    return seal


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def add_references(entries: dict[str, bytes]) -> None:
    """Declare the seal part's content type and relate it to the package (before digests)."""
    types = etree.fromstring(entries["[Content_Types].xml"], parser=_PARSER)
    name = f"/{SEAL_PART}"
    if not any(o.get("PartName") == name for o in types):
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", name)
        override.set("ContentType", SEAL_TYPE)
        entries["[Content_Types].xml"] = etree.tostring(
            types, xml_declaration=True, encoding="UTF-8", standalone=True
        )
    rels = etree.fromstring(entries["_rels/.rels"], parser=_PARSER)
    if not any(r.get("Type") == SEAL_REL for r in rels):
        taken = {r.get("Id") for r in rels}
        number = 1
        while f"rId{number}" in taken:
            number += 1
        rel = etree.SubElement(rels, f"{{{REL_NS}}}Relationship")
        rel.set("Id", f"rId{number}")
        rel.set("Type", SEAL_REL)
        rel.set("Target", SEAL_PART)
        entries["_rels/.rels"] = etree.tostring(
            rels, xml_declaration=True, encoding="UTF-8", standalone=True
        )
