"""Questionnaire workbooks (for the tests and bench/questionnaire.py) built with openpyxl, as
messy as real ones: a title banner in merged cells, blank rows, answers with trailing spaces
and "1) Yes", merged notes cells, Yes/No data validations and a formula no reader may
evaluate (issue 14)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

CAIQ_ROWS = [
    ("IAM-16.1", "Are SSO protocols supported?", "Yes ", "SAML 2.0 with Okta, Azure AD"),
    ("IAM-14.1", "Is strong (multi-factor) authentication enforced?", "1) Yes", ""),
    ("IAM-07.1", "Is user provisioning automated (SCIM)?", "No", "Manual CSV import"),
    ("CEK-03.1", "Are data at rest cryptographically protected?", "Yes", "AES-256"),
    ("CEK-03.2", "Is data in transit protected?", "Yes", "TLS 1.2 and TLS 1.3 only"),
    ("SEF-08.1", "Are customers notified of breaches?", "Yes", "Within 72 hours of confirmation"),
    ("DSP-19.1", "Where is customer data stored?", "NA", "Data centers in the United States"),
    ("LOG-02.1", "How long are audit logs retained?", "Yes", "Audit logs kept 1 year"),
    ("A&A-02.1", "Do you hold a SOC 2 Type II report?", "Yes", "Period ending 2025-06-30"),
    ("A&A-02.2", "Are you ISO 27001 certified?", "No ", ""),
    ("A&A-02.3", "Are you FedRAMP authorized?", "", ""),
    ("GRC-01.1", "Is there an information security program?", "Yes", ""),
]


def caiq(version: str = "4.0.3", rows: list[tuple[str, str, str, str]] | None = None) -> bytes:
    book = Workbook()
    intro = book.create_sheet("Introduction", 0)
    intro["A1"] = "Consensus Assessments Initiative Questionnaire"
    book.remove(book.worksheets[1])
    sheet = book.create_sheet(f"CAIQv{version}")
    sheet.merge_cells("A1:H2")
    sheet["A1"] = "CAIQ v4 - Written for this project's tests"
    headers = [
        "Question ID",
        "Question",
        "CSP CAIQ Answer",
        "SSRM Control Ownership",
        "CSP Implementation Description",
        "CSC Responsibilities",
        "",
        "CCM Control ID",
    ]
    sheet.append([])
    sheet.append(headers)
    answers = DataValidation(type="list", formula1='"Yes,No,NA"', allow_blank=True)
    sheet.add_data_validation(answers)
    for n, (qid, question, answer, notes) in enumerate(rows or CAIQ_ROWS):
        sheet.append([qid, question, answer, "CSP-owned", notes, "", "", qid.split(".")[0]])
        answers.add(f"C{sheet.max_row}")
        if n % 4 == 3:
            sheet.append([])  # blank rows between control groups
    sheet.append(["=1/0", "a formula row nobody evaluates", "=NOW()", "", "", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HECVAT_FULL = [
    ("AAAI-01", "Does your solution support single sign-on (SSO)?", "Yes", "SAML 2.0, OIDC"),
    ("AAAI-03", "Do you support multi-factor authentication?", "1) Yes ", ""),
    ("AAAI-09", "Do you support SCIM provisioning?", "Yes", "SCIM 2.0"),
    ("DATA-03", "Is data encrypted in transit?", "Yes", "TLS v1.2 minimum"),
    ("DATA-04", "Is data encrypted at rest?", "Yes", ""),
    ("DATA-09", "Where is institutional data stored?", "US", "AWS us-east-1 and us-west-2 (US)"),
    ("INCR-03", "Breach notification timeline?", "Yes", "48 hours"),
    ("APPL-12", "Audit log retention?", "Yes", "90 days online"),
    ("COMP-05", "Do you have a current SOC 2 Type 2?", "Yes", "Report dated 2025-02-01"),
    ("COMP-07", "FedRAMP?", "No", ""),
    ("HIPA-01", "Will you sign a BAA?", "Maybe", "Depends on contract"),
    ("ITAC-01", "Do you have an accessibility statement / VPAT?", "Yes", "VPAT 2.5 INT"),
]
HECVAT_LITE = [
    ("HLAA-01", "Do you support SSO?", "Yes", "OpenID Connect"),
    ("HLAA-02", "MFA?", "No", ""),
    ("HLDA-02", "Encryption in transit?", "Yes", "TLS 1.3"),
    ("HLDA-03", "Encryption at rest?", "Yes ", ""),
    ("HLIR-02", "Notification of breach?", "Yes", "within 3 days"),
    ("HLCP-02", "SOC 2?", "Yes", ""),
]


def hecvat(
    layout: str = "Full",
    rows: list[tuple[str, str, str, str]] | None = None,
    *,
    date: str = "2025-09-15",
    version: str = "3.06",
    filler: int = 0,
) -> bytes:
    """A HECVAT 3.x workbook; ``filler`` adds that many more answered questions."""
    book = Workbook()
    book.create_sheet("Instructions", 0)
    book.remove(book.worksheets[1])
    sheet = book.create_sheet(f"HECVAT - {layout} | Vendor Response")
    sheet.merge_cells("A1:D1")
    sheet["A1"] = f"HECVAT {layout} v{version} - written for this project's tests"
    sheet.append([])
    sheet.append(["DATE-01", "Date", date, ""])
    sheet.append(["GNRL-01", "Vendor Name", "Acme Civic Software ", ""])
    sheet.append(["GNRL-02", "Product Name", "Acme Permits", ""])
    sheet.append([])
    sheet.append(["", "Question", "Vendor Answer", "Additional Information"])
    validation = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    sheet.add_data_validation(validation)
    rows = list(rows if rows is not None else (HECVAT_FULL if layout == "Full" else HECVAT_LITE))
    prefixes = ("MISC", "FILL", "MORE", "EXTR")
    rows += [(f"{prefixes[n // 100]}-{n % 100:02d}", f"Question {n}", "Yes", f"notes {n}")
             for n in range(min(filler, 400))]  # fmt: skip
    for qid, question, answer, notes in rows:
        sheet.append([qid, question, answer, notes])
        validation.add(f"C{sheet.max_row}")
        if notes:
            sheet.merge_cells(f"D{sheet.max_row}:F{sheet.max_row}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
