"""Helpers of the remote-command tests (``test_remotes_*.py``)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, HomeAssistant, callback

from custom_components.psa_connected_car.const import EVENT_REMOTE_RESULT
from custom_components.psa_connected_car.remotes.commander import RemoteCommander
from simulator.testing import RunningSimulator

from .push_support import api_calls


def commander(entry: ConfigEntry) -> RemoteCommander:
    """The entry's commands."""
    remotes: RemoteCommander = entry.runtime_data.remotes
    return remotes


def remote_posts(running: RunningSimulator) -> int:
    """How many commands reached the simulator."""
    return int(api_calls(running).get("sendRemoteToVhl", 0))


def results(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Collects the ``psa_connected_car_remote_result`` events fired from now on."""
    fired: list[dict[str, Any]] = []

    @callback
    def record(event: Event) -> None:
        fired.append(dict(event.data))

    hass.bus.async_listen(EVENT_REMOTE_RESULT, record)
    return fired
