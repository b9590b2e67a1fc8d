"""Fixtures of the benchmark scenarios (``bench_*.py``; run them with ``scripts/bench``).

The repository's ``custom_components`` package is imported before the Home Assistant test
plugin's own ``testing_config/custom_components`` can shadow it (as ``tests/conftest.py``).
"""

from __future__ import annotations

import pytest

import custom_components.psa_connected_car  # noqa: F401  (import first: see docstring)

from .env import bench_env  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from this repository."""
