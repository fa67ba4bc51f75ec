"""pydantic's plugin discovery, skipped when it is certain to find nothing.

The first pydantic validator a process builds asks ``pydantic.plugin._loader`` for plugins,
which imports ``importlib.metadata`` (with ``email``, ``zipfile``, ``csv``) and reads every
installed distribution's metadata: about 30 ms of each command's start, for no plugin at all
in a normal installation. Plugins are found only through the ``pydantic`` entry-point group,
so where no distribution on ``sys.path`` declares that group, the loader would return none.

:func:`skip_empty_discovery` checks that first, cheaply (a directory listing per
``sys.path`` entry; the ``entry_points.txt`` of each distribution that has one), and only
then gives pydantic a loader that returns no plugins. Whenever it cannot be sure, pydantic
discovers plugins as usual: ``PYDANTIC_DISABLE_PLUGINS`` set (pydantic's own switch), the
loader already imported, an import hook that can supply distributions of its own, a
``sys.path`` entry that is a zip archive or unreadable, or any ``entry_points.txt`` that
names a ``pydantic`` group (tests/test_cli_plugins.py).
"""

from __future__ import annotations

import importlib.machinery
import os
import re
import sys
import types
from collections.abc import Sequence

LOADER = "pydantic.plugin._loader"
_GROUP = re.compile(rb"^\s*\[\s*pydantic\s*\]", re.IGNORECASE | re.MULTILINE)
# finders of the standard library that supply no distributions but sys.path's
_PLAIN_FINDERS = (
    importlib.machinery.BuiltinImporter,
    importlib.machinery.FrozenImporter,
    importlib.machinery.PathFinder,
)


def skip_empty_discovery() -> bool:
    """Give pydantic an empty plugin loader if discovery would find none; True if done."""
    if LOADER in sys.modules or os.environ.get("PYDANTIC_DISABLE_PLUGINS") is not None:
        return False
    if not _certainly_none(sys.path, sys.meta_path):
        return False
    sys.modules[LOADER] = _empty_loader()
    return True


def _certainly_none(path: Sequence[str], finders: Sequence[object]) -> bool:
    """No distribution on ``path`` can declare a pydantic plugin (False when unsure)."""
    for finder in finders:
        plain = isinstance(finder, type) and issubclass(finder, _PLAIN_FINDERS)
        if not plain and hasattr(finder, "find_distributions"):
            return False  # an import hook with distributions we cannot see
    return all(_entry_clear(entry) for entry in path)


def _entry_clear(entry: str) -> bool:
    directory = entry or "."
    try:
        if not os.path.isdir(directory):
            return not os.path.exists(directory)  # a zip archive may hold metadata
        names = os.listdir(directory)
    except OSError:
        return False
    for name in names:
        if name.lower().endswith((".dist-info", ".egg-info")) and _declares_plugin(
            os.path.join(directory, name)
        ):
            return False
    return True


def _declares_plugin(distribution: str) -> bool:
    try:
        with open(os.path.join(distribution, "entry_points.txt"), "rb") as handle:
            text = handle.read()
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return False  # an .egg-info file holds no entry points
    except OSError:
        return True
    return _GROUP.search(text) is not None


def _empty_loader() -> types.ModuleType:
    """What ``pydantic.plugin._loader`` is after finding no plugins."""
    module = types.ModuleType(LOADER, "pydantic plugins: none installed (review.cli.plugins)")
    found: dict[str, object] = {}
    module.__dict__.update(
        PYDANTIC_ENTRY_POINT_GROUP="pydantic",
        _plugins=found,
        _loading_plugins=False,
        get_plugins=found.values,
    )
    return module
