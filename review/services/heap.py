"""Long batch jobs (re-evaluation, the daily sweep) and the garbage collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def left_alone() -> Iterator[None]:
    """Keep the objects that existed before the run (the rule book, the standards, compiled
    schemas, modules) out of the garbage collector's full collections until it ends: each
    batch leaves enough objects behind to trigger one every few batches, and each rescanned
    the whole heap (about a tenth of a run of 1,000, bench/workflow.py; of a sweep of 2,000,
    bench/sweep.py). Objects are only exempt from collection for the run's duration; the
    run's own garbage is collected as usual."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
