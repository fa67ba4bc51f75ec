"""The approval packet built from a request driven through the real workflow."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from docx import Document
from sqlalchemy import select, text

from review.errors import FileProblem, Refused
from review.labels import FINDING_STATUS, SEVERITY
from review.packet import Outcome, build_packet, issue_packet, preview_packet, verify_packet
from review.packet.keys import SigningKey, keys_dir, public_pem, signing_key
from review.packet.render import DRAFT_HEADER
from review.packet.sections import domain_title
from review.services import approval_conditions, audit, proposals
from review.services.context import Services
from review.store.models import AuditEvent, Packet

from . import tamper
from .conftest import Driven, decide, sign_all, submit, waive_and_condition
from .reading import read


def _stage_view(driven: Driven):
    return proposals.get(driven.services, "cara", driven.id)


# --- completeness -------------------------------------------------------------------------


def test_final_packet_has_every_finding_waiver_condition_and_signoff(decided: Driven) -> None:
    data = build_packet(decided.services, "cara", decided.id)
    view = _stage_view(decided)
    doc = read(data)
    assert view.findings and view.waivers and view.conditions and view.signoffs

    rows = doc.table("")  # every table; finding rows are found by rule id and subject
    info = doc.table("Information findings")
    for finding in view.findings:
        if finding["severity"] == "info":  # summarised: one row per rule
            row = next(r for r in info if r[0] == finding["rule_id"])
            assert row[1] == finding["title"]
            continue
        found = [
            r
            for r in rows
            if len(r) == 7
            and r[2].startswith(f"{finding['rule_id']}: ")
            and (finding["subject"] is None or f"Subject: {finding['subject']}" in r[2])
        ]
        assert len(found) == 1, finding.key
        row = found[0]
        assert row[1] == SEVERITY[finding["severity"]]
        assert row[4].split(" ")[0] == FINDING_STATUS[finding.status]
        assert finding["remediation"] in row[6]
        for citation in finding["citations"]:
            assert citation in row[3]
        for item in finding["evidence"]:
            assert f"{item['field']} = " in row[5]
    # cited sections carry their titles from the standards
    assert "SEC-7 Supported software" in doc.text

    waiver_rows = doc.table("Waivers (GEN-5)")
    for waiver in view.waivers:
        row = next(r for r in waiver_rows if r[0] == f"W-{waiver.id}")
        assert waiver.rule_id in row[1]
        assert "Information Security Officer" in row[2]
        assert row[3] == waiver.justification
        assert row[4] == waiver.compensating_controls
        assert row[6] == waiver.expires_on.isoformat()

    condition_rows = doc.table("Conditions of approval (GEN-8)")
    for condition in view.conditions:
        row = next(r for r in condition_rows if r[0] == f"C-{condition.id}")
        assert row[2] == condition.text
        assert row[3] == condition.owner
        assert row[4] == condition.due_date.isoformat()

    signoff_rows = doc.table("Sign-offs (GEN-3)")
    assert signoff_rows[0] == [
        "Domain",
        "Reviewer",
        "Decision",
        "Date and time",
        "Record version",
        "Note",
    ]
    for signoff in view.signoffs:
        row = next(r for r in signoff_rows if r[0] == domain_title(signoff.domain))
        assert signoff.reviewer in row[1]
        assert row[2] == "Signed off"
        assert row[3].startswith(signoff.at.strftime("%Y-%m-%d %H:%M"))

    decision_rows = doc.table("Approver's decision")
    assert decision_rows[1][1] == "Approved with conditions"
    assert "cara" in decision_rows[1][2]
    history = doc.table("History")
    assert any(r[3] == "decision" for r in history)
    assert any(r[3] == "waiver granted" for r in history)
    assert "DRAFT" not in " ".join(doc.headers + doc.footers)


def test_issuing_records_the_packet_and_an_audit_event(decided: Driven) -> None:
    built = issue_packet(decided.services, "cara", decided.id)
    assert built.newly_issued and not built.draft
    with decided.services.db.session() as session:
        rows = list(session.scalars(select(Packet)))
        assert [(r.packet_id, r.digest, r.proposal_id) for r in rows] == [
            (built.packet_id, built.digest, decided.id)
        ]
        assert rows[0].key_fingerprint == signing_key().fingerprint
        assert rows[0].stage == "proposal" and rows[0].outcome == "approved_with_conditions"
        events = list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == "packet.issue"))
        )
        assert len(events) == 1 and events[0].details["digest"] == built.digest
        assert audit.verify(session).ok
    # the same packet again: same bytes, nothing new recorded
    again = issue_packet(decided.services, "tess", decided.id)
    assert not again.newly_issued and again.data == built.data
    with decided.services.db.session() as session:
        assert len(list(session.scalars(select(Packet)))) == 1


def test_changed_content_issues_a_new_revision(decided: Driven) -> None:
    first = issue_packet(decided.services, "cara", decided.id)
    condition = _stage_view(decided).conditions[0]
    approval_conditions.set_status(decided.services, "cara", decided.id, condition.id, "met")
    second = issue_packet(decided.services, "cara", decided.id)
    assert second.newly_issued and second.packet_id == f"{first.packet_id}-r2"
    assert second.digest != first.digest
    assert verify_packet(first.data).outcome is Outcome.VALID
    assert verify_packet(second.data).outcome is Outcome.VALID


def test_packets_table_is_append_only(decided: Driven) -> None:
    issue_packet(decided.services, "cara", decided.id)
    with (
        pytest.raises(Exception, match="append-only"),
        decided.services.db.session() as session,
    ):
        session.execute(text("UPDATE packets SET digest = 'x'"))


def test_migration_matches_the_model(services: Services) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from review.store.models import Base

    with services.db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert "packets" in services.db.table_names()


# --- draft and refusal --------------------------------------------------------------------


def test_before_the_decision_only_a_draft(services: Services, people: dict[str, str]) -> None:
    driven = submit(services)
    waive_and_condition(driven)
    with pytest.raises(Refused, match="no approval packet yet"):
        build_packet(services, "cara", driven.id)
    data = build_packet(services, "cara", driven.id, draft_ok=True)
    doc = read(data)
    assert all(DRAFT_HEADER in h for h in doc.headers if h.startswith("DRAFT")) and any(
        "DRAFT" in h for h in doc.headers
    )
    assert any("DRAFT" in f for f in doc.footers)
    assert doc.paragraphs[0] == (
        "Packet Draft Mark",
        "DRAFT \u2014 preview only, not an approval packet",
    )
    assert "sign-offs missing" in doc.text
    assert verify_packet(data).outcome is Outcome.DRAFT
    # every page: the marks are in the header and footer of every section
    document = Document(io.BytesIO(data))
    for section in document.sections:
        assert any("DRAFT" in p.text for p in section.header.paragraphs)
        assert any("DRAFT" in p.text for p in section.footer.paragraphs)
    # signed off but not yet decided: still refused
    sign_all(driven)
    with pytest.raises(Refused, match="has not decided"):
        build_packet(services, "cara", driven.id)
    with services.db.session() as session:
        assert list(session.scalars(select(Packet))) == []
        assert not list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == "packet.issue"))
        )
    decide(driven)
    assert verify_packet(build_packet(services, "cara", driven.id)).outcome is Outcome.VALID


def test_preview_of_a_decided_request_is_still_a_draft(decided: Driven) -> None:
    built = preview_packet(decided.services, "cara", decided.id)
    assert built.draft and verify_packet(built.data).outcome is Outcome.DRAFT
    with decided.services.db.session() as session:
        assert list(session.scalars(select(Packet))) == []


# --- integrity ----------------------------------------------------------------------------


def test_verify_valid(decided: Driven) -> None:
    built = issue_packet(decided.services, "cara", decided.id)
    result = verify_packet(built.data)
    assert result.outcome is Outcome.VALID and result.ok
    assert result.digest == built.digest and result.packet_id == built.packet_id
    assert result.proposal == f"P-{decided.id}" and result.decision == "approved_with_conditions"
    assert result.approver is not None and "cara" in result.approver
    assert result.fingerprint == signing_key().fingerprint
    assert result.key_name == "this deployment's signing key"


def test_verify_refuses_what_is_not_a_packet(tmp_path: Path) -> None:
    for data in (b"", b"hello", b"PK\x03\x04broken"):
        with pytest.raises(FileProblem):
            verify_packet(data)
    doc = Document()
    doc.add_paragraph("Minutes")
    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(FileProblem, match="not an approval packet"):
        verify_packet(out.getvalue())


def test_verify_changes_made_with_python_docx_are_altered(decided: Driven) -> None:
    """A cell, a paragraph, a deleted row: each edit of a workflow packet is found."""
    data = build_packet(decided.services, "cara", decided.id)

    def edited(change: object) -> bytes:
        document = Document(io.BytesIO(data))
        change(document)  # type: ignore[operator]
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    def cell(document: object) -> None:
        for table in document.tables:  # type: ignore[attr-defined]
            for row in table.rows:
                if row.cells[1].text == "Blocker":
                    row.cells[1].text = "Minor"
                    return

    def paragraph(document: object) -> None:
        document.paragraphs[1].runs[0].text += " (amended)"  # type: ignore[attr-defined]

    def row(document: object) -> None:
        last = document.tables[-2].rows[-1]._tr  # type: ignore[attr-defined]
        last.getparent().remove(last)

    for change in (cell, paragraph, row):
        result = verify_packet(edited(change))
        assert result.outcome is Outcome.ALTERED, change
        assert "word/document.xml" in " ".join(result.problems)


def test_verify_resealed_by_another_key_is_unknown_key(decided: Driven) -> None:
    built = issue_packet(decided.services, "cara", decided.id)
    other = SigningKey(Ed25519PrivateKey.generate(), Path("(elsewhere)"))
    forged = tamper.resealed_by(built.data, other)
    resealed = tamper.resealed_by(built.data, other, change=False)
    assert verify_packet(built.data).outcome is Outcome.VALID
    assert verify_packet(forged).outcome is Outcome.UNKNOWN_KEY
    assert verify_packet(resealed).outcome is Outcome.UNKNOWN_KEY
    # trusting that key (e.g. a previous deployment key) makes its packets valid ...
    trusted = keys_dir() / "trusted"
    trusted.mkdir(parents=True)
    (trusted / "old.pem").write_text(public_pem(other.public))
    again = verify_packet(resealed)
    assert again.outcome is Outcome.VALID and again.key_name == "an earlier key (trusted/old.pem)"
    # ... but never words that differ from the content digest the seal names
    assert verify_packet(forged).outcome is Outcome.ALTERED


def test_verify_a_stripped_seal_is_altered_not_draft(decided: Driven) -> None:
    built = issue_packet(decided.services, "cara", decided.id)
    for forged in (tamper.stripped_seal(built.data), tamper.stripped_seal_changed(built.data)):
        result = verify_packet(forged)
        assert result.outcome is Outcome.ALTERED and "seal was removed" in result.message
        assert result.packet_id == built.packet_id
    draft = preview_packet(decided.services, "cara", decided.id).data
    assert verify_packet(tamper.stripped_seal(draft)).outcome is Outcome.ALTERED


def test_verify_forged_signature_under_the_known_key_is_altered(decided: Driven) -> None:
    built = issue_packet(decided.services, "cara", decided.id)
    assert verify_packet(tamper.forged_signature(built.data)).outcome is Outcome.ALTERED
    assert verify_packet(tamper.edited_statement(built.data)).outcome is Outcome.ALTERED


def test_rebuilt_after_key_rotation_is_valid_and_old_copies_stay_valid(decided: Driven) -> None:
    first = issue_packet(decided.services, "cara", decided.id)
    old = signing_key()
    trusted = keys_dir() / "trusted"
    trusted.mkdir(parents=True)
    (trusted / "2026.pem").write_text(old.public_pem)
    old.path.rename(keys_dir() / "retired.pem")
    again = issue_packet(decided.services, "cara", decided.id)
    assert not again.newly_issued and again.packet_id == first.packet_id
    assert again.fingerprint != first.fingerprint and again.digest == first.digest
    assert verify_packet(again.data).outcome is Outcome.VALID
    assert verify_packet(first.data).outcome is Outcome.VALID


def test_key_is_created_once_with_mode_0600(decided: Driven) -> None:
    first = signing_key()
    path = keys_dir() / "packet-signing.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys_dir().stat().st_mode) == 0o700
    assert signing_key().fingerprint == first.fingerprint
    assert first.public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    os.chmod(path, 0o644)
    with pytest.raises(Exception, match="chmod 600"):
        signing_key()


# --- determinism and template --------------------------------------------------------------


def test_two_builds_are_byte_identical(decided: Driven) -> None:
    first = build_packet(decided.services, "cara", decided.id)
    second = build_packet(decided.services, "admin", decided.id)
    assert first == second
    draft_a = preview_packet(decided.services, "cara", decided.id).data
    draft_b = preview_packet(decided.services, "cara", decided.id).data
    assert draft_a == draft_b
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    props = Document(io.BytesIO(first)).core_properties
    assert props.created == props.modified and props.revision == 1


def test_admin_template_is_used(
    decided: Driven, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a minimal template without any packet style: the styles are added, the letterhead kept
    template = Document()
    template.sections[0].header.paragraphs[0].text = "City of Testville letterhead"
    data_dir.mkdir(parents=True, exist_ok=True)
    template.save(str(data_dir / "packet-template.docx"))
    data = build_packet(decided.services, "cara", decided.id)
    doc = read(data)
    assert "City of Testville letterhead" in doc.headers
    assert verify_packet(data).outcome is Outcome.VALID
    # REVIEW_PACKET_TEMPLATE wins over the data directory
    other = Document()
    other.sections[0].footer.paragraphs[0].text = "Named template footer"
    named = data_dir / "named.docx"
    other.save(str(named))
    monkeypatch.setenv("REVIEW_PACKET_TEMPLATE", str(named))
    doc = read(build_packet(decided.services, "cara", decided.id))
    assert "Named template footer" in doc.footers


def test_shipped_template_has_the_named_styles() -> None:
    from review.packet.styles import DEFAULT_TEMPLATE, PARAGRAPH_STYLES, TABLE_STYLE

    names = {s.name for s in Document(str(DEFAULT_TEMPLATE)).styles}
    assert set(PARAGRAPH_STYLES.values()) | {TABLE_STYLE} <= names


# --- robust text through the workflow -----------------------------------------------------

PASTED = (
    "Line one\x0bline two\x0cpage\x00nul\x01\x02\x1f & <b>bold</b> ]]> "
    "中文说明 العربية Кириллица 🚒🔥 \t tab"
)


def test_pasted_text_survives_the_workflow(services: Services, people: dict[str, str]) -> None:
    driven = submit(services)
    long_remark = "Very long remark. " * 6000  # ~108,000 characters
    waive_and_condition(
        driven,
        justification=PASTED,
        controls=long_remark,
        condition_text=PASTED,
        owner="Ops & <IT>",
    )
    sign_all(driven, note=PASTED)
    decide(driven, reason=PASTED + long_remark)
    data = build_packet(services, "cara", driven.id)
    doc = read(data)
    assert verify_packet(data).outcome is Outcome.VALID
    expected = (
        "Line one\nline two\npage\u2400nul\u2401\u2402\u241f & <b>bold</b> ]]> "
        "中文说明 العربية Кириллица 🚒🔥 \t tab"
    )
    waiver = doc.table("Waivers (GEN-5)")[1]
    assert waiver[3] == expected
    assert waiver[4] == long_remark.strip()
    assert doc.table("Conditions of approval (GEN-8)")[1][2] == expected
    assert doc.table("Conditions of approval (GEN-8)")[1][3] == "Ops & <IT>"
    assert any(r[5] == expected for r in doc.table("Sign-offs (GEN-3)"))
    assert doc.table("Approver's decision")[1][4] == expected + long_remark  # nothing truncated
