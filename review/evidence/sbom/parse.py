"""The entry point: choose the reader by the document's keys."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from ...core.standards import Licenses, load_standards
from ...errors import FileProblem
from .common import _NOT_ASSERTED, MAX_ITEMS, SbomResult, _kind, _load_json
from .cyclonedx import _cyclonedx
from .licenses import _Licenser
from .spdx import _spdx2, _spdx3


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
