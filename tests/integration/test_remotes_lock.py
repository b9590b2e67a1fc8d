"""The doors lock with push: locking, then the car's confirmed state; the unlock code."""

from __future__ import annotations

import asyncio

from homeassistant.components.lock import LockState
from homeassistant.const import ATTR_CODE, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.psa_connected_car.const import CONF_UNLOCK_CODE

from . import push_support
from .push_support import Setup, api_calls, cars, entity_id, settle
from .remote_support import pump, remote_posts, results, run_command, unlock_in_simulator

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup


async def test_lock_shows_locking_then_the_cars_state(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    entry, running = push_setup
    thermic = cars(running)[0]
    lock = entity_id(hass, running, thermic, "lock", "doors")
    await unlock_in_simulator(hass, running, entry, thermic)
    assert hass.states.get(lock).state == LockState.UNLOCKED
    fired = results(hass)
    before = api_calls(running)
    call = hass.services.async_call("lock", "lock", {ATTR_ENTITY_ID: lock}, blocking=True)
    task = asyncio.ensure_future(call)
    await pump(running)
    assert hass.states.get(lock).state == LockState.LOCKING
    running.sim.advance(60)
    await pump(running)
    await task
    await settle(hass, running)
    assert running.sim.truth()[thermic]["locked"] is True
    assert hass.states.get(lock).state == LockState.LOCKED
    after = api_calls(running)
    spent = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
    # With push: the command, and one status read that confirms it.
    assert spent == {"sendRemoteToVhl": 1, "getVehicleStatus": 1}
    assert [(f["kind"], f["result"], f["cause"]) for f in fired] == [("Doors", "success", None)]
    assert fired[0]["device_id"] is not None


async def test_unlock_code_is_checked(hass: HomeAssistant, push_setup: Setup) -> None:
    entry, running = push_setup
    thermic = cars(running)[0]
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_UNLOCK_CODE: "1234"}
    )
    await hass.config_entries.async_reload(entry.entry_id)  # as the options flow does
    await settle(hass, running)
    lock = entity_id(hass, running, thermic, "lock", "doors")
    assert hass.states.get(lock).attributes["code_format"] == r"^.+$"
    with pytest.raises(ServiceValidationError) as wrong:
        await hass.services.async_call(
            "lock", "unlock", {ATTR_ENTITY_ID: lock, ATTR_CODE: "0000"}, blocking=True
        )
    assert wrong.value.translation_key == "wrong_code"
    assert remote_posts(running) == 0
    await run_command(
        hass,
        running,
        hass.services.async_call(
            "lock", "unlock", {ATTR_ENTITY_ID: lock, ATTR_CODE: "1234"}, blocking=True
        ),
    )
    assert remote_posts(running) == 1
    assert running.sim.truth()[thermic]["locked"] is False
    assert hass.states.get(lock).state == LockState.UNLOCKED
