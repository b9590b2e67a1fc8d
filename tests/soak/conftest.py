"""Soak tests run only on request: ``-m soak`` or ``SOAK_HOURS`` set.

``scripts/test`` (the whole suite, xdist, coverage) collects them and skips them.
"""

from __future__ import annotations

import os

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from bench.env import BenchEnv


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


@pytest.fixture
def soak_env(  # noqa: PLR0917 - pytest passes fixtures by position
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    socket_enabled: None,
    current_request_with_host: None,
) -> BenchEnv:
    """What the benchmark harness needs (``bench.harness.open_stack``)."""
    return BenchEnv(hass, hass_client_no_auth, monkeypatch, capsys, caplog)
