"""Soak tests run only on request: ``-m soak`` or ``SOAK_HOURS`` set.

``scripts/test`` (the whole suite, xdist, coverage) collects them and skips them.
"""

from __future__ import annotations

import os

import pytest

from bench.env import bench_env  # noqa: F401  (the fixture the harness needs)


def soak_requested(config: pytest.Config) -> bool:
    """``-m`` names the soak marker, or ``SOAK_HOURS`` is set."""
    markexpr = str(config.getoption("markexpr", "") or "")
    return bool(os.environ.get("SOAK_HOURS")) or (
        "soak" in markexpr.split() and "not" not in markexpr.split()
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip soak tests unless asked for."""
    if soak_requested(config):
        return
    skip = pytest.mark.skip(reason="soak test: run with -m soak (or SOAK_HOURS=N)")
    for item in items:
        if item.get_closest_marker("soak") is not None:
            item.add_marker(skip)
