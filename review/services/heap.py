"""Long batch jobs (re-evaluation, the daily sweep, digests) and the garbage collector."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # runs inside left_alone now, in any thread: the heap is frozen while it is > 0


@contextmanager
def left_alone() -> Iterator[None]:
    """Keep the objects that existed before the run (the rule book, the standards, compiled
    schemas, modules) out of the garbage collector's full collections until it ends: each
    batch leaves enough objects behind to trigger one every few batches, and each rescanned
    the whole heap (about a tenth of a run of 1,000, bench/workflow.py; of a sweep of 2,000,
    bench/sweep.py). Objects are only exempt from collection for the run's duration; the
    run's own garbage is collected as usual.

    Nestable (the sweep composes digests, which leave the heap alone by themselves too): only
    the outermost run freezes and unfreezes, so an inner one ending never thaws the heap while
    the outer one still runs, and two runs in different threads share one freeze."""
    global _depth
    with _lock:
        _depth += 1
        if _depth == 1:
            gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


_paused = 0  # batches inside collected_after now, in any thread: collection waits while > 0
_was_enabled = True  # whether the collector ran before the outermost batch paused it


@contextmanager
def collected_after() -> Iterator[None]:
    """Hold the collector off while one batch runs, then collect what the batch left: a batch
    keeps its records, evaluations and rows alive until it writes, and with the collector on
    every few hundred allocations rescanned them (validating a batch's records held together
    cost twice as much as one at a time). Memory stays bounded by one batch; the collection
    at the end frees its cycles. Nestable and shared between threads like ``left_alone``."""
    global _paused, _was_enabled
    with _lock:
        _paused += 1
        if _paused == 1:
            _was_enabled = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
                gc.collect(1)
