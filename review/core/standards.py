"""The City's standards as data: one strict schema over the files in ``standards/``.

Rules refer to values here by dotted name (``security.cyber_insurance_min_usd``); the
loader refuses a file that does not match the schema, naming the file and the field.
"""

import datetime as dt
import hashlib
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import StandardsError
from .domains import DOMAINS as DOMAINS
from .domains import Domain as Domain
from .policy import ReviewPolicy
from .records import (
    AcquisitionType,
    CertificationType,
    DataClass,
    DataType,
    ExportFormat,
    Hosting,
    IntegrationMethod,
    ProcurementMethod,
)
from .safeyaml import load_file

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "standards"


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Section(Schema):
    id: str = Field(pattern=r"^[A-Z]+-\d+$")
    domain: Domain
    title: str
    judgeable: bool
    enforced_by: str | None = None
    basis: str | None = None
    text: str = Field(min_length=1)  # as policy.md words it; the app shows it beside citations


class City(Schema):
    name: str
    population: int = Field(ge=0)
    special_district: bool = False


class Tiers(Schema):
    fast_track_tcv_below: float = Field(ge=0)
    full_review_tcv_from: float = Field(ge=0)
    fast_track_data_classes: list[DataClass]


class Threshold(Schema):
    tcv_from: float = Field(ge=0)
    requires: ProcurementMethod


class Procurement(Schema):
    thresholds: list[Threshold] = Field(min_length=1)
    method_rank: dict[ProcurementMethod, int]
    methods_satisfying_any_threshold: list[ProcurementMethod]
    methods_satisfying_when_justified: list[ProcurementMethod]
    council_approval_tcv_from: float = Field(ge=0)
    max_term_years: float = Field(gt=0)
    max_annual_escalation_pct: float = Field(ge=0)
    governing_law: str

    @model_validator(mode="after")
    def _ranked(self) -> "Procurement":
        for threshold in self.thresholds:
            if threshold.requires not in self.method_rank:
                raise ValueError(
                    f"thresholds: method {threshold.requires.value!r} has no entry in method_rank"
                )
        return self


class Data(Schema):
    class_rank: dict[DataClass, int]
    personal_data_types: list[DataType]
    implied_class: dict[DataType, DataClass]
    residency_countries: list[str]
    open_export_formats: list[ExportFormat]
    data_return_max_days: float = Field(ge=0)
    holds_city_data_hosting: list[Hosting]


class AttestationGroup(Schema):
    types: list[CertificationType] = Field(min_length=1)
    max_age_months: int = Field(gt=0)


class Attestations(Schema):
    confidential: list[AttestationGroup] = Field(min_length=1)
    internal_hosted: list[AttestationGroup] = Field(min_length=1)


class Security(Schema):
    attestations: Attestations
    pci_aoc_max_age_months: int = Field(gt=0)
    tls_min_version: float
    incident_notification_max_hours: float = Field(gt=0)
    incident_notification_max_hours_restricted: float = Field(gt=0)
    cyber_insurance_min_usd: float = Field(ge=0)
    cyber_insurance_min_usd_restricted: float = Field(ge=0)
    pen_test_max_age_months: int = Field(gt=0)
    audit_log_min_days: int = Field(ge=0)
    browser_plugins: list[str]


class AdaDate(Schema):
    band: str
    population_from: int = Field(ge=0)
    date: dt.date


class Accessibility(Schema):
    required_wcag_version: Literal["2.0", "2.1", "2.2"]
    requested_wcag_version: Literal["2.0", "2.1", "2.2"]
    required_levels: list[Literal["A", "AA", "AAA"]]
    acr_max_age_months: int = Field(gt=0)
    acr_editions: list[str]
    required_languages: list[str]
    ada_title_ii_compliance: list[AdaDate] = Field(min_length=1)


class OpenSource(Schema):
    release_licenses: list[str]
    accepted_release_licenses: list[str]
    sbom_required_for: list[AcquisitionType]
    sbom_requested_for: list[AcquisitionType]
    open_interface_methods: list[IntegrationMethod]


class Technology(Schema):
    preferred_hosting: list[Hosting]
    web_interface_types: list[AcquisitionType]
    required_browsers: list[str]
    review_integration_methods: list[IntegrationMethod]


class AnswerIs(Schema):
    """A condition on another answer: that it equals a value, or (no value) that it is given."""

    field: str
    equals: bool | str | float | None = None


class Requirement(Schema):
    """Answers a submission needs: any one of ``fields``, when ``when`` holds (else always)."""

    fields: list[str] = Field(min_length=1)
    cites: list[str] = Field(min_length=1)
    when: AnswerIs | None = None

    @model_validator(mode="after")
    def _paths_exist(self) -> "Requirement":
        for path in [*self.fields, *([self.when.field] if self.when else [])]:
            if not record_path_exists(path):
                raise ValueError(f"{path!r} is not a field of the intake record (intake.md)")
        return self


class VendorDocument(Schema):
    """What a data type obliges the department to get from the vendor (SEC-8 to SEC-10)."""

    certification: CertificationType
    cites: list[str] = Field(min_length=1)


