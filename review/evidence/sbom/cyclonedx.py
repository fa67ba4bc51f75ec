"""CycloneDX JSON 1.2-1.6: components (nested ones flattened), services and tools."""

from __future__ import annotations

import re
from typing import Any

from ...errors import FileProblem
from .common import (
    CYCLONEDX_VERSIONS,
    MAX_ITEMS,
    SbomComponent,
    SbomResult,
    SbomService,
    _dicts,
    _strings,
    _text,
)
from .licenses import _component, _Licenser

# --- CycloneDX -------------------------------------------------------------------------------


def _cyclonedx(doc: dict[str, Any], filename: str, licenser: _Licenser) -> SbomResult:
    fmt = doc.get("bomFormat")
    if fmt is not None and fmt != "CycloneDX":
        raise FileProblem(f"{filename}: bomFormat is {fmt!r}; expected 'CycloneDX'")
    spec = _text(doc.get("specVersion"))
    if spec is None:
        raise FileProblem(f"{filename}: CycloneDX document without specVersion")
    warnings: list[str] = []
    if spec not in CYCLONEDX_VERSIONS:
        match = re.fullmatch(r"1\.(\d+)", spec)
        if match is None or int(match[1]) < 2:
            raise FileProblem(
                f"{filename}: CycloneDX specVersion {spec!r} is not supported; expected one of "
                f"{', '.join(CYCLONEDX_VERSIONS)}"
            )
        warnings.append(
            f"CycloneDX {spec} is newer than {CYCLONEDX_VERSIONS[-1]}; read with the "
            f"{CYCLONEDX_VERSIONS[-1]} fields"
        )
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    assert isinstance(metadata, dict)
    subject = metadata.get("component")
    described: list[SbomComponent] = []
    roots: list[Any] = (
        list(doc.get("components") or []) if isinstance(doc.get("components"), list) else []
    )
    if isinstance(subject, dict):
        made = _cdx_component(subject, licenser)
        if made is not None:
            described.append(made)
        if isinstance(subject.get("components"), list):
            roots = list(subject["components"]) + roots
    components: list[SbomComponent] = []
    skipped = 0
    for item in _flatten(roots, "components"):
        made = _cdx_component(item, licenser)
        if made is None:
            skipped += 1
        else:
            components.append(made)
    if skipped:
        warnings.append(f"{skipped} component(s) without a name were skipped")
    services = [
        made
        for made in (_cdx_service(s, licenser) for s in _flatten(doc.get("services"), "services"))
        if made is not None
    ]
    if not components and not services:
        warnings.append("the document lists no components")
    return SbomResult(
        filename=filename,
        format="CycloneDX",
        spec_version=spec,
        document_name=_text(subject.get("name")) if isinstance(subject, dict) else None,
        tool=_cdx_tools(metadata.get("tools")),
        described=described,
        components=components,
        services=services,
        warnings=warnings,
    )


def _flatten(items: Any, key: str) -> list[dict[str, Any]]:
    """Nested components (or services), depth first in document order, iteratively."""
    out: list[dict[str, Any]] = []
    stack = list(reversed(_dicts(items)))
    while stack:
        item = stack.pop()
        out.append(item)
        if len(out) > MAX_ITEMS:
            break
        stack.extend(reversed(_dicts(item.get(key))))
    return out


def _cdx_component(item: dict[str, Any], licenser: _Licenser) -> SbomComponent | None:
    purl = _text(item.get("purl"))
    name = _text(item.get("name")) or purl or _text(item.get("bom-ref"))
    if name is None:
        return None
    parts = _cdx_license_parts(item.get("licenses"))
    if not parts and isinstance(item.get("evidence"), dict):
        parts = _cdx_license_parts(item["evidence"].get("licenses"))
    return _component(
        name, _text(item.get("version")), licenser.resolve(parts), purl, _text(item.get("group"))
    )


def _cdx_license_parts(entries: Any) -> list[str]:
    choices = _dicts(entries)

    def acknowledged(entry: dict[str, Any]) -> Any:
        inner = entry.get("license")
        return entry.get("acknowledgement") or (
            inner.get("acknowledgement") if isinstance(inner, dict) else None
        )

    concluded = [e for e in choices if acknowledged(e) == "concluded"]
    parts: list[str] = []
    for entry in concluded or choices:
        expression = _text(entry.get("expression"))
        if expression:
            parts.append(expression)
            continue
        inner = entry.get("license")
        if isinstance(inner, dict):
            text = _text(inner.get("id")) or _text(inner.get("name")) or _text(inner.get("url"))
            if text:
                parts.append(text)
    return list(dict.fromkeys(parts))  # the same license twice is one license


def _cdx_service(item: dict[str, Any], licenser: _Licenser) -> SbomService | None:
    name = _text(item.get("name")) or _text(item.get("bom-ref"))
    if name is None:
        return None
    provider = item.get("provider")
    authenticated = item.get("authenticated")
    crosses = item.get("x-trust-boundary")
    classifications = (_text(d.get("classification")) for d in _dicts(item.get("data")))
    parts = _cdx_license_parts(item.get("licenses"))
    return SbomService(
        name=name,
        version=_text(item.get("version")),
        group=_text(item.get("group")),
        provider=_text(provider.get("name")) if isinstance(provider, dict) else None,
        endpoints=tuple(_strings(item.get("endpoints"))),
        authenticated=authenticated if isinstance(authenticated, bool) else None,
        crosses_trust_boundary=crosses if isinstance(crosses, bool) else None,
        data_classifications=tuple(dict.fromkeys(t for t in classifications if t)),
        license=licenser.resolve(parts).license if parts else None,
    )


def _cdx_tools(tools: Any) -> str | None:
    """1.2-1.4: a list of tools; 1.5+: ``{components: [...], services: [...]}``."""
    if isinstance(tools, dict):
        tools = _dicts(tools.get("components")) + _dicts(tools.get("services"))
    names = []
    for tool in _dicts(tools):
        vendor = tool.get("vendor") or tool.get("group")
        if isinstance(vendor, dict):  # 1.5 services carry a provider object
            vendor = vendor.get("name")
        name, vendor_text = _text(tool.get("name")), _text(vendor)
        if name and vendor_text and name.lower().startswith(vendor_text.lower()):
            vendor_text = None  # "CycloneDX" + "CycloneDX Maven plugin"
        words = [vendor_text, name, _text(tool.get("version"))]
        label = " ".join(w for w in words if w)
        if label:
            names.append(label)
    return "; ".join(dict.fromkeys(names)) or None
