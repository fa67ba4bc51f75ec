"""``python -m review.cli``."""

from .main import main

main()
