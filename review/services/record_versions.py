"""Record versions: validation for drafts and submissions, hashing and differences."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..core.loading import submission_from_data
from ..core.records import Submission
from ..errors import FieldProblem, RecordInvalid
from ..store.storable import clean_data
from .audit import canonical


def record_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(record).encode()).hexdigest()


def validate_for_submit(record: dict[str, Any]) -> Submission:
    """A submitted record must be complete and valid."""
    return submission_from_data(record, source="record")


def validate_draft(record: Any) -> tuple[dict[str, Any], list[FieldProblem]]:
    """A draft may be incomplete (missing answers) but never wrong: a bad value is refused.

    Returns the record (as plain JSON data) and the missing required fields still to fill in.
    """
    if isinstance(record, dict):
        record = clean_data(json.loads(canonical(record)))  # dates become ISO text
    try:
        submission_from_data(record, source="draft")
        return record, []
    except RecordInvalid as exc:
        wrong = [p for p in exc.problems if p.problem != "required field is missing"]
        if wrong:
            raise RecordInvalid(wrong) from None
        return record, exc.problems


def normalised(submission: Submission) -> dict[str, Any]:
    """The stored form of a valid record: JSON types, unanswered fields left out."""
    data: dict[str, Any] = clean_data(
        submission.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    )
    return data


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Dotted paths whose value differs (lists compared whole)."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    _flatten(before, "", a)
    _flatten(after, "", b)
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
