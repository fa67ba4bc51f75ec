"""Policy citations as links to the section's text, and text made safe for Streamlit markdown.

Pure Python (no Streamlit): the Policy page (``/policy?section=ACC-2``) shows each section's
text from ``standards/sections.yaml``; help texts and findings link their citations to it.
"""

from __future__ import annotations

import re

POLICY_PAGE = "policy"
CITATION = re.compile(r"\b([A-Z]{2,5}-\d{1,2})\b")
# what starts a list item or a rule at the start of a line: "- ", "+ ", "1. ", "2) ", "---"
LIST_MARKER = re.compile(r"(?m)^([ \t]*)(\d*)((?<=\d)[.)](?=\s|$)|(?<!\d)[-+=](?=[-=\s]|$))")


def plain(text: str) -> str:
    """Text shown as markdown without Streamlit reading "$10,000 ... $75,000" as LaTeX."""
    return text.replace("$", "\\$")


def literal(text: str) -> str:
    """A person's text (a title, a comment, a file or component name) where Streamlit reads
    markdown: emphasis, links, images, lists, code and HTML stay characters, and the line
    breaks the person typed stay line breaks. The one escape for untrusted text."""
    out = text.replace("\\", "\\\\")
    for char in "*_[]`<>~|#:":  # ":" too: no :red[...] directive, no autolinked URL
        out = out.replace(char, "\\" + char)
    out = LIST_MARKER.sub(lambda m: f"{m[1]}{m[2]}\\{m[3]}", out)  # no list, no rule
    return plain(out).replace("\r\n", "\n").replace("\n", "  \n")


def section_link(section_id: str, titles: dict[str, str]) -> str:
    title = titles.get(section_id)
    shown = f"{section_id} {title}" if title else section_id
    return f"[{shown}](/{POLICY_PAGE}?section={section_id})"


def cited(text: str, titles: dict[str, str]) -> list[str]:
    """The policy sections a text cites, in order, each once (unknown ids are left out)."""
    found = [m.group(1) for m in CITATION.finditer(text)]
    return [s for s in dict.fromkeys(found) if s in titles]


def with_links(help_text: str, titles: dict[str, str]) -> str:
    """A help text followed by a link to the text of each section it cites."""
    sections = cited(help_text, titles)
    if not sections:
        return plain(help_text)
    links = ", ".join(section_link(s, titles) for s in sections)
    return f"{plain(help_text)}\n\nRead the policy: {links}"
