"""Reading a 255-question HECVAT costs at most 5x reading a 96-row ACR (issue 14).

Both are timed in this process, median of RUNS each after one warm-up: the 96-row INT-style
Word ACR of bench/acr.py, and a HECVAT 3.x Full workbook of 255 answered questions built by
bench/questionnaire_files.py (merged cells, data validations, as messy as the tests' ones).

Run: .venv/bin/python bench/questionnaire.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.acr import ninety_row_docx  # noqa: E402
from bench.questionnaire_files import HECVAT_FULL, hecvat  # noqa: E402
from review.evidence.acr import parse_acr  # noqa: E402
from review.evidence.questionnaire import parse_questionnaire  # noqa: E402

RUNS = 7
TARGET_RATIO = 5.0
QUESTIONS = 255


def median_seconds(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    acr = ninety_row_docx()
    workbook = hecvat("Full", filler=QUESTIONS - len(HECVAT_FULL))
    questions = len(parse_questionnaire(workbook, filename="h.xlsx").answers) - 3
    rows = len(parse_acr(acr, filename="acr.docx").criteria)
    acr_s = median_seconds(lambda: parse_acr(acr, filename="acr.docx"))
    hecvat_s = median_seconds(lambda: parse_questionnaire(workbook, filename="h.xlsx"))
    ratio = hecvat_s / acr_s
    print(f"ACR ({rows} rows, Word):            {acr_s * 1000:8.1f} ms")
    print(f"HECVAT Full ({questions} questions):     {hecvat_s * 1000:8.1f} ms")
    print(f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x)")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
