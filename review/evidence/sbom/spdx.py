"""SPDX 2.2/2.3 JSON and SPDX 3.0 JSON-LD documents."""

from __future__ import annotations

import json
import re
from typing import Any

from ...errors import FileProblem
from .common import (
    _NOT_ASSERTED,
    SPDX2_VERSIONS,
    SbomComponent,
    SbomResult,
    _dicts,
    _strings,
    _text,
)
from .licenses import _component, _Licenser

# --- SPDX 2 ----------------------------------------------------------------------------------


def _spdx2(doc: dict[str, Any], filename: str, licenser: _Licenser) -> SbomResult:
    spec = _text(doc.get("spdxVersion"))
    if spec is None or not re.fullmatch(r"SPDX-2\.\d+", spec):
        raise FileProblem(
            f"{filename}: spdxVersion {doc.get('spdxVersion')!r} is not supported; expected "
            f"{' or '.join(SPDX2_VERSIONS)} (SPDX 3 is read as JSON-LD)"
        )
    warnings: list[str] = []
    if spec not in SPDX2_VERSIONS:
        warnings.append(f"{spec} is not {' or '.join(SPDX2_VERSIONS)}; read with the 2.3 fields")
    packages = _dicts(doc.get("packages"))
    document_id = _text(doc.get("SPDXID")) or "SPDXRef-DOCUMENT"
    described_ids = set(_strings(doc.get("documentDescribes")))
    for rel in _dicts(doc.get("relationships")):
        kind = rel.get("relationshipType")
        if kind == "DESCRIBES" and rel.get("spdxElementId") == document_id:
            described_ids.update(_strings(rel.get("relatedSpdxElement")))
        elif kind == "DESCRIBED_BY" and rel.get("relatedSpdxElement") == document_id:
            described_ids.update(_strings(rel.get("spdxElementId")))
    others = [p for p in packages if p.get("SPDXID") not in described_ids]
    if not others:  # every package is the product: nothing else to call a component
        described_ids = set()
        others = packages
    described: list[SbomComponent] = []
    components: list[SbomComponent] = []
    skipped = 0
    for package in packages:
        made = _spdx2_package(package, licenser)
        if made is None:
            skipped += 1
        elif package.get("SPDXID") in described_ids:
            described.append(made)
        else:
            components.append(made)
    if skipped:
        warnings.append(f"{skipped} package(s) without a name were skipped")
    if not components:
        warnings.append("the document lists no packages")
    creation = doc.get("creationInfo") if isinstance(doc.get("creationInfo"), dict) else {}
    assert isinstance(creation, dict)
    tools = [c[5:].strip() for c in _strings(creation.get("creators")) if c.startswith("Tool:")]
    return SbomResult(
        filename=filename,
        format="SPDX",
        spec_version=spec,
        document_name=_text(doc.get("name")),
        tool="; ".join(tools) or None,
        described=described,
        components=components,
        warnings=warnings,
    )


def _asserted(text: str | None) -> bool:
    return text is not None and text.lower() not in _NOT_ASSERTED


def _spdx2_package(package: dict[str, Any], licenser: _Licenser) -> SbomComponent | None:
    name = _text(package.get("name"))
    if name is None:
        return None
    concluded = _text(package.get("licenseConcluded"))
    declared = _text(package.get("licenseDeclared"))
    from_files = [t for t in _strings(package.get("licenseInfoFromFiles")) if _asserted(t)]
    if _asserted(concluded):
        parts = [concluded or ""]
    elif _asserted(declared):
        parts = [declared or ""]
    elif from_files:
        parts = list(dict.fromkeys(from_files))
    else:  # nothing asserted: keep what the document says (NOASSERTION, NONE) to flag it
        raw = (
            concluded or declared or next(iter(_strings(package.get("licenseInfoFromFiles"))), None)
        )
        parts = [raw] if raw else []
    purl = next(
        (
            _text(ref.get("referenceLocator"))
            for ref in _dicts(package.get("externalRefs"))
            if ref.get("referenceType") == "purl"
        ),
        None,
    )
    return _component(name, _text(package.get("versionInfo")), licenser.resolve(parts), purl)


