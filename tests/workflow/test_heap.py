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


def test_a_batch_holds_the_collector_off_and_collects_its_cycles_after() -> None:
    """While a batch runs the collector waits (nested batches too); when the outermost ends
    it runs again and the batch's reference cycles are freed."""
    import weakref

    class Node:
        pass

    assert gc.isenabled()
    with heap.collected_after():
        assert not gc.isenabled()
        with heap.collected_after():
            a, b = Node(), Node()
            a.other, b.other = b, a  # type: ignore[attr-defined]
            gone = weakref.ref(a)
            del a, b
        assert not gc.isenabled()  # the inner batch did not start the collector again
        assert gone() is not None  # a cycle waits for the collection
    assert gc.isenabled()
    assert gone() is None


def test_a_failed_batch_starts_the_collector_again_unless_it_was_off() -> None:
    with pytest.raises(RuntimeError), heap.collected_after():
        raise RuntimeError("the batch failed")
    assert gc.isenabled()
    gc.disable()  # a process that runs without the collector keeps it off
    try:
        with heap.collected_after():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
