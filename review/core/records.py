"""The intake form and the contract record, with exactly the field names of intake.md.

Models are strict about shape (unknown keys are errors naming their path) and lenient only
where YAML itself is ambiguous: an unquoted ``1.2`` or ``2.1`` is read as the version text
it obviously means. Derived facts (TCV, effective data classes, ...) live in
:mod:`review.core.derived`, never here, so there is one place that computes them.
"""

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StrictBool,
    field_validator,
)
from pydantic_core import CoreSchema, core_schema

from .emails import Email


def _list() -> list[Any]:
    """An empty list, as ``default_factory``: given ``list`` itself, building the schema
    read the built-in's text signature, which loads Python's tokenizer (7 ms a start)."""
    return []


def _dict() -> dict[Any, Any]:
    """An empty dict, as ``default_factory`` (see :func:`_list`)."""
    return {}


class Strict(BaseModel):
    """Base for every record: unknown keys are errors; assignments are validated too."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, frozen=False, defer_build=True
    )


def _iso_date(value: Any) -> Any:
    """Accept a date or ISO 8601 text; refuse timestamps that pydantic would coerce."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected an ISO 8601 date like 2026-03-01, got {value!r}") from None
    raise ValueError(f"expected an ISO 8601 date like 2026-03-01, got {value!r}")


def _version_text(value: Any) -> Any:
    """YAML reads ``tls_min_version: 1.2`` as a float; the form means the text "1.2"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value}.0"
    if isinstance(value, float):
        return repr(value)  # 1.25 stays "1.25" (an error), never rounded to "1.2"
    return value


def _real_text(value: str) -> str:
    """Valid Unicode (no lone surrogates, which JSON's ``\\ud800`` can smuggle in and no
    database or page can store or show). A blank answer is still an answer the rules judge
    (a blank purpose or justification is a finding, as the policy says); only a name that
    identifies the request, its title, must not be blank."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"contains a lone surrogate (U+{ord(value[exc.start]):04X}) at character "
            f"{exc.start + 1}; it is not valid Unicode text"
        ) from None
    return value


class _FromJson:
    """In JSON mode (a stored record read from its text), validate with ``schema``, a
    pydantic-native schema that accepts exactly what the Python-mode validators accept of
    JSON values, so no Python function is called per field (the daily sweep validates every
    system's record; tests/test_records_json.py pins the equivalence). From Python (YAML,
    forms) the validators run as written and their messages are the ones users see."""

    def __init__(self, schema: CoreSchema) -> None:
        self.schema = schema

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.json_or_python_schema(
            json_schema=self.schema, python_schema=handler(source)
        )


def _json_text(max_length: int) -> _FromJson:
    """Text of 1 to ``max_length`` characters. Lone surrogates (what ``_real_text`` refuses):
    pydantic's JSON reader refuses them itself, escaped or raw, so only the length is left."""
    return _FromJson(core_schema.str_schema(min_length=1, max_length=max_length))


def _json_number(limit: float) -> _FromJson:
    """What ``_bounded`` accepts of JSON: a number (strict: no numeric text, no true/false),
    finite, from 0 to ``limit``, as a float."""
    return _FromJson(core_schema.float_schema(strict=True, ge=0, le=limit, allow_inf_nan=False))


def _bounded(limit: float, unit: str) -> Any:
    """A non-negative, finite number no larger than a sanity limit (beyond it, a typo)."""

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"expected a finite number, got {value!r}")
        if value < 0:
            raise ValueError(f"expected a non-negative number, got {value!r}")
        if value > limit:
            raise ValueError(f"{value!r} is larger than any plausible {unit} ({limit:,.0f})")
        return float(value)

    return BeforeValidator(check)


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Money = Annotated[float, _bounded(1e12, "amount in dollars"), _json_number(1e12)]
Years = Annotated[float, _bounded(100, "number of years"), _json_number(100)]
Hours = Annotated[float, _bounded(100_000, "number of hours"), _json_number(100_000)]
Days = Annotated[float, _bounded(100_000, "number of days"), _json_number(100_000)]
Percent = Annotated[float, _bounded(1_000, "percentage"), _json_number(1_000)]
Text = Annotated[
    str, Field(min_length=1, max_length=20_000), AfterValidator(_real_text), _json_text(20_000)
]
ShortText = Annotated[
    str, Field(min_length=1, max_length=500), AfterValidator(_real_text), _json_text(500)
]


