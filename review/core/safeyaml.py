"""Reading YAML and JSON that people and other systems hand us, safely.

Every file is size-limited before it is read, must be UTF-8, and may not use YAML anchors or
aliases: an alias "bomb" (a few lines that expand to billions of nodes) is refused at the
first alias instead of being expanded. Only plain data types are built (safe loading).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ..errors import FileProblem

DEFAULT_MAX_BYTES = 1_000_000


class _Checks(yaml.constructor.SafeConstructor):
    """What both loaders add to safe construction: no repeated keys, dates stay text.

    Dates stay text: the record's own validation parses them, so a bad date such as
    2026-02-30 is reported against its field rather than as a YAML error.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[Any, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A repeated key would silently replace the first answer: refuse it instead."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable keys are refused by the base constructor
                continue
            if duplicate:
                raise FileProblem(
                    f"line {key_node.start_mark.line + 1}: key {key!r} appears twice in the "
                    "same mapping; keep one"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _PyLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                yaml.composer.Composer, _Checks, yaml.resolver.Resolver):  # fmt: skip
    """The pure-Python loader (when PyYAML was built without libyaml): refuses an alias as
    it meets it."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Checks.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise FileProblem(
                f"line {event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not "
                "allowed; write the value out in full"
            )
        return super().compose_node(parent, index)


def _refuse_shared(root: Any) -> None:
    """libyaml composes an alias as the very node its anchor names (no copy, so composing
    cannot blow up): a node met twice in the tree is an alias. Refused before anything is
    constructed, so an alias "bomb" costs one walk of the file's own nodes."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise FileProblem(
                f"line {node.start_mark.line + 1}: YAML aliases (a value anchored there and "
                "reused) are not allowed; write the value out in full"
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


if yaml.__with_libyaml__:

    class _CLoader(yaml.cyaml.CParser, _Checks, yaml.resolver.Resolver):  # type: ignore[misc,name-defined]
        """libyaml scans, parses and composes (several times faster than pure Python);
        construction, the alias refusal and the duplicate-key check stay ours."""

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)  # type: ignore[attr-defined]
            _Checks.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def get_single_node(self) -> Any:
            node = super().get_single_node()
            if node is not None:
                _refuse_shared(node)
            return node

    _Loader: type = _CLoader
else:  # pragma: no cover - PyYAML without libyaml
    _Loader = _PyLoader


def read_limited(path: Path, *, max_bytes: int, what: str = "file") -> bytes:
    """A file's bytes, refused (naming the file and the limit) when missing or too large.

    The size is checked before reading and again while reading (the file may grow)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FileProblem(f"{path}: no such {what}") from None
    except OSError as exc:
        raise FileProblem(f"{path}: cannot read {what} ({exc.strerror})") from None
    if path.is_dir():
        raise FileProblem(f"{path}: is a directory, expected a {what}")
    if size > max_bytes:
        raise FileProblem(f"{path}: {what} is {size:,} bytes; the limit is {max_bytes:,} bytes")
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise FileProblem(f"{path}: {what} is larger than the limit of {max_bytes:,} bytes")
    return raw


def read_text(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "file") -> str:
    """Read a UTF-8 file no larger than ``max_bytes``; refuse empty files."""
    return decode(read_limited(path, max_bytes=max_bytes, what=what), source=str(path))


def decode(raw: bytes, *, source: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        raise FileProblem(
            f"{source}: not UTF-8 text (byte 0x{bad} at offset {exc.start}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise FileProblem(f"{source}: file is empty")
    return text


def parse(text: str, *, source: str, json_only: bool = False) -> Any:
    """Parse YAML (a superset of JSON) or, with ``json_only``, strict JSON."""
    if json_only:
        try:
            return json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_sane_int)
        except json.JSONDecodeError as exc:
            raise FileProblem(
                f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        except FileProblem as exc:
            raise FileProblem(f"{source}: {exc}") from None
        except RecursionError:
            raise FileProblem(f"{source}: nesting is too deep") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except FileProblem as exc:
        raise FileProblem(f"{source}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise FileProblem(f"{source}: not valid YAML ({where}{exc.problem})") from None
    except yaml.YAMLError as exc:
        raise FileProblem(f"{source}: not valid YAML ({exc})") from None
    except RecursionError:
        raise FileProblem(f"{source}: nesting is too deep") from None
    except ValueError:  # an integer of thousands of digits (Python's own limit)
        raise FileProblem(
            f"{source}: a number has too many digits (the limit is {MAX_INT_DIGITS})"
        ) from None


MAX_INT_DIGITS = 30  # far beyond any amount, count or year the form asks for


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A repeated key would silently replace the first answer: refuse it, as YAML's is."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise FileProblem(f"key {key!r} appears twice in the same object; keep one")
        out[key] = value
    return out


def _sane_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise FileProblem(
            f"a number of {len(digits.lstrip('-')):,} digits; the limit is {MAX_INT_DIGITS}"
        )
    return int(digits)


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "file") -> Any:
    text = read_text(path, max_bytes=max_bytes, what=what)
    return parse(text, source=str(path), json_only=path.suffix.lower() == ".json")
