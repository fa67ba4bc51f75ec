"""The review domains and the sign-off order: plain names, importable without the engine.

``review --help`` and the services' role enums need these; importing them from
``core.standards`` or ``core.evaluate`` would load pydantic models and the matcher.
"""

from __future__ import annotations

from typing import Literal, get_args

Domain = Literal[
    "general",
    "data",
    "security",
    "accessibility",
    "open_source",
    "privacy",
    "ai",
    "technology",
    "procurement",
]
# the domains in the order intake.md lists them (findings are ordered by it)
DOMAINS: tuple[str, ...] = get_args(Domain)

# Technology first: it is the intake review every proposal gets (GEN-2, GEN-3).
SIGNOFF_ORDER = (
    "technology",
    "security",
    "accessibility",
    "privacy",
    "open_source",
    "ai",
    "data",
    "procurement",
    "general",
)
