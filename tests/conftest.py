"""Shared fixtures.

The repository's ``custom_components`` package is imported before the Home Assistant
test plugin's own ``testing_config/custom_components`` can shadow it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
import pytest

import custom_components.psa_connected_car  # noqa: F401  (import first: see docstring)

settings.register_profile(
    "ci", max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from this repository."""
