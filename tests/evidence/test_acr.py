"""Accessibility Conformance Reports: the real corpus, every format, and the unsafe cases.

Expected values were read from the reports themselves, not from this parser: the OpenACR
YAML by counting each ``- num:`` entry's uncommented ``level:`` lines with grep/awk (worst
component per criterion; chapters marked ``disabled: true`` left out, as the reports' own HTML
renderings leave them out), the Markdown by grepping its table rows, and the Drupal 10 HTML's
per-component figures from the summary tables the report prints above each WCAG table
("Conformance to the 30 criteria listed below is distributed ...").
"""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.document import Document as DocxDocument

from review.core.records import Accessibility
from review.errors import FileProblem
from review.evidence import acr
from review.evidence.acr import AcrResult, normalise_term, parse_acr, parse_report_date

DATA = Path(__file__).resolve().parent.parent / "data" / "acr"
GSA = "acr_section-508-what-is-it-and-why-is-it-important-20250429"

DRUPAL10_PS = [
    "1.1.1", "1.3.1", "1.4.1", "1.4.3", "1.4.4", "1.4.10", "1.4.11", "1.4.12", "2.1.1",
    "2.4.2", "2.4.3", "2.4.4", "2.4.6", "2.4.7", "2.5.2", "3.1.2", "3.2.3", "3.3.1", "3.3.2",
    "4.1.2",
]  # fmt: skip


def counts(s: int = 0, ps: int = 0, dns: int = 0, na: int = 0, ne: int = 0, blank: int = 0):
    return {
        "supports": s,
        "partially_supports": ps,
        "does_not_support": dns,
        "not_applicable": na,
        "not_evaluated": ne,
        "blank": blank,
    }


# file -> (WCAG counts, Section 508 counts, does-not-support, partially-supports, metadata)
EXPECTED: dict[str, tuple[dict[str, int], dict[str, int], list[str], list[str], dict[str, Any]]] = {
    "Moodle-3.yaml": (
        counts(s=40, ps=7, na=10, ne=4),
        counts(s=2, dns=3, na=8),
        [],
        ["1.3.3", "1.4.3", "1.4.6", "2.2.5", "2.4.9", "3.1.4", "3.3.5"],
        {"product": "Moodle", "version": "3.1", "report_date": None, "vpat_edition": "508",
         "wcag_version": "2.0", "levels": ("A", "AA", "AAA")},
    ),
    "NVDA-2018.yaml": (
        counts(s=52, ps=7, dns=2),
        counts(s=37, na=1),
        ["1.2.6", "1.2.7"],
        ["1.4.8", "2.1.3", "2.2.3", "2.2.5", "2.4.8", "3.1.3", "3.3.6"],
        {"product": "NVDA", "version": "2018.2.1", "report_date": None, "vpat_edition": "508",
         "wcag_version": "2.0", "levels": ("A", "AA", "AAA")},
    ),
    "Plone-5.yaml": (
        counts(s=37, ps=1, ne=23),
        counts(s=8, ps=1),
        [],
        ["1.1.1"],
        # AAA is all "Not Evaluated": not a level the report covers
        {"product": "Plone", "version": "5.2", "report_date": None, "vpat_edition": "508",
         "wcag_version": "2.0", "levels": ("A", "AA")},
    ),
    "govready-0.9.yaml": (
        counts(s=11, ps=9, dns=7, na=11),
        counts(s=2, dns=3, na=8),
        ["1.1.1", "2.4.1", "3.1.1", "3.3.1", "3.3.2", "3.3.3", "3.3.4"],
        ["1.3.1", "1.4.3", "2.1.1", "2.1.2", "2.4.4", "2.4.6", "2.4.7", "4.1.1", "4.1.2"],
        {"product": "GovReady", "version": "0.9.1.36", "report_date": None,
         "vpat_edition": "508", "wcag_version": "2.0", "levels": ("A", "AA")},
    ),
    "drupal-9.yaml": (
        counts(s=29, ps=11, dns=3, na=17, ne=1, blank=17),
        counts(s=5, na=8, blank=1),
        ["1.2.2", "1.2.3", "1.2.5"],
        ["1.1.1", "1.3.1", "1.4.3", "1.4.4", "2.1.1", "2.4.6", "2.4.7", "2.4.9", "3.1.2",
         "3.3.2", "3.3.4"],
        # the catalog names WCAG 2.1 but every 2.1 criterion is blank
        {"product": "Drupal", "version": "9.1", "report_date": "2021-08-31",
         "vpat_edition": "508", "wcag_version": "2.0", "levels": ("A", "AA", "AAA")},
    ),
    "vrecord-acr-508-draft.md": (
        counts(s=1, na=60),
        counts(na=56, blank=42),
        [],
        [],
        {"product": "vrecord", "version": "v2025-12-18", "report_date": "2026-03-01",
         "vpat_edition": "508", "wcag_version": "2.0", "levels": ("A", "AA", "AAA")},
    ),
}  # fmt: skip
for ext in ("yaml", "html", "docx"):
    EXPECTED[f"drupal-10-16.{ext}"] = (
        counts(s=24, ps=20, dns=1, na=5),
        counts(),
        ["1.2.5"],
        DRUPAL10_PS,
        {"product": "Drupal", "version": "10", "report_date": "2023-05-12",
         "vpat_edition": "wcag", "wcag_version": "2.1", "levels": ("A", "AA")},
    )  # fmt: skip
    EXPECTED[f"{GSA}.{ext}"] = (
        counts(s=41, ps=1, dns=1, na=7),
        counts(s=9),
        ["1.3.5"],
        ["1.4.13"],
        {"product": "Section 508 - What Is It and Why Is It Important",
         "version": "4.1 (Sep 2024)", "report_date": "2025-04-24", "vpat_edition": "508",
         "wcag_version": "2.1", "levels": ("A", "AA")},
    )  # fmt: skip


