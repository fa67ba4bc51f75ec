"""Benchmark packet building and verification, as ratios measured in one process.

    python bench/packet.py [--repeat 5] [--sizes 200 1000]

Synthesises the read model of a decided request with N findings (bench/packet_workloads.py:
a third of the blockers waived, every major conditioned, sign-offs, a decision, a history),
then times what ``build_packet`` does after reading the database: compose the content,
digest it, render the Word document from the shipped template and seal every part with an
Ed25519 key; and ``verify_packet`` on the result (ZIP checks, every part hashed, the
signature, the words read back). Targets, each a ratio within this run:

- scaling: building 1,000 findings costs at most 6x building 200 (linear would be 5x);
- verification costs at most as much as building, at every size;
- a 20-finding packet, the baseline, is what any packet costs at least (template, seal):
  the ratios to it are printed, not targets.

Absolute seconds are printed for docs/performance.md; they are not targets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from bench.packet_workloads import packet_data  # noqa: E402
from review.packet.compose import compose  # noqa: E402
from review.packet.content import canonical_items, digest_of  # noqa: E402
from review.packet.keys import SigningKey, fingerprint  # noqa: E402
from review.packet.render import Integrity, render_packet  # noqa: E402
from review.packet.verify import Outcome, verify_packet  # noqa: E402

SCALING = 6.0  # build(largest) / build(smallest) per 5x findings
VERIFY_TO_BUILD = 1.0
BASELINE = 20


def build(findings: int, key: SigningKey) -> bytes:
    data = packet_data(findings)
    composition = compose(data)
    digest = digest_of(canonical_items(composition.blocks))
    return render_packet(composition, Integrity(data.packet_id, digest, key.fingerprint), key).data


def timed(findings: int, key: SigningKey, trusted: dict[str, Any], repeat: int) -> Timing:
    builds: list[float] = []
    checks: list[float] = []
    data = b""
    for _ in range(repeat):
        start = time.perf_counter()
        data = build(findings, key)
        builds.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = verify_packet(data, trusted)
        checks.append(time.perf_counter() - start)
        assert result.outcome is Outcome.VALID, result.message
    return Timing(statistics.median(builds), statistics.median(checks), len(data))


@dataclass(frozen=True)
class Timing:
    build: float
    verify: float
    size: int


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    args = parser.parse_args(argv)
    private = Ed25519PrivateKey.generate()
    key = SigningKey(private, Path("(in memory)"))
    trusted: dict[str, Any] = {fingerprint(private.public_key()): private.public_key()}
    build(10, key)  # warm up: imports, template cache
    base = timed(BASELINE, key, trusted, args.repeat)
    sys.stdout.write(
        f"{BASELINE:>5} findings (baseline): build {base.build:.3f} s, verify "
        f"{base.verify:.3f} s; {base.size:,} bytes\n"
    )
    failed = False
    found: dict[int, Timing] = {}
    for size in args.sizes:
        t = found[size] = timed(size, key, trusted, args.repeat)
        ratio = t.verify / t.build
        ok = ratio <= VERIFY_TO_BUILD
        failed |= not ok
        sys.stdout.write(
            f"{size:>5} findings: build {t.build:.3f} s ({t.build / base.build:.1f}x baseline), "
            f"verify {t.verify:.3f} s ({ratio:.2f}x build, target <= {VERIFY_TO_BUILD})"
            f"{'' if ok else ' TOO SLOW'}; {t.size:,} bytes\n"
        )
    small, large = min(found), max(found)
    if large > small:
        scaling = found[large].build / found[small].build
        allowed = SCALING * (large / small) / 5
        ok = scaling <= allowed
        failed |= not ok
        sys.stdout.write(
            f"scaling: build({large}) / build({small}) = {scaling:.2f} (target <= "
            f"{allowed:.1f}){'' if ok else ' TOO SLOW'}\n"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
