"""The signed-off approval packet: a Word document built from the system of record.

``build_packet(services, by, proposal_id)`` returns the final packet's .docx bytes once the
request is decided with every sign-off (``draft_ok=True`` gives a DRAFT preview before that);
``verify_packet(data)`` says whether a packet is valid, altered, or signed by an unknown key.
See docs/packets.md.
"""

from __future__ import annotations

from .service import BuiltPacket, build_packet, issue_packet, issued_packets, preview_packet
from .verify import Outcome, Verification, verify_packet

__all__ = [
    "BuiltPacket",
    "Outcome",
    "Verification",
    "build_packet",
    "issue_packet",
    "issued_packets",
    "preview_packet",
    "verify_packet",
]
