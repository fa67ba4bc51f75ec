"""SBOMs read right (issue 14): CycloneDX group and purl kept, de-duplication by purl or
group + name + version, and license names and URLs read as SPDX ids through the standards'
table, the finding showing the mapping. The document in tests/data/sbom_cases/ was written
for these tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from review.core import license_names
from review.core.evaluate import evaluate
from review.core.findings import Evaluation
from review.core.loading import submission_from_data
from review.core.standards import load_standards
from review.evidence.sbom import SbomResult, parse_sbom

DATA = Path(__file__).resolve().parent.parent / "data"
CASE = DATA / "sbom_cases" / "groups-and-license-names.cdx.json"


def read() -> SbomResult:
    return parse_sbom(CASE.read_bytes(), filename=CASE.name)


def test_group_is_kept_in_the_name_the_form_gets():
    names = [c["name"] for c in read().to_open_source_section()["components"]]
    assert "@nextcloud/vue" in names and "vue" in names  # scoped and unscoped are different
    assert "org.openjfx:javafx-base" in names
    assert "com.example:http-utils" in names and "org.other:http-utils" in names


def test_group_comes_from_the_purl_when_the_document_has_none():
    doc = (
        b'{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": ['
        b'{"name": "core", "version": "7.24.0", "purl": "pkg:npm/%40babel/core@7.24.0"},'
        b'{"name": "guava", "version": "33.0", "purl": "pkg:maven/com.google.guava/guava@33.0"}]}'
    )
    result = parse_sbom(doc, filename="x.json")
    assert [c.full_name for c in result.components] == ["@babel/core", "com.google.guava:guava"]
    assert [c.purl for c in result.components] == [
        "pkg:npm/%40babel/core@7.24.0",
        "pkg:maven/com.google.guava/guava@33.0",
    ]


def test_duplicates_collapse_by_purl_or_group_name_version():
    result = read()
    assert len(result.components) == 11  # every entry as the document lists it
    section = result.to_open_source_section()["components"]
    keys = [(c["name"], c["version"]) for c in section]
    assert keys.count(("@nextcloud/vue", "8.11.0")) == 1  # same purl twice
    assert keys.count(("org.openjfx:javafx-base", "17.0.2")) == 1  # purls differ by qualifier
    assert keys.count(("com.example:http-utils", "1.0")) == 1  # no purl: group+name+version
    assert len(section) == 8


def test_license_names_and_urls_are_read_as_spdx_ids():
    by_name = {c.full_name: c for c in read().components}
    assert by_name["@nextcloud/vue"].license_read_as == "AGPL-3.0-only"
    assert by_name["@nextcloud/vue"].license_class == "network_copyleft"
    assert by_name["vue"].license_read_as == "MIT"
    assert by_name["com.example:http-utils"].license_read_as == "Apache-2.0"
    assert by_name["org.other:http-utils"].license_read_as == "BSD-3-Clause"
    assert by_name["left-pad"].license_read_as == "MIT"  # an opensource.org URL
    assert by_name["org.lib:dual"].license == "Apache-2.0 AND MIT"
    engine = by_name["com.vendor:engine"]
    assert (engine.license_read_as, engine.license_class) == (None, "unknown")
    warnings = read().warnings
    assert any("license_names.yaml" in w and "'Apache2' as Apache-2.0" in w for w in warnings)


def test_the_table_reads_names_and_urls_and_leaves_the_ambiguous_unknown():
    spdx_for = license_names.spdx_for
    assert spdx_for("Apache2") == "Apache-2.0"
    assert spdx_for("MIT License") == "MIT"
    assert spdx_for("The 3-Clause BSD License") == "BSD-3-Clause"
    assert spdx_for("https://opensource.org/licenses/MIT") == "MIT"
    assert spdx_for("http://www.opensource.org/license/mit/") == "MIT"
    assert spdx_for("https://www.apache.org/licenses/LICENSE-2.0") == "Apache-2.0"
    assert spdx_for("GNU Lesser General Public License") is None  # which version?
    assert spdx_for("BSD License") is None  # which clauses?
    assert spdx_for("GPL") is None


def _evaluate(components: list[dict[str, str]]) -> Evaluation:
    record = yaml.safe_load((DATA / "bases" / "saas.yaml").read_text())
    oss = record["proposal"].setdefault("open_source", {})
    oss.update({"sbom_provided": True, "components": components})
    oss["distributed_by_city"] = True
    oss["modified_and_hosted_for_others"] = True
    return evaluate(submission_from_data(record))


def test_findings_name_the_group_and_show_the_mapping():
    section = read().to_open_source_section()
    findings = _evaluate(section["components"]).findings
    agpl = [f for f in findings if f.rule_id == "OSS-003-network-copyleft-hosted"]
    assert [f.subject for f in agpl] == ["@nextcloud/vue@8.11.0"]
    assert "AGPL-3.0-only (written 'GNU Affero General Public License v3.0')" in agpl[0].message
    gpl = [f for f in findings if f.rule_id == "OSS-003-strong-copyleft-distributed"]
    assert [f.subject for f in gpl] == ["org.openjfx:javafx-base@17.0.2"]
    unknown = [f.subject for f in findings if f.rule_id == "OSS-003-license-unknown"]
    assert unknown == ["com.vendor:engine@9.1"]  # what cannot be mapped stays unknown


def test_a_valid_spdx_id_is_not_rewritten():
    verdict, read_as = license_names.judge("MIT", load_standards().licenses)
    assert (verdict.license_class, read_as) == ("permissive", None)
