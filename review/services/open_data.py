"""`review publish`: the registers and the review's metrics as open data (DA.4, DA.5).

Each data set is written as CSV and JSON with a Frictionless Table Schema
(``NAME.schema.json``), and ``data.json`` is the DCAT-US 1.1 catalog of them all, ready for
Socrata, CKAN or ArcGIS Hub. Output depends only on the records and ``as_of`` (no clock, no
random order), so publishing the same records twice gives byte-identical files. Files are
written to a temporary directory beside the target, which then replaces it whole: a failure
leaves the previous publication as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.publication import FIELDS, TITLES, PublicationRules, rules
from ..errors import InputError
from . import open_metrics, registers
from .context import Services, Tx

Column = tuple[str, str, str]  # name, Table Schema type, title


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: Callable[[Tx, dt.date], Iterable[dict[str, Any]]]
    key: str | None = None


def _register_columns(pub: PublicationRules, name: str) -> tuple[Column, ...]:
    return tuple((f, FIELDS[f].type, TITLES[f]) for f in pub.register(name).published)


def _register_rows(name: str) -> Callable[[Tx, dt.date], Iterable[dict[str, Any]]]:
    def rows(tx: Tx, as_of: dt.date) -> Iterable[dict[str, Any]]:
        # one read of the systems for all three registers, kept for this transaction
        cache: dict[dt.date, dict[str, list[dict[str, Any]]]] = tx.__dict__.setdefault(
            "_registers", {}
        )
        if as_of not in cache:
            cache[as_of] = registers.every_register(tx, as_of)
        return cache[as_of][name]

    return rows


def _delay_rows(tx: Tx, as_of: dt.date) -> Iterable[dict[str, Any]]:
    for d in registers.delays_listed(tx, "approved", as_of):
        yield {
            "ref": d.ref,
            "department": d.department,
            "reason": d.reason,
            "granted_on": d.granted_on.isoformat(),
            "until": d.until.isoformat(),
        }


REGISTER_TEXT = {
    "approved": (
        "Technology the City approved after review, by department, with each decision's "
        "sealed approval packet id and digest (GEN-10).",
        ("technology", "procurement", "inventory"),
    ),
    "surveillance": (
        "Surveillance technology the City uses (PRIV-4): category, purpose, impact report, use "
        "policy, Council approval and annual report (GEN-10).",
        ("surveillance", "privacy", "technology"),
    ),
    "ai": (
        "AI systems the City uses (AI-1 to AI-4): purpose, decision impact, human review, "
        "model type, data used, vendor and contact (GEN-10).",
        ("artificial intelligence", "algorithms", "technology"),
    ),
}


def datasets(pub: PublicationRules) -> list[Dataset]:
    out = [
        Dataset(
            f"register-{name}",
            pub.register(name).title,
            REGISTER_TEXT[name][0],
            REGISTER_TEXT[name][1],
            _register_columns(pub, name),
            _register_rows(name),
            key="ref",
        )
        for name in registers.REGISTERS
    ]
    out.append(
        Dataset(
            "register-delays",
            "Delayed register entries",
            "Entries whose publication the Director of Digital Service delayed at a "
            "department's request, with the stated reason and the date the delay ends (GEN-10).",
            ("technology", "transparency"),
            (
                ("ref", "string", "Entry"),
                ("department", "string", "Department"),
                ("reason", "string", "Reason"),
                ("granted_on", "date", "Granted on"),
                ("until", "date", "Published on"),
            ),
            _delay_rows,
            key="ref",
        )
    )
    out.extend(_metric_datasets())
    return out


def _metric_datasets() -> list[Dataset]:
    keywords = ("performance", "technology review", "procurement")
    return [
        Dataset(
            "metrics-requests",
            "Technology review requests",
            "Submitted technology requests by department, review tier and disposition.",
            keywords,
            (
                ("department", "string", "Department"),
                ("tier", "integer", "Review tier"),
                ("disposition", "string", "Disposition"),
                ("requests", "integer", "Requests"),
            ),
            open_metrics.requests,
        ),
        Dataset(
            "metrics-stage-times",
            "Technology review times",
            "Days from a stage's first submission to its decision: decisions, median and 90th "
            "percentile (nearest rank).",
            keywords,
            (
                ("stage", "string", "Stage"),
                ("decisions", "integer", "Decisions"),
                ("median_days", "number", "Median days"),
                ("p90_days", "number", "90th percentile days"),
            ),
            open_metrics.stage_times,
            key="stage",
        ),
        Dataset(
            "metrics-findings",
            "Technology review findings by policy section",
            "Findings by the policy section they enforce, per quarter (each request once per "
            "quarter, by its last evaluation).",
            keywords,
            (
                ("quarter", "string", "Quarter"),
                ("section", "string", "Policy section"),
                ("findings", "integer", "Findings"),
            ),
            open_metrics.findings_by_section,
        ),
        Dataset(
            "metrics-waivers",
            "Technology review waivers",
            "Waivers granted and waivers that expired, per quarter and finding domain.",
            keywords,
            (
                ("quarter", "string", "Quarter"),
                ("domain", "string", "Domain"),
                ("granted", "integer", "Granted"),
                ("expired", "integer", "Expired"),
            ),
            open_metrics.waivers,
        ),
    ]


# --- the files -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_bytes(columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c[0] for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c[0])) for c in columns])
    return out.getvalue().encode("utf-8")


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, default=_cell) + "\n").encode("utf-8")


def table_schema(dataset: Dataset) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [{"name": n, "type": t, "title": title} for n, t, title in dataset.columns],
        "missingValues": [""],
    }
    if dataset.key:
        schema["primaryKey"] = [dataset.key]
    return schema


def catalog(pub: PublicationRules, sets: list[Dataset], as_of: dt.date) -> dict[str, Any]:
    """The DCAT-US 1.1 catalog (https://resources.data.gov/resources/dcat-us/)."""
    base = pub.open_data_base_url
    publisher = {"@type": "org:Organization", "name": pub.publisher}
    contact = {
        "@type": "vcard:Contact",
        "fn": pub.publisher,
        "hasEmail": f"mailto:{pub.default_contact}",
    }
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": base + "data.json",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": [
            {
                "@type": "dcat:Dataset",
                "identifier": base + d.name,
                "title": d.title,
                "description": d.description,
                "keyword": list(d.keywords),
                "modified": as_of.isoformat(),
                "publisher": publisher,
                "contactPoint": contact,
                "accessLevel": "public",
                "license": pub.license,
                "language": ["en-US"],
                "describedBy": base + f"{d.name}.schema.json",
                "describedByType": "application/json",
                "distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "downloadURL": base + f"{d.name}.{ext}",
                        "mediaType": media,
                        "format": ext.upper(),
                        "title": f"{d.title} ({ext.upper()})",
                        "describedBy": base + f"{d.name}.schema.json",
                        "describedByType": "application/json",
                    }
                    for ext, media in (("csv", "text/csv"), ("json", "application/json"))
                ],
            }
            for d in sets
        ],
    }


