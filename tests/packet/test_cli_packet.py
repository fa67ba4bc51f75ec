"""``review packet`` commands, on the decided request of the fixtures."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from review.cli.main import app
from review.cli.packet import EXIT_ALTERED, EXIT_DRAFT, EXIT_UNKNOWN_KEY
from review.errors import InputError
from review.services.context import Services

from .conftest import Driven


@pytest.fixture
def cli(decided: Driven, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    """The real ``review`` application, acting through the fixtures' services."""

    @contextmanager
    def services() -> Iterator[Services]:
        yield decided.services

    monkeypatch.setattr("review.cli.common.services", services)
    return app


def test_build_verify_and_key(cli: typer.Typer, decided: Driven, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "packet.docx"
    done = runner.invoke(
        cli, ["packet", "build", f"P-{decided.id}", "-o", str(target), "--as", "cara"]
    )
    assert done.exit_code == 0, done.output
    assert "issued" in done.output
    done = runner.invoke(cli, ["packet", "verify", str(target)])
    assert done.exit_code == 0 and done.output.startswith("valid"), done.output
    key = runner.invoke(cli, ["packet", "key"])
    assert key.exit_code == 0 and "SHA256:" in key.output and "BEGIN PUBLIC KEY" in key.output

    # an altered copy
    source = zipfile.ZipFile(io.BytesIO(target.read_bytes()))
    altered = tmp_path / "altered.docx"
    with zipfile.ZipFile(altered, "w") as out:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "word/document.xml":
                assert b">Blocker<" in body
                body = body.replace(b">Blocker<", b">Minor<", 1)
            out.writestr(info, body)
    done = runner.invoke(cli, ["packet", "verify", str(altered)])
    assert done.exit_code == EXIT_ALTERED, done.output
    assert "changed: part word/document.xml was changed" in done.output

    # verified in another deployment (other keys): unknown key
    other = tmp_path / "elsewhere"
    result = CliRunner(env={"REVIEW_DATA_DIR": str(other)}).invoke(
        cli, ["packet", "verify", str(target)]
    )
    assert result.exit_code == EXIT_UNKNOWN_KEY, result.output
    assert "does not trust" in result.output

    not_docx = tmp_path / "notes.txt"
    not_docx.write_text("hello")
    assert runner.invoke(cli, ["packet", "verify", str(not_docx)]).exit_code == 2


def test_preview_and_refusal(
    cli: typer.Typer, services: Services, decided: Driven, tmp_path: Path
) -> None:
    runner = CliRunner()
    target = tmp_path / "draft.docx"
    done = runner.invoke(
        cli, ["packet", "preview", str(decided.id), "-o", str(target), "--as", "cara"]
    )
    assert done.exit_code == 0, done.output
    assert runner.invoke(cli, ["packet", "verify", str(target)]).exit_code == EXIT_DRAFT
    missing = runner.invoke(cli, ["packet", "build", str(decided.id), "-o", str(target)])
    # review.cli.main turns the refusal into one line and exit 2 (tests/test_cli_ids.py)
    assert isinstance(missing.exception, InputError) and "--as" in str(missing.exception)
