"""Cold start of the command line, as ratios to ``python -c "import pydantic"`` in the same run.

    python bench/cold_start.py [--rounds 15] [--file examples/police-alpr.yaml]

Each round starts, one after the other in a rotating order, a fresh interpreter for:
the baseline (``import pydantic``), ``review --help`` and ``review evaluate FILE``. The machine
may be busy: the order rotates each round so no command always follows the same neighbour,
and the figure reported is the median of the per-round ratios (the median wall times are shown
too). The compiled rule book cache is warmed once before timing (a fresh install's first run
builds it; that run is timed separately and shown as "first run").

Targets (issue 16): evaluate at most 3.5x, --help at most 2.5x.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"help": 2.5, "evaluate": 3.5}


def _review() -> list[str]:
    script = Path(sys.executable).with_name("review")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "review.cli"]


def commands(file: Path) -> dict[str, list[str]]:
    review = _review()
    return {
        "baseline": [sys.executable, "-c", "import pydantic"],
        "help": [*review, "--help"],
        "evaluate": [*review, "evaluate", str(file)],
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``argv``."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-400:]!r}")
    return elapsed, _children_cpu() - cpu


def run(rounds: int, file: Path) -> dict[str, object]:
    cmds = commands(file)
    names = list(cmds)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "REVIEW_CACHE_DIR": cache}
        first = timed(cmds["evaluate"], env)[0]  # builds the rule book cache
        times: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        for r in range(rounds):
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in order:
                wall, used = timed(cmds[name], env)
                times[name].append(wall)
                cpu[name].append(used)
    return {
        "times": times,
        "ratios": _ratios(times),
        "cpu": cpu,
        "cpu_ratios": _ratios(cpu),
        "first": first,
    }


def _ratios(times: dict[str, list[float]]) -> dict[str, float]:
    base = times["baseline"]
    return {
        name: statistics.median(t / b for t, b in zip(values, base, strict=True))
        for name, values in times.items()
        if name != "baseline"
    }


def report(result: dict[str, object], rounds: int) -> str:
    lines = [f"cold start, {rounds} interleaved rounds (medians; ratio = median per-round ratio)"]
    for label, key in (("wall", "times"), ("CPU", "cpu")):
        times = result[key]
        ratios = result["ratios" if key == "times" else "cpu_ratios"]
        assert isinstance(times, dict) and isinstance(ratios, dict)
        base = statistics.median(times["baseline"])
        lines.append(f"  {'import pydantic':<18} {base * 1000:7.0f} ms {label:<4}  1.00x")
        for name, ratio in ratios.items():
            target = TARGETS[name]
            verdict = "ok" if ratio <= target else "OVER"
            median = statistics.median(times[name]) * 1000
            lines.append(
                f"  {'review ' + name:<18} {median:7.0f} ms {label:<4} {ratio:5.2f}x  "
                f"(target <= {target}x: {verdict})"
            )
    first = result["first"]
    assert isinstance(first, float)
    lines.append(f"  first run (builds the rule book cache): {first * 1000:.0f} ms")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--file", type=Path, default=ROOT / "examples" / "police-alpr.yaml")
    args = parser.parse_args(argv)
    print(report(run(args.rounds, args.file), args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
