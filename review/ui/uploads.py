"""Vendor documents on the Attachments step: upload, read, and fill the form's answers.

An upload is stored with the request and moves its row version; the draft takes the new
version from the upload (it is the draft's own change), so Save and Submit keep working.
Using what a document says fills the unanswered questions and saves the draft at once, so a
reload keeps them; the stored documents stay listed, and can be used again after a reload.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ..core.records import AttachmentKind
from ..errors import ReviewError
from ..evidence.attach import merge
from ..labels import enum_label
from ..services import attachments
from ..services.context import Actor, Services
from . import drafts, words
from .field_names import humanise
from .form_spec import get, put
from .policy_text import literal

FLASH = "upload-flash"


def render_uploads(svc: Services, actor: Actor, draft: dict[str, Any]) -> None:
    st.markdown(words.t("**Upload a vendor document**"))
    if draft["id"] is None:
        drafts.save(svc, actor, draft)
    if draft["id"] is None:
        st.info(words.t("Answer the first step first: documents are stored with the saved draft."))
        return
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    with st.form("upload-form", clear_on_submit=True):
        kinds: list[str] = list(attachments.KINDS)
        kind = st.selectbox(
            words.t("Kind of document"),
            kinds,
            format_func=lambda k: words.t(enum_label(AttachmentKind, k)),
            key="upload-kind",
        )
        upload = st.file_uploader(
            words.t("Document (up to 25 MB)"),
            key="upload-file",
            type=["docx", "pdf", "html", "htm", "md", "yaml", "yml", "json", "txt"],
        )
        sent = st.form_submit_button(words.t("Read and store the document"), key="upload-read")
    if sent and upload is not None and kind is not None:
        _store(svc, actor, draft, kind, upload.name, upload.getvalue())
    elif sent:
        st.error(words.t("Choose a file to upload first."))
    _stored(svc, actor, draft)


def _store(
    svc: Services, actor: Actor, draft: dict[str, Any], kind: str, name: str, data: bytes
) -> None:
    if not drafts.save(svc, actor, draft):  # the upload is based on the answers as saved
        st.error(words.t("Save the draft first (see above)."))
        return
    try:
        stored = attachments.add(
            svc,
            actor.username,
            draft["id"],
            kind=kind,
            filename=name,
            data=data,
            expected_version=draft["version"],
        )
    except ReviewError as exc:
        st.error(str(exc))
        return
    draft["version"] = stored.proposal_version
    stored_text = (
        words.t("Stored %(file)s (%(size)s bytes); what it says is listed below.")
        if stored.extracted
        else words.t("Stored %(file)s (%(size)s bytes).")
    )
    st.session_state[FLASH] = stored_text % {"file": stored.filename, "size": f"{stored.size:,}"}
    st.rerun()


def _stored(svc: Services, actor: Actor, draft: dict[str, Any]) -> None:
    try:
        documents = attachments.list_for(svc, actor.username, draft["id"])
    except ReviewError as exc:
        st.error(str(exc))
        return
    if not documents:
        return
    st.markdown(words.t("**Documents stored with this request**"))
    for document in documents:
        with st.container(border=True, key=f"upload-doc-{document.id}"):
            st.markdown(
                words.t("%(file)s · %(kind)s · %(size)s bytes")
                % {
                    "file": literal(document.filename),
                    "kind": words.t(enum_label(AttachmentKind, document.kind)),
                    "size": f"{document.size:,}",
                }
            )
            found = document.extracted
            if not found or not found.get("section"):
                continue
            answers: dict[str, Any] = found["answers"]
            names = [humanise(f"{found['section']}.{k}", words.t) for k in answers]
            st.caption(words.t("It says: %(fields)s") % {"fields": "; ".join(names)})
            for warning in found.get("warnings", [])[:5]:
                st.warning(warning)
            if st.button(
                words.t("Use what %(file)s says in the form")
                % {"file": literal(document.filename)},
                key=f"upload-apply-{document.id}",
            ):
                _apply(svc, actor, draft, document.kind, document.filename, found)


def _add_list_items(
    section: dict[str, Any], found: dict[str, Any], kept: list[str]
) -> dict[str, int]:
    """A list the person already started (components, criteria) gets the document's entries
    it lacks, appended: nothing the person wrote is replaced, nothing the document says is
    dropped."""
    added: dict[str, int] = {}
    for key in kept:
        mine, theirs = section.get(key), found.get(key)
        if not (isinstance(mine, list) and isinstance(theirs, list)):
            continue
        new = [item for item in theirs if item not in mine]
        if new:
            section[key] = [*mine, *new]
            added[key] = len(new)
    return added


def _apply(
    svc: Services,
    actor: Actor,
    draft: dict[str, Any],
    kind: str,
    filename: str,
    found: dict[str, Any],
) -> None:
    record = draft["record"]
    proposal = record.setdefault("proposal", {})
    section = proposal.setdefault(found["section"], {})
    filled, kept = merge(section, found["answers"])
    added = _add_list_items(section, found["answers"], kept)
    listed = get(record, "proposal.attachments") or []
    if not any(a.get("path") == filename for a in listed if isinstance(a, dict)):
        put(record, "proposal.attachments", [*listed, {"kind": kind, "path": filename}])
    drafts.forget_widgets()
    saved = drafts.save(svc, actor, draft)
    section_name = found["section"]

    def named(key: str) -> str:
        return humanise(f"{section_name}.{key}", words.t)

    parts = [
        words.t("Filled: %(fields)s")
        % {"fields": "; ".join(named(k) for k in filled) or words.t("nothing new")}
    ]
    for key, count in added.items():
        parts.append(
            words.t("Added %(count)s to %(field)s") % {"count": count, "field": named(key)}
        )
    kept = [k for k in kept if k not in added]
    if kept:
        parts.append(
            words.t("Kept your answers for: %(fields)s")
            % {"fields": "; ".join(named(k) for k in kept)}
        )
    parts.append(words.t("Saved.") if saved else words.t("Not saved yet (see above)."))
    message = ". ".join(parts)
    st.session_state[FLASH] = message
    st.rerun()
