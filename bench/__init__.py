"""Benchmarks: speed and memory targets, reported as ratios against a baseline measured in
the same process. Run each as a script (``python bench/evaluate.py``)."""
