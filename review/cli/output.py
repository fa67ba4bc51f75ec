"""Human-readable terminal output for evaluations, rules and standards (rich tables)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO, cast

from rich import box
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from .terminal import RawStdout, clean

if TYPE_CHECKING:  # the engine loads on first use
    from ..core.findings import Evaluation
    from ..core.policy import ReviewPolicy
    from ..core.rules import Rule
    from ..core.standards import Standards
    from ..evidence.attach import AttachmentReport


def _policy() -> ReviewPolicy:
    from ..core import policy  # the engine loads on first use, not for ``review --help``

    return policy.current()


class SafeConsole(Console):
    """A rich console that cleans every character of text it writes, after layout and
    before its own styles are applied (so colours still work and nothing typed can act)."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(clean(segment.text), segment.style)
            for segment in buffer
        )


def safe_console(*, width: int | None = None, highlight: bool = True) -> Console:
    return SafeConsole(
        file=cast(TextIO, RawStdout()), soft_wrap=False, width=width, highlight=highlight
    )


def console() -> Console:
    """Piped output is 120 columns wide unless COLUMNS says otherwise."""
    wide = sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit()
    return safe_console(width=None if wide else 120)


SEVERITY_STYLE = {"blocker": "bold red", "major": "yellow", "minor": "cyan", "info": "dim"}


def evaluation_table(result: Evaluation, console: Console) -> None:
    """Severity is always spelled out; colour only repeats it."""
    head = Table.grid(padding=(0, 2))
    head.add_row("Disposition", Text(result.disposition.upper(), style=_disposition(result)))
    head.add_row("Tier", str(result.tier))
    head.add_row("TCV", f"${result.tcv:,.2f}")
    head.add_row("Required sign-offs", ", ".join(result.required_signoffs) or "none")
    head.add_row("Standards", f"{result.standards_version}, rules {result.rules_version}")
    head.add_row("Evaluated as of", result.as_of.isoformat())
    console.print(head)
    counts = {s: 0 for s in SEVERITY_STYLE}
    for finding in result.findings:
        counts[finding.severity] += 1
    console.print("Findings: " + ", ".join(f"{n} {s}" for s, n in counts.items()), highlight=False)
    table = Table(show_lines=True, expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Domain", no_wrap=True)
    table.add_column("Rule / cites", no_wrap=True)
    table.add_column("Finding and how to fix it", ratio=1)
    for finding in result.findings:
        body = Text(finding.title, style="bold")
        if finding.subject:
            body.append(f"  [{finding.subject}]")
        body.append("\n" + finding.message)
        body.append("\nFix: " + finding.remediation, style="italic")
        if not finding.waivable and _policy().must_answer(finding.severity):
            body.append("\nNot waivable.", style="bold")
        table.add_row(
            Text(finding.severity.upper(), style=SEVERITY_STYLE[finding.severity]),
            finding.domain,
            f"{finding.rule_id}\n{', '.join(finding.citations)}",
            body,
        )
    console.print(table)


def _disposition(result: Evaluation) -> str:
    return {"blocked": "bold red", "conditions": "yellow", "clear": "green"}[result.disposition]


def rules_table(rules: Iterable[Rule], console: Console) -> None:
    # each rule's title under its id: long ids and titles side by side left a piped
    # 120-column table a title column a dozen characters wide
    table = Table(expand=True, box=box.SIMPLE_HEAD, leading=1)
    table.add_column("Rule", ratio=1, overflow="fold")  # never cut an id short
    for column in ("Domain", "Severity", "Waivable"):
        table.add_column(column, no_wrap=True)
    table.add_column("Cites", max_width=24)
    count = 0
    for rule in rules:
        count += 1
        table.add_row(
            Text.assemble((rule.id, "bold"), "\n", rule.spec.title),
            rule.domain,
            rule.spec.severity.value,
            "yes" if rule.spec.waivable else "no",
            ", ".join(rule.spec.citations),
        )
    console.print(table)
    console.print(f"{count} rules")


def standards_table(standards: Standards, rules: Iterable[Rule], console: Console) -> None:
    console.print(
        f"[bold]{standards.title}[/bold]\nversion {standards.version} ({standards.name}), "
        f"effective {standards.effective_from.isoformat()}"
        + (f" to {standards.effective_until.isoformat()}" if standards.effective_until else "")
    )
    enforced: dict[str, list[str]] = {}
    for rule in rules:
        for citation in rule.spec.citations:
            enforced.setdefault(citation, []).append(rule.id)
    table = Table(expand=True)
    for column in ("Section", "Title", "Domain", "Rules"):
        table.add_column(column)
    for section in standards.sections:
        ids = enforced.get(section.id, [])
        what = ", ".join(ids) if ids else f"({section.enforced_by or 'no rule'})"
        table.add_row(section.id, section.title, section.domain, what)
    console.print(table)


def attachments_table(reports: Iterable[AttachmentReport], console: Console) -> None:
    table = Table(title="Attachments", expand=True)
    for column in ("Kind", "File", "Status", "What happened"):
        table.add_column(column, no_wrap=column != "What happened")
    for report in reports:
        detail = report.message
        if report.warnings:
            detail += "\n" + "\n".join(f"warning: {w}" for w in report.warnings[:5])
            if len(report.warnings) > 5:
                detail += f"\n(and {len(report.warnings) - 5} more warnings)"
        table.add_row(report.kind, report.path, report.status.upper(), detail)
    console.print(table)