class Consultation(Schema):
    meeting_minutes: int = Field(gt=0, le=480)
    time_zone: str


class Intake(Schema):
    """What submission requires (GEN-1, GEN-2) and what to ask vendors before choosing one."""

    submission_requires: list[Requirement] = Field(min_length=1)
    data_type_documents: dict[DataType, VendorDocument]
    consultation: Consultation


def record_path_exists(path: str) -> bool:
    """Whether a dotted path names a field of the intake record (a list is a leaf)."""
    from .records import Submission

    model: type[BaseModel] | None = Submission
    for part in path.split("."):
        if model is None or part not in model.model_fields:
            return False
        model = _nested_model(model.model_fields[part].annotation)
    return True


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds directly (``X`` or ``X | None``), not inside a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, dict):
        return None
    return next((m for a in get_args(annotation) if (m := _nested_model(a)) is not None), None)


class Criterion(Schema):
    id: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    name: str
    level: Literal["A", "AA", "AAA"]
    since: Literal["2.0", "2.1", "2.2"]
    removed_in: Literal["2.1", "2.2"] | None = None


LicenseClass = Literal[
    "permissive",
    "weak_copyleft",
    "unclassified",
    "strong_copyleft",
    "network_copyleft",
    "source_available",
    "unknown",
]


class Licenses(Schema):
    rank: dict[LicenseClass, int]
    classes: dict[LicenseClass, list[str]]
    aliases: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _each_id_once(self) -> "Licenses":
        seen: dict[str, str] = {}
        for klass, ids in self.classes.items():
            for spdx_id in ids:
                if spdx_id.lower() in seen:
                    raise ValueError(
                        f"license {spdx_id!r} is in both {seen[spdx_id.lower()]!r} and {klass!r}"
                    )
                seen[spdx_id.lower()] = klass
        missing = set(self.rank) ^ {
            "permissive",
            "weak_copyleft",
            "unclassified",
            "strong_copyleft",
            "network_copyleft",
            "source_available",
            "unknown",
        }
        if missing:
            raise ValueError(f"rank must give every class a rank; missing {sorted(missing)}")
        return self


class Platform(Schema):
    name: str
    match: list[str] = Field(min_length=1)
    end_of_support: dt.date | None

    @model_validator(mode="after")
    def _patterns_compile(self) -> "Platform":
        for pattern in self.match:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{self.name}: pattern {pattern!r} is not valid ({exc})") from None
        return self


SectionId = Annotated[str, Field(pattern=r"^[A-Z]+-\d+$")]
Cites = Annotated[list[SectionId], Field(min_length=1)]


class GraceDays(Schema):
    days: int = Field(ge=0, le=3650)
    cites: Cites


class EvidenceSections(Schema):
    sections: list[Literal["SEC-1", "SEC-6", "ACC-2"]] = Field(min_length=1)
    cites: Cites


class RenewalReview(Schema):
    days_before_end: int = Field(ge=0, le=3650)
    days_before_end_by_tier: dict[int, int] = Field(default_factory=dict)
    cites: Cites

    def days_for(self, tier: int | None) -> int:
        return self.days_before_end_by_tier.get(tier or 0, self.days_before_end)


class ImportedRereview(Schema):
    months: int = Field(ge=1, le=120)
    cites: Cites


class Notice(Schema):
    """The notice marks of one kind of deadline: days before it, and whether overdue."""

    days_before: list[Annotated[int, Field(ge=1, le=3650)]]
    overdue: bool
    cites: Cites

    @property
    def window_days(self) -> int:
        """How far ahead the deadline shows as "due in the window" (its first mark)."""
        return max(self.days_before, default=0)


DeadlineKind = Literal[
    "contract_end",
    "cancellation_deadline",
    "renewal_review",
    "waiver_expiry",
    "condition_due",
    "evidence_expiry",
    "finding_due",
    "end_of_support",
    "vendor_support_end",
    "rereview_due",
]
DEADLINE_KINDS: tuple[str, ...] = get_args(DeadlineKind)


class AfterApproval(Schema):
    """GEN-9: the windows and ages that apply while a system is in use."""

    evidence_grace: GraceDays
    evidence_sections: EvidenceSections
    renewal_review: RenewalReview
    imported_rereview: ImportedRereview
    notices: dict[DeadlineKind, Notice]

    @model_validator(mode="after")
    def _every_kind(self) -> "AfterApproval":
        missing = [k for k in DEADLINE_KINDS if k not in self.notices]
        if missing:
            raise ValueError(f"notices: every deadline kind needs its marks; missing {missing}")
        return self


