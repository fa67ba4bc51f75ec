from __future__ import annotations

import datetime as dt

import pytest

from review.core.evaluate import Evaluator, evaluator

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="session")
def durable() -> Evaluator:
    return evaluator("durable")


@pytest.fixture(scope="session")
def reference() -> Evaluator:
    return evaluator("reference", check_facts=True)
