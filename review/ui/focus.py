"""Where the keyboard focus goes after a change that rebuilds part of the page.

When an item is added or removed, the button that was pressed disappears with the rerun and
the browser's focus falls back to the top of the page; a keyboard user would have to Tab
through the whole form again. A short script moves the focus to where the work continues
(the item form, the "put back" button). The selectors are our own widget keys, never input.
"""

from __future__ import annotations

import json

import streamlit as st

_PENDING = "focus-pending"
_COUNT = "focus-count"


def focus_later(selector: str) -> None:
    """Ask for the focus to go to the first element matching ``selector`` after the rerun."""
    st.session_state[_PENDING] = selector


def apply_focus() -> None:
    """Call once, at the end of the page: moves the focus if a change asked for it."""
    selector = st.session_state.pop(_PENDING, None)
    if not selector:
        return
    count = st.session_state[_COUNT] = st.session_state.get(_COUNT, 0) + 1
    script = (
        "<script>(() => {"
        f"const selector = {json.dumps(selector)}; let tries = 0; /* {count} */"
        "const go = () => { const now = document.activeElement;"
        " if (now && now !== document.body && now.isConnected) return;"  # the person moved on
        " const el = document.querySelector(selector);"
        " if (el) { el.focus(); } else if (tries++ < 40) { setTimeout(go, 50); } };"
        "setTimeout(go, 50); })();</script>"
    )
    st.html(script, unsafe_allow_javascript=True)
