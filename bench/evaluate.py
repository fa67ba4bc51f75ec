"""Benchmark evaluation with the full bundled rule set: durable_rules against the reference.

    python bench/evaluate.py [--n 10000] [--latency 2000] [--seed 20261127] [--profile]
                             [--rounds 0]

Measures on this machine, for durable_rules and the plain-Python reference evaluator in the
same process: single-proposal latency (median, p99) over varied proposals evaluated one at a
time (records pre-validated, evaluate() timed alone), throughput of --n generated proposals,
peak memory (tracemalloc peak over a separate pass, and the process's ru_maxrss), and how the
time splits between fact building, matching and finding assembly. ``--profile`` runs cProfile
over 2,000 durable evaluations and prints the top 25 functions by cumulative time.

``--rounds N`` adds the figure issue 16 judges: N rounds, each a latency pass of durable_rules
and one of the reference over the latency set, back to back (which goes first alternates);
each round gives the ratio of the two medians, and the median round ratio is reported with
its spread. Load on the shared machine then slows both engines of a round alike, where the
figures above time every durable pass before any reference pass.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import pstats
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.workloads import random_submission, realistic_submission  # noqa: E402
from review.core.derived import derive  # noqa: E402
from review.core.evaluate import EngineName, Evaluator, _signoffs, _tier, evaluator  # noqa: E402
from review.core.facts import build_facts  # noqa: E402
from review.core.findings import Evaluation, disposition_of  # noqa: E402
from review.core.records import Submission  # noqa: E402

AS_OF = dt.date(2026, 11, 27)
ENGINES: tuple[EngineName, ...] = ("durable", "reference")
TARGETS = {
    "median_ms": 1.0,
    "p99_ms": 3.0,
    "throughput_s": 12.0,
    "peak_mb": 300.0,
}


@dataclass
class Result:
    engine: str
    rules: int
    median_ms: float = 0.0
    p99_ms: float = 0.0
    mean_ms: float = 0.0
    throughput_s: float = 0.0
    throughput_n: int = 0
    tracemalloc_peak_mb: float = 0.0
    maxrss_mb: float = 0.0
    stages_ms: dict[str, float] = field(default_factory=dict)


WORKLOADS = {"realistic": realistic_submission, "adversarial": random_submission}


def generate(n: int, seed: int, workload: str = "realistic") -> list[Submission]:
    rng = random.Random(seed)
    make = WORKLOADS[workload]
    return [Submission.model_validate(make(rng)) for _ in range(n)]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def maxrss_mb() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes)
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def latency(ev: Evaluator, records: Sequence[Submission]) -> list[float]:
    times: list[float] = []
    clock = time.perf_counter
    for submission in records:
        start = clock()
        ev.evaluate(submission, AS_OF)
        times.append((clock() - start) * 1000)
    return times


def throughput(ev: Evaluator, records: Sequence[Submission]) -> float:
    start = time.perf_counter()
    for submission in records:
        ev.evaluate(submission, AS_OF)
    return time.perf_counter() - start


def tracemalloc_peak(ev: Evaluator, records: Sequence[Submission]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        for submission in records:
            ev.evaluate(submission, AS_OF)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def stages(ev: Evaluator, records: Sequence[Submission]) -> dict[str, float]:
    """Evaluator.evaluate, step by step, each step timed (mean ms per proposal)."""
    clock = time.perf_counter
    book, matcher, standards = ev.book, ev.matcher, ev.book.standards
    totals = {"facts": 0.0, "match": 0.0, "findings": 0.0}
    for submission in records:
        t0 = clock()
        derived = derive(submission, standards, AS_OF)
        facts = build_facts(submission, derived, standards)
        t1 = clock()
        tier_fired = matcher.match(1, facts)
        t2 = clock()
        tier = _tier(book, tier_fired)
        staged = facts.with_tier(tier)
        t3 = clock()
        fired = tier_fired + matcher.match(2, staged)
        t4 = clock()
        findings = ev._findings(fired, staged)
        Evaluation(
            tier=tier,
            tcv=derived.tcv,
            required_signoffs=_signoffs(book, fired),
            disposition=disposition_of(findings, standards.review),
            standards_version=standards.label,
            rules_version=book.version,
            stage=submission.stage,
            as_of=AS_OF,
            findings=findings,
        )
        t5 = clock()
        totals["facts"] += (t1 - t0) + (t3 - t2)
        totals["match"] += (t2 - t1) + (t4 - t3)
        totals["findings"] += t5 - t4
    return {k: v / len(records) * 1000 for k, v in totals.items()}


def run(
    engine: EngineName, lat_records: Sequence[Submission], bulk: Sequence[Submission]
) -> Result:
    ev = evaluator(engine)
    for submission in lat_records[:50]:  # warm up: registration, SPDX index, caches
        ev.evaluate(submission, AS_OF)
    result = Result(engine=engine, rules=len(ev.book.rules))
    times = latency(ev, lat_records)
    result.median_ms = statistics.median(times)
    result.p99_ms = percentile(times, 99)
    result.mean_ms = statistics.fmean(times)
    result.throughput_n = len(bulk)
    result.throughput_s = throughput(ev, bulk)
    result.stages_ms = stages(ev, lat_records)
    result.tracemalloc_peak_mb = tracemalloc_peak(ev, lat_records)
    result.maxrss_mb = maxrss_mb()
    return result


def interleaved(records: Sequence[Submission], rounds: int) -> str:
    """Median latency of each engine per round, the two passes of a round back to back."""
    engines = {e: evaluator(e) for e in ENGINES}
    for ev in engines.values():
        for submission in records[:50]:
            ev.evaluate(submission, AS_OF)
    lines = [f"interleaved latency, {len(records)} proposals per pass (median ms):"]
    ratios = []
    for index in range(rounds):
        order = ENGINES if index % 2 == 0 else ENGINES[::-1]
        medians = {e: statistics.median(latency(engines[e], records)) for e in order}
        d, r = medians["durable"], medians["reference"]
        ratios.append(d / r)
        first = order[0]
        lines.append(
            f"  round {index + 1:>2} ({first} first): durable {d:.3f}  reference {r:.3f}  "
            f"ratio {d / r:.3f}"
        )
    lines.append(
        f"median ratio {statistics.median(ratios):.3f} "
        f"(min {min(ratios):.3f}, max {max(ratios):.3f}, {rounds} rounds)"
    )
    return "\n".join(lines)


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "MISSED"


def report(results: dict[str, Result], validate_s: float, n_lat: int) -> str:
    d, r = results["durable"], results["reference"]
    lines = [
        f"rules: {d.rules}   latency set: {n_lat} proposals   bulk set: {d.throughput_n}",
        f"(generating and validating the bulk set took {validate_s:.2f} s, not counted below)",
        "",
        f"{'metric':<34}{'durable':>12}{'reference':>12}{'ratio d/r':>11}{'target':>10}",
    ]

    def row(name: str, dv: float, rv: float, fmt: str, target: float | None) -> None:
        ratio = dv / rv if rv else float("nan")
        goal = "" if target is None else f"< {target:g} {verdict(dv, target)}"
        lines.append(f"{name:<34}{dv:>12{fmt}}{rv:>12{fmt}}{ratio:>11.2f}  {goal}")

    row("latency median (ms)", d.median_ms, r.median_ms, ".3f", TARGETS["median_ms"])
    row("latency p99 (ms)", d.p99_ms, r.p99_ms, ".3f", TARGETS["p99_ms"])
    row("latency mean (ms)", d.mean_ms, r.mean_ms, ".3f", None)
    row(
        f"throughput, {d.throughput_n} proposals (s)",
        d.throughput_s,
        r.throughput_s,
        ".2f",
        TARGETS["throughput_s"] * d.throughput_n / 10_000,
    )
    row(
        "tracemalloc peak, latency pass (MB)",
        d.tracemalloc_peak_mb,
        r.tracemalloc_peak_mb,
        ".1f",
        TARGETS["peak_mb"],
    )
    row("ru_maxrss after run (MB)", d.maxrss_mb, r.maxrss_mb, ".1f", TARGETS["peak_mb"])
    lines.append("")
    lines.append("time per proposal by stage (mean ms)")
    for stage, label in (
        ("facts", "facts (derive + build_facts + tier)"),
        ("match", "matching (matcher.match x2)"),
        ("findings", "finding assembly"),
    ):
        row(label, d.stages_ms[stage], r.stages_ms[stage], ".3f", None)
    total_d, total_r = sum(d.stages_ms.values()), sum(r.stages_ms.values())
    row("sum of stages", total_d, total_r, ".3f", None)
    lines.append(
        "share (durable): "
        + ", ".join(f"{k} {v / total_d:.0%}" for k, v in d.stages_ms.items())
        + "; ru_maxrss is the process's peak so far (durable runs first)."
    )
    return "\n".join(lines)


def profile(records: Sequence[Submission]) -> str:
    ev = evaluator("durable")
    for submission in records[:50]:
        ev.evaluate(submission, AS_OF)
    profiler = cProfile.Profile()
    profiler.enable()
    for submission in records:
        ev.evaluate(submission, AS_OF)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def _rss_mb() -> float:
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * resource.getpagesize() / 2**20


def memory_run(records: list[Submission], n: int) -> str:
    """Resident memory over ``n`` durable evaluations: flat means sessions are all freed."""
    durable = evaluator("durable")
    marks: list[tuple[int, float]] = []
    step = max(1, n // 10)
    for index in range(n):
        durable.evaluate(records[index % len(records)], AS_OF)
        if (index + 1) % step == 0:
            marks.append((index + 1, _rss_mb()))
    first = marks[0][1]
    lines = [f"resident memory over {n:,} durable evaluations (MB):"]
    lines += [f"  after {count:>9,}: {mb:8.1f}  ({mb - first:+.1f})" for count, mb in marks]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="proposals for throughput")
    parser.add_argument("--latency", type=int, default=2_000, help="proposals for latency")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--profile", action="store_true", help="cProfile 2,000 evaluations")
    parser.add_argument(
        "--workload",
        choices=sorted(WORKLOADS),
        default="realistic",
        help="realistic: complete example records with a few answers changed; adversarial: "
        "every answer random (about 30 findings each, the rules' edges)",
    )
    parser.add_argument(
        "--memory", type=int, default=0, metavar="N", help="only: RSS over N evaluations"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=0,
        metavar="N",
        help="also: N rounds of both engines timed interleaved, proposal by proposal",
    )
    args = parser.parse_args(argv)
    print(f"workload: {args.workload}")
    if args.memory:
        print(memory_run(generate(500, args.seed, args.workload), args.memory))
        return 0

    lat_records = generate(args.latency, args.seed, args.workload)
    if args.profile:
        print(profile(lat_records[:2_000]))
        return 0
    start = time.perf_counter()
    bulk = generate(args.n, args.seed + 1, args.workload)
    validate_s = time.perf_counter() - start
    results: dict[str, Result] = {e: run(e, lat_records, bulk) for e in ENGINES}
    print(report(results, validate_s, len(lat_records)))
    if args.rounds:
        print()
        print(interleaved(lat_records, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
