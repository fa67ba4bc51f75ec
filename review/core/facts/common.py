"""What every fact builder shares: the evaluation's inputs, and small value helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..derived import Derived, age_in_months
from ..records import AcquisitionType, ProcurementMethod, Submission
from ..standards import Standards
from .kinds import Fact

# a builder hands each fact to ``add``: its kind and values, and its id when it is an item
Add = Callable[..., None]


@dataclass(frozen=True)
class Inputs:
    """One evaluation's inputs, as every builder reads them."""

    submission: Submission
    d: Derived
    std: Standards

    @property
    def p(self) -> Any:
        return self.submission.proposal

    @property
    def stage(self) -> str:
        return self.d.stage

    @property
    def types(self) -> set[Any]:
        return set(self.p.data_types)

    @property
    def custom(self) -> bool:
        return bool(self.p.acquisition_type == AcquisitionType.CUSTOM_DEVELOPMENT)

    @property
    def acq(self) -> str | None:
        return self.p.acquisition_type.value if self.p.acquisition_type else None

    @property
    def hosting(self) -> str | None:
        return self.p.hosting.value if self.p.hosting else None


def _join(values: Any) -> str | None:
    # every enum of the records is a StrEnum, whose str() is its value
    items = list(map(str, values))
    return ", ".join(items) if items else None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _values(cls: type[Fact], **values: Any) -> tuple[type[Fact], dict[str, Any]]:
    """A fact's fields with unanswered (None) ones left out."""
    return cls, {k: v for k, v in values.items() if v is not None}


def _tls(value: Any) -> float | None:
    if value is None:
        return None
    return 0.0 if value.value == "none" else float(value.value)


def _age(day: Any, d: Derived) -> int | None:
    return None if day is None else age_in_months(day, d.as_of)


def _required_method(tcv: float, std: Standards) -> str:
    required = std.procurement.thresholds[0].requires
    for threshold in sorted(std.procurement.thresholds, key=lambda t: t.tcv_from):
        if tcv >= threshold.tcv_from:
            required = threshold.requires
    return required.value


def _method_rank(method: str, std: Standards) -> int:
    """Cooperative agreements satisfy any threshold; a sole source does when justified
    (PROC-2 judges the justification), so both rank above every threshold."""
    proc = std.procurement
    names = {m.value for m in proc.methods_satisfying_any_threshold} | {
        m.value for m in proc.methods_satisfying_when_justified
    }
    top = max(proc.method_rank.values()) + 1
    if method in names:
        return top
    return proc.method_rank.get(ProcurementMethod(method), 0)


def _same_law(written: str, required: str) -> bool:
    text = written.strip().lower()
    want = required.strip().lower()
    return text == want or text in (f"state of {want}", f"{want} law", f"laws of {want}")