def parse_file(name: str) -> AcrResult:
    return parse_acr((DATA / name).read_bytes(), filename=name)


def test_every_corpus_acr_is_covered():
    reports = {p.name for p in DATA.iterdir() if not p.name.startswith("catalog-")}
    assert reports == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_counts_and_lists(name: str):
    wcag_counts, s508_counts, dns, ps, meta = EXPECTED[name]
    result = parse_file(name)
    assert result.counts() == wcag_counts
    assert result.counts(standard="508") == s508_counts
    assert result.ids_with("does_not_support") == dns
    assert result.ids_with("partially_supports") == ps
    for key, value in meta.items():
        assert getattr(result, key) == value, key
    assert not result.is_template
    assert result.is_draft is (name == "vrecord-acr-508-draft.md")
    section = result.to_accessibility_section()
    assert section["does_not_support"] == dns
    assert section["partially_supports"] == ps
    Accessibility.model_validate(section)  # the intake accepts it as it is


def test_drupal9_version_claim_disagreement_is_a_warning():
    result = parse_file("drupal-9.yaml")
    assert any("names WCAG 2.1" in w and "1.3.4" in w for w in result.warnings)


@pytest.mark.parametrize("stem", ["drupal-10-16", GSA])
def test_same_report_in_three_formats_gives_the_same_evidence(stem: str):
    results = [parse_file(f"{stem}.{ext}") for ext in ("yaml", "html", "docx")]

    def table(
        result: AcrResult,
    ) -> list[tuple[str, str | None, tuple[tuple[str, str | None], ...]]]:
        return [
            (
                c.id,
                c.conformance,
                tuple((k.name, k.conformance) for k in c.components if k.conformance),
            )
            for c in result.criteria
        ]

    first = table(results[0])
    assert len(first) > 40
    for other in results[1:]:
        assert table(other) == first
        assert other.to_accessibility_section() == results[0].to_accessibility_section()
        assert (other.product, other.version, other.report_date, other.vpat_edition) == (
            results[0].product,
            results[0].version,
            results[0].report_date,
            results[0].vpat_edition,
        )


