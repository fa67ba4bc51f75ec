"""One error hierarchy for the whole engine.

    ReviewError                 anything the engine refuses, with a message for a person
    ├── InputError              a record or file a user supplied is not acceptable
    │   ├── FileProblem         unreadable, empty, too large, not UTF-8, unsafe YAML
    │   └── RecordInvalid       parsed, but a field is wrong (carries every field problem)
    ├── ConfigurationError      standards or rules data is inconsistent (a policy owner's error)
    │   ├── StandardsError
    │   ├── RuleError
    │   └── DatabaseNotReady    the database is missing, unreachable or not migrated
    ├── EngineError             the rules engine misbehaved; never shown as a silent result
    └── WorkflowError           a review action the workflow refuses
        ├── NotFound            no such proposal, user, waiver, ...
        ├── PermissionDenied    the actor's roles do not allow it (GEN-4, GEN-5)
        ├── InvalidTransition   not allowed in the record's state (GEN-6)
        ├── StaleUpdate         changed since the caller loaded it (optimistic locking)
        └── Refused             allowed in principle, refused for this case (e.g. non-waivable)
            └── SignInPaused    too many failed sign-ins: this account or address must wait

Library code raises; only the CLI and the UI decide exit codes and what the user sees.
Messages name the value, what was expected and, where it helps, the allowed values.
"""

from __future__ import annotations

from dataclasses import dataclass


class ReviewError(Exception):
    """Base of every error the engine raises on purpose."""


class InputError(ReviewError):
    """A file or record supplied by a user cannot be accepted as it is."""


class FileProblem(InputError):
    """The file itself is unusable (size, encoding, syntax, unsafe constructs)."""


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field, addressed by its dotted path (``proposal.cost.annual``)."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


class RecordInvalid(InputError):
    """The record parsed but does not satisfy the intake schema."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:3]) or "record is not valid"
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(shown + more)


class ConfigurationError(ReviewError):
    """Standards or rules data is inconsistent; a policy owner must fix the data."""


class StandardsError(ConfigurationError):
    """The standards file does not match its schema."""


class RuleError(ConfigurationError):
    """A rule definition is malformed, duplicated or cites an unknown section."""


class EngineError(ReviewError):
    """The rules engine returned an error code or behaved unexpectedly."""


class DatabaseNotReady(ConfigurationError):
    """The database is missing, unreachable or not at the current migration."""


class WorkflowError(ReviewError):
    """A review action the workflow refuses; the message says why and what is allowed."""


class NotFound(WorkflowError):
    """No such proposal, user, waiver, condition or sign-off."""


class PermissionDenied(WorkflowError):
    """The acting user's roles do not permit the action."""


class InvalidTransition(WorkflowError):
    """The action is not allowed in the record's current state."""


class StaleUpdate(WorkflowError):
    """The record changed since the caller loaded it; reload and try again."""


class Refused(WorkflowError):
    """The action is allowed in principle but refused here (a non-waivable finding, say)."""


class SignInPaused(Refused):
    """Too many failed sign-ins for the account or the client address; wait or ask an admin."""
