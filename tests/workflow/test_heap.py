"""Leaving the heap alone (review.services.heap) nests: only the outermost run thaws it."""

from __future__ import annotations

import gc

import pytest

from review.services import heap


def test_the_heap_stays_frozen_until_the_outermost_run_ends() -> None:
    gc.unfreeze()
    with heap.left_alone():
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with heap.left_alone():
            assert gc.get_freeze_count() == frozen  # not frozen again
        assert gc.get_freeze_count() == frozen  # the inner run did not thaw it
    assert gc.get_freeze_count() == 0


def test_a_run_that_fails_still_thaws_the_heap() -> None:
    gc.unfreeze()
    with pytest.raises(RuntimeError), heap.left_alone(), heap.left_alone():
        raise RuntimeError("the batch failed")
    assert gc.get_freeze_count() == 0
    with heap.left_alone():  # and the next run freezes again
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
