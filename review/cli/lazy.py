"""A command group that imports a command's module only when that command runs.

``review --help`` lists every command from the short help written in the registry, so it
imports none of the command modules (nor rich, nor the engine); ``review evaluate FILE``
imports only ``review.cli.evaluate``. A test checks that each registered short help is the
command's own, so the listing cannot drift from the commands.
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperGroup


@dataclass(frozen=True)
class Entry:
    """One top-level command or group: where it lives and what ``--help`` says of it."""

    name: str
    module: str  # relative to review.cli
    attr: str  # a function (a command) or a typer.Typer (a group)
    help: str


class LazyGroup(TyperGroup):
    """The root group: commands are built from their module on first use."""

    entries: tuple[Entry, ...] = ()

    def __init__(self, **attrs: Any) -> None:
        self._loaded: dict[str, Any] = {}
        super().__init__(**attrs)

    @property
    def commands(self) -> MutableMapping[str, Any]:
        """Every command, loaded (for tools that walk the tree; the CLI itself never does)."""
        for entry in self.entries:
            self._load(entry.name)
        return self._loaded

    @commands.setter
    def commands(self, value: MutableMapping[str, Any]) -> None:
        self._loaded.update(value)

    def list_commands(self, ctx: Any) -> list[str]:
        return [entry.name for entry in self.entries]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return self._load(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(entry.name, entry.help) for entry in self.entries]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _load(self, name: str) -> Any:
        found = self._loaded.get(name)
        if found is not None:
            return found
        entry = next((e for e in self.entries if e.name == name), None)
        if entry is None:
            return None
        target = getattr(importlib.import_module(f"review.cli.{entry.module}"), entry.attr)
        holder = typer.Typer()
        if isinstance(target, typer.Typer):
            # as add_typer on the root builds it (a one-command Typer stays a group)
            holder.add_typer(target, name=entry.name)
            command = typer.main.get_command(holder).commands[entry.name]  # type: ignore[attr-defined]
        else:
            holder.command(entry.name)(target)  # a Typer of one command is that command
            command = typer.main.get_command(holder)
        self._loaded[name] = command
        return command
