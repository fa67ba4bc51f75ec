"""The facts of one evaluation: one builder per fact kind, run in the order findings use."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..derived import Derived
from ..records import Submission
from ..standards import Standards
from . import contract, items, section
from .common import Inputs
from .kinds import FACT_KINDS, Fact

# the order facts are built in is the order findings on the same rule and severity keep
BUILDERS = (
    section.general,
    section.data,
    section.security,
    items.platform,
    section.accessibility,
    items.criterion,
    section.open_source,
    items.component,
    items.integration,
    section.privacy,
    items.data_type,
    section.ai,
    section.technology,
    section.procurement,
    contract.contract,
)


@dataclass(frozen=True)
class FactSet:
    """The facts of one evaluation, by kind, each a plain dict (what both engines see)."""

    by_kind: dict[str, list[dict[str, Any]]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for facts in self.by_kind.values():
            yield from facts

    def with_tier(self, tier: int) -> FactSet:
        """The phase-two facts: each fact learns the tier phase one decided.

        Sets it in place: a FactSet belongs to one evaluation, and phase one has finished
        with the facts before this is called.
        """
        for facts in self.by_kind.values():
            for fact in facts:
                fact["tier"] = tier
        return self


def build_facts(
    submission: Submission, derived: Derived, standards: Standards, *, check: bool = False
) -> FactSet:
    """All facts for one evaluation. Pure: the same inputs give the same facts.

    Facts are plain dicts built without model validation (the hot path of every
    evaluation); ``check=True`` validates each against its fact model, as the tests do.
    """
    facts: dict[str, list[dict[str, Any]]] = {kind: [] for kind in FACT_KINDS}

    def add(made: tuple[type[Fact], dict[str, Any]], ident: str | None = None) -> None:
        cls, values = made
        if check:
            cls.model_validate(values)  # tests run with check=True: builders match schemas
        values["kind"] = cls.kind
        values["id"] = ident or cls.kind
        facts[cls.kind].append(values)

    inputs = Inputs(submission, derived, standards)
    for builder in BUILDERS:
        builder(inputs, add)
    return FactSet({k: v for k, v in facts.items() if v})
