"""Download buttons: the list on a page as CSV and as xlsx (issue 15).

The file is built only when the button is pressed (a deferred download), by the same export
service as ``review export``, acting as the person signed in: it holds the whole list the page
shows a page at a time, and nothing that person may not see.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from review.services import exports, table_files
from review.services.context import Actor, Services
from review.ui import words

LABEL = {"csv": words.N_("CSV"), "xlsx": words.N_("Excel (xlsx)")}


def _maker(
    svc: Services, username: str, kind: str, options: exports.Options, fmt: str
) -> Callable[[], bytes]:
    def make() -> bytes:
        return table_files.encode(exports.build(svc, username, kind, options), fmt)

    return make


def offer(
    svc: Services,
    actor: Actor,
    kind: str,
    options: exports.Options | None = None,
    *,
    name: str,
    what: str,
) -> None:
    """Two buttons, "Download WHAT (CSV)" and "Download WHAT (Excel (xlsx))" (``what`` in the
    reader's words: the page translates it)."""
    chosen = options or exports.Options()
    cols = st.columns(2)
    for col, fmt in zip(cols, ("csv", "xlsx"), strict=True):
        col.download_button(
            words.t("Download %(what)s (%(format)s)")
            % {"what": what, "format": words.t(LABEL[fmt])},
            data=_maker(svc, actor.username, kind, chosen, fmt),
            file_name=f"{name}.{fmt}",
            mime=table_files.MIME[fmt],
            key=f"download-{kind}-{name}-{fmt}",
            on_click="ignore",
        )
