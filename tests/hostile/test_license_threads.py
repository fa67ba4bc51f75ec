"""The license classifier's first use from several threads at once (issue 12).

The SPDX library builds its tokenizer lazily and publishes it half-built; before the fix,
threads racing the first parse classed ``MIT AND AGPL-3.0-or-later`` as ``unknown`` (a false
blocker). Each run is a cold process so the race is with the real first use."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import threading
from review.core.evaluate import evaluator
from review.core.spdx import classify
licenses = evaluator().standards.licenses
barrier = threading.Barrier(8)
classes = []
def run():
    barrier.wait()
    classes.append(classify("MIT AND AGPL-3.0-or-later", licenses).license_class)
threads = [threading.Thread(target=run) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(",".join(classes))
"""


def test_eight_threads_classify_right_from_a_cold_start() -> None:
    for _ in range(4):  # before the fix every run had at least one "unknown"
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
        )
        classes = done.stdout.strip().split(",")
        assert classes == ["network_copyleft"] * 8, done.stdout
