"""SBOM import: every corpus document, the license decisions, and the refusals.

The expected counts were established from the documents themselves, not from the parser:
components counted with jq (``.components | length``, ``.packages | length`` minus the
DESCRIBES target), license classes by a separate script of plain ``json`` code that reads
each component's raw license texts and classes them with a hand-made table taken from
standards/licenses.yaml (OR = best choice, AND = worst part, free text / NOASSERTION / NONE /
LicenseRef- = unknown; ``gpl`` = strong copyleft because the license index aliases ``GPL``
to GPL-1.0-or-later, which is also how the evaluation reads that text).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from review.core.records import OpenSource
from review.errors import FileProblem
from review.evidence.sbom import MAX_BYTES, MAX_DEPTH, MAX_ITEMS, SbomResult, parse_sbom

DATA = Path(__file__).resolve().parent.parent / "data" / "sbom"
CDX = DATA / "cyclonedx"
SPDX = DATA / "spdx"


def load(path: Path) -> SbomResult:
    return parse_sbom(path.read_bytes(), filename=path.name)


def component(result: SbomResult, name: str, version: str | None = None):
    found = [c for c in result.components if c.name == name and version in (None, c.version)]
    assert len(found) == 1, f"{name}: {len(found)} matches"
    return found[0]


# file, format, spec version, components, services, license classes
CORPUS = [
    (CDX / "SBOM_cern-lhc-vdm-editor-e564943_bom.json", "CycloneDX", "1.2", 43, 0,
     {"permissive": 43}),
    (CDX / "SBOM_dropwizard-1.3.15_bom.json", "CycloneDX", "1.2", 167, 0,
     {"permissive": 75, "weak_copyleft": 41, "strong_copyleft": 5, "unknown": 46}),  # names mapped
    (CDX / "SBOM_keycloak-10.0.2_bom.json", "CycloneDX", "1.2", 903, 0,
     {"permissive": 620, "weak_copyleft": 120, "strong_copyleft": 17, "unknown": 146}),  # mapped
    (CDX / "SBOM_laravel-7.12.0_bom.1.4.json", "CycloneDX", "1.4", 62, 0, {"permissive": 62}),
    (CDX / "SBOM_proton-bridge_proton-bridge-v1.8.0.bom.json", "CycloneDX", "1.2", 201, 0,
     {"permissive": 186, "weak_copyleft": 6, "unknown": 9}),
    (CDX / "SBOM_protonmail-webclient-v4-0912dff_bom.json", "CycloneDX", "1.2", 883, 0,
     {"permissive": 862, "weak_copyleft": 2, "unclassified": 1, "unknown": 18}),  # "Apache2"
    (CDX / "SaaSBOM_apigateway-microservices-datastores_bom.json", "CycloneDX", "1.4", 0, 6, {}),
    (SPDX / "flux_0.26.3_sbom.spdx.json", "SPDX", "SPDX-2.2", 244, 0, {"unknown": 244}),
    (SPDX / "grype-sbom.spdx.json", "SPDX", "SPDX-2.2", 1160, 0,
     {"strong_copyleft": 1, "unknown": 1159}),
    (SPDX / "julia.spdx.json", "SPDX", "SPDX-2.2", 33, 0,
     {"permissive": 26, "weak_copyleft": 3, "strong_copyleft": 3, "unknown": 1}),
    (SPDX / "microsoft-sbom-tool.spdx.json", "SPDX", "SPDX-2.2", 122, 0, {"unknown": 122}),
    (SPDX / "presentations_SBOMS-SPDX-Now-and-Future_ACME-v2.3.spdx.json", "SPDX", "SPDX-2.3",
     3, 0, {"permissive": 2, "unknown": 1}),
    (SPDX / "software_example11_spdx2.3_sbom.spdx.json", "SPDX", "SPDX-2.3", 3, 0,
     {"permissive": 3}),
    (SPDX / "software_example14_spdx2.3_examplemaven-0.0.1-enriched.spdx.json", "SPDX",
     "SPDX-2.3", 5, 0, {"weak_copyleft": 1, "unknown": 4}),
    (SPDX / "software_example9_spdx2.2_appbomination.spdx.json", "SPDX", "SPDX-2.2", 6, 0,
     {"permissive": 4, "weak_copyleft": 1, "unknown": 1}),
    (SPDX / "ai_example02_spdx3.0_sbom.spdx3.json", "SPDX", "3.0.1", 1, 0, {"permissive": 1}),
]  # fmt: skip


def test_the_corpus_is_all_here():
    assert {p.name for p, *_ in CORPUS} == {p.name for p in DATA.glob("*/*.json")}


@pytest.mark.parametrize(
    ("path", "fmt", "spec", "count", "services", "classes"),
    CORPUS,
    ids=[p.name for p, *_ in CORPUS],
)
def test_corpus_counts(path, fmt, spec, count, services, classes):
    result = load(path)
    assert (result.format, result.spec_version) == (fmt, spec)
    assert len(result.components) == count
    assert len(result.services) == services
    assert result.license_counts == classes
    assert sum(result.license_counts.values()) == count
    section = result.to_open_source_section()
    assert section["sbom_provided"] is True
    OpenSource.model_validate(section)  # the intake form accepts what we produce
    for entry in section["components"]:
        assert set(entry) <= {"name", "version", "license"}
        assert None not in entry.values()


def test_document_identity():
    keycloak = load(CDX / "SBOM_keycloak-10.0.2_bom.json")
    assert keycloak.document_name == "keycloak-parent"
    assert keycloak.tool == "CycloneDX Maven plugin 2.0.2"
    assert [(d.name, d.version, d.license) for d in keycloak.described] == [
        ("keycloak-parent", "10.0.2", "Apache-2.0")
    ]
    flux = load(SPDX / "flux_0.26.3_sbom.spdx.json")
    assert (flux.document_name, flux.tool) == ("flux_0.26.3_source_code.tar.gz", "syft-0.33.0")
    assert flux.described == []  # nothing is DESCRIBED: every package is a component


def test_dropwizard_gpl_with_classpath_exception():
    result = load(CDX / "SBOM_dropwizard-1.3.15_bom.json")
    # two license entries: combined with AND, the deprecated id rewritten to its replacement
    rs = component(result, "javax.ws.rs-api", "2.0.1")
    assert rs.license == "CDDL-1.1 AND GPL-2.0-only WITH Classpath-exception-2.0"
    assert (rs.license_class, rs.problem) == ("strong_copyleft", None)
    assert rs.purl == "pkg:maven/javax.ws.rs/javax.ws.rs-api@2.0.1?type=jar"
    assert rs.group == "javax.ws.rs"
    # one expression with OR: judged by the better choice
    locator = component(result, "osgi-resource-locator", "1.0.1")
    assert locator.license == "CDDL-1.0 OR GPL-2.0-only WITH Classpath-exception-2.0"
    assert locator.license_class == "weak_copyleft"
    # a free-text license name is kept as written next to the SPDX id, and flagged
    checker = component(result, "checker-compat-qual", "2.0.0")
    assert checker.license == (
        "(GNU General Public License, version 2 (GPL2), with the classpath exception) AND MIT"
    )
    assert checker.license_class == "unknown"
    assert checker.problem
    assert any("combined with AND" in w for w in result.warnings)
    assert any("not SPDX expressions" in w for w in result.warnings)


def test_keycloak_name_that_the_index_reads_as_an_id_is_kept_and_flagged():
    orb = component(load(CDX / "SBOM_keycloak-10.0.2_bom.json"), "openjdk-orb")
    assert orb.license == "gpl"
    assert orb.license_class == "strong_copyleft"
    assert orb.problem is not None and "GPL-1.0-or-later" in orb.problem


def test_keycloak_component_without_licenses():
    result = load(CDX / "SBOM_keycloak-10.0.2_bom.json")
    guice = component(result, "guice", "4.0")
    assert (guice.license, guice.license_class, guice.problem) == (
        None,
        "unknown",
        "no license given",
    )
    section = result.to_open_source_section()
    assert {"name": "com.google.inject:guice", "version": "4.0"} in section["components"]


@pytest.mark.parametrize(
    ("name", "expected", "klass"),
    [
        ("jszip", "MIT OR GPL-3.0-only", "permissive"),
        ("dompurify", "MPL-2.0 OR Apache-2.0", "permissive"),
        ("pako", "MIT AND Zlib", "permissive"),
        ("mousetrap", "Apache-2.0 WITH LLVM-exception", "permissive"),
    ],
)
def test_proton_expressions_in_license_name(name, expected, klass):
    found = component(load(CDX / "SBOM_protonmail-webclient-v4-0912dff_bom.json"), name)
    assert (found.license, found.license_class, found.problem) == (expected, klass, None)


def test_proton_free_text_name_with_url_is_kept():
    result = load(CDX / "SBOM_protonmail-webclient-v4-0912dff_bom.json")
    texts = {c.license for c in result.components if c.license_class == "unknown"}
    assert "MIT (http://mootools.net/license.txt)" in texts
    assert "Public Domain" in texts


def test_proton_bridge_unknown_name_next_to_an_id():
    xgb = component(
        load(CDX / "SBOM_proton-bridge_proton-bridge-v1.8.0.bom.json"), "github.com/BurntSushi/xgb"
    )
    assert xgb.license == "BSD-3-Clause AND GooglePatentClause"
    assert xgb.license_class == "unknown"
    assert xgb.problem == "GooglePatentClause is not an SPDX license id"


def test_julia_expressions():
    result = load(SPDX / "julia.spdx.json")
    assert [d.name for d in result.described] == ["Julia"]  # the product, not a component
    llvm = component(result, "llvm")
    assert (llvm.license, llvm.license_class) == ("Apache-2.0 WITH LLVM-exception", "permissive")
    # concluded is preferred over the declared "LGPL-3.0-or-later OR GPL-2.0-or-later"
    assert component(result, "GMP").license == "LGPL-3.0-or-later"
    # concluded GPL-2.0-or-later over a declared expression holding the invalid id BSD-3
    assert component(result, "LibSuiteSparse").license == "GPL-2.0-or-later"
    libgit2 = component(result, "libgit2")
    assert libgit2.license == "LicenseRef-GPL-2.0-only-with-libgit2-exception"
    assert libgit2.license_class == "unknown"
    assert libgit2.problem is not None and "local reference" in libgit2.problem


def test_flux_none_is_kept_and_flagged():
    result = load(SPDX / "flux_0.26.3_sbom.spdx.json")
    go = result.components[0]  # syft lists it twice, once per location
    assert (go.name, go.version) == ("cloud.google.com/go", "v0.81.0")
    assert go.license == "NONE"
    assert go.license_class == "unknown"
    assert go.problem == "license is NONE (not asserted)"
    assert go.purl == "pkg:golang/cloud.google.com/go@v0.81.0"
    assert all(c.license == "NONE" for c in result.components)
    assert "244 component(s) carry no license" in result.warnings[0]
    entry = {"name": "cloud.google.com/go", "version": "v0.81.0", "license": "NONE"}
    assert entry in result.to_open_source_section()["components"]


def test_noassertion_is_kept_and_flagged():
    result = load(SPDX / "microsoft-sbom-tool.spdx.json")
    moq = component(result, "Moq", "4.17.2")
    assert (moq.license, moq.license_class) == ("NOASSERTION", "unknown")
    assert moq.problem == "license is NOASSERTION (not asserted)"
    assert [d.name for d in result.described] == ["SBOMTool"]


def test_grype_repeats_are_one_intake_component():
    result = load(SPDX / "grype-sbom.spdx.json")
    assert len(result.components) == 1160
    # jq: [.packages[] | [.name, .versionInfo, .licenseConcluded]] | unique | length
    assert len(result.to_open_source_section()["components"]) == 355
    vnc = component(result, "libvncserver", "0.9.9")
    assert (vnc.license, vnc.license_class) == ("GPL-2.0-or-later", "strong_copyleft")


def test_license_info_from_files_and_license_ref():
    result = load(SPDX / "software_example9_spdx2.2_appbomination.spdx.json")
    assert [(d.name, d.license) for d in result.described] == [
        ("App-BOM-ination", "LicenseRef-1 AND Apache-2.0")
    ]
    assert {c.license for c in result.components if c.license_class == "unknown"} == {
        "LicenseRef-1"
    }


def test_saasbom_services_are_not_components():
    result = load(CDX / "SaaSBOM_apigateway-microservices-datastores_bom.json")
    assert result.components == []
    assert [s.name for s in result.services] == [
        "API Gateway",
        "Microservice 1",
        "Microservice 2",
        "Microservice 3",
        "Postgres",
        "S3",
    ]
    gateway = result.services[0]
    assert gateway.provider == "Acme Inc"
    assert gateway.endpoints == ("https://example.com/", "https://example.com/app")
    assert (gateway.authenticated, gateway.crosses_trust_boundary) == (False, True)
    assert gateway.data_classifications == ("PII", "PIFI", "Public")
    assert result.to_open_source_section() == {"sbom_provided": True, "components": []}


def test_spdx3_json_ld():
    result = load(SPDX / "ai_example02_spdx3.0_sbom.spdx3.json")
    assert [c.name for c in result.described] == [
        "Sentiment Demo: A Simple AI Application and its AI BOM Example"
    ]
    (data,) = result.components
    assert (data.name, data.license, data.license_class) == (
        "Data after preprocessing",
        "CC0-1.0",
        "permissive",
    )


def cyclonedx(components: list[Any], spec: str = "1.6", **extra: Any) -> bytes:
    return json.dumps(
        {"bomFormat": "CycloneDX", "specVersion": spec, "components": components, **extra}
    ).encode()


def test_nested_components_are_flattened():
    doc = cyclonedx(
        [
            {
                "name": "outer",
                "licenses": [{"license": {"id": "MIT"}}],
                "components": [
                    {"name": "inner", "licenses": [{"expression": "agpl-3.0-or-later"}]},
                ],
            },
            {"name": "last", "version": 3},
        ],
        metadata={"component": {"name": "product", "components": [{"name": "part"}]}},
    )
    result = parse_sbom(doc, filename="nested.json")
    assert [c.name for c in result.components] == ["part", "outer", "inner", "last"]
    inner = component(result, "inner")
    assert (inner.license, inner.license_class) == ("AGPL-3.0-or-later", "network_copyleft")
    assert component(result, "last").version == "3"
    assert [d.name for d in result.described] == ["product"]


def test_concluded_licenses_preferred_in_cyclonedx_16():
    doc = cyclonedx(
        [
            {
                "name": "x",
                "licenses": [
                    {"license": {"id": "GPL-3.0-only", "acknowledgement": "declared"}},
                    {"expression": "MIT", "acknowledgement": "concluded"},
                ],
            }
        ]
    )
    assert parse_sbom(doc, filename="x.json").components[0].license == "MIT"


def test_newer_cyclonedx_is_read_with_a_warning():
    result = parse_sbom(cyclonedx([{"name": "x"}], spec="1.7"), filename="new.json")
    assert any("1.7" in w for w in result.warnings)


# --- refusals ------------------------------------------------------------------------------


def refused(data: bytes, filename: str = "bom.json") -> str:
    with pytest.raises(FileProblem) as caught:
        parse_sbom(data, filename=filename)
    message = str(caught.value)
    assert message.startswith(f"{filename}: ")
    return message


def test_malformed_json():
    message = refused(b'{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [}')
    assert "not valid JSON" in message and "line 1" in message


def test_truncated_real_document():
    data = (CDX / "SBOM_cern-lhc-vdm-editor-e564943_bom.json").read_bytes()
    assert "not valid JSON" in refused(data[: len(data) // 2])


def test_oversized(tmp_path):
    path = tmp_path / "huge.json"
    filler = b" " * (MAX_BYTES - 10)
    path.write_bytes(cyclonedx([]) + filler)
    message = refused(path.read_bytes(), "huge.json")
    assert f"{MAX_BYTES:,}" in message and "limit" in message
    assert f"{path.stat().st_size:,} bytes" in message


@pytest.mark.parametrize("data", [b"", b"   \n\t", b"\xef\xbb\xbf"])
def test_empty(data):
    assert "empty" in refused(data)


def test_not_utf8():
    data = cyclonedx([{"name": "caf\u00e9"}]).replace(b"\\u00e9", b"\xe9")
    message = refused(data)
    assert "not UTF-8" in message and "0xe9" in message


def test_utf16_is_named():
    data = "\ufeff".encode("utf-16-le") + cyclonedx([]).decode().encode("utf-16-le")
    assert "UTF-16" in refused(data)


def test_utf8_bom_is_accepted():
    result = parse_sbom(b"\xef\xbb\xbf" + cyclonedx([{"name": "x"}]), filename="bom.json")
    assert [c.name for c in result.components] == ["x"]


def test_acr_yaml_is_not_an_sbom():
    data = (DATA / "acr-Moodle-3.yaml").read_bytes()
    message = refused(data, "acr-Moodle-3.yaml")
    assert "not JSON" in message and "CycloneDX or SPDX" in message


def test_json_that_is_not_an_sbom():
    assert "not an SBOM" in refused(b'{"proposal": {"title": "x"}}')
    assert "not an SBOM" in refused(b"[1, 2, 3]")


def test_xml_is_refused():
    data = b'<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>'
    assert "XML" in refused(data, "bom.xml")


def test_spdx_tag_value_is_refused():
    assert "tag-value" in refused(b"SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n", "x.spdx")


def test_absurd_nesting():
    deep = b'{"bomFormat": "CycloneDX", "specVersion": "1.4", "x": ' + b"[" * 100_000
    deep += b"]" * 100_000 + b"}"
    assert "nesting is too deep" in refused(deep)


def test_nesting_just_over_the_limit():
    nested: dict[str, object] = {"name": "leaf"}
    for _ in range(MAX_DEPTH):
        nested = {"name": "n", "components": [nested]}
    assert "nesting is too deep" in refused(cyclonedx([nested]))


def test_repeated_key():
    data = b'{"bomFormat": "CycloneDX", "specVersion": "1.4", "specVersion": "1.5"}'
    assert "'specVersion' appears twice" in refused(data)


def test_unsupported_versions():
    assert "not supported" in refused(cyclonedx([], spec="1.1"))
    assert "not supported" in refused(b'{"spdxVersion": "SPDX-1.2", "packages": []}')


def test_too_many_components():
    message = refused(cyclonedx([{"name": "x"}] * (MAX_ITEMS + 1)))
    assert f"{MAX_ITEMS:,}" in message
