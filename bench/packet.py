"""Benchmark packet building: 200 findings under 0.5 s, 1,000 findings under 3 s.

    python bench/packet.py [--repeat 5] [--sizes 200 1000]

Synthesises the read model of a decided request with N findings (a third of the blockers
waived, every major conditioned, sign-offs, a decision, a history), then times what
``build_packet`` does after reading the database: compose the content, digest it, sign it with
an Ed25519 key, and render the Word document from the shipped template. Also times
``verify_packet`` on the result. Reports the median and the worst of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from bench.workloads.packets import packet_data  # noqa: E402
from review.packet.compose import compose  # noqa: E402
from review.packet.content import canonical_items, digest_of  # noqa: E402
from review.packet.keys import SigningKey, fingerprint  # noqa: E402
from review.packet.render import Integrity, render  # noqa: E402
from review.packet.verify import Outcome, verify_packet  # noqa: E402

TARGETS = {200: 0.5, 1000: 3.0}


def build(findings: int, key: SigningKey) -> bytes:
    data = packet_data(findings)
    composition = compose(data)
    digest = digest_of(canonical_items(composition.blocks))
    return render(composition, Integrity(data.packet_id, digest, key.fingerprint), key).data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    args = parser.parse_args(argv)
    private = Ed25519PrivateKey.generate()
    key = SigningKey(private, Path("(in memory)"))
    trusted = {fingerprint(private.public_key()): private.public_key()}
    build(10, key)  # warm up: imports, template cache
    failed = False
    for size in args.sizes:
        times: list[float] = []
        checks: list[float] = []
        data = b""
        for _ in range(args.repeat):
            start = time.perf_counter()
            data = build(size, key)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = verify_packet(data, trusted)
            checks.append(time.perf_counter() - start)
            assert result.outcome is Outcome.VALID, result.message
        target = TARGETS.get(size)
        worst = max(times)
        verdict = "" if target is None else (" OK" if worst < target else " TOO SLOW")
        failed |= target is not None and worst >= target
        sys.stdout.write(
            f"{size:>5} findings: build median {statistics.median(times):.3f} s, "
            f"worst {worst:.3f} s"
            + (f" (target < {target} s){verdict}" if target else "")
            + f"; verify median {statistics.median(checks):.3f} s; {len(data):,} bytes\n"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
