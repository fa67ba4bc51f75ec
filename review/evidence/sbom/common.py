"""What every SBOM reader shares: limits, results, and reading the JSON bytes safely."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ...errors import FileProblem

MAX_BYTES = 25_000_000
"""The largest SBOM accepted (25 MB); Keycloak's 903 components take 2.2 MB."""
MAX_DEPTH = 64
"""Deepest nesting of JSON objects and arrays; real SBOMs stay under 15."""
MAX_CONTAINERS = 2_000_000
"""Most JSON objects and arrays in one document (Keycloak has about 17,600)."""
MAX_ITEMS = 50_000
"""Most components plus services; the intake form accepts 50,000 components."""

CYCLONEDX_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6")
SPDX2_VERSIONS = ("SPDX-2.2", "SPDX-2.3")

_NOT_ASSERTED = frozenset({"noassertion", "none"})

# Deprecated SPDX ids with an exception folded in, and their replacements on the SPDX list.
_DEPRECATED_WITH = {
    "gpl-2.0-with-autoconf-exception": "GPL-2.0-only WITH Autoconf-exception-2.0",
    "gpl-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
    "gpl-2.0-with-font-exception": "GPL-2.0-only WITH Font-exception-2.0",
    "gpl-2.0-with-gcc-exception": "GPL-2.0-only WITH GCC-exception-2.0",
    "gpl-3.0-with-autoconf-exception": "GPL-3.0-only WITH Autoconf-exception-3.0",
    "gpl-3.0-with-gcc-exception": "GPL-3.0-only WITH GCC-exception-3.1",
}
_DEPRECATED_RE = re.compile(
    r"(?<![\w.+-])(" + "|".join(re.escape(k) for k in _DEPRECATED_WITH) + r")(?![\w.+-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SbomComponent:
    """One component: ``license`` is the normalised expression, or the text as written."""

    name: str
    version: str | None
    license: str | None
    license_class: str
    problem: str | None
    purl: str | None = None
    group: str | None = None
    license_read_as: str | None = None  # the SPDX id a license name or URL was read as

    @property
    def full_name(self) -> str:
        """The name with its CycloneDX group, as the ecosystem writes it: ``@nextcloud/vue``
        (npm scope), ``org.openjfx:javafx-base`` (Maven group), ``laravel/framework``."""
        return qualified_name(self.name, self.group, self.purl)

    def identity(self) -> tuple[str, ...]:
        """What makes two entries one component: the purl, else group + name + version."""
        if self.purl:
            return ("purl", self.purl.split("?", 1)[0].split("#", 1)[0])
        return ("name", self.group or "", self.name, self.version or "")


_COLON_GROUPS = frozenset({"maven", "gradle", "sbt", "ivy"})


def qualified_name(name: str, group: str | None, purl: str | None) -> str:
    kind = purl[4:].split("/", 1)[0].lower() if purl and purl.startswith("pkg:") else ""
    if not group and purl and kind:
        group = _purl_namespace(purl)
    if not group or name.startswith(group):
        return name
    if kind in _COLON_GROUPS or (not kind and "." in group and not group.startswith("@")):
        return f"{group}:{name}"
    return f"{group}/{name}"


def _purl_namespace(purl: str) -> str | None:
    """The namespace of ``pkg:type/namespace/name@version`` (percent-decoded), if any."""
    from urllib.parse import unquote

    path = purl[4:].split("?", 1)[0].split("#", 1)[0].split("@", 1)[0]
    if path.startswith("npm/%40") or path.startswith("npm/@"):
        path = unquote(path)
    parts = path.split("/")
    return unquote("/".join(parts[1:-1])) or None if len(parts) > 2 else None


@dataclass(frozen=True)
class SbomService:
    """One service of a SaaSBOM (CycloneDX ``services``), reported apart from components."""

    name: str
    version: str | None = None
    group: str | None = None
    provider: str | None = None
    endpoints: tuple[str, ...] = ()
    authenticated: bool | None = None
    crosses_trust_boundary: bool | None = None
    data_classifications: tuple[str, ...] = ()
    license: str | None = None


@dataclass
class SbomResult:
    """What one SBOM says: identity of the document, its components and services."""

    filename: str
    format: str  # "CycloneDX" or "SPDX"
    spec_version: str
    document_name: str | None
    tool: str | None
    described: list[SbomComponent] = field(default_factory=list)
    components: list[SbomComponent] = field(default_factory=list)
    services: list[SbomService] = field(default_factory=list)
    license_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_open_source_section(self) -> dict[str, Any]:
        """The intake's ``open_source`` section: components as name, version, license."""
        seen: set[tuple[str, ...]] = set()
        components: list[dict[str, str]] = []
        for c in self.components:
            key = c.identity()
            if key in seen:
                continue
            seen.add(key)
            entry = {"name": c.full_name, "version": c.version, "license": c.license}
            components.append({k: v for k, v in entry.items() if v is not None})
        return {"sbom_provided": True, "components": components}


# --- reading the bytes -----------------------------------------------------------------------


def _load_json(data: bytes, filename: str) -> Any:
    size = len(data)
    if size > MAX_BYTES:
        raise FileProblem(
            f"{filename}: SBOM is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (25 MB)"
        )
    if not data.strip():
        raise FileProblem(f"{filename}: file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(f"{filename}: the file is UTF-16 text; save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise FileProblem(
            f"{filename}: not UTF-8 text (byte 0x{bad} at offset {exc.start}); save it as UTF-8"
        ) from None
    head = text.lstrip()
    if not head:
        raise FileProblem(f"{filename}: file is empty")
    if head.startswith("<"):
        raise FileProblem(
            f"{filename}: looks like XML; XML SBOMs are not accepted, attach the CycloneDX or "
            "SPDX document as JSON"
        )
    if head.startswith(("SPDXVersion:", "DataLicense:")):
        raise FileProblem(
            f"{filename}: SPDX tag-value format is not accepted; attach the SPDX document as JSON"
        )
    if not head.startswith(("{", "[")):
        first = head.splitlines()[0][:40]
        raise FileProblem(
            f"{filename}: not JSON (it begins {first!r}); expected a CycloneDX or SPDX JSON SBOM"
        )
    containers = data.count(b"{") + data.count(b"[")  # an upper bound: brackets in strings count
    if containers > MAX_CONTAINERS:
        raise FileProblem(
            f"{filename}: too complex ({containers:,} JSON objects and arrays; the limit is "
            f"{MAX_CONTAINERS:,})"
        )
    try:
        doc = json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise FileProblem(
            f"{filename}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise FileProblem(
            f"{filename}: JSON nesting is too deep (the limit is {MAX_DEPTH} levels)"
        ) from None
    except _Refused as exc:
        raise FileProblem(f"{filename}: {exc}") from None
    depth = _depth(doc)
    if depth > MAX_DEPTH:
        raise FileProblem(
            f"{filename}: JSON nesting is too deep (more than {MAX_DEPTH} levels of objects and "
            "arrays)"
        )
    return doc


class _Refused(ValueError):
    pass


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"key {key!r} appears twice in the same object; keep one")
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not valid JSON")


def _depth(doc: Any) -> int:
    """Deepest nesting, iteratively; stops as soon as the limit is passed."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest > MAX_DEPTH:
                break
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node if isinstance(v, dict | list))
    return deepest


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null"
    )


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    return [t for t in (_text(v) for v in value) if t] if isinstance(value, list) else []
