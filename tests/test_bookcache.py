"""The compiled rule book cached on disk: reused when trusted, rebuilt when anything changed
or the cache cannot be trusted; never unpickled from a directory others can write."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from review.core import bookcache
from review.core.rules import DEFAULT_DIR as RULES
from review.core.standards import DEFAULT_DIR as STANDARDS


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    standards, rules = tmp_path / "standards", tmp_path / "rules"
    shutil.copytree(STANDARDS, standards)
    shutil.copytree(RULES, rules)
    cache = tmp_path / "cache"
    return standards, rules, cache


def cached_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("rulebook-*.pickle"))


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built: list[int] = []
    real = bookcache._build

    def counting(standards: Path, rules: Path):
        built.append(1)
        return real(standards, rules)

    monkeypatch.setattr(bookcache, "_build", counting)
    return built


def test_a_second_load_reads_the_cache(dirs, monkeypatch) -> None:
    standards, rules, cache = dirs
    built = count_builds(monkeypatch)
    first = bookcache.load_book(standards, rules, cache)
    assert len(cached_files(cache)) == 1 and oct(cache.stat().st_mode & 0o777) == "0o700"
    second = bookcache.load_book(standards, rules, cache)
    assert built == [1]
    assert second.digest == first.digest and [r.id for r in second.rules] == [
        r.id for r in first.rules
    ]
    assert second.standards == first.standards


@pytest.mark.parametrize("edited", ["standards/standards.yaml", "rules/security.yaml"])
def test_any_edit_builds_a_new_book(dirs, monkeypatch, edited: str) -> None:
    standards, rules, cache = dirs
    built = count_builds(monkeypatch)
    bookcache.load_book(standards, rules, cache)
    path = standards.parent / edited
    path.write_text(path.read_text() + "\n# an edit\n")
    bookcache.load_book(standards, rules, cache)
    assert built == [1, 1] and len(cached_files(cache)) == 2


def test_a_rule_edit_changes_what_is_evaluated(dirs) -> None:
    standards, rules, cache = dirs
    before = bookcache.load_book(standards, rules, cache)
    rule = next(r for r in before.rules if r.domain == "security")
    text = (rules / "security.yaml").read_text()
    assert text.count(f"title: {rule.spec.title}\n") == 1
    edited = text.replace(f"title: {rule.spec.title}\n", "title: An edited title\n")
    (rules / "security.yaml").write_text(edited)
    after = bookcache.load_book(standards, rules, cache)
    assert after.by_id[rule.id].spec.title == "An edited title"


@pytest.mark.parametrize("damage", [b"", b"garbage", b"review-rulebook-1\nnot the key\n"])
def test_a_corrupt_cache_file_is_rebuilt(dirs, monkeypatch, damage: bytes) -> None:
    standards, rules, cache = dirs
    built = count_builds(monkeypatch)
    bookcache.load_book(standards, rules, cache)
    (path,) = cached_files(cache)
    path.write_bytes(damage)
    book = bookcache.load_book(standards, rules, cache)
    assert built == [1, 1] and book.rules
    assert path.read_bytes().startswith(bookcache._FORMAT)  # written again


def test_a_truncated_pickle_is_rebuilt(dirs, monkeypatch) -> None:
    standards, rules, cache = dirs
    built = count_builds(monkeypatch)
    bookcache.load_book(standards, rules, cache)
    (path,) = cached_files(cache)
    path.write_bytes(path.read_bytes()[:200])
    assert bookcache.load_book(standards, rules, cache).rules and built == [1, 1]


class Boom:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_a_directory_others_can_write_is_never_unpickled(dirs, monkeypatch, mode: int) -> None:
    standards, rules, cache = dirs
    built = count_builds(monkeypatch)
    bookcache.load_book(standards, rules, cache)
    (path,) = cached_files(cache)
    key = bookcache.content_digest(standards, rules)
    unpickled: list[int] = []
    monkeypatch.setattr(pickle, "load", lambda handle: unpickled.append(1))
    cache.chmod(mode)
    book = bookcache.load_book(standards, rules, cache)
    assert book.rules and built == [1, 1] and unpickled == []
    assert path.read_bytes().startswith(bookcache._FORMAT + key.encode())


def test_a_file_others_can_write_is_never_unpickled(dirs, monkeypatch) -> None:
    standards, rules, cache = dirs
    bookcache.load_book(standards, rules, cache)
    (path,) = cached_files(cache)
    key = bookcache.content_digest(standards, rules)
    path.write_bytes(bookcache._FORMAT + key.encode() + b"\n" + pickle.dumps(Boom()))
    path.chmod(0o666)
    monkeypatch.chdir(cache)
    built = count_builds(monkeypatch)
    assert bookcache.load_book(standards, rules, cache).rules and built == [1]
    assert not (cache / "pwned").exists()


def test_a_foreign_owned_directory_is_not_trusted(dirs, monkeypatch) -> None:
    standards, rules, cache = dirs
    bookcache.load_book(standards, rules, cache)
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    built = count_builds(monkeypatch)
    assert bookcache.load_book(standards, rules, cache).rules and built == [1]


def test_a_symlinked_directory_is_not_trusted(dirs, monkeypatch, tmp_path: Path) -> None:
    standards, rules, cache = dirs
    bookcache.load_book(standards, rules, cache)
    link = tmp_path / "link"
    link.symlink_to(cache)
    built = count_builds(monkeypatch)
    assert bookcache.load_book(standards, rules, link).rules and built == [1]


def test_an_unwritable_cache_directory_only_costs_time(dirs, tmp_path: Path) -> None:
    standards, rules, _ = dirs
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert bookcache.load_book(standards, rules, blocker / "cache").rules
