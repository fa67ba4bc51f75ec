from __future__ import annotations

import datetime as dt

import pytest

from review.core.evaluate import Evaluator, evaluator

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def data_directory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test its own data directory (audit key, checkpoints, signing keys), never ./data:
    a developer's checkpoints or keys there must not meet a test's database."""
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="session")
def durable() -> Evaluator:
    return evaluator("durable")


@pytest.fixture(scope="session")
def reference() -> Evaluator:
    return evaluator("reference", check_facts=True)
