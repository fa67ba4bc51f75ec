"""pydantic's plugin discovery is skipped only where it would certainly find no plugin."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from review.cli import plugins

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "police-alpr.yaml"


def _distribution(where: Path, name: str, entry_points: str | None) -> Path:
    info = where / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)
    return info


def test_agrees_with_importlib_metadata_here() -> None:
    if plugins._certainly_none(sys.path, sys.meta_path):
        assert not list(importlib.metadata.entry_points(group="pydantic"))


def test_other_groups_and_no_entry_points_are_clear(tmp_path: Path) -> None:
    _distribution(tmp_path, "tool", "[console_scripts]\ntool = tool:main\n")
    _distribution(tmp_path, "plain", None)
    (tmp_path / "old.egg-info").write_text("Name: old\n")  # an egg-info file, not a directory
    assert plugins._certainly_none([str(tmp_path), str(tmp_path / "missing")], [])


@pytest.mark.parametrize("header", ["[pydantic]", "  [ pydantic ]", "[PYDANTIC]"])
def test_a_pydantic_group_means_discovery_runs(tmp_path: Path, header: str) -> None:
    _distribution(tmp_path, "observer", f"[console_scripts]\nx = y:z\n{header}\nobs = obs:plugin\n")
    assert not plugins._certainly_none([str(tmp_path)], [])


def test_unsure_cases_mean_discovery_runs(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("x.dist-info/entry_points.txt", "[pydantic]\nx = x:p\n")
    assert not plugins._certainly_none([str(archive)], [])

    class Hook:
        def find_distributions(self, *args: object) -> list[object]:
            return []

    assert not plugins._certainly_none([], [Hook()])
    unreadable = _distribution(tmp_path / "site", "locked", "[console_scripts]\n")
    (unreadable / "entry_points.txt").chmod(0)
    if not os.access(unreadable / "entry_points.txt", os.R_OK):  # root reads anything
        assert not plugins._certainly_none([str(tmp_path / "site")], [])


def test_never_replaces_a_loaded_loader_nor_overrides_the_switch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pydantic.plugin._loader as real

    assert not plugins.skip_empty_discovery()
    assert sys.modules[plugins.LOADER] is real
    monkeypatch.delitem(sys.modules, plugins.LOADER)
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some-plugin")
    assert not plugins.skip_empty_discovery()
    assert plugins.LOADER not in sys.modules


def test_the_empty_loader_answers_as_pydantics_with_no_plugins() -> None:
    loader = plugins._empty_loader()
    assert not loader.get_plugins() and list(loader.get_plugins()) == []
    assert loader.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"


def _evaluate(tmp_path: Path, extra_path: Path | None) -> subprocess.CompletedProcess[str]:
    path = [str(ROOT)] + ([str(extra_path)] if extra_path else [])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path), "REVIEW_CACHE_DIR": str(tmp_path)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    probe = (
        "import sys\n"
        "from review.cli.main import main\n"
        f"try:\n    main(['evaluate', {str(EXAMPLE)!r}])\nexcept SystemExit:\n    pass\n"
        "print('METADATA', 'importlib.metadata' in sys.modules, file=sys.stderr)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env
    )


def test_an_installed_plugin_still_sees_every_validator(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _distribution(site, "observer", "[pydantic]\nobserver = observer_plugin:plugin\n")
    (site / "observer_plugin.py").write_text(
        "import sys\n"
        "class Plugin:\n"
        "    def new_schema_validator(self, schema, schema_type, *args, **kwargs):\n"
        "        print('PLUGIN SAW', getattr(schema_type, '__name__', ''), file=sys.stderr)\n"
        "        return None, None, None\n"
        "plugin = Plugin()\n"
    )
    seen = _evaluate(tmp_path / "cache", site)
    assert "PLUGIN SAW Submission" in seen.stderr, seen.stderr
    plain = _evaluate(tmp_path / "cache", None)
    assert "METADATA False" in plain.stderr, plain.stderr
    assert seen.stdout == plain.stdout and '"findings"' in plain.stdout
