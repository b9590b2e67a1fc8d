"""Benchmark harness: the real integration inside Home Assistant, the simulator, virtual time.

``scripts/bench`` runs the scenarios (``bench/bench_*.py``, collected by pytest with the Home
Assistant test plugin) and prints the table; ``tests/soak`` reuses the same harness.
See ``docs/performance.md``.
"""
