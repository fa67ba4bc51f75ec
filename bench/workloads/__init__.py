"""Workload generators shared by the benchmarks and the tests.

Benchmarks never import ``tests/``; tests may import these. Each module builds data of any
size for one part of the product, without a database.
"""
