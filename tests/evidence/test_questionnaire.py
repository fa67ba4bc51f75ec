"""Security questionnaires (issue 14): CAIQ v4.0.x and HECVAT 3.x Full and Lite workbooks,
built messy by bench/questionnaire_files.py, read into intake answers."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bench.questionnaire_files import caiq, hecvat
from review.core.loading import submission_from_data
from review.errors import FileProblem
from review.evidence.questionnaire import QuestionnaireResult, parse_questionnaire

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 1, 15)


def filled(result: QuestionnaireResult) -> dict[str, object]:
    return {f"{f.field}:{f.qid}": f.value for f in result.filled}


def test_caiq_v4_is_read_with_each_field_its_question_and_words():
    result = parse_questionnaire(caiq(), filename="caiq.xlsx", as_of=TODAY)
    assert (result.layout, result.version) == ("caiq", "4.0.3")
    assert filled(result) == {
        "authentication.sso:IAM-16.1": "saml",
        "authentication.mfa:IAM-14.1": True,  # "1) Yes"
        "authentication.scim:IAM-07.1": False,
        "encryption.at_rest:CEK-03.1": True,
        "encryption.tls_min_version:CEK-03.2": "1.2",  # the lowest version named
        "incident_notification_hours:SEF-08.1": 72,
        "data_locations:DSP-19.1": ["US"],
        "data_management.audit_log_days:LOG-02.1": 365,
        "certifications:A&A-02.1": {"type": "soc2_type2", "date": "2025-06-30"},
    }
    sso = next(f for f in result.filled if f.qid == "IAM-16.1")
    assert (sso.words, sso.section) == ("Yes / SAML 2.0 with Okta, Azure AD", "SEC-2")
    assert any(n.startswith("A&A-02.2 (certifications): not claimed") for n in result.not_mapped)
    assert any(n.startswith("A&A-02.4") and "not in the file" in n for n in result.not_mapped)
    assert result.other_questions == ["GRC-01.1"]
    assert not result.findings


def test_what_the_import_fills_is_a_valid_proposal_section():
    result = parse_questionnaire(hecvat("Full"), filename="h.xlsx", as_of=TODAY)
    proposal = result.to_proposal()
    base = json.loads(json.dumps(proposal))
    from review.core.records import Authentication, Encryption

    Authentication.model_validate(base["authentication"])
    Encryption.model_validate(base["encryption"])
    assert proposal["certifications"] == [{"type": "soc2_type2", "date": "2025-02-01"}]
    assert submission_from_data is not None


def test_hecvat_full_layout():
    result = parse_questionnaire(hecvat("Full"), filename="hecvat.xlsx", as_of=TODAY)
    assert (result.layout, result.version, result.date) == ("hecvat_full", "3.06", "2025-09-15")
    assert (result.vendor, result.product) == ("Acme Civic Software", "Acme Permits")
    got = filled(result)
    assert got["authentication.sso:AAAI-01"] == "saml"
    assert got["authentication.mfa:AAAI-03"] is True  # "1) Yes " with a trailing space
    assert got["authentication.scim:AAAI-09"] is True
    assert got["encryption.tls_min_version:DATA-03"] == "1.2"  # "TLS v1.2 minimum"
    assert got["incident_notification_hours:INCR-03"] == 48
    assert got["data_management.audit_log_days:APPL-12"] == 90
    assert got["accessibility.acr_provided:ITAC-01"] is True
    assert any(n.startswith("HIPA-01") and "'Maybe'" in n for n in result.not_mapped)


def test_hecvat_lite_layout():
    result = parse_questionnaire(hecvat("Lite"), filename="lite.xlsx", as_of=TODAY)
    assert result.layout == "hecvat_lite"
    got = filled(result)
    assert got["authentication.sso:HLAA-01"] == "oidc"
    assert got["authentication.mfa:HLAA-02"] is False
    assert got["encryption.tls_min_version:HLDA-02"] == "1.3"
    assert got["incident_notification_hours:HLIR-02"] == 72  # "within 3 days"
    assert got["certifications:HLCP-02"] == {"type": "soc2_type2"}


def test_an_old_questionnaire_is_a_finding():
    stale = parse_questionnaire(hecvat("Full", date="2022-03-01"), filename="h.xlsx", as_of=TODAY)
    assert any(f.startswith("SEC-1") and "2022-03-01" in f for f in stale.findings)
    old_version = parse_questionnaire(
        hecvat("Full", version="2.11"), filename="h.xlsx", as_of=TODAY
    )
    assert any("version 2.11" in f for f in old_version.findings)
    caiq3 = parse_questionnaire(caiq(version="3.1"), filename="c.xlsx", as_of=TODAY)
    assert any("CAIQ is version 3.1" in f for f in caiq3.findings)
    fresh = parse_questionnaire(hecvat("Full"), filename="h.xlsx", as_of=TODAY)
    assert not fresh.findings


def test_formulas_are_never_evaluated():
    result = parse_questionnaire(caiq(), filename="caiq.xlsx", as_of=TODAY)
    assert all("=" not in a.answer and "NOW" not in a.answer for a in result.answers)


def test_refusals_name_the_file_and_problem():
    with pytest.raises(FileProblem, match=r"x.xlsx: not an Excel .xlsx"):
        parse_questionnaire(b"hello", filename="x.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<!DOCTYPE x []><Types/>")
    with pytest.raises(FileProblem, match=r"y.xlsx"):
        parse_questionnaire(out.getvalue(), filename="y.xlsx")
    from openpyxl import Workbook

    book = Workbook()
    plain = io.BytesIO()
    book.save(plain)
    with pytest.raises(FileProblem, match=r"z.xlsx: no CAIQ sheet"):
        parse_questionnaire(plain.getvalue(), filename="z.xlsx")


def test_cli_import_questionnaire_json(tmp_path: Path):
    path = tmp_path / "hecvat.xlsx"
    path.write_bytes(hecvat("Lite"))
    run = subprocess.run(
        [sys.executable, "-m", "review.cli", "import", "questionnaire", str(path), "-f", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["questionnaire"]["layout"] == "hecvat_lite"
    assert payload["proposal"]["authentication"]["sso"] == "oidc"
    assert {"field", "value", "qid", "words", "section"} <= set(payload["filled"][0])


def test_an_attached_questionnaire_fills_what_the_form_left_open(tmp_path: Path):
    import yaml

    from review.core.loading import load_with_attachments

    record = yaml.safe_load((ROOT / "tests" / "data" / "bases" / "saas.yaml").read_text())
    proposal = record["proposal"]
    proposal.pop("authentication", None)
    proposal["encryption"] = {"tls_min_version": "1.3"}  # the department's own answer
    proposal["attachments"] = [{"kind": "questionnaire", "path": "hecvat.xlsx"}]
    (tmp_path / "hecvat.xlsx").write_bytes(hecvat("Full"))
    path = tmp_path / "intake.yaml"
    path.write_text(yaml.safe_dump(record))
    submission, reports = load_with_attachments(path)
    auth = submission.proposal.authentication
    assert auth is not None and (auth.sso, auth.mfa, auth.scim) == ("saml", True, True)
    encryption = submission.proposal.encryption
    assert encryption is not None and encryption.tls_min_version == "1.3"  # the form wins
    assert encryption.at_rest is True
    assert reports[0].status == "applied"
    assert "encryption.tls_min_version" in reports[0].kept
    assert "authentication.sso" in reports[0].filled
