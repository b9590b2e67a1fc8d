"""Fixtures of the benchmark scenarios (``bench_*.py``; run them with ``scripts/bench``).

The repository's ``custom_components`` package is imported before the Home Assistant test
plugin's own ``testing_config/custom_components`` can shadow it (as ``tests/conftest.py``).
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

import custom_components.psa_connected_car  # noqa: F401  (import first: see docstring)

from .env import BenchEnv


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from this repository."""


@pytest.fixture
def bench_env(  # noqa: PLR0917 - pytest passes fixtures by position
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    socket_enabled: None,
    current_request_with_host: None,
) -> BenchEnv:
    """Home Assistant, loopback sockets (simulator, webhook), a request context for OAuth."""
    return BenchEnv(hass, hass_client_no_auth, monkeypatch, capsys, caplog)