@pytest.mark.parametrize("ext", ["html", "docx", "yaml"])
def test_drupal10_components_match_the_reports_own_summary_tables(ext: str):
    result = parse_file(f"drupal-10-16.{ext}")
    summary = {  # (level, component) -> Supports, Partially, Does Not, Not Applicable
        ("A", "web"): (16, 10, 0, 4),
        ("A", "electronic_documents"): (0, 0, 0, 30),
        ("A", "software"): (0, 0, 0, 30),
        ("A", "authoring_tool"): (16, 10, 0, 4),
        ("AA", "web"): (12, 6, 1, 1),
        ("AA", "electronic_documents"): (1, 0, 0, 19),
        ("AA", "software"): (0, 0, 0, 19),
        ("AA", "authoring_tool"): (11, 7, 1, 1),
    }
    tally = Counter((c.level, k.name, k.conformance) for c in result.criteria for k in c.components)
    for (level, component), expected in summary.items():
        got = tuple(
            tally[(level, component, term)]
            for term in ("supports", "partially_supports", "does_not_support", "not_applicable")
        )
        assert got == expected, (level, component)


def test_gsa_swapped_criterion_names_are_flagged():
    result = parse_file(f"{GSA}.html")
    assert any("2.2.1 is labelled 'Pause, Stop, Hide'" in w for w in result.warnings)


def test_openacr_disabled_and_out_of_edition_chapters_are_not_read():
    result = parse_file("drupal-10-16.yaml")
    assert not [c for c in result.criteria if c.standard != "wcag" or c.level == "AAA"]
    assert any("'success_criteria_level_aaa' is disabled" in w for w in result.warnings)
    assert any("not part of the wcag edition" in w for w in result.warnings)


def test_remarks_and_component_text_are_kept():
    result = parse_file("drupal-10-16.html")
    row = next(c for c in result.criteria if c.id == "1.2.5")
    assert row.name == "Audio Description (Prerecorded)" and row.level == "AA"
    assert row.conformance == "does_not_support"
    assert "Audio files can be uploaded" in row.remarks
    assert "opens in a new window" not in row.name


# --------------------------------------------------------------------------- draft, blank


def test_vrecord_draft_is_flagged_with_reasons():
    result = parse_file("vrecord-acr-508-draft.md")
    assert result.is_draft and not result.is_template
    (warning,) = [w for w in result.warnings if "draft" in w]
    assert "DRAFT" in warning and "testing" in warning and "blank or Not Applicable" in warning
    assert any("March 2026" in w and "no day" in w for w in result.warnings)


def test_vrecord_blank_cells_and_also_applies_to():
    result = parse_file("vrecord-acr-508-draft.md")
    row = next(c for c in result.criteria if c.id == "1.1.1")
    assert row.conformance == "not_applicable"
    assert [(k.name, k.conformance) for k in row.components] == [
        ("web", "not_applicable"),
        ("electronic_documents", None),
        ("software", None),
        ("authoring_tool", None),
    ]
    assert row.also_applies_to.startswith("Revised Section 508 – 501 (Web)(Software)")
    fpc = next(c for c in result.criteria if c.id == "302.1")
    assert fpc.conformance is None and fpc.standard == "508"
    # "402 Closed Functionality *(heading)*" rows are not criteria
    assert not [c for c in result.criteria if c.id in {"402", "402.2", "502.3"}]


# --------------------------------------------------------------------------- terms


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Supports", "supports"),
        ("supports", "supports"),
        ("Supported", "supports"),
        ("Supports through equivalent facilitation", "supports"),
        ("Supports with Exceptions", "partially_supports"),
        ("Supports with minor exceptions", "partially_supports"),
        ("Partially Supports", "partially_supports"),
        ("Partially Support", "partially_supports"),
        ("Partially", "partially_supports"),
        ("partially-supports", "partially_supports"),
        ("Partialy Supports", "partially_supports"),
        ("Does Not Support", "does_not_support"),
        ("Does not support", "does_not_support"),
        ("Does not supports", "does_not_support"),
        ("Doesn't support", "does_not_support"),
        ("does-not-support", "does_not_support"),
        ("Not Supported", "does_not_support"),
        ("Not Applicable", "not_applicable"),
        ("not-applicable", "not_applicable"),
        ("N/A", "not_applicable"),
        ("NA", "not_applicable"),
        ("Not Applicable — no web interface", "not_applicable"),
        ("Not Evaluated", "not_evaluated"),
        ("not-evaluated", "not_evaluated"),
        ("Not tested", "not_evaluated"),
        ("", None),
        ("—", None),
        ("See remarks", None),
    ],
)
def test_terms_are_normalised(text: str, term: str | None):
    assert normalise_term(text) == term


