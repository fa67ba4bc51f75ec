"""`review publish`: the registers and metrics as open data, valid against their Table
Schemas, byte-identical on repeat, never half-written, never publishing what GEN-10 forbids."""

from __future__ import annotations

import datetime as dt
import json
import os
import string
from pathlib import Path
from typing import Any

import pytest
from frictionless import Resource, Schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.cli import common as cli_common
from review.cli.main import main
from review.core.publication import rules
from review.errors import InputError
from review.services import open_data, publication_delays
from review.services.context import Services

from .conftest import FAST_HASHER, Clock
from .register_support import ai, put_system, record, surveillance
from .support import approved

pytestmark = pytest.mark.usefixtures("people")
LATER = dt.date(2026, 11, 27) + dt.timedelta(days=rules().hold_days)
REQUIRED_DCAT = {
    "title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier",
    "accessLevel",
}  # fmt: skip


def _some_of_everything(services: Services, clock: Clock) -> None:
    approved(services)  # a reviewed request: metrics, findings, waivers-free
    put_system(services, surveillance(publication={"purpose_es": "Lee placas, 1.500 al día"}))
    put_system(services, ai(publication={"purpose_en": 'Answers "where is" questions, 24/7'}))
    delayed = put_system(services, record(title="Quiet one", department="Library"))
    delay = publication_delays.request(
        services, "dana", delayed, until=LATER + dt.timedelta(days=30), reason="RFP open"
    )
    publication_delays.decide(services, "director", delay.id, grant=True)


