"""The facts of items that are each a distinct problem: platforms, criteria, components,
integrations and personal data types (one fact, and so one finding, per item)."""

from __future__ import annotations

from .. import license_names
from ..spdx import LicenseVerdict
from .common import Add, Inputs, _iso, _values
from .kinds import ComponentFact, CriterionFact, DataTypeFact, IntegrationFact, PlatformFact


def platform(i: Inputs, add: Add) -> None:
    """The platform facts, one per item."""
    d = i.d
    for index, status in enumerate(d.platforms):
        add(
            _values(
                PlatformFact,
                subject=status.written,
                written=status.written,
                known=status.platform is not None,
                platform=status.platform.name if status.platform else None,
                end_of_support=_iso(status.platform.end_of_support) if status.platform else None,
                days_until_end=status.days_until_end,
            ),
            f"platform:{index}",
        )


def criterion(i: Inputs, add: Add) -> None:
    """The criterion facts, one per item."""
    acc = i.p.accessibility
    p = i.p
    std = i.std
    seen: set[str] = set()
    for conformance, ids in (
        ("does_not_support", acc.does_not_support),
        ("partially_supports", acc.partially_supports),
    ):
        for cid in ids:
            if cid in seen:  # listed under both: the worse (does not support) stands
                continue
            seen.add(cid)
            criterion = std.criterion_index.get(cid)
            add(
                _values(
                    CriterionFact,
                    subject=cid,
                    criterion=cid,
                    name=criterion.name if criterion else None,
                    level=criterion.level if criterion else None,
                    known=criterion is not None,
                    conformance=conformance,
                    public_facing=p.users.public_facing,
                    remediation_plan=acc.remediation_plan,
                ),
                f"criterion:{cid}",
            )


def component(i: Inputs, add: Add) -> None:
    """The component facts, one per item."""
    p = i.p
    std = i.std
    oss = i.p.open_source
    licensed: list[tuple[str, str | None, str | None, bool]] = []
    if oss.is_open_source:
        licensed.append((p.vendor.product or p.title, p.vendor.product_version, oss.license, True))
    licensed.extend((c.name, c.version, c.license, False) for c in oss.components)
    cache: dict[str | None, tuple[LicenseVerdict, str | None]] = {}
    for index, (name, version, expression, is_product) in enumerate(licensed):
        if expression not in cache:
            cache[expression] = license_names.judge(expression, std.licenses)
        verdict, read_as = cache[expression]
        add(
            _values(
                ComponentFact,
                subject=f"{name}@{version}" if version else name,
                name=name,
                version=version,
                is_product=is_product,
                license=f"{read_as} (written {expression!r})" if read_as else expression,
                license_class=verdict.license_class,
                license_problem=verdict.problem,
                strong_copyleft=verdict.strong_copyleft,
                network_copyleft=verdict.network_copyleft,
                distributed_by_city=oss.distributed_by_city,
                modified_and_hosted_for_others=oss.modified_and_hosted_for_others,
            ),
            f"component:{index}",
        )


def integration(i: Inputs, add: Add) -> None:
    """The integration facts, one per item."""
    p = i.p
    for index, integration in enumerate(p.integrations):
        add(
            _values(
                IntegrationFact,
                subject=integration.system,
                system=integration.system,
                method=integration.method.value if integration.method else None,
            ),
            f"integration:{index}",
        )


def data_type(i: Inputs, add: Add) -> None:
    """The data type facts, one per item."""
    p = i.p
    std = i.std
    for data_type in dict.fromkeys(p.data_types):
        purpose = p.data_purposes.get(data_type)
        add(
            _values(
                DataTypeFact,
                subject=data_type.value,
                data_type=data_type.value,
                personal=data_type in std.data.personal_data_types,
                purpose=purpose if purpose and purpose.strip() else None,
            ),
            f"data_type:{data_type.value}",
        )
