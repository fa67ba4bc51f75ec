"""The tampered-packet corpus (tests/data/packets/): every forgery is refused.

The committed files were forged from a packet sealed by an earlier build (make_corpus.py);
the same techniques are applied to a packet sealed now, and LibreOffice shows that the
forgeries are real: what they add is on the page a reader sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from typer.testing import CliRunner

from bench.packet_workloads import packet_data
from review.cli.main import app
from review.cli.packet import (
    EXIT_ALTERED,
    EXIT_DRAFT,
    EXIT_INPUT,
    EXIT_UNKNOWN_KEY,
    EXIT_VALID,
)
from review.errors import FileProblem
from review.packet.keys import SigningKey, fingerprint
from review.packet.verify import verify_packet

from .make_corpus import CORPUS, sealed
from .office import pages, to_pdf
from .tamper import DRAFT_TECHNIQUES, MARK, TECHNIQUES, Technique

INDEX: list[dict[str, str]] = json.loads((CORPUS / "corpus.json").read_text())
EXIT = {
    "valid": EXIT_VALID,
    "altered": EXIT_ALTERED,
    "unknown_key": EXIT_UNKNOWN_KEY,
    "draft": EXIT_DRAFT,
    "not_a_packet": EXIT_INPUT,
}


def corpus_key() -> dict[str, Ed25519PublicKey]:
    public = serialization.load_pem_public_key((CORPUS / "trusted.pem").read_bytes())
    assert isinstance(public, Ed25519PublicKey)
    return {fingerprint(public): public}


def outcome(data: bytes, trusted: dict[str, Ed25519PublicKey]) -> str:
    try:
        return verify_packet(data, trusted).outcome.value
    except FileProblem:
        return "not_a_packet"


def test_the_corpus_has_one_file_per_technique() -> None:
    names = {item["file"] for item in INDEX}
    techniques = {f"{t.name}.docx" for t in (*TECHNIQUES, *DRAFT_TECHNIQUES)}
    assert techniques <= names, "run python -m tests.packet.make_corpus"
    assert {"valid.docx", "draft.docx", "not-a-packet.docx"} <= names
    assert names == {p.name for p in CORPUS.glob("*.docx")}


@pytest.mark.parametrize("item", INDEX, ids=[i["file"] for i in INDEX])
def test_committed_forgery(item: dict[str, str]) -> None:
    data = (CORPUS / item["file"]).read_bytes()
    assert outcome(data, corpus_key()) == item["expected"], item["what"]


def test_the_command_line_exit_codes(tmp_path: Path) -> None:
    """`review packet verify` on every file, with the corpus key trusted by the deployment."""
    trusted = tmp_path / "data" / "keys" / "trusted"
    trusted.mkdir(parents=True)
    (trusted / "corpus.pem").write_bytes((CORPUS / "trusted.pem").read_bytes())
    runner = CliRunner(env={"REVIEW_DATA_DIR": str(tmp_path / "data")})
    for item in INDEX:
        done = runner.invoke(app, ["packet", "verify", str(CORPUS / item["file"])])
        assert done.exit_code == EXIT[item["expected"]], (item, done.output)
        if item["expected"] == "valid":
            assert "Decided by: Cara (cara), 2026-11-27 15:00 UTC" in done.output
            assert "(an earlier key (trusted/corpus.pem))" in done.output


@pytest.fixture(scope="module")
def fresh() -> tuple[bytes, bytes, dict[str, Ed25519PublicKey]]:
    key = SigningKey(Ed25519PrivateKey.generate(), Path("(test)"))
    packet = sealed(packet_data(20), key)
    draft = sealed(packet_data(20, draft=True), key)
    return packet, draft, {key.fingerprint: key.public}


@pytest.mark.parametrize("technique", TECHNIQUES, ids=[t.name for t in TECHNIQUES])
def test_fresh_forgery(
    technique: Technique, fresh: tuple[bytes, bytes, dict[str, Ed25519PublicKey]]
) -> None:
    packet, _, trusted = fresh
    assert outcome(packet, trusted) == "valid"
    assert outcome(technique.forge(packet), trusted) == technique.expected


@pytest.mark.parametrize("technique", DRAFT_TECHNIQUES, ids=[t.name for t in DRAFT_TECHNIQUES])
def test_fresh_draft_forgery(
    technique: Technique, fresh: tuple[bytes, bytes, dict[str, Ed25519PublicKey]]
) -> None:
    _, draft, trusted = fresh
    assert outcome(draft, trusted) == "draft"
    assert outcome(technique.forge(draft), trusted) == technique.expected


SHOWN = (
    "appended-paragraph",
    "nested-table",
    "vml-text-box",
    "drawingml-text-box",
    "changed-header",
)


def test_the_forgeries_are_what_a_reader_sees(tmp_path: Path) -> None:
    """LibreOffice prints the forged words (and hides the vanished row) in its PDF."""
    names = ["valid", *SHOWN, "vanished-row"]
    pdfs = to_pdf([CORPUS / f"{name}.docx" for name in names], tmp_path)
    text = {name: "\n".join(pages(pdf)) for name, pdf in zip(names, pdfs, strict=True)}
    flat = {name: "".join(t.split()) for name, t in text.items()}
    assert MARK not in flat["valid"]
    for name in SHOWN:
        assert MARK in flat[name], name
    # the finding's own row is gone from the page (its number is still cited by its waiver)
    assert text["vanished-row"].split().count("F-1") == text["valid"].split().count("F-1") - 1
