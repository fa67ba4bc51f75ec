"""ACRs read as a careful reviewer reads them (issue 14): HTML tables inside Markdown, forms
that answer Yes/No/N/A, PDF header lines that wrap, compatibility characters, legacy
36 CFR 1194 reports, and the edition read from the title.

The documents in tests/data/acr_cases/ were written for these tests; the expected
values are read off the documents themselves.
"""

from __future__ import annotations

from pathlib import Path

from review.evidence.acr import normalise_term, parse_acr
from tests.evidence.test_acr import make_pdf

DATA = Path(__file__).resolve().parent.parent / "data" / "acr_cases"


def read(name: str):
    return parse_acr((DATA / name).read_bytes(), filename=name)


def test_html_tables_inside_markdown_are_read():
    result = read("acme-int-html-in-markdown.md")
    assert result.source_format == "markdown"
    assert [(c.id, c.conformance) for c in result.wcag()] == [
        ("1.1.1", "supports"),
        ("1.3.1", "partially_supports"),
        ("1.4.3", "supports"),
        ("1.4.10", "partially_supports"),
        ("1.4.11", "supports"),
        ("2.1.1", "does_not_support"),
    ]
    keyboard = next(c for c in result.criteria if c.id == "2.1.1")
    assert [(k.name, k.conformance) for k in keyboard.components] == [
        ("web", "does_not_support"),
        ("electronic_documents", "not_applicable"),
    ]
    # the pipe tables after the HTML ones are still read
    assert {c.id for c in result.criteria} >= {"302.1", "8.1.1"}
    assert "no criteria table was found in the report" not in result.warnings


def test_ligatures_and_full_width_letters_are_folded_before_matching():
    result = read("acme-int-html-in-markdown.md")
    reflow = next(c for c in result.criteria if c.id == "1.4.10")
    assert reflow.name == "Reflow"  # "Reﬂow" with the fl ligature in the document
    contrast = next(c for c in result.criteria if c.id == "1.4.3")
    assert contrast.conformance == "supports"  # "Ｓｕｐｐｏｒｔｓ" in full-width letters
    assert not any("is labelled" in w for w in result.warnings), result.warnings
    assert normalise_term("Partially Supports") == normalise_term("Partially Supports")


def test_edition_from_the_title_wcag_508_and_en_301_549_is_int():
    result = read("acme-int-html-in-markdown.md")
    assert (result.product, result.version, result.report_date) == (
        "Acme Permits Online",
        "7.3",
        "2025-02-14",
    )
    assert result.vpat_edition == "int"
    assert result.to_accessibility_section()["vpat_edition"] == "int"


def test_edition_from_the_title_alone():
    for title, edition in [
        ("Product X VPAT 2.5 (WCAG 2.2 and Section 508)", "508"),
        ("Product X VPAT 2.5 EN 301 549 and WCAG 2.1", "eu"),
        ("Product X Accessibility Conformance Report, WCAG 2.1", "wcag"),
    ]:
        page = f"# {title}\n\n| Criteria | Conformance Level |\n| --- | --- |\n"
        page += "| 1.1.1 Non-text Content | Supports |\n"
        assert parse_acr(page.encode(), filename="x.md").vpat_edition == edition, title


def test_a_form_answering_yes_no_na_is_read():
    result = read("civic-yes-no-form.html")
    assert [(c.id, c.conformance) for c in result.criteria] == [
        ("1.1.1", "supports"),
        ("1.2.2", "not_applicable"),
        ("1.3.1", "partially_supports"),
        ("1.4.3", "does_not_support"),
        ("1.4.10", "supports"),
        ("2.1.1", "does_not_support"),
        ("2.4.7", None),
    ]
    assert (result.product, result.version, result.report_date) == (
        "Riverside Transit App",
        "2.8",
        "2025-06-30",
    )
    assert any("2.4.7" in w and "'Y/N'" in w for w in result.warnings)
    assert result.ids_with("does_not_support") == ["1.4.3", "2.1.1"]


def test_yes_no_terms():
    assert normalise_term("Yes") == "supports"
    assert normalise_term("yes ") == "supports"
    assert normalise_term("No") == "does_not_support"
    assert normalise_term("No - planned for 3.0") == "does_not_support"
    assert normalise_term("Yes, with exceptions") == "partially_supports"
    assert normalise_term("N/A") == "not_applicable"
    assert normalise_term("Yes/No") is None
    assert normalise_term("None") is None


def test_legacy_section_508_report_is_named_and_makes_no_wcag_claim():
    result = read("legacy-1194-vpat.html")
    assert result.legacy_508
    assert [c.id for c in result.criteria] == [
        "1194.22(a)",
        "1194.22(b)",
        "1194.22(c)",
        "1194.22(d)",
    ]
    assert result.wcag_version is None and result.vpat_edition is None
    assert "makes no WCAG claim" in result.warnings[0]
    assert "36 CFR 1194" in result.warnings[0]
    assert "no criteria table was found in the report" not in result.warnings
    section = result.to_accessibility_section()
    assert "wcag_version" not in section and "vpat_edition" not in section


def test_legacy_report_without_a_readable_table_is_still_named():
    page = (
        "<h1>VPAT</h1><p>Product Name: Old Thing 2</p><p>Date: 2010-01-05</p>"
        "<p>This product was evaluated against 36 CFR 1194.22.</p>"
    )
    result = parse_acr(page.encode(), filename="old.html")
    assert result.legacy_508 and not result.criteria
    assert "makes no WCAG claim" in result.warnings[0]
    assert "no criteria table was found in the report" not in result.warnings


def test_a_revised_508_report_is_not_legacy():
    page = "# VPAT 2.4 Rev 508\n\n| Criteria | Conformance Level |\n| --- | --- |\n"
    page += "| 1.1.1 Non-text Content | Supports |\n| 1194.22 legacy note | Supports |\n"
    result = parse_acr(page.encode(), filename="x.md")
    assert not result.legacy_508 and result.vpat_edition == "508"


def _wrapped_pdf(header: list[list[tuple[int, str]]]) -> bytes:
    return make_pdf(
        [
            [(40, "Acme Permits Online Accessibility Conformance Report")],
            *header,
            [(40, "Table 1: Success Criteria, Level A")],
            [(40, "Criteria"), (250, "Conformance Level"), (400, "Remarks and Explanations")],
            [(40, "1.1.1 Non-text Content (Level A)"), (250, "Supports"), (400, "All images.")],
        ]
    )


def test_pdf_header_labels_on_one_line_values_on_the_next():
    pdf = _wrapped_pdf(
        [
            [(40, "Name of Product/Version:"), (300, "Report Date:")],
            [(40, "Acme Permits Online 7.3"), (300, "February 14, 2025")],
        ]
    )
    result = parse_acr(pdf, filename="wrapped.pdf")
    assert (result.product, result.version, result.report_date) == (
        "Acme Permits Online",
        "7.3",
        "2025-02-14",
    )


def test_pdf_header_label_and_value_broken_across_lines():
    pdf = _wrapped_pdf(
        [
            [(40, "Name of Product/")],
            [(40, "Version: Acme Enterprise Content")],
            [(40, "Management Platform 4.2")],
            [(40, "Report Date:")],
            [(40, "March 3, 2025")],
        ]
    )
    result = parse_acr(pdf, filename="wrapped.pdf")
    assert (result.product, result.version, result.report_date) == (
        "Acme Enterprise Content Management Platform",
        "4.2",
        "2025-03-03",
    )