@pytest.mark.parametrize(
    ("text", "iso", "partial"),
    [
        ("2023-05-12", "2023-05-12", False),
        ("4/24/2025", "2025-04-24", False),
        ("August 31, 2021", "2021-08-31", False),
        ("31 August 2021", "2021-08-31", False),
        ("March 2026", "2026-03-01", True),
        ("Insert date", None, False),
        ("2/30/2024", None, False),
    ],
)
def test_report_dates(text: str, iso: str | None, partial: bool):
    assert parse_report_date(text) == (iso, partial)


# --------------------------------------------------------------------------- built documents


def save(document: DocxDocument) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def criteria_table(document: DocxDocument, rows: Sequence[tuple[str, ...]], header=None):
    header = header or ("Criteria", "Conformance Level", "Remarks and Explanations")
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def catalog_criteria(chapter: str) -> list[tuple[str, str]]:
    catalog = yaml.safe_load((DATA / "catalog-2.5-edition-wcag-2.2-508-eu-en.yaml").read_text())
    (found,) = [c for c in catalog["chapters"] if c["id"] == chapter]
    return [(str(c["id"]), c["handle"]) for c in found["criteria"]]


def test_unfilled_template_from_the_catalog_is_flagged():
    document = docx.Document()
    document.add_heading("[Company Name] Accessibility Conformance Report", 1)
    document.add_paragraph("International Edition")
    document.add_paragraph("(Based on VPAT® Version 2.5)")
    document.add_paragraph("Name of Product/Version: Insert Product Name and Version")
    document.add_paragraph("Report Date: Insert Date")
    listed = 0
    for chapter, title in (
        ("success_criteria_level_a", "Table 1: Success Criteria, Level A"),
        ("success_criteria_level_aa", "Table 2: Success Criteria, Level AA"),
    ):
        document.add_heading(title, 3)
        rows = [(f"{cid} {name}\nAlso applies to:\nEN 301 549 Criteria", "", "")
                for cid, name in catalog_criteria(chapter)]  # fmt: skip
        listed += len(rows)
        criteria_table(document, rows)
    result = parse_acr(save(document), filename="template.docx")
    assert result.is_template and not result.is_draft
    assert listed == 56  # WCAG 2.2 A and AA, with 4.1.1 as the catalog keeps it
    assert result.counts()["blank"] == len(result.criteria) == listed
    assert result.wcag_version == "2.2"  # from the report's criteria (none answered)
    assert result.vpat_edition == "int" and result.vpat_version == "2.5"
    assert result.report_date is None and result.levels == ()
    assert any("unfilled VPAT template" in w for w in result.warnings)
    assert result.to_accessibility_section()["does_not_support"] == []


def test_placeholder_product_alone_marks_a_template():
    document = docx.Document()
    document.add_paragraph("Name of Product/Version: [Insert product name and version]")
    criteria_table(document, [("1.1.1 Non-text Content", "Supports", "")])
    assert parse_acr(save(document), filename="t.docx").is_template


