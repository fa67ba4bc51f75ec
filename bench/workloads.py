"""Generated submissions: the benchmarks' workloads, and what the differential and isolation
tests generate.

One description of the intake form (:func:`submission`, drawing its choices from a
:class:`Source`) drives two generators: :func:`random_submission` (plain ``random``, fast, for
the benchmark) and ``tests/generators.py:submissions`` (a hypothesis strategy, which shrinks a
failing record to a small one). The benchmarks live here and the tests import from here, never
the other way round, so ``bench/`` runs without the test suite or hypothesis.

Both draw from the same vocabulary: every enum value of intake.md, licence expressions of
every OSS-3 class (and the ones that are not expressions at all), WCAG criterion ids from the
standards plus unknown ones, platform names from the standards plus text they do not know,
and dates spread around the evaluation date with the month boundaries the age rules turn on.
:func:`worst_case_submission` breaks nearly every rule at once, the record that overflowed
durable_rules' fixed matcher stack (error 303). :func:`realistic_submission` is day-to-day
traffic: the bundled examples and rule-case bases with a few answers changed.

Every record is a plain dict that ``Submission.model_validate`` accepts.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from review.core.derived import months_before
from review.core.records import (
    AcquisitionType,
    AttachmentKind,
    CertificationType,
    CodeOwner,
    DataClass,
    DataType,
    DecisionImpact,
    ExportFormat,
    FundingSource,
    Hosting,
    IntegrationMethod,
    ProcurementMethod,
    SsoProtocol,
    SurveillanceCategory,
    TlsVersion,
    VpatEdition,
    WcagVersion,
)
from review.core.standards import load_standards

T = TypeVar("T")

AS_OF = dt.date(2026, 11, 27)

_STANDARDS = load_standards()

# --- vocabulary ------------------------------------------------------------------------------

ACQUISITION_TYPES = [e.value for e in AcquisitionType]
FUNDING_SOURCES = [e.value for e in FundingSource]
PROCUREMENT_METHODS = [e.value for e in ProcurementMethod]
HOSTINGS = [e.value for e in Hosting]
DATA_CLASSES = [e.value for e in DataClass]
DATA_TYPES = [e.value for e in DataType]
INTEGRATION_METHODS = [e.value for e in IntegrationMethod]
SSO_PROTOCOLS = [e.value for e in SsoProtocol]
TLS_VERSIONS: list[Any] = [e.value for e in TlsVersion] + [1.2, 1.3, 1.0]  # YAML floats too
CERTIFICATION_TYPES = [e.value for e in CertificationType]
VPAT_EDITIONS: list[Any] = [e.value for e in VpatEdition] + [508]  # unquoted YAML 508
WCAG_VERSIONS: list[Any] = [e.value for e in WcagVersion] + [2.1, 2.2]
CODE_OWNERS = [e.value for e in CodeOwner]
DECISION_IMPACTS = [e.value for e in DecisionImpact]
SURVEILLANCE_CATEGORIES = [e.value for e in SurveillanceCategory]
EXPORT_FORMATS = [e.value for e in ExportFormat]
ATTACHMENT_KINDS = [e.value for e in AttachmentKind]

DEPARTMENTS = [
    "Police",
    "Fire",
    "Public Works",
    "Parks and Recreation",
    "Library",
    "Finance",
    "Community Development",
    "City Clerk",
    "City Manager",
    "Human Resources",
    "Digital Service",
]
TITLES = [
    "Meeting room booking",
    "Fleet telematics",
    "Body-worn camera program",
    "Permit portal replacement",
    "Chatbot for 311",
    "Payroll module upgrade",
]
PEOPLE = [
    ("Dana Whitfield", "dana.whitfield@library.city.gov"),
    ("Omar Haddad", "omar.haddad@city.gov"),
    ("Li Wei", "li.wei@example.org"),
]
WORDS = ["ERP", "Roomly", "Acme", "GIS", "permits", "dispatch", "x", "Straße", "défi"]
# Text that reaches facts verbatim: quotes, backslashes, non-ASCII, JSON-looking text.
TRICKY_TEXT = [
    'Say "hi"',
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "ünïcödé",
    "日本語",
    "emoji 🚓",
    '{"kind": "x"}',
    "$and",
    "sid",
    "id",
    "  padded  ",
    "\u00a0",
]
TEXT_ALPHABET = "aZ09 _-.:/\"'\\{}[]$@éß日🚓\t"

COUNTRIES = ["US", "CA", "GB", "DE", "IE", "IN", "CN", "RU", "BR", "MX"]
LANGUAGES = ["en", "es", "fr", "zh", "vi", "tl", "ko", "ar"]
SYSTEMS = ["erp", "gis", "permitting", "identity", "dispatch", "payroll", "Legacy mainframe"]
BROWSERS = ["Edge", "Chrome", "Firefox", "Safari", "edge", " chrome ", "Internet Explorer", "Opera"]
GOVERNING_LAWS = [
    "California",
    "california",
    "State of California",
    "California law",
    "Laws of California",
    "Delaware",
    "New York",
    "Texas",
]
RELEASE_LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-or-later", "Proprietary"]
CRITERIA = [c.id for c in _STANDARDS.criteria]
UNKNOWN_CRITERIA = ["9.9.9", "1.4.99", "0.0.0", "4.1.3", "10.1.1"]
PLATFORMS = [p.name for p in _STANDARDS.platforms]
UNKNOWN_PLATFORMS = ["BeOS 5", "Acme OS 3", "FreeBSD 14", "z/OS 3.1", "Windows", "Linux"]
# Written forms the standards' patterns also recognise.
PLATFORM_SPELLINGS = [
    "windows 10 enterprise",
    "Windows Server 2012 R2",
    "Windows 11 23H2",
    "Win 11",
    "macOS 14",
    "RHEL 8",
    "Red Hat 7",
    "centos stream 9",
    "Ubuntu 22.04 LTS",
    "SQL Server 2016 SP3",
    "PostgreSQL 14",
    "Oracle Database 19c",
]

PERMISSIVE = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "0BSD", "mit", "apache-2.0"]
WEAK_COPYLEFT = ["LGPL-2.1-only", "LGPL-3.0-or-later", "MPL-2.0", "EPL-2.0", "CDDL-1.0"]
STRONG_COPYLEFT = ["GPL-2.0-only", "GPL-3.0-or-later", "GPL-2.0", "GPL-2.0+", "GPL-3.0"]
NETWORK_COPYLEFT = ["AGPL-3.0-only", "AGPL-3.0-or-later", "AGPL-3.0", "AGPL-1.0-only"]
SOURCE_AVAILABLE = ["SSPL-1.0", "BUSL-1.1", "Elastic-2.0", "LicenseRef-Commons-Clause"]
UNCLASSIFIED = ["Zed", "Sendmail", "CECILL-2.1", "Vim", "OFL-1.1"]
UNKNOWN_LICENSES = [
    "NOASSERTION",
    "NONE",
    "noassertion",
    "",
    "   ",
    "Proprietary",
    "LicenseRef-acme-eula",
    "DocumentRef-spdx-tool:LicenseRef-x",
    "Custom EULA v2",
    "MIT OR",
    "(GPL-2.0-only",
    "MIT AND AND BSD-3-Clause",
]
EXCEPTIONS = ["Classpath-exception-2.0", "GCC-exception-3.1", "LLVM-exception", "Unknown-exception"]
LICENSE_ATOMS = [
    *PERMISSIVE,
    *WEAK_COPYLEFT,
    *STRONG_COPYLEFT,
    *NETWORK_COPYLEFT,
    *SOURCE_AVAILABLE,
    *UNCLASSIFIED,
    "NOASSERTION",
    "LicenseRef-acme-eula",
]

# Dates: spread over years around the evaluation date, plus the edges of the age windows
# (12, 24 and 36 months: "within the last N months" is on or after the same calendar day).
DATE_EDGES = sorted(
    {
        d
        for n in (0, 1, 12, 24, 36, 60)
        for base in (months_before(AS_OF, n),)
        for d in (base - dt.timedelta(days=1), base, base + dt.timedelta(days=1))
    }
    | {dt.date(2026, 2, 28), dt.date(2024, 2, 29), dt.date(2027, 4, 26), dt.date(2028, 4, 26)}
)
DATE_MIN = dt.date(2016, 1, 1)
DATE_MAX = dt.date(2036, 12, 31)

MONEY_EDGES = [0, 1, 999.99, 9999.99, 10000, 10000.01, 74999.99, 75000, 1_000_000, 5_000_000]
HOURS_EDGES = [0, 1, 23.5, 24, 24.5, 48, 72, 72.01, 96, 720]


# --- one description, two sources of choices -------------------------------------------------


class Source(Protocol):
    """Where choices come from: random.Random (fast) or hypothesis (shrinkable, in tests/)."""

    def pick(self, options: Sequence[T]) -> T: ...

    def coin(self, p: float = 0.5) -> bool: ...

    def integer(self, lo: int, hi: int) -> int: ...

    def real(self, lo: float, hi: float) -> float: ...

    def text(self, alphabet: str, min_size: int, max_size: int) -> str: ...


class RandomSource:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def coin(self, p: float = 0.5) -> bool:
        return self.rng.random() < p

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def real(self, lo: float, hi: float) -> float:
        return round(self.rng.uniform(lo, hi), 2)

    def text(self, alphabet: str, min_size: int, max_size: int) -> str:
        size = self.rng.randint(min_size, max_size)
        return "".join(self.rng.choice(alphabet) for _ in range(size))


# --- the intake form -------------------------------------------------------------------------


def _put(
    out: dict[str, Any],
    s: Source,
    key: str,
    make: Callable[[], Any],
    p: float,
    *,
    nullable: bool = True,
) -> None:
    """Answer an optional question with probability p; sometimes answer it with null."""
    if s.coin(p):
        out[key] = None if nullable and s.coin(0.04) else make()


def _list(s: Source, make: Callable[[], T], most: int, p_empty: float = 0.3) -> list[T]:
    if s.coin(p_empty):
        return []
    return [make() for _ in range(s.integer(1, most))]


def _subset(s: Source, options: Sequence[T], most: int) -> list[T]:
    """Some options, possibly repeated (the form does not forbid duplicates)."""
    return [s.pick(options) for _ in range(s.integer(0, most))]


def _short(s: Source, vocabulary: Sequence[str]) -> str:
    if s.coin(0.08):
        return s.pick(TRICKY_TEXT)
    if s.coin(0.04):
        return s.text(TEXT_ALPHABET, 1, 12)
    return s.pick(vocabulary)


def _title(s: Source) -> str:
    """Tricky, but a title: a request is known by it, so one of only spaces is refused."""
    title = _short(s, TITLES)
    return title if title.strip() else s.pick(TITLES)


def _date(s: Source) -> str:
    if s.coin(0.4):
        day = s.pick(DATE_EDGES)
    else:
        day = DATE_MIN + dt.timedelta(days=s.integer(0, (DATE_MAX - DATE_MIN).days))
    return day.isoformat()


def _money(s: Source) -> float | int:
    if s.coin(0.5):
        return s.pick(MONEY_EDGES)
    if s.coin(0.5):
        return s.integer(0, 2_000_000)
    return s.real(0, 50_000_000)


def _amount(s: Source, edges: Sequence[float | int], hi: float) -> float | int:
    return s.pick(edges) if s.coin(0.6) else s.real(0, hi)


def license_expression(s: Source, depth: int = 0) -> str:
    """An SPDX expression of any OSS-3 class, or text that is not one."""
    roll = s.integer(0, 9)
    if roll == 0:
        return s.pick(UNKNOWN_LICENSES)
    if roll <= 5 or depth >= 2:
        atom = s.pick(LICENSE_ATOMS)
        if s.coin(0.1):
            return f"{atom} WITH {s.pick(EXCEPTIONS)}"
        return atom
    left = license_expression(s, depth + 1)
    right = license_expression(s, depth + 1)
    op = s.pick(["OR", "AND", "or", "and"])
    text = f"{left} {op} {right}"
    return f"({text})" if s.coin(0.3) else text


def _component(s: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"name": _short(s, ["openssl", "log4j", "left-pad", "zlib", "x"])}
    _put(out, s, "version", lambda: s.pick(["1.0", "2.17.1", "3", "", "0.0.1-beta"]), 0.7)
    if s.coin(0.1):
        out["version"] = s.integer(0, 12)  # YAML reads an unquoted version as a number
    _put(out, s, "license", lambda: license_expression(s), 0.9)
    return out


def _criteria(s: Source, most: int) -> list[str]:
    return [
        s.pick(UNKNOWN_CRITERIA) if s.coin(0.1) else s.pick(CRITERIA)
        for _ in range(s.integer(0, most))
    ]


def _operating_system(s: Source) -> str:
    roll = s.integer(0, 9)
    if roll <= 5:
        return s.pick(PLATFORMS)
    if roll <= 7:
        return s.pick(PLATFORM_SPELLINGS)
    return _short(s, UNKNOWN_PLATFORMS)


def _certification(s: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"type": s.pick(CERTIFICATION_TYPES)}
    _put(out, s, "date", lambda: _date(s), 0.85)
    return out


def proposal(s: Source) -> dict[str, Any]:
    """The proposal section, part by part in the intake form's order (the order of the draws
    is what a seed reproduces)."""
    p = _request(s)
    for part in (_users_and_data, _security, _lifecycle_and_accessibility, _open_source_and_ai,
                 _privacy_and_records):  # fmt: skip
        part(p, s)
    return p


def _request(s: Source) -> dict[str, Any]:
    name, email = s.pick(PEOPLE)
    p: dict[str, Any] = {
        "title": _title(s),
        "department": s.pick(DEPARTMENTS),
        "requester": {"name": name, "email": email},
        "problem_statement": s.pick(["Paper forms.", "Double bookings every week.", "x"]),
    }
    _put(p, s, "desired_outcomes", lambda: _list(s, lambda: s.pick(WORDS), 3), 0.3, nullable=False)
    _put(p, s, "acquisition_type", lambda: s.pick(ACQUISITION_TYPES), 0.9)
    _put(p, s, "renewal_of", lambda: _short(s, ["C-2021-044", "Prior contract"]), 0.2)

    vendor: dict[str, Any] = {}
    _put(vendor, s, "name", lambda: _short(s, ["Acme Inc.", "Roomly"]), 0.7)
    _put(vendor, s, "product", lambda: _short(s, ["Roomly", "Acme Suite"]), 0.7)
    _put(vendor, s, "product_version", lambda: s.pick(["2026.3", "9", "1.0.0"]), 0.5)
    _put(p, s, "vendor", lambda: vendor, 0.8, nullable=False)

    cost: dict[str, Any] = {}
    _put(cost, s, "one_time", lambda: _money(s), 0.8)
    _put(cost, s, "annual", lambda: _money(s), 0.8)
    _put(cost, s, "term_years", lambda: _amount(s, [0, 0.5, 1, 3, 5, 5.01, 7, 10], 12), 0.8)
    _put(cost, s, "annual_escalation_pct", lambda: _amount(s, [0, 3, 5, 5.01, 9], 20), 0.6)
    _put(cost, s, "funding_source", lambda: s.pick(FUNDING_SOURCES), 0.6)
    _put(p, s, "cost", lambda: cost, 0.9, nullable=False)

    _put(p, s, "procurement_method", lambda: s.pick(PROCUREMENT_METHODS), 0.85)
    _put(
        p,
        s,
        "sole_source_justification",
        lambda: s.pick(["Only vendor with the module.", "   "]),
        0.3,
    )

    def alternative() -> dict[str, Any]:
        alt: dict[str, Any] = {"name": _short(s, ["LibCal", "draw.io", "Booked"])}
        _put(alt, s, "open_source", s.coin, 0.7)
        _put(alt, s, "reason_rejected", lambda: "Too costly.", 0.5)
        return alt

    _put(p, s, "alternatives_considered", lambda: _list(s, alternative, 3), 0.7, nullable=False)
    _put(p, s, "on_approved_list", s.coin, 0.7)
    return p


def _users_and_data(p: dict[str, Any], s: Source) -> None:
    users: dict[str, Any] = {}
    _put(users, s, "staff_count", lambda: s.pick([0, 1, 8, 60, 5000, 10_000_000]), 0.7)
    _put(users, s, "public_facing", s.coin, 0.85)
    _put(users, s, "expected_public_users", lambda: s.integer(0, 200_000), 0.4)
    _put(p, s, "users", lambda: users, 0.9, nullable=False)

    _put(p, s, "has_user_interface", s.coin, 0.6)
    _put(p, s, "hosting", lambda: s.pick(HOSTINGS), 0.85)
    _put(p, s, "data_locations", lambda: _subset(s, COUNTRIES, 3), 0.7)
    _put(p, s, "data_classes", lambda: _subset(s, DATA_CLASSES, 3), 0.85, nullable=False)
    data_types = _subset(s, DATA_TYPES, 4) if s.coin(0.8) else []
    if data_types or s.coin(0.2):
        p["data_types"] = data_types
    if data_types and s.coin(0.6):
        p["data_purposes"] = {
            t: s.pick(["To confirm bookings.", " ", "Billing."]) for t in data_types if s.coin(0.7)
        }

    def integration() -> dict[str, Any]:
        item: dict[str, Any] = {"system": _short(s, SYSTEMS)}
        _put(item, s, "method", lambda: s.pick(INTEGRATION_METHODS), 0.85)
        return item

    _put(p, s, "integrations", lambda: _list(s, integration, 4, 0.4), 0.7, nullable=False)


def _security(p: dict[str, Any], s: Source) -> None:
    auth: dict[str, Any] = {}
    _put(auth, s, "sso", lambda: s.pick(SSO_PROTOCOLS), 0.8)
    _put(auth, s, "mfa", s.coin, 0.8)
    _put(auth, s, "scim", s.coin, 0.6)
    _put(p, s, "authentication", lambda: auth, 0.85, nullable=False)

    enc: dict[str, Any] = {}
    _put(enc, s, "tls_min_version", lambda: s.pick(TLS_VERSIONS), 0.8)
    _put(enc, s, "at_rest", s.coin, 0.8)
    _put(p, s, "encryption", lambda: enc, 0.85, nullable=False)

    _put(
        p, s, "certifications", lambda: _list(s, lambda: _certification(s), 5), 0.7, nullable=False
    )
    _put(p, s, "pen_test_date", lambda: _date(s), 0.5)
    _put(p, s, "incident_notification_hours", lambda: _amount(s, HOURS_EDGES, 1000), 0.7)
    _put(p, s, "cyber_insurance_usd", lambda: _money(s), 0.6)


def _lifecycle_and_accessibility(p: dict[str, Any], s: Source) -> None:
    life: dict[str, Any] = {}
    _put(life, s, "vendor_support_end", lambda: _date(s), 0.6)
    if s.coin(0.6):
        life["operating_systems"] = _list(s, lambda: _operating_system(s), 4)
    _put(life, s, "browser_plugins_required", s.coin, 0.6)
    _put(life, s, "supported_browsers", lambda: _subset(s, BROWSERS, 5), 0.6)
    _put(p, s, "lifecycle", lambda: life, 0.8, nullable=False)

    acc: dict[str, Any] = {}
    _put(acc, s, "acr_provided", s.coin, 0.8)
    _put(acc, s, "acr_date", lambda: _date(s), 0.6)
    _put(acc, s, "vpat_edition", lambda: s.pick(VPAT_EDITIONS), 0.6)
    _put(acc, s, "wcag_version", lambda: s.pick(WCAG_VERSIONS), 0.7)
    if s.coin(0.5):
        acc["does_not_support"] = _criteria(s, 6)
    if s.coin(0.5):
        acc["partially_supports"] = _criteria(s, 6)
    _put(acc, s, "remediation_plan", s.coin, 0.5)
    _put(acc, s, "languages", lambda: _subset(s, LANGUAGES, 3), 0.7)
    _put(acc, s, "mobile_responsive", s.coin, 0.6)
    _put(acc, s, "publishes_documents", s.coin, 0.5)
    _put(acc, s, "accessible_documents", s.coin, 0.4)
    _put(p, s, "accessibility", lambda: acc, 0.85, nullable=False)


def _open_source_and_ai(p: dict[str, Any], s: Source) -> None:
    oss: dict[str, Any] = {}
    _put(oss, s, "is_open_source", s.coin, 0.8)
    _put(oss, s, "license", lambda: license_expression(s), 0.5)
    _put(oss, s, "sbom_provided", s.coin, 0.6)
    if s.coin(0.6):
        oss["components"] = _list(s, lambda: _component(s), 8, 0.2)
    _put(oss, s, "custom_code_owner", lambda: s.pick(CODE_OWNERS), 0.5)
    _put(oss, s, "release_license", lambda: _short(s, RELEASE_LICENSES), 0.4)
    _put(oss, s, "distributed_by_city", s.coin, 0.5)
    _put(oss, s, "modified_and_hosted_for_others", s.coin, 0.5)
    _put(p, s, "open_source", lambda: oss, 0.8, nullable=False)

    ai: dict[str, Any] = {}
    for key in (
        "uses_ai",
        "generative",
        "sends_city_data_to_model",
        "model_retains_or_trains",
        "factsheet_provided",
        "impact_assessment",
        "human_review",
        "discloses_to_public",
    ):
        _put(ai, s, key, s.coin, 0.6)
    _put(ai, s, "decision_impact", lambda: s.pick(DECISION_IMPACTS), 0.6)
    _put(p, s, "ai", lambda: ai, 0.8, nullable=False)


def _privacy_and_records(p: dict[str, Any], s: Source) -> None:
    surv: dict[str, Any] = {}
    _put(surv, s, "is_surveillance_technology", lambda: s.coin(0.3), 0.8)
    if s.coin(0.3):
        surv["categories"] = _subset(s, SURVEILLANCE_CATEGORIES, 3)
    _put(surv, s, "impact_report", s.coin, 0.5)
    _put(surv, s, "council_approved", s.coin, 0.5)
    _put(p, s, "surveillance", lambda: surv, 0.8, nullable=False)

    priv: dict[str, Any] = {}
    _put(priv, s, "impact_assessment", s.coin, 0.6)
    _put(priv, s, "parental_consent_flow", s.coin, 0.4)
    _put(p, s, "privacy", lambda: priv, 0.7, nullable=False)

    dm: dict[str, Any] = {}
    _put(dm, s, "export_formats", lambda: _subset(s, EXPORT_FORMATS, 3), 0.7)
    _put(dm, s, "records_retention", s.coin, 0.6)
    _put(dm, s, "open_data_export", s.coin, 0.5)
    _put(dm, s, "audit_log_days", lambda: s.pick([0, 30, 364, 365, 366, 400, 3650]), 0.6)
    _put(p, s, "data_management", lambda: dm, 0.8, nullable=False)

    def attachment() -> dict[str, Any]:
        return {"kind": s.pick(ATTACHMENT_KINDS), "path": s.pick(["acr.docx", "sbom.json"])}

    _put(p, s, "attachments", lambda: _list(s, attachment, 3), 0.3, nullable=False)


def contract(s: Source) -> dict[str, Any]:
    c: dict[str, Any] = {}
    _put(c, s, "proposal", lambda: s.pick(TITLES), 0.6)
    _put(c, s, "vendor", lambda: s.pick(["Acme Inc.", "Roomly"]), 0.6)
    _put(c, s, "value_usd", lambda: _money(s), 0.8)
    _put(c, s, "start_date", lambda: _date(s), 0.7)
    _put(c, s, "end_date", lambda: _date(s), 0.7)
    _put(c, s, "renewal_options_years", lambda: _amount(s, [0, 1, 2, 5], 10), 0.5)
    _put(c, s, "auto_renewal", s.coin, 0.6)
    _put(c, s, "termination_for_convenience", s.coin, 0.6)
    _put(c, s, "annual_escalation_pct", lambda: _amount(s, [0, 3, 5, 5.01, 9], 20), 0.5)
    clauses: dict[str, Any] = {}
    for key in (
        "data_ownership",
        "accessibility_warranty",
        "no_secondary_use",
        "allows_training_on_city_data",
        "city_indemnifies_vendor",
        "cjis_security_addendum",
        "hipaa_baa",
    ):
        _put(clauses, s, key, s.coin, 0.65)
    _put(clauses, s, "data_return_days", lambda: _amount(s, [0, 29, 30, 30.5, 31, 90], 365), 0.6)
    _put(clauses, s, "incident_notification_hours", lambda: _amount(s, HOURS_EDGES, 1000), 0.6)
    _put(clauses, s, "insurance_usd", lambda: _money(s), 0.6)
    _put(clauses, s, "governing_law", lambda: _short(s, GOVERNING_LAWS), 0.6)
    _put(clauses, s, "liability_cap_usd", lambda: _money(s), 0.6)
    _put(c, s, "clauses", lambda: clauses, 0.85, nullable=False)
    return c


def submission(s: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"proposal": proposal(s)}
    if s.coin(0.35):
        out["contract"] = contract(s)
    elif s.coin(0.03):
        out["contract"] = None
    return out


def random_submission(rng: random.Random) -> dict[str, Any]:
    """A valid Submission dict from the same vocabulary, with plain ``random`` (fast)."""
    return submission(RandomSource(rng))


# --- the worst case --------------------------------------------------------------------------


def worst_case_submission() -> dict[str, Any]:
    """A proposal and contract that break nearly every rule at once.

    This is the record that overflowed durable_rules' fixed 64-entry matcher stack (error 303)
    when one ruleset held many rules: every fact matches as many rules as it can.
    """
    level_a_aa = [c.id for c in _STANDARDS.criteria if c.level in ("A", "AA")]
    components = [
        {"name": f"agpl-{i}", "version": f"{i}.0", "license": "AGPL-3.0-only"} for i in range(6)
    ]
    components += [
        {"name": "gpl-lib", "version": "2.1", "license": "GPL-2.0-only"},
        {"name": "gpl-with", "license": "GPL-2.0-or-later WITH Classpath-exception-2.0"},
        {"name": "sspl-db", "version": "6.0", "license": "SSPL-1.0"},
        {"name": "busl-tool", "license": "BUSL-1.1"},
        {"name": "mixed", "license": "MIT AND AGPL-3.0-or-later"},
        {"name": "choice", "license": "AGPL-3.0-only OR SSPL-1.0"},
        {"name": "no-license"},
        {"name": "noassertion", "license": "NOASSERTION"},
        {"name": "local-ref", "license": "LicenseRef-acme-eula"},
        {"name": "garbage", "license": "(GPL-2.0-only"},
        {"name": "custom", "license": "Custom EULA v2"},
        {"name": "unclassified", "license": "Zed"},
        {"name": "weak", "license": "LGPL-2.1-only"},
        {"name": "unknown-and", "license": "Apache-2.0 AND NOASSERTION"},
    ]
    proposal = {
        "title": "Citywide predictive enforcement platform",
        "department": "Police",
        "requester": {"name": "Omar Haddad", "email": "omar.haddad@city.gov"},
        "problem_statement": "We want everything at once.",
        "acquisition_type": "custom_development",
        "vendor": {"name": "Acme Inc.", "product": "Acme Everything", "product_version": "0.1"},
        # annual missing: the TCV is incomplete, and still far over every threshold
        "cost": {
            "one_time": 2_500_000,
            "term_years": 10,
            "annual_escalation_pct": 12,
            "funding_source": "grant",
        },
        "procurement_method": "direct",
        "alternatives_considered": [],
        "on_approved_list": True,
        "users": {"staff_count": 5000, "public_facing": True, "expected_public_users": 500_000},
        "has_user_interface": True,
        "hosting": "hybrid",
        "data_locations": ["US", "CN", "RU"],
        "data_classes": ["public"],
        "data_types": list(DATA_TYPES),
        "data_purposes": {},
        "integrations": [
            {"system": "erp", "method": "database"},
            {"system": "dispatch", "method": "database"},
            {"system": "gis", "method": "other"},
            {"system": "permitting", "method": "other"},
            {"system": "identity"},
            {"system": "Legacy mainframe", "method": "database"},
        ],
        "authentication": {"sso": "none", "mfa": False, "scim": False},
        "encryption": {"tls_min_version": "1.0", "at_rest": False},
        "certifications": [
            {"type": "soc2_type2", "date": "2023-01-15"},
            {"type": "iso27001", "date": "2019-05-01"},
            {"type": "pci_dss_aoc", "date": "2024-03-01"},
            {"type": "caiq"},
        ],
        "pen_test_date": "2021-06-01",
        "incident_notification_hours": 720,
        "cyber_insurance_usd": 50_000,
        "lifecycle": {
            "vendor_support_end": "2027-06-30",
            "operating_systems": [
                "Windows 7",
                "Windows 10",
                "Windows Server 2008",
                "CentOS 7",
                "Microsoft SQL Server 2012",
                "Ubuntu 16.04 LTS",
                "BeOS 5",
                "Acme OS 3",
            ],
            "browser_plugins_required": True,
            "supported_browsers": ["Internet Explorer"],
        },
        "accessibility": {
            "acr_provided": False,
            "acr_date": "2019-01-01",
            "wcag_version": "2.0",
            "does_not_support": level_a_aa[:30],
            "partially_supports": level_a_aa[30:45],
            "remediation_plan": False,
            "languages": ["fr"],
            "mobile_responsive": False,
            "publishes_documents": True,
            "accessible_documents": False,
        },
        "open_source": {
            "is_open_source": True,
            "license": "AGPL-3.0-only",
            "sbom_provided": False,
            "components": components,
            "custom_code_owner": "vendor",
            "release_license": "Proprietary",
            "distributed_by_city": True,
            "modified_and_hosted_for_others": True,
        },
        "ai": {
            "uses_ai": True,
            "generative": True,
            "decision_impact": "significant",
            "sends_city_data_to_model": True,
            "model_retains_or_trains": True,
            "factsheet_provided": False,
            "impact_assessment": False,
            "human_review": False,
            "discloses_to_public": False,
        },
        "surveillance": {
            "is_surveillance_technology": True,
            "categories": list(SURVEILLANCE_CATEGORIES),
            "impact_report": False,
            "council_approved": False,
        },
        "privacy": {"impact_assessment": False, "parental_consent_flow": False},
        "data_management": {
            "export_formats": ["proprietary"],
            "records_retention": False,
            "open_data_export": False,
            "audit_log_days": 30,
        },
    }
    contract = {
        "proposal": "Citywide predictive enforcement platform",
        "vendor": "Acme Inc.",
        # value_usd missing: the TCV comes from the proposal and is flagged as incomplete
        "start_date": "2027-01-01",
        "end_date": "2034-12-31",
        "renewal_options_years": 5,
        "auto_renewal": True,
        "termination_for_convenience": False,
        "annual_escalation_pct": 15,
        "clauses": {
            "data_ownership": False,
            "data_return_days": 180,
            "incident_notification_hours": 720,
            "insurance_usd": 10_000,
            "accessibility_warranty": False,
            "no_secondary_use": False,
            "allows_training_on_city_data": True,
            "governing_law": "Delaware",
            "city_indemnifies_vendor": True,
            "liability_cap_usd": 1_000,
            "cjis_security_addendum": False,
            "hipaa_baa": False,
        },
    }
    return {"proposal": proposal, "contract": contract}


# --- realistic workload (benchmarks) ---------------------------------------------------------

_REALISTIC_BASES: list[dict[str, Any]] = []


def _bases() -> list[dict[str, Any]]:
    """The bundled examples and rule-case bases: complete records as departments file them."""
    if not _REALISTIC_BASES:
        from review.core.safeyaml import load_file

        root = Path(__file__).resolve().parent.parent
        paths = sorted((root / "examples").glob("*.yaml")) + sorted(
            (root / "tests" / "data" / "bases").glob("*.yaml")
        )
        _REALISTIC_BASES.extend(load_file(p) for p in paths)
    return _REALISTIC_BASES


_TWEAKS: list[tuple[str, Callable[[random.Random], Any]]] = [
    ("cost.annual", lambda r: round(r.uniform(500, 60_000), 2)),
    ("cost.one_time", lambda r: round(r.uniform(0, 40_000), 2)),
    ("cost.term_years", lambda r: r.choice([1, 2, 3, 5, 6])),
    ("users.public_facing", lambda r: r.random() < 0.4),
    ("hosting", lambda r: r.choice(["vendor_cloud", "city_data_center", "hybrid"])),
    ("incident_notification_hours", lambda r: r.choice([24, 48, 72, 96])),
    ("cyber_insurance_usd", lambda r: r.choice([500_000, 1_000_000, 2_000_000, 5_000_000])),
    ("encryption.tls_min_version", lambda r: r.choice(["1.1", "1.2", "1.3"])),
    ("authentication.mfa", lambda r: r.random() < 0.8),
    ("accessibility.wcag_version", lambda r: r.choice(["2.0", "2.1", "2.2"])),
    (
        "accessibility.partially_supports",
        lambda r: r.sample(["1.4.3", "1.4.10", "2.4.7", "1.3.1"], r.randint(0, 2)),
    ),
    (
        "procurement_method",
        lambda r: r.choice(["direct", "informal_quotes", "formal_rfp", "cooperative_agreement"]),
    ),
    ("pen_test_date", lambda r: f"{r.choice([2025, 2026])}-{r.randint(1, 12):02d}-15"),
    (
        "data_types",
        lambda r: r.sample(
            ["personal_information", "employee_records", "financial"], r.randint(0, 2)
        ),
    ),
]


def realistic_submission(rng: random.Random) -> dict[str, Any]:
    """A complete record as departments file them (an example or base), with zero to three
    answers changed: the shape of day-to-day traffic, unlike the adversarial generator above,
    which answers every question at random to reach the rules' edges."""
    record = copy.deepcopy(rng.choice(_bases()))
    proposal_record = record["proposal"]
    for path, make in rng.sample(_TWEAKS, rng.randint(0, 3)):
        node = proposal_record
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = make(rng)
    return record
