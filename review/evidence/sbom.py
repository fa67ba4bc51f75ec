"""Software bills of materials (CycloneDX and SPDX JSON) read into the intake's ``open_source``.

``parse_sbom(data, filename=...)`` accepts the bytes of an attached SBOM and returns an
``SbomResult``: the document's format, spec version, name and tool, every component with its
license expression classified by ``review.core.spdx.classify`` (OSS-3), the services of a SaaSBOM,
counts per license class and warnings. ``SbomResult.to_open_source_section()`` is the
``open_source`` mapping of the intake form (docs: shared/spec/intake.md).

Formats
    CycloneDX JSON 1.2-1.6 (``bomFormat`` / ``specVersion``; a newer 1.x is read with a
    warning), SPDX 2.2/2.3 JSON (``spdxVersion``; other 2.x with a warning) and SPDX 3.0
    JSON-LD (``@context`` / ``@graph``). XML and SPDX tag-value are refused with a message
    asking for JSON; nothing in a document is ever executed or fetched.

Safety
    The size limit (``MAX_BYTES``) is checked before anything is decoded; the text must be
    UTF-8 (a UTF-8 byte-order mark is accepted); JSON is parsed by the standard library with
    repeated keys refused; ``MAX_CONTAINERS`` bounds the objects and arrays a document may
    hold (counted on the raw bytes before parsing) and ``MAX_DEPTH`` how deeply they nest;
    ``MAX_ITEMS`` bounds components plus services. Every refusal is a ``FileProblem`` whose
    message names the file and the problem.

Where licenses come from (decisions)
    * CycloneDX: ``licenses[].expression``, ``licenses[].license.id``, and
      ``licenses[].license.name``. A name that is a valid SPDX expression or id (Proton's
      ``(MIT OR GPL-3.0)``) is used as one; any other name (``GNU Lesser General Public
      License``) is kept as written and classed ``unknown``. A license with neither id nor
      name keeps its ``url`` as text. When entries carry ``acknowledgement`` (1.6), the
      ``concluded`` ones are preferred. ``evidence.licenses`` is a fallback when a component
      has no ``licenses``.
    * Several license entries on one CycloneDX component are combined with AND. The
      specification does not say what a list means (CycloneDX/specification#349, still open);
      AND is the reading that never understates obligations (OSS-3 judges AND by its worst
      part). Maven's dual licenses (``CDDL-1.1`` + ``GPL-2.0-with-classpath-exception``) are
      therefore judged by the stricter one; a warning says how many components this touched
      so the reviewer can confirm a choice of license with the vendor.
    * SPDX 2: ``licenseConcluded`` unless it is NOASSERTION or NONE, then ``licenseDeclared``,
      then ``licenseInfoFromFiles`` (asserted entries combined with AND). When none is
      asserted the raw value (``NOASSERTION``/``NONE``) is kept and flagged, never dropped.
    * SPDX 3: ``hasConcludedLicense`` then ``hasDeclaredLicense`` relationships, the target
      read from its ``simplelicensing_licenseExpression`` or from a listed-license IRI.
    * Deprecated SPDX ids that fold an exception into the id (``GPL-2.0-with-classpath-
      exception``) are rewritten to their SPDX replacement (``GPL-2.0-only WITH
      Classpath-exception-2.0``) before classification; the license-expression index knows
      them only as exception symbols, which OSS-3 would otherwise leave ``unclassified``.
    * ``license`` is the normalised expression when the text is a valid SPDX expression
      (LicenseRef- references count as valid), otherwise the original text.

What is a component (decisions)
    * The described product is not one of its own components: CycloneDX
      ``metadata.component`` and the SPDX packages the document DESCRIBES (``documentDescribes``
      or a DESCRIBES relationship; SPDX 3 ``rootElement``) are reported in ``described``.
      This is done only when the document also lists other packages; a document whose every
      package is described keeps them all as components.
    * Nested CycloneDX components (and those of ``metadata.component``) are flattened in
      document order. SaaSBOM services (nested ones flattened) are reported in ``services``,
      never as components. SPDX files and snippets are not components.
    * ``components`` keeps every entry as the document lists it (counts match the document);
      ``to_open_source_section()`` drops exact repeats of (name, version, license), which
      syft emits once per location, so one problem gives one finding.
    * A component's name is the document's ``name`` (CycloneDX ``group`` is kept separately);
      the purl, when present, identifies it exactly.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..core.spdx import LicenseVerdict, _spdx, classify
from ..core.standards import Licenses, load_standards
from ..errors import FileProblem

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
        seen: set[tuple[str, str | None, str | None]] = set()
        components: list[dict[str, str]] = []
        for c in self.components:
            key = (c.name, c.version, c.license)
            if key in seen:
                continue
            seen.add(key)
            entry = {"name": c.name, "version": c.version, "license": c.license}
            components.append({k: v for k, v in entry.items() if v is not None})
        return {"sbom_provided": True, "components": components}


def parse_sbom(data: bytes, *, filename: str, licenses: Licenses | None = None) -> SbomResult:
    """Read a CycloneDX or SPDX JSON SBOM; ``licenses`` defaults to the bundled standards."""
    doc = _load_json(data, filename)
    licenser = _Licenser(licenses if licenses is not None else _default_licenses())
    if not isinstance(doc, dict):
        raise FileProblem(
            f"{filename}: the JSON is a {_kind(doc)}, not an SBOM; expected a CycloneDX or "
            "SPDX document (an object)"
        )
    if "bomFormat" in doc or ("specVersion" in doc and "components" in doc):
        result = _cyclonedx(doc, filename, licenser)
    elif "spdxVersion" in doc:
        result = _spdx2(doc, filename, licenser)
    elif "@graph" in doc or "@context" in doc:
        result = _spdx3(doc, filename, licenser)
    else:
        keys = ", ".join(sorted(str(k) for k in doc)[:6]) or "none"
        raise FileProblem(
            f"{filename}: JSON but not an SBOM (no bomFormat, spdxVersion or @graph; top-level "
            f"keys: {keys}); expected CycloneDX or SPDX JSON"
        )
    if len(result.components) + len(result.services) > MAX_ITEMS:
        raise FileProblem(
            f"{filename}: {len(result.components) + len(result.services):,} components and "
            f"services; the limit is {MAX_ITEMS:,}"
        )
    result.license_counts = dict(Counter(c.license_class for c in result.components))
    unlicensed = sum(
        1 for c in result.components if c.license is None or c.license.lower() in _NOT_ASSERTED
    )
    if unlicensed:
        result.warnings.append(
            f"{unlicensed} component(s) carry no license (missing, NOASSERTION or NONE); "
            "they are kept and classed unknown"
        )
    licenser.summarise(result.warnings)
    return result


@lru_cache(maxsize=1)
def _default_licenses() -> Licenses:
    return load_standards().licenses


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


# --- licenses --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    license: str | None
    verdict: LicenseVerdict


class _Licenser:
    """License texts to (license, class, problem), cached per distinct text and combination."""

    def __init__(self, licenses: Licenses) -> None:
        self.licenses = licenses
        self._single: dict[str, tuple[str, LicenseVerdict, bool]] = {}
        self._combined: dict[tuple[str, ...], _Resolved] = {}
        self.combined_count = 0
        self.free_text: Counter[str] = Counter()

    def _one(self, text: str) -> tuple[str, LicenseVerdict, bool]:
        """(text to keep, verdict, is a valid SPDX expression) for one license text."""
        known = self._single.get(text)
        if known is None:
            rewritten = _DEPRECATED_RE.sub(lambda m: f"({_DEPRECATED_WITH[m[1].lower()]})", text)
            verdict = classify(rewritten, self.licenses)
            valid = verdict.normalized is not None and _valid_spdx(rewritten)
            kept = verdict.normalized if valid and verdict.normalized else text
            if not valid and verdict.problem is None:
                verdict = _with_problem(
                    verdict,
                    f"{text!r} is not an SPDX expression; the license index reads it as "
                    f"{verdict.normalized}",
                )
            known = self._single[text] = (kept, verdict, valid)
        return known

    def resolve(self, parts: list[str]) -> _Resolved:
        """One component's license texts, combined with AND when there are several."""
        key = tuple(parts)
        known = self._combined.get(key)
        if known is not None:
            self._count(parts, known)
            return known
        if not parts:
            known = _Resolved(None, classify(None, self.licenses))
        elif len(parts) == 1:
            kept, verdict, _ = self._one(parts[0])
            known = _Resolved(kept, verdict)
        else:
            ones = [self._one(p) for p in parts]
            if all(valid for _, _, valid in ones):
                combined = " AND ".join(f"({kept})" for kept, _, _ in ones)
                kept, verdict, _ = self._one(combined)
                known = _Resolved(kept, verdict)
            else:
                worst = max((v for _, v, _ in ones), key=lambda v: v.rank)
                problem = next((v.problem for _, v, _ in ones if v.problem), worst.problem)
                text = " AND ".join(f"({kept})" if " " in kept else kept for kept, _, _ in ones)
                known = _Resolved(text, _with_problem(worst, problem))
        self._combined[key] = known
        self._count(parts, known)
        return known

    def _count(self, parts: list[str], resolved: _Resolved) -> None:
        if len(parts) > 1:
            self.combined_count += 1
        for part in parts:
            _, _, valid = self._one(part)
            if not valid and part.lower() not in _NOT_ASSERTED:
                self.free_text[part] += 1

    def summarise(self, warnings: list[str]) -> None:
        if self.combined_count:
            warnings.append(
                f"{self.combined_count} component(s) list several licenses; they were combined "
                "with AND (the stricter reading); confirm with the vendor whether a choice "
                "(OR) was meant"
            )
        if self.free_text:
            shown = ", ".join(repr(t) for t, _ in self.free_text.most_common(5))
            more = f" and {len(self.free_text) - 5} more" if len(self.free_text) > 5 else ""
            warnings.append(
                f"{len(self.free_text)} license text(s) are not SPDX expressions and were kept as "
                f"written, classed unknown: {shown}{more}"
            )


