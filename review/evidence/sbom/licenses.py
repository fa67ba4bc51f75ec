"""License texts to SPDX expressions and OSS-3 classes, cached per distinct text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ...core.license_names import spdx_for
from ...core.spdx import LicenseVerdict, _spdx, classify
from ...core.standards import Licenses
from .common import _DEPRECATED_RE, _DEPRECATED_WITH, _NOT_ASSERTED, SbomComponent

# --- licenses --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    license: str | None
    verdict: LicenseVerdict
    read_as: str | None = None  # the SPDX id a license name or URL was read as


class _Licenser:
    """License texts to (license, class, problem), cached per distinct text and combination."""

    def __init__(self, licenses: Licenses) -> None:
        self.licenses = licenses
        self._single: dict[str, tuple[str, LicenseVerdict, bool]] = {}
        self.mapped: dict[str, str] = {}  # license name or URL -> the SPDX id it was read as
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
            mapped = None if valid else spdx_for(text)
            if mapped is not None:
                # a license name or URL the standards' table reads as an SPDX id: the
                # vendor's words are kept and judged as that id (review.core.license_names)
                self.mapped[text] = mapped
                known = self._single[text] = (text, classify(mapped, self.licenses), True)
                return known
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
            known = _Resolved(kept, verdict, self.mapped.get(parts[0]))
        else:
            ones = [self._one(p) for p in parts]
            if all(valid for _, _, valid in ones):
                ids = [self.mapped.get(kept, kept) for kept, _, _ in ones]
                combined = " AND ".join(f"({i})" for i in ids)
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
        if self.mapped:
            shown = ", ".join(f"{t!r} as {i}" for t, i in list(self.mapped.items())[:5])
            more = f" and {len(self.mapped) - 5} more" if len(self.mapped) > 5 else ""
            warnings.append(
                f"{len(self.mapped)} license name(s) or URL(s) are not SPDX ids and were read "
                f"through standards/license_names.yaml: {shown}{more}"
            )
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
        license_read_as=resolved.read_as,
    )
