"""Technology procurement review and standards compliance engine.

The public entry point is :func:`review.core.evaluate.evaluate`; everything the CLI and the UI
show comes from the :class:`review.core.findings.Evaluation` it returns.
"""

__version__ = "0.1.0"