def test_every_file_is_valid_against_its_table_schema(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    _some_of_everything(services, clock)
    out = tmp_path / "open"
    names = open_data.publish(services, out, LATER)
    assert "data.json" in names and "register-ai.csv" in names and "metrics-waivers.csv" in names
    for name in (n for n in names if n.endswith(".csv")):
        stem = name.removesuffix(".csv")
        schema = Schema.from_descriptor(json.loads((out / f"{stem}.schema.json").read_text()))
        report = Resource(path=name, basepath=str(out), schema=schema).validate()
        assert report.valid, (name, report.flatten(["rowNumber", "fieldName", "type", "note"]))
        rows = json.loads((out / f"{stem}.json").read_text())
        assert [list(r) for r in rows[:1]] in ([], [[f.name for f in schema.fields]])
    surveil = json.loads((out / "register-surveillance.json").read_text())
    assert surveil[0]["purpose_es"] == "Lee placas, 1.500 al día"
    assert surveil[0]["use_policy"] is True
    delays = json.loads((out / "register-delays.json").read_text())
    assert [(d["reason"], d["department"]) for d in delays] == [("RFP open", "Library")]
    approved_rows = json.loads((out / "register-approved.json").read_text())
    assert "Quiet one" not in {r["title"] for r in approved_rows}  # delayed: not yet listed
    stages = json.loads((out / "metrics-stage-times.json").read_text())
    assert stages[0]["stage"] == "proposal" and stages[0]["decisions"] == 1
    requests = json.loads((out / "metrics-requests.json").read_text())
    assert sum(r["requests"] for r in requests) == 1
    findings = json.loads((out / "metrics-findings.json").read_text())
    assert findings and all(f["quarter"] == "2026-Q4" for f in findings)


def test_data_json_is_a_dcat_us_catalog(services: Services, clock: Clock, tmp_path: Path) -> None:
    _some_of_everything(services, clock)
    open_data.publish(services, tmp_path / "o", LATER)
    catalog = json.loads((tmp_path / "o" / "data.json").read_text())
    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert catalog["@type"] == "dcat:Catalog"
    files = set(os.listdir(tmp_path / "o"))
    for dataset in catalog["dataset"]:
        assert set(dataset) >= REQUIRED_DCAT, dataset["identifier"]
        assert dataset["modified"] == LATER.isoformat()
        assert dataset["contactPoint"]["hasEmail"].startswith("mailto:")
        for dist in dataset["distribution"]:
            assert dist["downloadURL"].rsplit("/", 1)[1] in files


def test_publishing_twice_gives_byte_identical_files(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    _some_of_everything(services, clock)
    root = tmp_path / "pub"
    root.mkdir()
    first = open_data.publish(services, root / "a", LATER)
    clock.advance(days=3)  # the clock moves; the records do not
    open_data.publish(services, root / "b", LATER)
    open_data.publish(services, root / "a", LATER)  # over itself
    for name in first:
        assert (root / "a" / name).read_bytes() == (root / "b" / name).read_bytes(), name
    assert sorted(os.listdir(root)) == ["a", "b"]  # no temporary directory left


def test_an_unwritable_directory_is_a_clear_message_and_nothing_changes(
    services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    put_system(services, record())
    # /proc refuses new directories even to root: the temporary directory cannot be made
    with pytest.raises(InputError, match=r"--out /proc/open-data: cannot write there"):
        open_data.publish(services, Path("/proc/open-data"), LATER)
    out = tmp_path / "locked" / "open"
    out.mkdir(parents=True)
    (out / "keep.txt").write_text("previous")
    (tmp_path / "locked").chmod(0o500)
    try:
        monkeypatch.setenv("REVIEW_DATABASE_URL", services.db.engine.url.render_as_string(False))
        monkeypatch.setattr(
            cli_common, "make_services", lambda db: Services(db, hasher=FAST_HASHER)
        )
        if os.access(tmp_path / "locked", os.W_OK):  # root writes anywhere: say it cannot
            monkeypatch.setattr(open_data, "writable", lambda p: "locked" not in str(p))
        with pytest.raises(SystemExit) as exit_:
            main(["publish", "--out", str(out), "--as-of", LATER.isoformat()])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert "open: not writable" in err and "Traceback" not in err
        assert os.listdir(out) == ["keep.txt"]
    finally:
        (tmp_path / "locked").chmod(0o700)
    with pytest.raises(InputError, match="exists and is not a directory"):
        open_data.publish(services, out / "keep.txt", LATER)
    with pytest.raises(InputError, match=r"parent directory .* does not exist"):
        open_data.publish(services, tmp_path / "no" / "such", LATER)


def test_the_command_writes_the_files(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    put_system(services, record())
    monkeypatch.setenv("REVIEW_DATABASE_URL", services.db.engine.url.render_as_string(False))
    monkeypatch.setattr(cli_common, "make_services", lambda db: Services(db, hasher=FAST_HASHER))
    with pytest.raises(SystemExit) as done:
        main(["publish", "--out", str(tmp_path / "o"), "--as-of", LATER.isoformat()])
    assert done.value.code == 0
    assert "published" in capsys.readouterr().out
    rows = json.loads((tmp_path / "o" / "register-approved.json").read_text())
    assert len(rows) == 1
    with pytest.raises(SystemExit) as exit_:
        main(["publish", "--out", str(tmp_path / "o"), "--as-of", "soon"])
    assert exit_.value.code == 2


# --- GEN-10: what is never published ---------------------------------------------------------

MARK = st.text(alphabet=string.ascii_letters, min_size=6, max_size=10).map(lambda s: "Zq" + s)


@st.composite
def secret_records(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A record of any register whose personal, confidential and security answers each carry
    a marker that must appear in no output."""
    marks = [draw(MARK) for _ in range(8)]
    kind = draw(st.sampled_from([record, surveillance, ai]))
    person = f"{marks[1].lower()}@city.example.gov"
    data = kind(
        requester={"name": marks[0], "email": person},
        business_owner={"name": marks[2], "email": f"{marks[3].lower()}@city.example.gov"},
        data_types=draw(st.sampled_from([["precise_location"], ["bank_account", "ssn"], []])),
        data_purposes={"personal_information": marks[4]},
        integrations=[{"system": marks[5], "method": "api"}],
        lifecycle={"operating_systems": [marks[6]]},
        publication={"contact": draw(st.sampled_from([person, None])) or person},
    )
    data["proposal"]["open_source"]["components"] = [
        {"name": marks[7], "version": "1.0", "license": "MIT"}
    ]
    secrets = [*marks, person, "precise_location", "bank_account"]
    return data, secrets


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=st.lists(secret_records(), min_size=1, max_size=3))
def test_a_confidential_fact_never_appears_in_any_output(
    services: Services, generated: list[tuple[dict[str, Any], list[str]]]
) -> None:
    for data, _ in generated:
        put_system(services, data)
    files = open_data.build_files(services, LATER)
    assert json.loads(files["register-approved.json"])  # the systems are published
    blob = b"\n".join(files.values()).decode("utf-8").lower()
    for _, secrets in generated:
        for secret in secrets:
            assert secret.lower() not in blob, secret


def test_delays_from_the_command_line(services: Services, review: Any) -> None:
    sid = put_system(services, record(department="Library"))

    def run(*args: str) -> tuple[int, str]:
        result = review(*args)
        return result.code, result.out + result.err

    code, out = run("delay", "ask", f"S-{sid}", "--until", "2027-01-15", "--reason", "RFP open",
                    "--as", "dana")  # fmt: skip
    assert code == 0 and "D-1: delay of" in out
    code, out = run("delay", "decide", "D-1", "grant", "--as", "cara")
    assert code == 2 and "only the Director of Digital Service" in out
    code, out = run("delay", "decide", "D-1", "maybe", "--as", "director")
    assert code == 2 and "outcome: 'maybe'; expected grant or refuse" in out
    code, out = run("delay", "decide", "D-1", "grant", "--as", "director")
    assert code == 0 and "D-1: granted" in out