def _with_problem(verdict: LicenseVerdict, problem: str | None) -> LicenseVerdict:
    return LicenseVerdict(
        verdict.license_class,
        verdict.rank,
        verdict.strong_copyleft,
        verdict.network_copyleft,
        problem,
        None,
    )


_TOKEN = re.compile(r"[^\s()]+")
_OPERATORS = frozenset({"and", "or", "with"})


@lru_cache(maxsize=1)
def _spdx_ids() -> frozenset[str]:
    """SPDX ids and exceptions (current and deprecated), lower case.

    The license index also knows names that are not SPDX ids (``GPL``, ``GPL 2.0``,
    ``LicenseRef-scancode-...``); a text using them is kept as written.
    """
    ids: set[str] = set()
    for symbol in _spdx().known_symbols.values():
        key = str(symbol.key)
        if not key.startswith("LicenseRef-"):
            ids.add(key.lower())
        for alias in getattr(symbol, "aliases", ()):
            if "-" in alias and " " not in alias and not alias.startswith("LicenseRef-"):
                ids.add(alias.lower())
    return frozenset(ids)


@lru_cache(maxsize=8192)
def _valid_spdx(text: str) -> bool:
    """True when the text parses and every word is an operator, an SPDX id or exception, or a
    LicenseRef-/DocumentRef- reference the index leaves as it is."""
    if text.strip().lower() in _NOT_ASSERTED:
        return False
    licensing = _spdx()
    try:
        if licensing.parse(text, validate=False) is None:
            return False
    except Exception:  # the library raises several error types
        return False
    ids = _spdx_ids()
    for token in _TOKEN.findall(text):
        lowered = token.lower()
        if lowered in _OPERATORS:
            continue
        if token.startswith(("LicenseRef-", "DocumentRef-")):
            symbol = licensing.known_symbols_lowercase.get(lowered)
            if symbol is not None and str(symbol.key).lower() != lowered:
                return False  # the index would rename a local reference to a listed license
            continue
        if lowered not in ids:
            return False
    return True


def _component(
    name: str,
    version: str | None,
    resolved: _Resolved,
    purl: str | None,
    group: str | None = None,
) -> SbomComponent:
    return SbomComponent(
        name=name,
        version=version,
        license=resolved.license,
        license_class=resolved.verdict.license_class,
        problem=resolved.verdict.problem,
        purl=purl,
        group=group,
    )


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
