"""Write the tampered-packet corpus to tests/data/packets/ (one file per technique).

    python -m tests.packet.make_corpus [DIRECTORY]

A synthetic decided request and a DRAFT preview are sealed with a fresh key (its public key
is written as ``trusted.pem``; the private key is thrown away, so nobody can forge more);
every technique of :mod:`tests.packet.tamper` is applied to the packet, the draft techniques
to the draft, and ``corpus.json`` records what verify must say of each file. The files are
committed: they keep testing the verifier against forgeries made by an earlier version.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from docx import Document

from bench.packet_workloads import packet_data
from review.packet.compose import compose
from review.packet.content import PacketData, canonical_items, digest_of
from review.packet.keys import SigningKey, public_pem
from review.packet.render import Integrity, render_packet

from .tamper import DRAFT_TECHNIQUES, TECHNIQUES

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "packets"


def sealed(data: PacketData, key: SigningKey) -> bytes:
    composition = compose(data)
    digest = digest_of(canonical_items(composition.blocks))
    return render_packet(composition, Integrity(data.packet_id, digest, key.fingerprint), key).data


def plain_document() -> bytes:
    doc = Document()
    doc.add_paragraph("Minutes of a meeting: not an approval packet.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make(directory: Path) -> list[dict[str, str]]:
    key = SigningKey(Ed25519PrivateKey.generate(), Path("(thrown away)"))
    packet = sealed(packet_data(24, council=True, verify_at="https://review.example/verify"), key)
    draft = sealed(packet_data(24, draft=True), key)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    (directory / "trusted.pem").write_text(public_pem(key.public))
    files = [
        ("valid.docx", packet, "valid", "the packet as sealed"),
        ("draft.docx", draft, "draft", "a DRAFT preview as sealed"),
        ("not-a-packet.docx", plain_document(), "not_a_packet", "a Word file, not a packet"),
    ]
    files += [(f"{t.name}.docx", t.forge(packet), t.expected, t.what) for t in TECHNIQUES]
    files += [(f"{t.name}.docx", t.forge(draft), t.expected, t.what) for t in DRAFT_TECHNIQUES]
    index = []
    for name, data, expected, what in files:
        (directory / name).write_bytes(data)
        index.append({"file": name, "expected": expected, "what": what})
    (directory / "corpus.json").write_text(json.dumps(index, indent=2) + "\n")
    return index


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    written = make(target)
    sys.stdout.write(f"wrote {len(written)} packets to {target}\n")
