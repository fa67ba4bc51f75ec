"""From a file (or a mapping) to a validated Submission, or a message naming the field.

Every problem becomes a :class:`~review.errors.FieldProblem` whose path is the dotted key
path in the file (``proposal.integrations[1].method``) and whose text says what was found and
what was expected, so the CLI and the UI can show one clear line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from ..evidence.attach import AttachmentReport

from ..errors import FieldProblem, FileProblem, RecordInvalid
from .records import Submission
from .safeyaml import DEFAULT_MAX_BYTES, load_file

MAX_INTAKE_BYTES = DEFAULT_MAX_BYTES


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the last key of ``loc`` (to list its allowed fields)."""
    model: Any = Submission
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_FIXED = {
    "string_too_short": "must not be empty",
    "string_unicode": "contains a lone surrogate; it is not valid Unicode text",
}


def describe(error: dict[str, Any]) -> FieldProblem:
    loc = tuple(error["loc"])
    kind = error["type"]
    path = _format_loc(loc)
    value = error.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc)
        allowed = ", ".join(model.model_fields) if model else ""
        hint = f" (allowed here: {allowed})" if allowed else ""
        return FieldProblem(path, f"unknown field{hint}")
    if kind == "missing":
        return FieldProblem(path, "required field is missing")
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return FieldProblem(path, f"{_show(value)} is not allowed; expected one of {expected}")
    if kind in ("bool_type", "bool_parsing"):
        return FieldProblem(path, f"expected true or false, got {_show(value)}")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return FieldProblem(path, f"expected a whole number, got {_show(value)}")
    if kind in ("list_type",):
        return FieldProblem(path, f"expected a list, got {_show(value)}")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return FieldProblem(path, f"expected a mapping of fields, got {_show(value)}")
    if kind in ("string_type",):
        return FieldProblem(path, f"expected text, got {_show(value)}")
    if kind in _FIXED:
        return FieldProblem(path, _FIXED[kind])
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return FieldProblem(path, f"{_show(value)} does not have the expected form ({pattern})")
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        if "email" in message.lower() or path.endswith("email"):
            return FieldProblem(path, f"{_show(value)} is not a valid email address ({message})")
        return FieldProblem(path, message)
    return FieldProblem(path, f"{error['msg']} (got {_show(value)})")


def submission_from_data(data: Any, *, source: str = "record") -> Submission:
    """Validate an already-parsed mapping; raise RecordInvalid naming every bad field."""
    if data is None:
        raise FileProblem(f"{source}: file is empty")
    if not isinstance(data, dict):
        raise RecordInvalid(
            [FieldProblem("", f"{source}: expected a mapping with 'proposal:' at the top level")]
        )
    try:
        return Submission.model_validate(data)
    except ValidationError as exc:
        # unknown keys first: a misspelt key usually explains the "missing" errors after it
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        problems = [describe(dict(e)) for e in errors]
        raise RecordInvalid(problems) from None
    except RecursionError:
        raise FileProblem(f"{source}: nesting is too deep") from None


def load_submission(path: Path, *, max_bytes: int = MAX_INTAKE_BYTES) -> Submission:
    """Read, parse and validate an intake file (YAML or JSON)."""
    data = load_file(path, max_bytes=max_bytes, what="intake file")
    return submission_from_data(data, source=str(path))


def load_with_attachments(
    path: Path, *, max_bytes: int = MAX_INTAKE_BYTES
) -> tuple[Submission, list[AttachmentReport]]:
    """An intake file with its ACR and SBOM attachments read in (relative to the file).

    A bad attachment is reported, not fatal; the record itself must still be valid.
    """
    from ..evidence.attach import apply_attachments  # parsers load only when needed

    data = load_file(path, max_bytes=max_bytes, what="intake file")
    data, reports = apply_attachments(data, path.resolve().parent)
    return submission_from_data(data, source=str(path)), reports
