"""The ``review`` command line: one module per command group, registered in ``main``."""

from .main import app, main

__all__ = ["app", "main"]
