"""Attachments named in an intake file: vendor evidence that fills in the form.

An attached ACR fills the ``accessibility`` answers and an attached SBOM the
``open_source`` components. Answers the requester gave explicitly win: the attachment
fills only what is unanswered, and every disagreement is reported. A bad attachment (missing,
too large, unreadable) is reported and skipped; it never loses the rest of the proposal.
"""

from __future__ import annotations

import copy
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..core.safeyaml import read_limited
from ..errors import FileProblem

Status = Literal["applied", "listed", "failed"]
READ_KINDS = {"acr": "accessibility", "sbom": "open_source", "questionnaire": "proposal"}


@dataclass(frozen=True)
class AttachmentReport:
    kind: str
    path: str
    status: Status
    message: str
    filled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "status": self.status,
            "message": self.message,
            "filled": self.filled,
            "kept": self.kept,
            "warnings": self.warnings,
        }


def extract(kind: str, data: bytes, filename: str) -> tuple[dict[str, Any], list[str]]:
    """The intake section an attachment supports, and the parser's warnings."""
    # the parsers (python-docx, the SPDX tables) load only when a record attaches a document
    if kind == "acr":
        from .acr import parse_acr

        acr = parse_acr(data, filename=filename)
        warnings = list(acr.warnings)
        if acr.is_template:
            warnings.insert(0, "the ACR looks like an unfilled template")
        if acr.is_draft:
            warnings.insert(0, "the ACR is marked or looks like a draft")
        return acr.to_accessibility_section(), warnings
    if kind == "sbom":
        from .sbom import parse_sbom

        sbom = parse_sbom(data, filename=filename)
        return sbom.to_open_source_section(), list(sbom.warnings)
    if kind == "questionnaire":
        from .questionnaire import parse_questionnaire

        result = parse_questionnaire(data, filename=filename)
        notes = [f"finding: {f}" for f in result.findings] + result.warnings
        notes += [f"not mapped: {n}" for n in result.not_mapped]
        return result.to_proposal(), notes
    raise FileProblem(f"{filename}: attachments of kind {kind!r} are stored, not read")


def read_file(kind: str, path: Path) -> bytes:
    from .acr import MAX_BYTES as ACR_MAX_BYTES
    from .sbom import MAX_BYTES as SBOM_MAX_BYTES

    limit = ACR_MAX_BYTES if kind == "acr" else SBOM_MAX_BYTES
    if kind == "questionnaire":
        from .questionnaire import MAX_BYTES as limit
    return read_limited(path, max_bytes=limit, what="attachment")


def confined(where: str, base_dir: Path) -> Path:
    """An attachment's path, only inside the intake file's directory: relative, no ``..``,
    no link out of it, and a regular file (a FIFO or device would block or never end, so
    it is refused by its type, before anything opens it)."""
    given = Path(where)
    if given.is_absolute() or where.startswith("~"):
        raise FileProblem(f"{where}: give the path relative to the intake file's folder")
    if ".." in given.parts:
        raise FileProblem(f"{where}: '..' is not allowed; keep attachments beside the intake file")
    base = base_dir.resolve()
    path = (base / given).resolve()
    if not path.is_relative_to(base):
        raise FileProblem(f"{where}: leads outside the intake file's folder")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FileProblem(f"{where}: no such attachment") from None
    except OSError as exc:
        raise FileProblem(f"{where}: cannot read attachment ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise FileProblem(f"{where}: not a regular file (a folder, pipe or device is refused)")
    return path


def merge(section: dict[str, Any], found: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Fill unanswered fields of ``section`` from ``found``; returns (filled, kept).

    ``acr_provided`` / ``sbom_provided`` become true whatever the form said: the attached
    document is the evidence.
    """
    filled: list[str] = []
    kept: list[str] = []
    for key, value in found.items():
        current = section.get(key)
        if key.endswith("_provided") and value is True and current is not True:
            section[key] = True  # the attachment is the proof that it was provided
            filled.append(key)
        elif current in (None, [], ""):
            section[key] = value
            filled.append(key)
        elif current != value:
            kept.append(key)
    return filled, kept


def apply_attachments(data: Any, base_dir: Path) -> tuple[Any, list[AttachmentReport]]:
    """Read the ACR and SBOM attachments of a parsed intake file into a copy of it."""
    if not isinstance(data, dict) or not isinstance(data.get("proposal"), dict):
        return data, []
    attachments = data["proposal"].get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return data, []
    result = copy.deepcopy(data)
    proposal = result["proposal"]
    reports: list[AttachmentReport] = []
    for entry in attachments:
        if not isinstance(entry, dict):
            continue  # the record's own validation names the bad entry
        kind, where = entry.get("kind"), entry.get("path")
        if not isinstance(kind, str) or not isinstance(where, str):
            continue
        if kind not in READ_KINDS:
            reports.append(AttachmentReport(kind, where, "listed", "kept with the proposal"))
            continue
        try:
            path = confined(where, base_dir)
            found, warnings = extract(kind, read_file(kind, path), path.name)
        except FileProblem as exc:
            reports.append(AttachmentReport(kind, where, "failed", str(exc)))
            continue
        if kind == "questionnaire":
            filled, kept = _merge_proposal(proposal, found)
            message = f"filled {', '.join(filled) or 'nothing new'}"
            if kept:
                message += f"; kept the form's answers for {', '.join(kept)}"
            reports.append(
                AttachmentReport(kind, where, "applied", message, filled, kept, warnings)
            )
            continue
        section_name = READ_KINDS[kind]
        section = proposal.get(section_name)
        if not isinstance(section, dict):
            section = proposal[section_name] = {}
        filled, kept = merge(section, found)
        message = f"filled {section_name}: {', '.join(filled) or 'nothing new'}"
        if kept:
            message += f"; kept the form's answers for {', '.join(kept)}"
        reports.append(AttachmentReport(kind, where, "applied", message, filled, kept, warnings))
    return result, reports


def _merge_proposal(proposal: dict[str, Any], found: dict[str, Any]) -> tuple[list[str], list[str]]:
    """A questionnaire's answers across sections: the form's own answers win, as elsewhere."""
    filled: list[str] = []
    kept: list[str] = []
    for key, value in found.items():
        current = proposal.get(key)
        if isinstance(value, dict):
            section = current if isinstance(current, dict) else proposal.setdefault(key, {})
            if not isinstance(section, dict):
                continue
            done, held = merge(section, value)
            filled += [f"{key}.{k}" for k in done]
            kept += [f"{key}.{k}" for k in held]
        elif current in (None, [], ""):
            proposal[key] = value
            filled.append(key)
        elif current != value:
            kept.append(key)
    return filled, kept
