"""The product's log: stdlib ``logging`` under the ``review`` logger, configured once by each
entry point (the command line's ``main`` and the workspace's ``app.py``).

Log lines never carry personal data (names, e-mail addresses, usernames, free text a person
typed): logs reach operators and log stores that the audit trail's access rules do not
govern. Who did what lives in the audit log; the log says what kind of thing happened, so a
refusal is logged by its error class and where it happened, never by its message.
"""

from __future__ import annotations

import logging
import sys

from .errors import ReviewError

LOGGER = "review"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger(LOGGER)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a test's capture, a redirected job)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure(default_level: str) -> None:
    """Idempotent: one handler however often an entry point runs (Streamlit reruns app.py).
    The level is REVIEW_LOG_LEVEL, else the entry point's default."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    from .settings import settings  # on first use: `review --help` never reads settings

    logger.setLevel(settings().log_level or default_level)  # a bad value: ConfigurationError


def refusal(exc: ReviewError, where: str) -> None:
    """A refusal at the CLI or UI boundary: its kind and place, never its message (which
    names the values a person typed)."""
    log.info("refused: %s in %s", type(exc).__name__, where)


def sign_in_failed(method: str) -> None:
    """Who tried is in the audit log (user.sign_in_failed), for admins only."""
    log.warning("sign-in failed (%s)", method)