def international_edition() -> bytes:
    """A VPAT 2.5 INT-style report with the shapes vendors' Word files take."""
    document = docx.Document()
    document.add_heading("Example Corp Accessibility Conformance Report", 1)
    document.add_paragraph("International Edition")
    document.add_paragraph("(Based on VPAT® Version 2.5)")
    document.add_paragraph("Name of Product/Version: Example Portal, version 7.2")
    document.add_paragraph("Report Date: March 3, 2025")
    document.add_paragraph("Applicable Standards: Web Content Accessibility Guidelines 2.2")
    document.add_heading("Table 1: Success Criteria, Level A", 3)
    table = criteria_table(
        document,
        [
            ("1.1.1 Non-text Content (Level A)\nAlso applies to:\nEN 301 549 Criteria\n"
             "– 9.1.1.1 (Web)\nRevised Section 508\n– 501 (Web)(Software)",
             "Web: Supports / Electronic Documents: Not Applicable", "All images have alt text."),
            ("1.2.1 Audio-only and Video-only (Prerecorded) (Level A)", "Supports with Exceptions",
             "Some recordings lack transcripts."),
            ("1.2.2 Captions (Prerecorded) (Level A)", "Partially Support", ""),
            ("1.3.1 Info and Relationships (Level A)", "Does not support", "Tables lack headers."),
            ("1.3.2 Meaningful Sequence (Level A)", "N/A", ""),
            ("1.3.3 Sensory Characteristics (Level A)", "Web: \nSupports\nSoftware: \nPartially",
             "Web: fine.\nSoftware: icons only."),
            ("2.1.1 Keyboard (Level A)", "Supports", ""),
            ("2.1.2 No Keyboard Trap (Level A)", "", ""),
            ("Heading row spanning the table", "", ""),
        ],
    )  # fmt: skip
    # 2.1.1 and 2.1.2 share one vertically merged conformance cell
    merged = table.cell(7, 1).merge(table.cell(8, 1))
    merged.text = "Supports"
    # a horizontally merged note row
    note = table.cell(9, 0).merge(table.cell(9, 2))
    note.text = "Note: the mobile app is covered by a separate report."
    document.add_heading("Table 2: Success Criteria, Level AA", 3)
    criteria_table(
        document,
        [
            ("2.4.11 Focus Not Obscured (Minimum)", "Partially Supports", "Not Applicable", ""),
            ("1.4.3 Contrast (Minimum)", "Supports", "Does Not Support", "Editor buttons."),
            ("1.4.4 Resize text", "Not Applicable", "Not Applicable", ""),
        ],
        header=("Criteria", "Web", "Authoring Tool", "Remarks and Explanations"),
    )
    document.add_heading("Chapter 3: Functional Performance Criteria (FPC)", 3)
    criteria_table(document, [("302.1 Without Vision", "Supports", ""),
                              ("302.2 With Limited Vision", "Partially Supports", "")])  # fmt: skip
    document.add_heading("Chapter 5: Software", 3)
    criteria_table(
        document,
        [
            ("502 Interoperability with Assistive Technology",
             "Heading cell – no response required",
             "Heading cell – no response required"),
            ("502.2.1 User Control of Accessibility Features", "Not Applicable", ""),
        ],
    )  # fmt: skip
    document.add_heading("Chapter 4: Functional Performance Statements (EN 301 549)", 3)
    criteria_table(
        document,
        [("4.2.1 Usage without vision", "Supports", ""),
         ("5.2 Activation of accessibility features", "Not Applicable", "")],
    )  # fmt: skip
    return save(document)


def test_international_edition_docx():
    result = parse_acr(international_edition(), filename="example-int.docx")
    by_id = {c.id: c for c in result.criteria}
    assert (result.product, result.version, result.report_date) == (
        "Example Portal",
        "7.2",
        "2025-03-03",
    )
    assert result.vpat_edition == "int" and result.vpat_version == "2.5"
    assert result.wcag_version == "2.2" and result.levels == ("A", "AA")
    assert [(k.name, k.conformance) for k in by_id["1.1.1"].components] == [
        ("web", "supports"),
        ("electronic_documents", "not_applicable"),
    ]
    assert "9.1.1.1 (Web)" in by_id["1.1.1"].also_applies_to
    assert by_id["1.1.1"].name == "Non-text Content"
    assert by_id["1.2.1"].conformance == "partially_supports"
    assert by_id["1.2.2"].conformance == "partially_supports"
    assert by_id["1.3.1"].conformance == "does_not_support"
    assert by_id["1.3.2"].conformance == "not_applicable"
    assert [(k.name, k.conformance) for k in by_id["1.3.3"].components] == [
        ("web", "supports"),
        ("software", "partially_supports"),
    ]
    assert by_id["1.3.3"].conformance == "partially_supports"
    assert by_id["2.1.1"].conformance == by_id["2.1.2"].conformance == "supports"
    assert [(k.name, k.conformance) for k in by_id["1.4.3"].components] == [
        ("web", "supports"),
        ("authoring_tool", "does_not_support"),
    ]
    assert by_id["1.4.3"].remarks == "Editor buttons."
    assert by_id["302.2"].standard == "508" and by_id["4.2.1"].standard == "en_301_549"
    assert by_id["5.2"].standard == "en_301_549"
    assert "502" not in by_id and by_id["502.2.1"].conformance == "not_applicable"
    assert result.to_accessibility_section() == {
        "acr_provided": True,
        "acr_date": "2025-03-03",
        "vpat_edition": "int",
        "wcag_version": "2.2",
        "does_not_support": ["1.3.1", "1.4.3"],
        "partially_supports": ["1.2.1", "1.2.2", "1.3.3", "2.4.11"],
    }
    assert not result.is_draft and not result.is_template


