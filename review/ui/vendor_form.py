"""The vendor's form (issue 14): the intake form's own fields, only the vendor-facing ones.

The fields, their kinds and their record paths are the intake form's (``form_steps``), so the
vendor page renders them with the same widgets (``intake.render_step``) and the record's rules
judge them alike; only the words change, addressed to the vendor instead of the department.
Which sections are the vendor's is data (``standards/vendor_links.yaml``: sections).
Pure Python (no Streamlit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..core.publication import N_
from ..services.vendor_links import rules
from .form_fields import Field, Step, as_is
from .form_steps import STEPS

# the department's wording of a question -> the vendor's (same field, same policy section)
_VENDOR_WORDS: dict[str, tuple[str, str]] = {
    "proposal.authentication.sso": (
        N_("Single sign-on your product supports"),
        N_("SEC-2: City staff sign in with the City's identity provider (SAML or OIDC)."),
    ),
    "proposal.authentication.mfa": (
        N_("Multi-factor authentication for every account?"),
        N_("SEC-2: required where Confidential or Restricted City data can be reached."),
    ),
    "proposal.encryption.tls_min_version": (
        N_("Oldest TLS version your endpoints accept"),
        N_("SEC-3: the lowest TLS version any of your endpoints still accepts."),
    ),
    "proposal.encryption.at_rest": (
        N_("Is City data encrypted at rest?"),
        N_("SEC-3: required for Confidential and Restricted data."),
    ),
    "proposal.certifications": (
        N_("Your certifications and attestations"),
        N_(
            "SEC-1, SEC-8, SEC-9, SEC-10: each attestation you hold (SOC 2, ISO 27001, ...), with "
            "its date."
        ),
    ),
    "proposal.pen_test_date": (
        N_("Date of your last independent penetration test"),
        N_("SEC-6: asked of internet-facing systems that hold sensitive data."),
    ),
    "proposal.incident_notification_hours": (
        N_("Hours within which you notify the City of an incident"),
        N_(
            "SEC-4: how soon after discovery you tell the City of a security incident affecting "
            "City data."
        ),
    ),
    "proposal.cyber_insurance_usd": (
        N_("Your cyber liability insurance per claim (USD)"),
        N_("SEC-5: vendors hosting or accessing City data carry cyber liability insurance."),
    ),
    "proposal.lifecycle.vendor_support_end": (
        N_("You support the product until"),
        N_("TECH-5: your support must cover the whole contract term."),
    ),
    "proposal.lifecycle.browser_plugins_required": (
        N_("Does the product need browser plug-ins?"),
        N_("SEC-7, TECH-3: Flash, Java applets, Silverlight or ActiveX are not allowed."),
    ),
    "proposal.data_locations": (
        N_("Countries where City data is stored (two-letter codes such as US, one per line)"),
        N_("DATA-4: Confidential and Restricted data stay in the United States (US)."),
    ),
    "proposal.open_source.is_open_source": (
        N_("Is your product open source?"),
        N_("OSS-3: the product's own license is judged like its components'."),
    ),
    "proposal.open_source.components": (
        N_("Open-source components in your product"),
        N_("OSS-3: each component's license is judged by its class. An SBOM fills this in."),
    ),
}

# the vendor's steps: (title, intro, the record sections it asks about), in the page's order
_STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        N_("Security"),
        N_(
            "Identity, encryption, attestations, incident response and insurance (SEC-1 to SEC-11)."
        ),
        (
            "authentication",
            "encryption",
            "certifications",
            "pen_test_date",
            "incident_notification_hours",
            "cyber_insurance_usd",
        ),
    ),
    (
        N_("Product lifecycle and browsers"),
        N_("How long you support the product and what it needs to run (TECH-3, TECH-5, SEC-7)."),
        ("lifecycle",),
    ),
    (
        N_("Accessibility"),
        N_("Conformance with WCAG (ACC-1 to ACC-7). Uploading your ACR fills these in."),
        ("accessibility",),
    ),
    (
        N_("Open source"),
        N_("Licenses and components (OSS-1 to OSS-5). Uploading an SBOM fills these in."),
        ("open_source",),
    ),
    (N_("AI"), N_("Whether and how the product uses AI (AI-1 to AI-4)."), ("ai",)),
    (
        N_("Data management"),
        N_(
            "Where City data is kept and how the City keeps control of it (DATA-3 to DATA-6, "
            "SEC-11)."
        ),
        ("data_locations", "data_management"),
    ),
)


PREFIX = "vf-"  # the vendor's widgets' keys


def _section(field: Field) -> str:
    return field.path.removeprefix("proposal.").split(".")[0]


def _vendor_field(field: Field, prefix: str) -> Field:
    label, help_text = _VENDOR_WORDS.get(field.path, (field.label, field.help))
    return replace(field, label=label, help=help_text, required=False, prefix=prefix)


def vendor_steps(prefix: str = PREFIX) -> tuple[Step, ...]:
    """The vendor's steps: the intake form's fields of the vendor-facing sections, grouped by
    section (a section left out of ``_STEPS`` still gets a step of its own). ``prefix`` keys
    the widgets: a new one gives new widgets, which show the record's values (a widget keeps
    what the browser last sent for its key, whatever the record says since)."""
    sections = rules().sections
    fields = [f for step in STEPS for f in step.fields if _section(f) in sections]
    out = []
    placed: set[str] = set()
    for title, intro, names in _STEPS:
        mine = tuple(_vendor_field(f, prefix) for f in fields if _section(f) in names)
        placed.update(names)
        if mine:
            out.append(Step(title, intro, mine))
    for name in sections:
        rest = tuple(_vendor_field(f, prefix) for f in fields if _section(f) == name)
        if name not in placed and rest:
            out.append(Step(name.replace("_", " ").capitalize(), "", rest))
    return tuple(out)


def widget_prefix(round_: int) -> str:
    """The widgets' key prefix of the form's ``round_``-th filling from outside (an upload)."""
    return PREFIX if round_ == 0 else f"vf{round_}-"


def vendor_fields() -> dict[str, Field]:
    return {f.path: f for step in vendor_steps() for f in step.fields}


def answer_text(value: Any, tr: Callable[[str], str] = as_is) -> str:
    """An answer as the requester reads it beside the vendor's: not Python's repr (``tr``
    puts the words through the catalogs)."""
    if value is None or value == [] or value == "":
        return tr(N_("— not answered —"))
    if isinstance(value, bool):
        return tr(N_("Yes")) if value else tr(N_("No"))
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    if isinstance(value, list):
        if all(isinstance(item, dict) for item in value):
            return "\n".join(
                ", ".join(f"{k}: {answer_text(v, tr)}" for k, v in item.items()) for item in value
            )
        return ", ".join(answer_text(item, tr) for item in value)
    return str(value)