class Standards(Schema):
    """Everything the rules may refer to, with the version every evaluation records."""

    id: str
    version: int = Field(ge=1)
    name: str
    title: str
    published: dt.date
    effective_from: dt.date
    effective_until: dt.date | None = None
    city: City
    tiers: Tiers
    procurement: Procurement
    data: Data
    security: Security
    accessibility: Accessibility
    open_source: OpenSource
    technology: Technology
    sections: list[Section]
    criteria: list[Criterion]
    licenses: Licenses
    platforms: list[Platform]
    intake: Intake
    after_approval: AfterApproval
    review: ReviewPolicy

    @model_validator(mode="after")
    def _unique_ids(self) -> "Standards":
        for label, ids in (
            ("section", [s.id for s in self.sections]),
            ("criterion", [c.id for c in self.criteria]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{label} ids must be unique; repeated: {dupes}")
        known = {s.id for s in self.sections}
        cited = [c for r in self.intake.submission_requires for c in r.cites] + [
            c for d in self.intake.data_type_documents.values() for c in d.cites
        ]
        unknown = sorted({c for c in cited if c not in known})
        if unknown:
            raise ValueError(f"intake cites unknown policy sections: {unknown}")
        self._after_approval_cites_known_sections()
        return self

    def _after_approval_cites_known_sections(self) -> None:
        known = {s.id for s in self.sections}
        block = self.after_approval
        entries: list[tuple[str, list[str]]] = [
            ("evidence_grace", block.evidence_grace.cites),
            ("evidence_sections", block.evidence_sections.cites),
            ("renewal_review", block.renewal_review.cites),
            ("imported_rereview", block.imported_rereview.cites),
        ]
        entries += [(f"notices.{k}", n.cites) for k, n in block.notices.items()]
        for where, cites in entries:
            unknown = [c for c in cites if c not in known]
            if unknown:
                raise ValueError(f"after_approval.{where}: cites unknown sections {unknown}")

    @property
    def label(self) -> str:
        return f"{self.name} (v{self.version})"

    @cached_property
    def content_digest(self) -> str:
        """SHA-256 of every value the standards hold: a threshold edited without bumping
        ``version`` still changes the rules version evaluations record."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    @cached_property
    def section_index(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    @cached_property
    def criterion_index(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def compiled_platforms(self) -> list[tuple[Platform, list[re.Pattern[str]]]]:
        return [(p, [re.compile(m, re.IGNORECASE) for m in p.match]) for p in self.platforms]

    def platform_for(self, written: str) -> Platform | None:
        """The first platform whose pattern matches what the intake wrote (memoised: the same
        few operating systems recur in every proposal)."""
        cache: dict[str, Platform | None] = self._platform_cache
        if written not in cache:
            cache[written] = next(
                (
                    p
                    for p, patterns in self.compiled_platforms
                    if any(r.search(written) for r in patterns)
                ),
                None,
            )
            if len(cache) > 10_000:  # free text: keep the memo bounded
                cache.clear()
        return cache[written]

    @cached_property
    def _platform_cache(self) -> dict[str, Platform | None]:
        return {}

    def value(self, dotted: str) -> Any:
        """Look up a parameter by dotted name; rules use this to refer to thresholds."""
        node: Any = self
        for part in dotted.split("."):
            if isinstance(node, BaseModel) and part in type(node).model_fields:
                node = getattr(node, part)
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise KeyError(dotted)
        if isinstance(node, BaseModel):
            raise KeyError(dotted)
        return node

    def ada_compliance(self) -> AdaDate:
        return self._ada_compliance

    @cached_property
    def _ada_compliance(self) -> AdaDate:
        """The ADA Title II compliance date that applies to this City's population band."""
        bands = sorted(self.accessibility.ada_title_ii_compliance, key=lambda b: -b.population_from)
        if self.city.special_district:
            return bands[-1]
        for band in bands:
            if self.city.population >= band.population_from:
                return band
        return bands[-1]


_FILES = {
    "standards.yaml": None,
    "sections.yaml": "sections",
    "wcag.yaml": "criteria",
    "licenses.yaml": "licenses",
    "platforms.yaml": "platforms",
    "intake.yaml": "intake",
    "review.yaml": "review",
}


def _describe(exc: ValidationError, source: str) -> str:
    """Every problem, each by its dotted path, so a policy owner fixes them in one pass."""
    lines = []
    for error in exc.errors():
        path = ".".join(str(p) for p in error["loc"])
        problem = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        lines.append(f"{path}: {problem}" if path else problem)
    if len(lines) == 1:
        return f"{source}: {lines[0]}"
    return f"{source}: {len(lines)} problems:\n" + "\n".join(f"  {line}" for line in lines)


def load_standards(directory: Path | None = None) -> Standards:
    """Load and validate the standards set in ``directory`` (default: the bundled one)."""
    directory = directory or DEFAULT_DIR
    merged: dict[str, Any] = {}
    for filename, key in _FILES.items():
        path = directory / filename
        try:
            content = load_file(path, what="standards file")
        except Exception as exc:  # FileProblem and OS errors alike
            raise StandardsError(str(exc)) from None
        if not isinstance(content, dict):
            raise StandardsError(f"{path}: expected a mapping at the top level")
        if key is None:
            merged.update(content)
        else:
            if set(content) != {key}:
                raise StandardsError(f"{path}: expected exactly one top-level key {key!r}")
            merged[key] = content[key]
    try:
        return Standards.model_validate(merged)
    except ValidationError as exc:
        raise StandardsError(_describe(exc, str(directory))) from None