def test_legacy_vpat1_section_508_docx():
    document = docx.Document()
    document.add_heading("Voluntary Product Accessibility Template", 1)
    document.add_paragraph("Product Name: Legacy Suite 4")
    document.add_paragraph("Date: 12 January 2014")
    criteria_table(
        document,
        [
            ("(a) A text equivalent for every non-text element shall be provided",
             "Supports with Exceptions", "Some charts."),
            ("(b) Equivalent alternatives for any multimedia presentation", "Not Applicable", ""),
            ("(c) Web pages shall be designed so that all information conveyed with color",
             "Supports", ""),
        ],
        header=("1194.22 Web-based Internet information and applications – Detail",
                "Supporting Features", "Remarks and explanations"),
    )  # fmt: skip
    criteria_table(
        document,
        [("1.4.3 Contrast (Minimum)", "Partially", ""), ("2.4.7 Focus Visible", "Supports", "")],
        header=("WCAG 2.0 Success Criterion", "Supporting Features", "Remarks"),
    )
    result = parse_acr(save(document), filename="legacy.docx")
    assert [(c.id, c.conformance) for c in result.criteria if c.standard == "508"] == [
        ("1194.22(a)", "partially_supports"),
        ("1194.22(b)", "not_applicable"),
        ("1194.22(c)", "supports"),
    ]
    assert result.ids_with("partially_supports") == ["1.4.3"]
    assert (result.product, result.version, result.report_date) == (
        "Legacy Suite",
        "4",
        "2014-01-12",
    )
    assert result.vpat_edition == "508" and result.wcag_version == "2.0"


def test_unknown_conformance_text_is_a_warning_and_blank():
    document = docx.Document()
    criteria_table(document, [("1.1.1 Non-text Content", "Mostly fine", "")])
    result = parse_acr(save(document), filename="odd.docx")
    assert result.criteria[0].conformance is None
    assert any("'Mostly fine' is not a known term" in w for w in result.warnings)


def test_a_colon_in_a_note_is_not_a_component():
    document = docx.Document()
    criteria_table(
        document, [("1.1.1 Non-text Content", "Partially Supports\nSee note: charts", "")]
    )
    (row,) = parse_acr(save(document), filename="note.docx").criteria
    assert row.conformance == "partially_supports"
    assert [k.name for k in row.components] == [""]


def test_markdown_and_html_tables_in_brief():
    md = (
        "# Widget ACR\n\n**Name of Product/Version:** Widget 2.0\n\n**Report Date:** 2024-02-01\n\n"
        "| Criteria | Conformance Level | Remarks and Explanations |\n|---|---|---|\n"
        "| 1.4.3 Contrast (Minimum) (Level AA) "
        "| Web: Partially Supports<br>Software: Supports | x |\n"
        "| 2.5.8 Target Size (Minimum) | Does Not Support | small |\n"
    )
    result = parse_acr(md.encode(), filename="widget.md")
    assert result.to_accessibility_section() == {
        "acr_provided": True,
        "acr_date": "2024-02-01",
        "vpat_edition": "wcag",
        "wcag_version": "2.2",
        "does_not_support": ["2.5.8"],
        "partially_supports": ["1.4.3"],
    }
    page = (
        "<html><body><h1>Widget</h1><p>Name of Product/Version: Widget 2.0</p>"
        "<table><tr><th>Criteria</th><th>Conformance Level</th><th>Remarks</th></tr>"
        "<tr><td>1.4.3 Contrast (Minimum)</td>"
        "<td rowspan='2'>Partially Supports</td><td>a</td></tr>"
        "<tr><td>1.4.4 Resize text</td><td>b</td></tr>"
        "<tr><td colspan='3'>Notes row</td></tr></table></body></html>"
    )
    result = parse_acr(page.encode(), filename="widget.html")
    assert result.ids_with("partially_supports") == ["1.4.3", "1.4.4"]
    assert [c.remarks for c in result.criteria] == ["a", "b"]