# --- SPDX 3 (JSON-LD) ------------------------------------------------------------------------

_SPDX3_PACKAGES = {"software_Package", "ai_AIPackage", "dataset_DatasetPackage"}


def _spdx3(doc: dict[str, Any], filename: str, licenser: _Licenser) -> SbomResult:
    context = json.dumps(doc.get("@context"))
    graph = doc.get("@graph")
    if "spdx" not in context.lower() or not isinstance(graph, list):
        raise FileProblem(
            f"{filename}: JSON-LD but not an SPDX 3 document (expected an SPDX @context and an "
            "@graph list)"
        )
    elements = _dicts(graph)
    by_id = {e["spdxId"]: e for e in elements if isinstance(e.get("spdxId"), str)}
    spec = next(
        (
            _text(e.get("specVersion"))
            for e in elements
            if e.get("type") == "CreationInfo" and _text(e.get("specVersion"))
        ),
        None,
    )
    if spec is None or not spec.startswith("3."):
        raise FileProblem(f"{filename}: SPDX JSON-LD without a 3.x specVersion in CreationInfo")
    document = next((e for e in elements if e.get("type") == "SpdxDocument"), {})
    roots: set[str] = set()
    for element in elements:
        if element.get("type") in ("SpdxDocument", "software_Sbom"):
            roots.update(_strings(element.get("rootElement")))
    licensed: dict[str, dict[str, list[str]]] = {}
    for rel in elements:
        kind = rel.get("relationshipType")
        if kind in ("hasConcludedLicense", "hasDeclaredLicense") and isinstance(
            rel.get("from"), str
        ):
            targets = [_spdx3_license(t, by_id) for t in _strings(rel.get("to"))]
            licensed.setdefault(rel["from"], {}).setdefault(kind, []).extend(targets)
    packages = [e for e in elements if e.get("type") in _SPDX3_PACKAGES]
    if all(p.get("spdxId") in roots for p in packages):
        roots = set()
    described: list[SbomComponent] = []
    components: list[SbomComponent] = []
    for package in packages:
        name = _text(package.get("name"))
        if name is None:
            continue
        found = licensed.get(str(package.get("spdxId")), {})
        concluded = [t for t in found.get("hasConcludedLicense", []) if _asserted(t)]
        declared = [t for t in found.get("hasDeclaredLicense", []) if _asserted(t)]
        parts = (
            concluded
            or declared
            or (found.get("hasConcludedLicense", []) + found.get("hasDeclaredLicense", []))[:1]
        )
        made = _component(
            name,
            _text(package.get("software_packageVersion")),
            licenser.resolve(list(dict.fromkeys(parts))),
            _text(package.get("software_packageUrl")),
        )
        (described if package.get("spdxId") in roots else components).append(made)
    tools = [
        _text(by_id.get(t, {}).get("name")) or t
        for e in elements
        if e.get("type") == "CreationInfo"
        for t in _strings(e.get("createdUsing"))
    ]
    warnings = [] if components else ["the document lists no packages"]
    return SbomResult(
        filename=filename,
        format="SPDX",
        spec_version=spec,
        document_name=_text(document.get("name")),
        tool="; ".join(tools) or None,
        described=described,
        components=components,
        warnings=warnings,
    )


def _spdx3_license(target: str, by_id: dict[str, dict[str, Any]]) -> str:
    element = by_id.get(target)
    if element is not None:
        expression = _text(element.get("simplelicensing_licenseExpression"))
        if expression:
            return expression
    tail = target.rstrip("/").rsplit("/", 1)[-1]
    if tail in ("NoAssertionLicense", "NoneLicense"):
        return "NOASSERTION" if tail == "NoAssertionLicense" else "NONE"
    if target.startswith(("https://spdx.org/licenses/", "http://spdx.org/licenses/")):
        return tail
    return target
