"""``python -m review.cli``."""

from .entry import main

main()