# --------------------------------------------------------------------------- PDF


def make_pdf(lines: list[list[tuple[int, str]]]) -> bytes:
    """A one-page PDF (Helvetica) with text placed in columns, written by hand."""
    ops = ["BT", "/F1 9 Tf"]
    y = 800
    for parts in lines:
        for x, text in parts:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"1 0 0 1 {x} {y} Tm ({escaped}) Tj")
        y -= 14
    ops.append("ET")
    stream = "\n".join(ops).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_pdf_report():
    pdf = make_pdf(
        [
            [(40, "Example Corp Accessibility Conformance Report")],
            [(40, "WCAG Edition (Based on VPAT Version 2.4)")],
            [(40, "Name of Product/Version: Example Desk 3.1")],
            [(40, "Report Date: 2024-11-05")],
            [(40, "Table 1: Success Criteria, Level A")],
            [(40, "Criteria"), (250, "Conformance Level"), (400, "Remarks and Explanations")],
            [(40, "1.1.1 Non-text Content (Level A)"), (250, "Supports"), (400, "All images.")],
            [(40, "1.3.1 Info and Relationships (Level A)"), (250, "Partially Supports"),
             (400, "Some tables lack")],
            [(400, "header cells; fix planned.")],
            [(40, "2.1.1 Keyboard (Level A)"), (250, "Web: Does Not Support"),
             (400, "Drag and drop only.")],
            [(250, "Software: Supports")],
            [(40, "Table 2: Success Criteria, Level AA")],
            [(40, "1.4.3 Contrast (Minimum) (Level AA)"), (250, "Not Applicable"), (400, "")],
            [(40, "1.4.4 Resize text (Level AA)"), (250, "Supports with Exceptions")],
        ]
    )  # fmt: skip
    result = parse_acr(pdf, filename="example.pdf")
    assert result.source_format == "pdf"
    assert [(c.id, c.conformance) for c in result.criteria] == [
        ("1.1.1", "supports"),
        ("1.3.1", "partially_supports"),
        ("1.4.3", "not_applicable"),
        ("1.4.4", "partially_supports"),
        ("2.1.1", "does_not_support"),
    ]
    keyboard = next(c for c in result.criteria if c.id == "2.1.1")
    assert [(k.name, k.conformance) for k in keyboard.components] == [
        ("web", "does_not_support"),
        ("software", "supports"),
    ]
    assert (result.product, result.version, result.report_date) == (
        "Example Desk",
        "3.1",
        "2024-11-05",
    )
    assert result.vpat_edition == "wcag" and result.wcag_version == "2.0"
    assert any("PDF's text" in w for w in result.warnings)