class AcquisitionType(StrEnum):
    SAAS = "saas"
    ON_PREMISES_SOFTWARE = "on_premises_software"
    CUSTOM_DEVELOPMENT = "custom_development"
    HARDWARE = "hardware"
    PROFESSIONAL_SERVICES = "professional_services"
    FREE_TOOL = "free_tool"
    RENEWAL = "renewal"


class FundingSource(StrEnum):
    GENERAL_FUND = "general_fund"
    GRANT = "grant"
    ENTERPRISE_FUND = "enterprise_fund"
    OTHER = "other"


class ProcurementMethod(StrEnum):
    DIRECT = "direct"
    INFORMAL_QUOTES = "informal_quotes"
    FORMAL_RFP = "formal_rfp"
    COOPERATIVE_AGREEMENT = "cooperative_agreement"
    SOLE_SOURCE = "sole_source"


class Hosting(StrEnum):
    VENDOR_CLOUD = "vendor_cloud"
    CITY_DATA_CENTER = "city_data_center"
    HYBRID = "hybrid"
    NONE = "none"


class DataClass(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"


class DataType(StrEnum):
    PERSONAL_INFORMATION = "personal_information"
    EMPLOYEE_RECORDS = "employee_records"
    FINANCIAL = "financial"
    CJI = "cji"
    PHI = "phi"
    PAYMENT_CARD = "payment_card"
    SSN = "ssn"
    BANK_ACCOUNT = "bank_account"
    BIOMETRIC = "biometric"
    PRECISE_LOCATION = "precise_location"
    CHILDREN_UNDER_13 = "children_under_13"


class IntegrationMethod(StrEnum):
    API = "api"
    SFTP = "sftp"
    FILE_EXPORT = "file_export"
    DATABASE = "database"
    SSO = "sso"
    OTHER = "other"


class SsoProtocol(StrEnum):
    SAML = "saml"
    OIDC = "oidc"
    NONE = "none"


class TlsVersion(StrEnum):
    V1_0 = "1.0"
    V1_1 = "1.1"
    V1_2 = "1.2"
    V1_3 = "1.3"
    NONE = "none"


class CertificationType(StrEnum):
    SOC2_TYPE2 = "soc2_type2"
    ISO27001 = "iso27001"
    FEDRAMP_MODERATE = "fedramp_moderate"
    FEDRAMP_HIGH = "fedramp_high"
    GOVRAMP_MODERATE = "govramp_moderate"
    GOVRAMP_HIGH = "govramp_high"
    TX_RAMP = "tx_ramp"
    PCI_DSS_AOC = "pci_dss_aoc"
    CJIS_ADDENDUM = "cjis_addendum"
    HIPAA_BAA = "hipaa_baa"
    CAIQ = "caiq"
    HECVAT = "hecvat"


class VpatEdition(StrEnum):
    WCAG = "wcag"
    SECTION_508 = "508"
    EU = "eu"
    INT = "int"


class WcagVersion(StrEnum):
    V2_0 = "2.0"
    V2_1 = "2.1"
    V2_2 = "2.2"


class CodeOwner(StrEnum):
    CITY = "city"
    VENDOR = "vendor"
    SHARED = "shared"


class DecisionImpact(StrEnum):
    NONE = "none"
    ADVISORY = "advisory"
    SIGNIFICANT = "significant"


class SurveillanceCategory(StrEnum):
    ALPR = "alpr"
    FACIAL_RECOGNITION = "facial_recognition"
    CAMERA_MONITORING = "camera_monitoring"
    DRONE = "drone"
    GUNSHOT_DETECTION = "gunshot_detection"
    SOCIAL_MEDIA_MONITORING = "social_media_monitoring"
    CELL_SITE_SIMULATOR = "cell_site_simulator"
    BODY_WORN_CAMERA = "body_worn_camera"


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    XML = "xml"
    GEOJSON = "geojson"
    API = "api"
    PROPRIETARY = "proprietary"


class AttachmentKind(StrEnum):
    ACR = "acr"
    SBOM = "sbom"
    SOC2_REPORT = "soc2_report"
    QUESTIONNAIRE = "questionnaire"
    CONTRACT = "contract"
    USE_POLICY = "use_policy"  # PRIV-4's surveillance use policy (added for GEN-10)
    OTHER = "other"


VersionText = Annotated[TlsVersion, BeforeValidator(_version_text)]
WcagText = Annotated[WcagVersion, BeforeValidator(_version_text)]


class Requester(Strict):
    name: ShortText
    email: Email


class BusinessOwner(Strict):
    """GEN-9: who answers for the system once it is in use (added to intake.md's fields)."""

    name: ShortText
    email: Email


class Vendor(Strict):
    name: ShortText | None = None
    product: ShortText | None = None
    product_version: Annotated[str, Field(max_length=100)] | None = None

    @field_validator("product_version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # "product_version: 10" is a version, not a number.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value


class Cost(Strict):
    one_time: Money | None = None
    annual: Money | None = None
    term_years: Years | None = None
    annual_escalation_pct: Percent | None = None
    funding_source: FundingSource | None = None


class Alternative(Strict):
    name: ShortText
    open_source: StrictBool | None = None
    reason_rejected: Text | None = None


class Users(Strict):
    staff_count: Annotated[int, Field(ge=0, le=10_000_000, strict=True)] | None = None
    public_facing: StrictBool | None = None
    expected_public_users: Annotated[int, Field(ge=0, le=10_000_000_000, strict=True)] | None = None


class Integration(Strict):
    system: ShortText
    method: IntegrationMethod | None = None


class Authentication(Strict):
    sso: SsoProtocol | None = None
    mfa: StrictBool | None = None
    scim: StrictBool | None = None


class Encryption(Strict):
    tls_min_version: VersionText | None = None
    at_rest: StrictBool | None = None


class Certification(Strict):
    type: CertificationType
    date: IsoDate | None = None


class Lifecycle(Strict):
    vendor_support_end: IsoDate | None = None
    operating_systems: list[ShortText] = Field(default_factory=_list, max_length=200)
    browser_plugins_required: StrictBool | None = None
    supported_browsers: list[ShortText] | None = Field(default=None, max_length=50)


CriterionId = Annotated[str, Field(pattern=r"^\d{1,2}\.\d{1,2}\.\d{1,2}$")]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class Accessibility(Strict):
    acr_provided: StrictBool | None = None
    acr_date: IsoDate | None = None
    vpat_edition: VpatEdition | None = None
    wcag_version: WcagText | None = None
    does_not_support: list[CriterionId] = Field(default_factory=_list, max_length=500)
    partially_supports: list[CriterionId] = Field(default_factory=_list, max_length=500)
    remediation_plan: StrictBool | None = None
    languages: list[LanguageCode] | None = Field(default=None, max_length=200)
    mobile_responsive: StrictBool | None = None
    publishes_documents: StrictBool | None = None
    accessible_documents: StrictBool | None = None

    @field_validator("vpat_edition", mode="before")
    @classmethod
    def _edition_text(cls, value: Any) -> Any:
        # "vpat_edition: 508" unquoted is an integer in YAML.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


class Component(Strict):
    name: ShortText
    version: Annotated[str, Field(max_length=200)] | None = None
    license: Annotated[str, Field(max_length=2_000)] | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value


class OpenSource(Strict):
    is_open_source: StrictBool | None = None
    license: Annotated[str, Field(max_length=2_000)] | None = None
    sbom_provided: StrictBool | None = None
    components: list[Component] = Field(default_factory=_list, max_length=50_000)
    custom_code_owner: CodeOwner | None = None
    release_license: Annotated[str, Field(max_length=200)] | None = None
    distributed_by_city: StrictBool | None = None
    modified_and_hosted_for_others: StrictBool | None = None


class Ai(Strict):
    uses_ai: StrictBool | None = None
    generative: StrictBool | None = None
    decision_impact: DecisionImpact | None = None
    sends_city_data_to_model: StrictBool | None = None
    model_retains_or_trains: StrictBool | None = None
    factsheet_provided: StrictBool | None = None
    impact_assessment: StrictBool | None = None
    human_review: StrictBool | None = None
    discloses_to_public: StrictBool | None = None
    # GEN-10's AI register (added fields, optional)
    model_type: ShortText | None = None
    data_used: Text | None = None


class Surveillance(Strict):
    is_surveillance_technology: StrictBool | None = None
    categories: list[SurveillanceCategory] = Field(default_factory=_list)
    impact_report: StrictBool | None = None
    council_approved: StrictBool | None = None
    # GEN-10's surveillance register (added fields, optional): the Council meeting that
    # approves it (held or scheduled; PRIV-4 judges council_approved) and the annual report due
    council_approval_date: IsoDate | None = None
    annual_report_due: IsoDate | None = None


class Publication(Strict):
    """GEN-10 (added fields, optional): what the public registers say about the system, in
    English and Spanish, and the role mailbox the public writes to (never a person)."""

    purpose_en: Text | None = None
    purpose_es: Text | None = None
    contact: Email | None = None


class Privacy(Strict):
    impact_assessment: StrictBool | None = None
    parental_consent_flow: StrictBool | None = None


class DataManagement(Strict):
    export_formats: list[ExportFormat] | None = None
    records_retention: StrictBool | None = None
    open_data_export: StrictBool | None = None
    audit_log_days: Annotated[int, Field(ge=0, le=100_000, strict=True)] | None = None


class Attachment(Strict):
    kind: AttachmentKind
    path: Annotated[str, Field(min_length=1, max_length=1_000)]


class Proposal(Strict):
    """The intake form (intake.md, ``proposal``)."""

    title: ShortText
    department: ShortText
    requester: Requester
    # GEN-9 (added field, optional): absent means the requester is the business owner
    business_owner: BusinessOwner | None = None
    problem_statement: Text
    desired_outcomes: list[Text] = Field(default_factory=_list)
    acquisition_type: AcquisitionType | None = None
    renewal_of: ShortText | None = None
    vendor: Vendor = Field(default_factory=Vendor)
    cost: Cost = Field(default_factory=Cost)
    procurement_method: ProcurementMethod | None = None
    sole_source_justification: Text | None = None
    alternatives_considered: list[Alternative] = Field(default_factory=_list)
    on_approved_list: StrictBool | None = None
    users: Users = Field(default_factory=Users)
    has_user_interface: StrictBool | None = None
    hosting: Hosting | None = None
    data_locations: list[CountryCode] | None = None
    data_classes: list[DataClass] = Field(default_factory=_list)
    data_types: list[DataType] = Field(default_factory=_list)
    data_purposes: dict[DataType, Text] = Field(default_factory=_dict)
    integrations: list[Integration] = Field(default_factory=_list, max_length=500)
    authentication: Authentication = Field(default_factory=Authentication)
    encryption: Encryption = Field(default_factory=Encryption)
    certifications: list[Certification] = Field(default_factory=_list, max_length=200)
    pen_test_date: IsoDate | None = None
    incident_notification_hours: Hours | None = None
    cyber_insurance_usd: Money | None = None
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    accessibility: Accessibility = Field(default_factory=Accessibility)
    open_source: OpenSource = Field(default_factory=OpenSource)
    ai: Ai = Field(default_factory=Ai)
    surveillance: Surveillance = Field(default_factory=Surveillance)
    privacy: Privacy = Field(default_factory=Privacy)
    data_management: DataManagement = Field(default_factory=DataManagement)
    publication: Publication = Field(default_factory=Publication)
    attachments: list[Attachment] = Field(default_factory=_list, max_length=50)

    @property
    def owner(self) -> BusinessOwner:
        """The business owner, or the requester when none is named (GEN-9's default)."""
        if self.business_owner is not None:
            return self.business_owner
        return BusinessOwner(name=self.requester.name, email=self.requester.email)

    @field_validator("problem_statement")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank: GEN-1 accepts no proposal without a problem")
        return value

    @field_validator("title")
    @classmethod
    def _titled(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank (only spaces): a request is known by its title")
        return value


class Clauses(Strict):
    data_ownership: StrictBool | None = None
    data_return_days: Days | None = None
    incident_notification_hours: Hours | None = None
    insurance_usd: Money | None = None
    accessibility_warranty: StrictBool | None = None
    no_secondary_use: StrictBool | None = None
    allows_training_on_city_data: StrictBool | None = None
    governing_law: ShortText | None = None
    city_indemnifies_vendor: StrictBool | None = None
    liability_cap_usd: Money | None = None
    cjis_security_addendum: StrictBool | None = None
    hipaa_baa: StrictBool | None = None


class Contract(Strict):
    """The contract record (intake.md, ``contract``)."""

    proposal: ShortText | None = None
    vendor: ShortText | None = None
    value_usd: Money | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    renewal_options_years: Years | None = None
    auto_renewal: StrictBool | None = None
    # GEN-9 (added field, optional): how many days before end_date an auto-renewal must be
    # cancelled; the cancellation deadline is end_date minus this
    cancellation_notice_days: Annotated[int, Field(ge=0, le=3650, strict=True)] | None = None
    termination_for_convenience: StrictBool | None = None
    annual_escalation_pct: Percent | None = None
    clauses: Clauses = Field(default_factory=Clauses)


class Submission(Strict):
    """What a file holds: a proposal and, at the contract stage, its contract."""

    proposal: Proposal
    contract: Contract | None = None

    @property
    def stage(self) -> str:
        return "contract" if self.contract is not None else "proposal"
