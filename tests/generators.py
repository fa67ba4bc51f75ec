"""The intake form as a hypothesis strategy: the differential tests' generated records.

The form itself is described once, in ``bench/workloads.py`` (the benchmarks' workloads come
from the same description); this module only draws its choices through hypothesis, so a
failing record shrinks to a small one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from bench.workloads import submission

T = TypeVar("T")


class HypothesisSource:
    """Choices drawn through hypothesis; every choice shrinks towards 'absent' / the first."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def pick(self, options: Sequence[T]) -> T:
        index: int = self.draw(st.integers(0, len(options) - 1))
        return options[index]

    def coin(self, p: float = 0.5) -> bool:
        # shrinks to 0, which is False: a failing record loses optional parts while shrinking
        threshold = round(100 * (1 - p))
        return bool(self.draw(st.integers(0, 99)) >= threshold)

    def integer(self, lo: int, hi: int) -> int:
        return int(self.draw(st.integers(lo, hi)))

    def real(self, lo: float, hi: float) -> float:
        return float(self.draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False)))

    def text(self, alphabet: str, min_size: int, max_size: int) -> str:
        return str(self.draw(st.text(alphabet, min_size=min_size, max_size=max_size)))


@st.composite
def _submissions(draw: Callable[[st.SearchStrategy[Any]], Any]) -> dict[str, Any]:
    return submission(HypothesisSource(draw))


def submissions() -> st.SearchStrategy[dict[str, Any]]:
    """Valid Submission dicts across the whole intake form (hypothesis; shrinks)."""
    return _submissions()
