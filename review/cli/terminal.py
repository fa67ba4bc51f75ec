"""Text safe for a terminal, without rich: ``review --help`` and JSON output load only this.

Every value the command line prints is typed by someone; here escape sequences and control
characters are removed (or, in JSON, escaped) before they reach the terminal.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# Terminal escape sequences (CSI, OSC such as the ``ESC ] 8`` hyperlink, DCS/APC/PM/SOS
# strings, two-character escapes) and then every other control character but newline and tab:
# C0, DEL, C1, and the bidirectional overrides that make text read differently than it is.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c)"  # OSC, DCS, SOS, PM, APC ... terminator
    r"|\x1b[ -/]*[0-~]?",  # any other escape (an unterminated string's introducer: its
    # text stays, visible and inert, rather than everything after it being dropped)
    re.DOTALL,
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def clean(text: str) -> str:
    """Text safe to print to a terminal: escape sequences and control characters removed.

    Every value the command line prints passes through here: stored titles, notes and
    vendor names are typed by people and must not clear the screen, retitle the window,
    plant hyperlinks or hide text."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def clean_json(text: str) -> str:
    """JSON text with the characters ``json.dumps(ensure_ascii=False)`` leaves raw but a
    terminal may act on (DEL, C1 controls, bidi overrides) written as \\u escapes instead:
    the data is unchanged for a program, harmless for a terminal."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class CleanStream(io.TextIOBase):
    """A text stream that passes on only :func:`clean` text. ``review``'s entry point puts
    one in front of stdout and stderr for the whole command (:func:`cleaned_output`), so
    every plain write, click's usage messages and error lines are cleaned in this one place."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(clean(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"


def raw(stream: TextIO) -> TextIO:
    return stream.target if isinstance(stream, CleanStream) else stream


@contextmanager
def cleaned_output() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(out), CleanStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


class RawStdout(io.TextIOBase):
    """Standard output as it is at each write, past the :class:`CleanStream` (a rich console
    cleans its own text before it adds its styles, which must reach the terminal)."""

    def write(self, text: str) -> int:
        return raw(sys.stdout).write(text)

    def flush(self) -> None:
        raw(sys.stdout).flush()

    def isatty(self) -> bool:
        return raw(sys.stdout).isatty()

    def fileno(self) -> int:
        return raw(sys.stdout).fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(raw(sys.stdout), "encoding", None) or "utf-8"
