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
