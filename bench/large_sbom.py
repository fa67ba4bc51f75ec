"""Matching a record with a large SBOM: durable_rules against the plain-Python reference.

    python bench/large_sbom.py [--components 8000] [--rounds 7]

Builds one realistic record whose open-source section lists ``--components`` components
(licences drawn from a realistic mix: permissive, weak and strong copyleft, unknown), then
evaluates it with the durable_rules matcher and with the reference matcher, alternating, in
the same process; reports the medians and the median per-round ratio. Issue 16's target:
8,000 components under 2x the reference (per-assert cost in durable_rules grows past ~2,000
facts in one session; the matcher keeps each session to a bounded number of facts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.workloads import realistic_submission  # noqa: E402
from review.core import matcher  # noqa: E402
from review.core.evaluate import evaluator  # noqa: E402
from review.core.records import Submission  # noqa: E402

AS_OF = dt.date(2026, 11, 27)
TARGET = 2.0
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "LGPL-2.1-only", "MPL-2.0",
            "GPL-2.0-only", "AGPL-3.0-only", "LicenseRef-custom", None]  # fmt: skip


def record(n: int, seed: int) -> Submission:
    rng = random.Random(seed)
    data = realistic_submission(rng)
    components = []
    for i in range(n):
        component = {"name": f"component-{i}", "version": f"{rng.randint(0, 9)}.{i % 50}"}
        license = rng.choice(LICENSES)
        if license:
            component["license"] = license
        components.append(component)
    data["proposal"].setdefault("open_source", {})["components"] = components
    return Submission.model_validate(data)


def run(n: int, rounds: int, seed: int) -> str:
    submission = record(n, seed)
    engines = {name: evaluator(name) for name in ("durable", "reference")}
    results = {name: engines[name].evaluate(submission, AS_OF) for name in engines}
    assert results["durable"] == results["reference"], "the matchers disagree"
    bounded = matcher.MAX_SESSION_FACTS
    names = ["durable", "reference", "one session"]  # the last: every fact in one session
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % 3 :] + names[: r % 3]:
            matcher.MAX_SESSION_FACTS = 10**9 if name == "one session" else bounded
            engine = engines["durable" if name == "one session" else name]
            start = time.perf_counter()
            engine.evaluate(submission, AS_OF)
            times[name].append((time.perf_counter() - start) * 1000)
    matcher.MAX_SESSION_FACTS = bounded
    single = statistics.median(
        d / ref for d, ref in zip(times["one session"], times["reference"], strict=True)
    )
    ratio = statistics.median(
        d / ref for d, ref in zip(times["durable"], times["reference"], strict=True)
    )
    findings = len(results["durable"].findings)
    return (
        f"{n} components, {findings} findings, {rounds} alternating rounds\n"
        f"  durable_rules (sessions of {bounded})  {statistics.median(times['durable']):8.1f} ms\n"
        f"  reference      {statistics.median(times['reference']):8.1f} ms\n"
        f"  ratio          {ratio:8.2f}x  (target < {TARGET}x: "
        f"{'ok' if ratio < TARGET else 'OVER'})\n"
        f"  all facts in one session (before): "
        f"{statistics.median(times['one session']):.1f} ms, {single:.2f}x the reference"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--components", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args(argv)
    print(run(args.components, args.rounds, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
