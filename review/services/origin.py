"""Where an action came from, recorded in every audit event it writes.

The command line acts on the database directly: ``--as`` chooses whose permissions apply, it
is not a sign-in, so anyone who can run ``review`` against the database can act as anyone.
Its entry point therefore records the operating-system user (and host) in every event. Kept
free of heavy imports: ``review --help`` loads it.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_ORIGIN: ContextVar[dict[str, str] | None] = ContextVar("review_origin", default=None)


def command_line_origin() -> dict[str, str]:
    """Who ran a command, as the operating system knows them."""
    uid = os.geteuid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = f"uid {uid}"
    # the node name is socket.gethostname() on POSIX, without importing socket (5 ms a start)
    origin = {"via": "cli", "os_user": name, "host": os.uname().nodename}
    sudo = os.environ.get("SUDO_USER")
    if sudo and sudo != name:
        origin["sudo_user"] = sudo
    return origin


def current_origin() -> dict[str, str]:
    return dict(_ORIGIN.get() or {})


@contextmanager
def acting_from(origin: dict[str, str]) -> Iterator[None]:
    """Services created inside record ``origin`` in every audit event (the CLI's entry)."""
    token = _ORIGIN.set(dict(origin))
    try:
        yield
    finally:
        _ORIGIN.reset(token)
