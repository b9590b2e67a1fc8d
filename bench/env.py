"""What a scenario (or the soak) needs from pytest and the Home Assistant test plugin."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator


@dataclass
class BenchEnv:
    """Home Assistant, its HTTP test client factory, and pytest's helpers."""

    hass: HomeAssistant
    client_factory: ClientSessionGenerator
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    caplog: pytest.LogCaptureFixture
    auth_client_factory: ClientSessionGenerator
    """An authenticated client (uploads of the fleet certificate)."""


@pytest.fixture
def bench_env(  # noqa: PLR0917 - pytest passes fixtures by position
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    socket_enabled: None,
    current_request_with_host: None,
    hass_client: ClientSessionGenerator,
) -> BenchEnv:
    """Home Assistant, loopback sockets (simulator, webhook), a request context for OAuth.

    Shared by the benchmark scenarios and the soak (their conftests import it).
    """
    return BenchEnv(hass, hass_client_no_auth, monkeypatch, capsys, caplog, hass_client)
