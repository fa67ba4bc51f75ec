"""Safe YAML reading: libyaml when PyYAML has it, with the alias and duplicate-key refusals
of the pure-Python loader kept on both."""

from __future__ import annotations

import pytest
import yaml

from review.core import safeyaml
from review.errors import FileProblem

LOADERS = [safeyaml._PyLoader, safeyaml._Loader]

BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 9)}]"
        for i in range(1, 10)
    ]
    + ["proposal: *j"]
)


def load(text: str, loader: type) -> object:
    return yaml.load(text, Loader=loader)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_libyaml_parses_when_installed() -> None:
    assert issubclass(safeyaml._Loader, yaml.cyaml.CParser)  # type: ignore[attr-defined]


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(
    "text",
    ["a: &x 1\nb: *x\n", "a: &x [1, 2]\nb: {c: *x}\n", "a: &x [1, *x]\n", BOMB],
)
def test_aliases_are_refused(loader: type, text: str) -> None:
    with pytest.raises(FileProblem, match="aliases"):
        load(text, loader)


@pytest.mark.parametrize("loader", LOADERS)
def test_repeated_keys_are_refused_naming_the_line(loader: type) -> None:
    with pytest.raises(FileProblem, match="line 3: key 'a' appears twice"):
        load("a: 1\nb: {c: 2}\na: 3\n", loader)


@pytest.mark.parametrize("loader", LOADERS)
def test_dates_stay_text_and_an_unused_anchor_is_harmless(loader: type) -> None:
    assert load("d: 2026-02-30\ne: &x [1, {f: 2}]\n", loader) == {
        "d": "2026-02-30",
        "e": [1, {"f": 2}],
    }


def test_parse_reports_bad_yaml_with_its_place() -> None:
    with pytest.raises(FileProblem, match=r"s: not valid YAML \(line 2, column 1"):
        safeyaml.parse("a: [\n", source="s")
