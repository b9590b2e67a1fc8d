"""Helpers of the remote-command tests (``test_remotes_*.py``).

A command's action waits until the API sent the command to the car or refused it, so a
test starts the service call as a task, moves the simulated car along, and then awaits it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.psa_connected_car.const import EVENT_REMOTE_RESULT
from custom_components.psa_connected_car.remotes.commander import RemoteCommander
from simulator.remotes.model import ASLEEP_DELAY_S
from simulator.testing import RunningSimulator

from .push_support import api_calls, settle


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


async def run_command(
    hass: HomeAssistant,
    running: RunningSimulator,
    call: Awaitable[Any],
    *,
    car_s: float = ASLEEP_DELAY_S,
    poll: bool = False,
) -> None:
    """Run a service call while the simulated car takes ``car_s`` seconds to act.

    With ``poll``, Home Assistant's clock moves too (10 s steps), for the polling of
    commands without push. Raises what the service call raised.
    """
    task = asyncio.ensure_future(call)
    await pump(running)
    steps = max(1, int(car_s // 10) + 1) if poll else 1
    for _ in range(steps):
        running.sim.advance(car_s / steps)
        if poll:
            async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
        await pump(running)
    await task
    await settle(hass, running)


async def pump(running: RunningSimulator, rounds: int = 4) -> None:
    """Let deliveries and requests run while a service call waits (``settle`` would wait
    for the call itself: Home Assistant tracks it)."""
    for _ in range(rounds):
        await running.sim.push.drain()
        for _ in range(50):  # not a timed sleep: the loop's clock may be frozen
            await asyncio.sleep(0)


async def unlock_in_simulator(
    hass: HomeAssistant, running: RunningSimulator, entry: ConfigEntry, car: str
) -> None:
    """The car's doors unlocked (as if by its key), and Home Assistant told so."""
    running.sim.world.set_doors(car, (), locked=False)
    await entry.runtime_data.coordinator.async_refresh_all()
    await settle(hass, running)
