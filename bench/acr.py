"""Time parse_acr against the 1 s target: median of 5 runs per document.

The Drupal 10 ACR (Word and HTML, 50 criteria) from the corpus, and a 96-row INT-style Word
ACR built here from the VPAT 2.5 catalog (every WCAG 2.2 criterion plus Chapter 3, each row
with per-component terms and remarks), which is the "90-row report" of the target.

Run: .venv/bin/python bench/acr.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

import docx
import yaml

from review.evidence.acr import parse_acr

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "acr"
CATALOG = DATA / "catalog-2.5-edition-wcag-2.2-508-eu-en.yaml"
TARGET_SECONDS = 1.0
RUNS = 5
CHAPTERS = (
    "success_criteria_level_a",
    "success_criteria_level_aa",
    "success_criteria_level_aaa",
    "functional_performance_criteria",
)


def ninety_row_docx() -> bytes:
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    document = docx.Document()
    document.add_heading("Bench Corp Accessibility Conformance Report", 1)
    document.add_paragraph("International Edition (Based on VPAT® Version 2.5)")
    document.add_paragraph("Name of Product/Version: Bench Suite 1.0")
    document.add_paragraph("Report Date: 2025-01-15")
    terms = ("Supports", "Partially Supports", "Does Not Support", "Not Applicable")
    for chapter in catalog["chapters"]:
        if chapter["id"] not in CHAPTERS:
            continue
        document.add_heading(chapter["label"], 3)
        table = document.add_table(rows=1, cols=3)
        for cell, text in zip(
            table.rows[0].cells,
            ("Criteria", "Conformance Level", "Remarks and Explanations"),
            strict=True,
        ):
            cell.text = text
        for n, criterion in enumerate(chapter["criteria"]):
            cells = table.add_row().cells
            cells[
                0
            ].text = (
                f"{criterion['id']} {criterion['handle']}\nAlso applies to:\nEN 301 549 Criteria"
            )
            cells[1].text = (
                f"Web: {terms[n % 4]}\nElectronic Documents: Not Applicable\n"
                f"Software: {terms[(n + 1) % 4]}\nAuthoring Tool: Not Applicable"
            )
            cells[2].text = "Web: remarks for the web component.\nSoftware: remarks."
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> int:
    documents = [
        (name, (DATA / name).read_bytes()) for name in ("drupal-10-16.docx", "drupal-10-16.html")
    ]
    documents.append(("bench-96-rows.docx", ninety_row_docx()))
    failed = False
    for name, data in documents:
        parse_acr(data, filename=name)  # imports and caches, not timed
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            result = parse_acr(data, filename=name)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        ok = median < TARGET_SECONDS
        failed |= not ok
        print(
            f"{name:20} {len(result.criteria):3} criteria  median {median * 1000:7.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})  "
            f"target {TARGET_SECONDS:.0f} s: {'ok' if ok else 'TOO SLOW'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