def build_files(services: Services, as_of: dt.date) -> dict[str, bytes]:
    """Every file of a publication, by name, read in one transaction (one snapshot)."""
    pub = rules()
    sets = datasets(pub)
    files: dict[str, bytes] = {}
    with services.transaction() as tx:
        for dataset in sets:
            rows = list(dataset.rows(tx, as_of))
            names = [c[0] for c in dataset.columns]
            files[f"{dataset.name}.csv"] = csv_bytes(dataset.columns, rows)
            files[f"{dataset.name}.json"] = _json([{n: row.get(n) for n in names} for row in rows])
            files[f"{dataset.name}.schema.json"] = _json(table_schema(dataset))
    files["data.json"] = _json(catalog(pub, sets, as_of))
    return files


def publish(services: Services, out: Path, as_of: dt.date | None = None) -> list[str]:
    """Write the publication to ``out`` (replacing what was there); returns the file names."""
    as_of = as_of or services.today()
    out = out.expanduser().absolute()
    parent = out.parent
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a directory")
    if not parent.is_dir():
        raise InputError(f"--out {out}: its parent directory {parent} does not exist")
    if not writable(parent) or (out.exists() and not writable(out)):
        raise InputError(f"--out {out}: not writable (check the directory's permissions)")
    files = build_files(services, as_of)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as exc:
        raise InputError(f"--out {out}: cannot write there ({exc.strerror})") from None
    try:
        for name, data in sorted(files.items()):
            (staging / name).write_bytes(data)
            os.chmod(staging / name, 0o644)
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"--out {out}: cannot write there ({exc.strerror})") from None
    return sorted(files)


def writable(directory: Path) -> bool:
    return os.access(directory, os.W_OK | os.X_OK)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is, in two renames (the old one kept until then)."""
    if not out.exists():
        staging.rename(out)
        return
    old = out.with_name(f".{out.name}.old-{staging.name.rsplit('.', 1)[-1]}")
    out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
