"""Verify a packet: upload a .docx and see whether it is exactly what was sealed, and by whom.

Open to everyone, signed in or not: the people who hold a packet (a vendor, the City Clerk,
an auditor, a resident with a public-records copy) rarely have an account, and the packet's
footer sends them here. The file is checked in memory and never stored; the check itself is
review.packet.verify_packet (size-limited, ZIP-checked, nothing parsed before the seal holds).
"""

from __future__ import annotations

import hashlib

import streamlit as st

from review.errors import FileProblem
from review.packet import Outcome, Verification, verify_packet
from review.packet.verify import MAX_PACKET_BYTES
from review.ui import words

RESULT = "verify-packet-result"
VERDICT = {
    Outcome.VALID: (st.success, words.N_("Valid: this is exactly the packet that was sealed.")),
    Outcome.DRAFT: (
        st.info,
        words.N_("A DRAFT preview, unchanged since it was made: it is not an approval."),
    ),
    Outcome.UNKNOWN_KEY: (
        st.warning,
        words.N_("Sealed by a key this deployment does not trust: it cannot say who made it."),
    ),
    Outcome.ALTERED: (st.error, words.N_("Altered: this is not the packet that was issued.")),
}


def check(name: str, data: bytes) -> Verification | str:
    """The verification, or why the file is not a packet (remembered for this file)."""
    fingerprint = hashlib.sha256(data).hexdigest()
    remembered = st.session_state.get(RESULT)
    if isinstance(remembered, tuple) and remembered[0] == fingerprint:
        result: Verification | str = remembered[1]
        return result
    try:
        result = verify_packet(data, filename=name)
    except FileProblem as exc:
        result = str(exc)
    st.session_state[RESULT] = (fingerprint, result)
    return result


def show(result: Verification) -> None:
    lang = words.language()
    box, headline = VERDICT[result.outcome]
    box(lang(headline))
    if result.outcome is not Outcome.VALID and not result.problems:
        st.text(result.message)  # text from the file is shown as text, never as Markdown
    if result.problems:
        st.caption(lang("What differs from what was sealed:"))
        for problem in result.problems:
            st.text(f"• {problem}")
    if result.outcome is Outcome.ALTERED and result.facts():
        st.caption(lang("Which packet it claims to be (not to be relied on):"))
    for label, value in result.facts():
        if label.startswith(("Content digest", "Sealed with key")):
            st.caption(label)
            st.code(value, language=None, wrap_lines=True)
        else:
            st.text(f"{label}: {value}")
    if result.outcome is Outcome.ALTERED:
        st.caption(
            lang(
                "Ask the Department of Digital Service for the issued packet: it can be rebuilt, "
                "byte for byte, from the system of record."
            )
        )


def main() -> None:
    lang = words.language()
    st.title(lang("Verify a packet"))
    st.write(
        lang(
            "Upload an approval packet or rejection record (.docx) to check that it is exactly "
            "what was issued, and who decided it. Any change, even re-saving it in Word, shows "
            "as altered. The file is checked here and not kept."
        )
    )
    limit_mb = MAX_PACKET_BYTES // 1_000_000
    upload = st.file_uploader(
        lang("Packet (.docx, up to %(mb)s MB)") % {"mb": limit_mb},
        type=["docx"],
        key="verify-upload",
        max_upload_size=limit_mb,
    )
    if upload is None:
        return
    result = check(upload.name, upload.getvalue())
    if isinstance(result, str):
        st.error(lang("This file cannot be checked as a packet."))
        st.text(result)
        return
    show(result)


main()
