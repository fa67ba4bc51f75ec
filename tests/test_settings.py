"""Every REVIEW_* variable goes through review/settings.py (or is one of the command line's
option defaults) and has a row in docs/deploy.md's table with its true default."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from review.cli.main import app
from review.errors import ConfigurationError
from review.settings import CLI_VARIABLES, Settings, settings

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = re.compile(r"\bREVIEW_[A-Z][A-Z_]*[A-Z]\b")
NOT_VARIABLES = {"REVIEW_DOMAIN_OF"}  # a Python constant in review/services/roles.py
TEST_ONLY = {"REVIEW_TEST_DATABASE_URL", "REVIEW_DIFFERENTIAL_EXAMPLES"}
PRODUCT = ["review", "app.py", "scripts", "bench"]


def documented() -> dict[str, tuple[str, str]]:
    text = (ROOT / "docs" / "deploy.md").read_text()
    rows = re.findall(r"^\| `(REVIEW_[A-Z_]+)` \| ([^|]+) \| ([^|]+) \|$", text, re.M)
    return {name: (default.strip(), meaning.strip()) for name, default, meaning in rows}


def variables_in(*places: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for place in places:
        path = ROOT / place
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            if file.suffix in {".pyc", ".docx", ".db"} or "__pycache__" in file.parts:
                continue
            for name in VARIABLE.findall(file.read_text(errors="replace")):
                if name not in NOT_VARIABLES:
                    found.setdefault(name, set()).add(str(file.relative_to(ROOT)))
    return found


def settings_variables() -> dict[str, Any]:
    return {f"REVIEW_{name.upper()}": f.default for name, f in Settings.model_fields.items()}


def shown(default: Any) -> str:
    if default is None:
        return "unset"
    if isinstance(default, bool):
        return f"`{int(default)}`"
    return f"`{default}`"


def test_every_setting_is_documented_with_its_default() -> None:
    table = documented()
    for name, default in settings_variables().items():
        assert name in table, f"{name} has no row in docs/deploy.md"
        assert table[name][0] == shown(default), f"{name}: docs say {table[name][0]}"


def test_the_product_reads_no_variable_outside_settings() -> None:
    known = set(settings_variables()) | set(CLI_VARIABLES)
    found = variables_in(*PRODUCT)
    stray = {
        name: sorted(files)
        for name, files in found.items()
        if name not in known and not (name in TEST_ONLY and files == {"scripts/test"})
    }
    assert not stray, f"REVIEW_* variables not in review/settings.py: {stray}"
    for path in (ROOT / "review").rglob("*.py"):
        if path.name != "settings.py":
            assert not re.search(r"environ\.get\(\s*.REVIEW_|getenv\(\s*.REVIEW_", path.read_text())


def test_every_variable_anywhere_is_documented() -> None:
    table = documented()
    everywhere = variables_in(*PRODUCT, "tests", ".ci", "README.md", "docs")
    missing = {n: sorted(f) for n, f in everywhere.items() if n not in table}
    assert not missing, f"undocumented in docs/deploy.md: {missing}"
    assert set(table) == set(settings_variables()) | set(CLI_VARIABLES) | TEST_ONLY


def test_the_command_lines_variables_are_the_ones_named() -> None:
    envvars: set[str] = set()

    def walk(command: Any) -> None:
        for sub in getattr(command, "commands", {}).values():
            walk(sub)
        for param in getattr(command, "params", []):
            if param.envvar:
                envvars.add(param.envvar)

    walk(typer.main.get_command(app))
    assert envvars == set(CLI_VARIABLES)


def test_shell_scripts_read_settings_through_the_module() -> None:
    env = {"PATH": "/usr/bin:/bin", "REVIEW_PORT": "8123", "REVIEW_HOST": "0.0.0.0"}
    done = subprocess.run(
        [sys.executable, "-m", "review.settings", "host", "port", "database_url"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "0.0.0.0\n8123\n\n")
    env["REVIEW_PORT"] = "80000"
    done = subprocess.run(
        [sys.executable, "-m", "review.settings", "port"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 3
    assert done.stderr.startswith("review: bad setting: REVIEW_PORT:")


def test_settings_follow_the_environment_and_are_built_once_per_state_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every audited action reads the settings: they are not rebuilt while nothing changed,
    but a changed variable is seen at once and a bad one is refused every time."""
    monkeypatch.setenv("REVIEW_PORT", "8601")
    first = settings()
    assert first.port == 8601 and settings() is first
    monkeypatch.setenv("REVIEW_PORT", "8602")
    assert settings().port == 8602
    monkeypatch.setenv("REVIEW_PORT", "not-a-port")
    for _ in range(2):
        with pytest.raises(ConfigurationError, match="REVIEW_PORT"):
            settings()
    monkeypatch.delenv("REVIEW_PORT")
    assert settings().port == 8501