@pytest.mark.skipif(
    not (shutil.which("libreoffice") or shutil.which("soffice")),
    reason="LibreOffice is not installed here, so a Word-made PDF cannot be generated; "
    "test_pdf_report covers PDF reading with a hand-written PDF",
)
def test_pdf_converted_from_the_drupal_docx(tmp_path: Path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office
    shutil.copy(DATA / "drupal-10-16.docx", tmp_path / "drupal.docx")
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(tmp_path / "drupal.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = parse_acr((tmp_path / "drupal.pdf").read_bytes(), filename="drupal.pdf")
    assert result.ids_with("does_not_support") == ["1.2.5"]
    assert result.ids_with("partially_supports") == DRUPAL10_PS


# --------------------------------------------------------------------------- refusals


def test_oversized_file_is_refused_before_reading():
    data = b"x" * (acr.MAX_BYTES + 1)
    with pytest.raises(FileProblem) as err:
        parse_acr(data, filename="huge.docx")
    assert "huge.docx" in str(err.value)
    assert f"{acr.MAX_BYTES + 1:,} bytes" in str(err.value)
    assert f"{acr.MAX_BYTES:,} bytes" in str(err.value)


def test_legacy_doc_is_refused_with_advice():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    with pytest.raises(FileProblem, match=r"old\.doc: .*legacy Word.*\.docx or PDF"):
        parse_acr(data, filename="old.doc")


def rezip(original: bytes, replace: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w", level) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.pop(item.filename, src.read(item.filename)))
        for name, body in replace.items():
            dst.writestr(name, body)
    return out.getvalue()


def small_docx() -> bytes:
    document = docx.Document()
    criteria_table(document, [("1.1.1 Non-text Content", "Supports", "")])
    return save(document)


def test_zip_bomb_entry_ratio_is_refused():
    bomb = rezip(small_docx(), {"word/media/padding.bin": b"\0" * 30_000_000})
    assert len(bomb) < 200_000
    with pytest.raises(FileProblem, match=r"bomb\.docx: entry 'word/media/padding\.bin' expands"):
        parse_acr(bomb, filename="bomb.docx")


def test_zip_total_expansion_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(acr.docx, "MAX_UNCOMPRESSED", 20_000)
    with pytest.raises(
        FileProblem, match=r"big\.docx: the \.docx expands to [\d,]+ bytes; the limit"
    ):
        parse_acr(small_docx(), filename="big.docx")


def test_xml_entity_expansion_is_refused():
    original = small_docx()
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        body = z.read("word/document.xml")
    laughs = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [\n'
        + b"".join(
            b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">\n'
            % ((i,) + (i - 1,) * 10)
            for i in range(1, 10)
        )
        + b'<!ENTITY l0 "ha">]>\n'
    )
    body = laughs + body.split(b"?>", 1)[1].replace(b"Supports", b"&l9;")
    with pytest.raises(
        FileProblem, match=r"laughs\.docx: entry 'word/document\.xml' declares a DOCTYPE"
    ):
        parse_acr(rezip(original, {"word/document.xml": body}), filename="laughs.docx")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.docx", b"", r"empty"),
        ("broken.docx", b"PK\x03\x04 truncated", r"not a readable \.docx"),
        ("notzip.docx", b"hello", r"not a Word \.docx"),
        ("sheet.docx", None, r"not a Word \.docx document"),
        ("bad.yaml", b"title: [unclosed\nchapters: {", r"not valid YAML"),
        ("alias.yaml", b"a: &x 1\nchapters: {b: *x}\n", r"aliases"),
        ("plain.yaml", b"title: hi\n", r"not an OpenACR report"),
        ("bad.pdf", b"%PDF-1.4\nnot really", r"not a readable PDF|no extractable text"),
        ("fake.pdf", b"hello", r"not a PDF"),
        ("notes.bin", b"just some words", r"not a format this reader knows"),
        ("chapters.yaml", b"chapters:\n  x:\n    criteria: 5\n", r"criteria is not a list"),
    ],
)
def test_malformed_files_raise_file_problem(name: str, data: bytes | None, problem: str):
    if data is None:  # a spreadsheet-like package named .docx
        data = rezip(
            small_docx(),
            {"[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="x"><Default '
             b'Extension="xml" ContentType="application/vnd.openxmlformats-officedocument.'
             b'spreadsheetml.sheet.main+xml"/></Types>'},
        )  # fmt: skip
    with pytest.raises(FileProblem, match=problem) as err:
        parse_acr(data, filename=name)
    assert str(err.value).startswith(f"{name}: ")


def test_html_spans_are_bounded():
    page = (
        "<table><tr><th>Criteria</th><th>Conformance</th></tr>"
        "<tr><td colspan='99999999'>1.1.1 x</td><td>Supports</td></tr></table>"
    )
    result = parse_acr(page.encode(), filename="span.html")
    assert len(result.criteria) == 1


# --------------------------------------------------------------------------- speed


@pytest.mark.parametrize("name", ["drupal-10-16.docx", "drupal-10-16.html"])
def test_ninety_row_report_parses_within_a_second(name: str):
    data = (DATA / name).read_bytes()
    parse_acr(data, filename=name)  # imports and caches
    times = []
    for _ in range(3):
        start = time.perf_counter()
        parse_acr(data, filename=name)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 1.0
