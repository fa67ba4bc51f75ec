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
