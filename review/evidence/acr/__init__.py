"""Accessibility Conformance Reports (ITI VPAT 2.x and older) read into ``accessibility``.

``parse_acr(data, filename=...)`` accepts the bytes of an attached ACR and returns an
``AcrResult``: product, version, report date, VPAT edition, WCAG version and levels covered,
draft/template flags, warnings and one ``CriterionEvidence`` row per criterion the report
lists (id, name, level, conformance, each component's term, remarks, "Also applies to").
``AcrResult.to_accessibility_section()`` is the ``accessibility`` mapping of the intake form
(docs: shared/spec/intake.md).

Formats (chosen by content first, then by extension)
    OpenACR YAML (``chapters:``; read with ``review.core.safeyaml``: no aliases, no duplicate keys),
    Word ``.docx`` (python-docx), HTML (the standard library's parser), Markdown tables and
    PDF (pypdf text extraction, read line by line: tables lose their columns there, so a
    warning asks the reviewer to check the rows). A legacy Word ``.doc`` (an OLE file) is
    refused with a message asking for ``.docx`` or PDF.

Tables
    A table is read when a header row names a criterion column ("Criteria", "Success
    Criterion", "1194.22 ...") and either a conformance column ("Conformance Level",
    "Supporting Features" of VPAT 1.x, "Level of Support") or component columns ("Web",
    "Authoring Tool", ...). Rows whose first cell starts with a criterion id are criteria;
    summary tables ("Conformance Level | Web | ...") and headings rows ("(heading)",
    "Heading cell - no response required") are skipped. Merged cells repeat their text in
    every grid position they cover. A conformance cell may hold one term or labelled
    component terms ("Web: Supports / Electronic Documents: Not Applicable", or each label on
    its own line); a blank component is ignored, and the criterion takes its worst
    component (does not support > partially supports > not evaluated > supports > not
    applicable).

Terms
    Normalised to ``supports``, ``partially_supports``, ``does_not_support``,
    ``not_applicable`` and ``not_evaluated``, including VPAT 1.x/2.0 wording ("Supports with
    Exceptions", "Partially", "Not Supported", "N/A") and near-misspellings ("Partially
    Support", "Does not supports", "Partialy Supports"). Unrecognised text is kept as the
    component's text, counts as blank and is reported in ``warnings``.

WCAG version and levels (decisions)
    ``wcag_version`` is the newest WCAG version whose new criteria the report answers (a
    conformance term, "Not Applicable" included). The version a report or its OpenACR
    catalog claims is used when no WCAG criterion is answered, and a disagreement is a
    warning: Drupal 9's report names WCAG 2.1 but leaves every 2.1 criterion blank, so it is
    read as 2.0. ``levels`` are the levels with at least one criterion answered other than
    "Not Evaluated". The ``does_not_support`` / ``partially_supports`` lists hold WCAG
    success criteria only (from the WCAG tables), in WCAG order.

OpenACR (decisions)
    Chapters marked ``disabled: true`` are not part of the report (the OpenACR renderer does
    not show them), nor are chapters outside the edition its ``catalog`` names (Drupal 10's
    WCAG-edition report carries leftover Section 508 chapters); both are noted in warnings.

Draft, template (warning flags)
    ``is_template``: criteria are listed but none has a conformance term, or the product or
    date still holds placeholder text ("Insert Product Name", "[Company Name]"). ``is_draft``:
    the word DRAFT, a statement that the product was not tested, or at least 90 % of the
    criteria blank or "Not Applicable".

Safety
    ``MAX_BYTES`` is checked before anything else. A ``.docx`` is checked before python-docx
    opens it: at most ``MAX_ZIP_ENTRIES`` entries, ``MAX_UNCOMPRESSED`` bytes in all, no
    entry over 1 MB that expands more than ``MAX_RATIO`` times, and no XML part with a
    DOCTYPE (OOXML never needs one; this refuses entity-expansion "billion laughs"; lxml in
    python-docx also runs with ``resolve_entities=False``). HTML is read by the standard
    library's parser, which expands no entities beyond HTML's own and fetches nothing.
    Spans (colspan/rowspan) and table sizes are bounded. Nothing in a document is executed
    or fetched. Every refusal is a ``FileProblem`` naming the file and the problem.
"""

from .build import parse_report_date
from .common import (
    MAX_BYTES,
    TERMS,
    AcrResult,
    ComponentTerm,
    Conformance,
    CriterionEvidence,
    normalise_term,
)
from .parse import parse_acr

__all__ = [
    "MAX_BYTES",
    "TERMS",
    "AcrResult",
    "ComponentTerm",
    "Conformance",
    "CriterionEvidence",
    "normalise_term",
    "parse_acr",
    "parse_report_date",
]
