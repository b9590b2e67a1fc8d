"""The doors lock: commands through push, the car's state once confirmed, the unlock code."""

from __future__ import annotations

from homeassistant.components.lock import LockState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from . import push_support
from .push_support import Setup, cars, entity_id, settle
from .remote_support import remote_posts, results

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup


async def test_lock_and_unlock_with_push(hass: HomeAssistant, push_setup: Setup) -> None:
    entry, running = push_setup
    thermic = cars(running)[0]
    lock = entity_id(hass, running, thermic, "lock", "doors")
    fired = results(hass)
    running.sim.world.vehicles[thermic].locked = False
    await hass.services.async_call("lock", "lock", {"entity_id": lock}, blocking=True)
    await settle(hass, running)
    assert running.sim.world.vehicles[thermic].locked is True
    assert hass.states.get(lock).state == LockState.LOCKED
    assert remote_posts(running) == 1
    assert [f["result"] for f in fired] == ["success"]
