"""The root command group loads a command's module only when that command runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from review.cli.main import COMMANDS, app

ROOT = Path(__file__).resolve().parents[1]


def test_each_listed_help_is_the_commands_own() -> None:
    group = typer.main.get_command(app)
    for entry in COMMANDS:
        command = group.get_command(None, entry.name)  # type: ignore[attr-defined]
        assert command is not None, entry.name
        assert command.get_short_help_str(limit=500) == entry.help, entry.name


def test_help_imports_no_command_module_nor_the_engine() -> None:
    probe = (
        "import sys\n"
        "from review.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('review.cli.users', 'review.cli.evaluate', 'review.core.evaluate',"
        " 'review.services.roles', 'rich', 'pydantic') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "evaluate" in done.stdout and "inventory" in done.stdout  # the listing is whole
    assert "LOADED []" in done.stdout


def test_a_command_loads_only_its_own_module() -> None:
    probe = (
        "import sys\n"
        "from review.cli.main import main\n"
        "try:\n"
        "    main(['db', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('review.cli.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "'review.cli.db'" in done.stdout
    assert "'review.cli.users'" not in done.stdout and "'review.cli.audit'" not in done.stdout
