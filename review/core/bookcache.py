"""The compiled rule book, cached on disk so a fresh process need not parse and compile it.

Parsing the standards and rules YAML and compiling the rules is most of a command's start-up
time; the compiled book (with its standards) is pickled into a cache file named by the
digest of everything it was built from: the bytes of every standards and rules file, the
engine's own source, and the Python and pydantic versions. Any edit to any of these names a
different file, so a stale book is never read.

Unpickling runs code named by the file, so a cache file is read only from a directory that
is this user's own and writable by no one else (not a symbolic link, owned by the current
user, no group or other write bit), and only if the file itself is this user's regular file,
writable by no one else. A cache that fails those checks, cannot be read or does not unpickle
to a rule book of the expected digest is ignored: the book is built from the YAML (and, where
the directory is ours, written again). Writes go to a temporary file renamed into place, so a
reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path

import pydantic

from .rules import DEFAULT_DIR as RULES_DIR
from .rules import RuleBook, load_rules
from .standards import DEFAULT_DIR as STANDARDS_DIR
from .standards import load_standards

_ENGINE_DIR = Path(__file__).resolve().parent
_FORMAT = b"review-rulebook-1\n"


def default_dir() -> Path:
    """``$XDG_CACHE_HOME/city-tech-review`` (``~/.cache/city-tech-review``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "city-tech-review"


def content_digest(standards_dir: Path, rules_dir: Path) -> str:
    """Of every input of the compiled book: data files, engine source and versions."""
    digest = hashlib.sha256(_FORMAT)
    digest.update(f"{sys.version}\0{pydantic.VERSION}\0".encode())
    for label, directory, pattern in (
        ("standards", standards_dir, "*.yaml"),
        ("rules", rules_dir, "*.yaml"),
        ("engine", _ENGINE_DIR, "*.py"),
    ):
        for path in sorted(directory.glob(pattern)):
            digest.update(f"{label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def load_book(
    standards_dir: Path | None = None,
    rules_dir: Path | None = None,
    cache_dir: Path | None = None,
) -> RuleBook:
    """The rule book for these directories, from the cache when a trusted one holds it."""
    standards_dir = standards_dir or STANDARDS_DIR
    rules_dir = rules_dir or RULES_DIR
    if cache_dir is None:
        return _build(standards_dir, rules_dir)
    try:
        key = content_digest(standards_dir, rules_dir)
    except OSError:
        return _build(standards_dir, rules_dir)  # the loader names the unreadable file
    path = cache_dir / f"rulebook-{key[:32]}.pickle"
    book = _read(path, key) if _trusted_dir(cache_dir) else None
    if book is None:
        book = _build(standards_dir, rules_dir)
        _write(cache_dir, path, key, book)
    return book


def _build(standards_dir: Path, rules_dir: Path) -> RuleBook:
    return load_rules(load_standards(standards_dir), rules_dir)


def _private(info: os.stat_result) -> bool:
    """This user's own, and writable by no one else."""
    getuid = getattr(os, "getuid", None)
    owned = getuid is None or info.st_uid == getuid()
    return owned and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _trusted_dir(directory: Path) -> bool:
    try:
        info = directory.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _private(info)


def _read(path: Path, key: str) -> RuleBook | None:
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not (stat.S_ISREG(info.st_mode) and _private(info)) or path.is_symlink():
                return None
            header = handle.read(len(_FORMAT) + len(key) + 1)
            if header != _FORMAT + key.encode() + b"\n":
                return None
            book = pickle.load(handle)
    except Exception:  # missing, unreadable, truncated or corrupt: build it again
        return None
    return book if isinstance(book, RuleBook) else None


def _write(directory: Path, path: Path, key: str, book: RuleBook) -> None:
    """Best effort: a cache that cannot be written only costs the next start its time."""
    import tempfile  # only a cache miss writes: a start that reads the cache need not load it

    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted_dir(directory):
            return
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".rulebook-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_FORMAT + key.encode() + b"\n")
                pickle.dump(book, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception:
        return
