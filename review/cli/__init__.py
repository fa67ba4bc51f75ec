"""The ``review`` command line: one module per command group, registered in ``main``.

``main`` (the console script) comes from ``entry``, which imports no typer, so a plain
``review evaluate FILE`` starts without it; ``app`` loads the typer app when asked for.
"""

from typing import Any

from .entry import main

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from .main import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
