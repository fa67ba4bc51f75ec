"""The paragraph bomb of issue 12 (a .docx of a few MB holding 20 million empty paragraphs):
time and peak memory of its refusal, against parsing the honest Drupal 10 ACR in the same run.

Targets: refused in under 5 s and 300 MB (before the element limit: 400 s and 2.4 GB). Each
measurement runs in a fresh process so its peak resident memory is its own.

Run: .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from review.errors import FileProblem
from review.evidence.acr import parse_acr
from pathlib import Path
data = Path({path!r}).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    parse_acr(data, filename="vendor.docx")
    outcome = "parsed"
except FileProblem:
    outcome = "refused"
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"outcome": outcome, "seconds": seconds, "peak_mb": peak,
                  "input_mb": len(data) / 1e6, "before_mb": before / 1024}}))
"""


def measure(path: Path) -> dict[str, float | str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path))],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    result: dict[str, float | str] = json.loads(done.stdout)
    return result


def main() -> int:
    # built in a process of its own: Linux carries a parent's peak memory into its children
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bomb.docx"
        build = "from bench.hostile_docs import paragraph_bomb; import pathlib, sys; "
        build += "pathlib.Path(sys.argv[1]).write_bytes(paragraph_bomb())"
        subprocess.run([sys.executable, "-c", build, str(path)], check=True, cwd=ROOT)
        honest = measure(ROOT / "tests" / "data" / "acr" / "drupal-10-16.docx")
        bomb = measure(path)
    assert honest["outcome"] == "parsed" and bomb["outcome"] == "refused"
    ratio = float(bomb["seconds"]) / float(honest["seconds"])
    print(
        f"honest Drupal ACR: parsed in {honest['seconds']:.3f} s, peak {honest['peak_mb']:.0f} MB"
    )
    print(
        f"paragraph bomb ({bomb['input_mb']:.1f} MB .docx, 20 million paragraphs): refused in "
        f"{bomb['seconds']:.3f} s ({ratio:.1f}x the honest parse), peak {bomb['peak_mb']:.0f} MB "
        f"(of which {bomb['before_mb']:.0f} MB before parsing)"
    )
    ok = float(bomb["seconds"]) < 5 and float(bomb["peak_mb"]) < 300
    print("within target (5 s, 300 MB)" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
