"""A plain ``review evaluate FILE`` runs without typer, and answers exactly as typer would."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from review.cli import quick
from review.cli.common import Format
from review.cli.entry import main
from review.cli.evaluate import Engine
from review.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "examples/police-alpr.yaml"

# each is answered by the quick path or by typer; both must print and exit the same
COMMAND_LINES = [
    ["evaluate", EXAMPLE],
    ["evaluate", EXAMPLE, "--format=json"],
    ["evaluate", "-f", "table", EXAMPLE],
    ["evaluate", EXAMPLE, "--as-of", "2026-03-01", "--engine", "reference"],
    ["evaluate", "--engine=durable", "--as-of=2026-11-27", EXAMPLE],
    ["evaluate", EXAMPLE, "--as-of", "bad"],
    ["evaluate", EXAMPLE, "--as-of", "3000-01-01"],
    ["evaluate", EXAMPLE, "--as-of="],
    ["evaluate", "missing.yaml"],
    ["evaluate", "examples"],
    ["evaluate", "README.md"],
    ["evaluate", ""],
    ["evaluate"],
    ["evaluate", EXAMPLE, "-f", "xml"],
    ["evaluate", EXAMPLE, "-f=json"],
    ["evaluate", EXAMPLE, "-fjson"],
    ["evaluate", EXAMPLE, "--format"],
    ["evaluate", EXAMPLE, "--engine", "REFERENCE"],
    ["evaluate", EXAMPLE, "--format", "json", "--format", "table"],
    ["evaluate", "a.yaml", "b.yaml"],
    ["evaluate", EXAMPLE, "--bogus"],
    ["evaluate", "--", EXAMPLE],
    ["evaluate", "-", EXAMPLE],
]


def _answer(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.mark.parametrize("args", COMMAND_LINES, ids=" ".join)
def test_quick_and_typer_answer_alike(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("REVIEW_CACHE_DIR", str(tmp_path))
    quick_answer = _answer(args, capsys)
    monkeypatch.setattr(quick, "plain_evaluate", lambda args: None)
    assert _answer(args, capsys) == quick_answer


def test_what_the_quick_path_takes_and_leaves() -> None:
    assert quick.plain_evaluate(["evaluate", EXAMPLE, "-f", "table"]) == {
        "file": EXAMPLE,
        "format": "table",
        "as_of_day": None,
        "engine": "durable",
    }
    for args in (
        ["evaluate", EXAMPLE, "--help"],
        ["evaluate", "--help"],
        ["--help"],
        ["evaluate", EXAMPLE, "--as-of", "-1"],
        ["evaluate", EXAMPLE, "--format", "json", "--format", "json"],
        ["evaluate", "", EXAMPLE],
        ["import", "acr", EXAMPLE],
    ):
        assert quick.plain_evaluate(args) is None, args


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_REVIEW_COMPLETE", "bash_complete")
    assert quick.plain_evaluate(["evaluate", EXAMPLE]) is None


def test_the_quick_path_knows_the_evaluate_commands_parameters() -> None:
    command = typer.main.get_command(app).get_command(None, "evaluate")  # type: ignore[attr-defined]
    options: dict[str, str] = {}
    for param in command.params:
        if param.param_type_name == "argument":
            info = param.type_descriptor.parameter_info
            assert param.name == "file"
            assert (info.exists, info.file_okay, info.dir_okay, info.readable) == (
                False,
                True,
                True,
                True,
            )
            assert not (info.writable or info.resolve_path or info.allow_dash or info.envvar)
            continue
        if not param.expose_value:  # --install-completion, --show-completion: typer's
            assert quick.plain_evaluate(["evaluate", EXAMPLE, *param.opts]) is None
            continue
        assert not param.multiple and param.nargs == 1 and not param.envvar
        options.update(dict.fromkeys(param.opts, param.name))
        assert quick.DEFAULTS[param.name] == param.default, param.name
    assert options == quick.OPTIONS
    assert {"format": tuple(Format), "engine": tuple(Engine)} == quick.CHOICES


def test_a_plain_evaluate_imports_no_typer() -> None:
    probe = (
        "import sys\n"
        "from review.cli import main\n"
        f"try:\n    main(['evaluate', {EXAMPLE!r}])\nexcept SystemExit as exc:\n"
        "    print('EXIT', exc.code, file=sys.stderr)\n"
        "print('LOADED', sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "EXIT 0" in done.stderr and "LOADED []" in done.stderr, done.stderr
    assert '"findings"' in done.stdout


def test_the_collector_is_paused_for_the_console_scripts_start_up_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("REVIEW_CACHE_DIR", str(tmp_path))
    seen: list[bool] = []
    from review.core import evaluate as engine

    real = engine.Evaluator.evaluate

    def watched(self: engine.Evaluator, *args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.Evaluator, "evaluate", watched)
    loading: list[bool] = []
    real_evaluator = engine.evaluator

    def loaded(*args: object, **kwargs: object) -> engine.Evaluator:
        loading.append(gc.isenabled())
        return real_evaluator(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "evaluator", loaded)
    for args in (["evaluate", EXAMPLE], ["evaluate", "missing.yaml"]):
        monkeypatch.setattr(sys, "argv", ["review", *args])  # as the console script runs
        with pytest.raises(SystemExit):
            main()
        assert gc.isenabled(), args
    assert loading == [False]  # paused while the engine loads
    assert seen == [True]  # the evaluation itself runs with the collector on
    with pytest.raises(SystemExit):
        main(["evaluate", EXAMPLE])  # called in a longer process: its collector is left alone
    assert loading == [False, True]
    capsys.readouterr()
