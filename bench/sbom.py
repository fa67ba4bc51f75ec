"""Benchmark the SBOM import on Keycloak's CycloneDX SBOM (903 components, 2.2 MB).

    python bench/sbom.py [--runs 5] [--file PATH]

Reports the median of ``--runs`` runs against the 2 s target, two ways:

* cold: each run in a fresh Python process, timed from before ``review.evidence.sbom`` is
  imported to the finished ``SbomResult``: module imports, loading the standards, building
  the SPDX license index, reading, parsing and classifying every component;
* warm: repeated in this process once the standards and license index are loaded (what a
  long-running service pays per upload; the per-document caches are rebuilt every run).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT = ROOT / "tests" / "data" / "sbom" / "cyclonedx" / "SBOM_keycloak-10.0.2_bom.json"
TARGET_SECONDS = 2.0

_COLD = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from review.evidence.sbom import parse_sbom
path = Path(sys.argv[1])
result = parse_sbom(path.read_bytes(), filename=path.name)
print(time.perf_counter() - start, len(result.components))
"""


def cold(path: Path) -> tuple[float, int]:
    done = subprocess.run(
        [sys.executable, "-c", _COLD, str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, count = done.stdout.split()
    return float(seconds), int(count)


def warm(path: Path) -> tuple[float, int]:
    from review.evidence.sbom import parse_sbom

    start = time.perf_counter()
    result = parse_sbom(path.read_bytes(), filename=path.name)
    return time.perf_counter() - start, len(result.components)


def report(label: str, times: list[float], count: int) -> bool:
    median = statistics.median(times)
    verdict = "OK" if median < TARGET_SECONDS else "TOO SLOW"
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(
        f"{label}: median {median:.3f} s over {len(times)} runs ({runs}); "
        f"{count} components; target {TARGET_SECONDS:.1f} s: {verdict}"
    )
    return median < TARGET_SECONDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--file", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    path: Path = args.file
    print(f"{path.name}: {path.stat().st_size:,} bytes")
    cold_runs = [cold(path) for _ in range(args.runs)]
    ok = report("cold (fresh process)", [t for t, _ in cold_runs], cold_runs[0][1])
    warm(path)  # load the standards and the license index once
    warm_runs = [warm(path) for _ in range(args.runs)]
    ok = report("warm (same process)", [t for t, _ in warm_runs], warm_runs[0][1]) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
