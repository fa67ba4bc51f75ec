"""Benchmarks, run as scripts (``python bench/packet.py``); a package so that the workload
generators in :mod:`bench.workloads` have one import name for benchmarks and tests alike."""
