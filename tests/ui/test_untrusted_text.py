"""Stored text from users and vendors is shown as text, never as Markdown or HTML (issue 12):
a finding's subject and input values, waiver and condition text render escaped."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from streamlit.testing.v1 import AppTest

HOSTILE: list[str] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "hostile" / "markdown.yaml").read_text()
)


def _card(hostile: list[str]) -> None:
    from review.ui.components import finding_card

    for index, text in enumerate(hostile):
        finding_card(
            {
                "rule_id": "SEC-002-mfa",
                "severity": "blocker",
                "domain": "security",
                "title": "MFA is off",
                "subject": text,
                "message": "Turn on MFA.",
                "remediation": "Enable it.",
                "citations": ["SEC-2"],
                "waivable": True,
                "evidence": [{"source": "proposal.vendor.name", "value": text}],
            },
            {"SEC-2": "Authentication"},
            key=f"hostile-{index}",
        )


def rendered(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.caption)]


def test_hostile_text_renders_escaped() -> None:
    at = AppTest.from_function(_card, args=(HOSTILE,), default_timeout=30).run()
    assert not at.exception
    shown = "\n".join(rendered(at))
    for text in HOSTILE:  # wherever it appears, its first character is escaped
        unescaped = [m for m in re.finditer(re.escape(text), shown) if shown[m.start() - 1] != "\\"]
        assert not unescaped, f"{text!r} reached markdown unescaped"
    assert "](http://evil" not in shown and "](data:" not in shown  # no link or image
