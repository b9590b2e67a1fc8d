"""Commands of a fleet entry: the same entities and commander, through the v3 fleet paths.

A command's call runs as a task while the simulated car gets it (as in
``control_support``), so these tests hold whether the action returns once the API
accepted the command or once the car has it; the fleet's deliveries are drained here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from homeassistant.components.lock import LockState
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.psa_connected_car.const import DOMAIN
from simulator.faults import FaultSpec
from simulator.remotes.model import DONE_AFTER_S

from . import fleet_b2b_support, flow_support, push_support
from .fleet_b2b_support import FleetFlow
from .remote_support import commander, results

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
simulator_config = fleet_b2b_support.simulator_config
fleet_flow = fleet_b2b_support.fleet_flow
external_url = push_support.external_url
pytestmark = pytest.mark.usefixtures("own_config_dir")

SEND = "v3.sendRemoteToVhl"
READ_ONE = "v3.getRemoteRequestForVhlById"
ALL_COMMANDS = ["doors", "charging", "preconditioning", "horn", "lights", "wake_up", "navigation"]


async def _settle(hass: HomeAssistant, fleet_flow: FleetFlow, *, deliveries: bool = True) -> None:
    """Background work and, unless told, the fleet's deliveries (without push they go to
    an address nothing answers at: not waited for)."""
    for _ in range(3):
        await hass.async_block_till_done(wait_background_tasks=True)
        if deliveries:
            await fleet_flow.running.b2b.deliveries.drain()
    await hass.async_block_till_done(wait_background_tasks=True)


def _calls(fleet_flow: FleetFlow, name: str) -> int:
    return int(fleet_flow.running.sim.stats()["requests"].get(name, 0))


def _received(fleet_flow: FleetFlow, car: str) -> int:
    return sum(fleet_flow.running.sim.truth()[car]["remotes_received"].values())


POLL_STEP = timedelta(seconds=11)


class _Waiter:
    """Lets requests, deliveries and (without push) the poll timer run, in real time."""

    def __init__(self, hass: HomeAssistant, fleet_flow: FleetFlow, *, poll: bool) -> None:
        self.hass, self.fleet_flow, self.poll = hass, fleet_flow, poll

    async def until(self, condition: Callable[[], bool], *, fire: bool = True) -> None:
        """Wait for ``condition``; firing the poll timer only when ``fire`` (moving time on
        runs every timer due by then, a request's own timeout too)."""
        for _ in range(250):
            if condition():
                return
            if fire and not self.poll:
                await self.fleet_flow.running.b2b.deliveries.drain()
            elif fire:  # the poll timer is 10 s from now; a request's timeout 30 s
                async_fire_time_changed(self.hass, dt_util.utcnow() + POLL_STEP)
            await asyncio.sleep(0.02)
        raise AssertionError("the command did not get there in time")

    async def fire_poll(self) -> None:
        async_fire_time_changed(self.hass, dt_util.utcnow() + POLL_STEP)
        await self.hass.async_block_till_done(wait_background_tasks=True)


async def _send(waiter: _Waiter, car: str, call: Coroutine[Any, Any, Any]) -> None:
    """Run ``call`` until the car has the command (not carried out yet); raises its error."""
    fleet_flow = waiter.fleet_flow
    delay = fleet_flow.running.sim.truth()[car]["remote_delay_s"]
    before = _received(fleet_flow, car)
    task = asyncio.ensure_future(call)
    # The POST goes out at once: no timer to fire until the car has it.
    await waiter.until(lambda: task.done() or _received(fleet_flow, car) > before, fire=False)
    fleet_flow.running.sim.advance(delay - DONE_AFTER_S)
    await waiter.until(task.done)
    try:
        await task
    finally:
        await _settle(waiter.hass, fleet_flow, deliveries=not waiter.poll)


async def _car_finishes(hass: HomeAssistant, fleet_flow: FleetFlow, *, push: bool = True) -> None:
    fleet_flow.running.sim.advance(DONE_AFTER_S + 1)
    await _settle(hass, fleet_flow, deliveries=push)


async def _fleet(hass: HomeAssistant, fleet_flow: FleetFlow, commands: list[str]) -> ConfigEntry:
    fleet_flow.running.sim.advance(3600)  # the demo hybrid finishes its first trip
    entry = await fleet_flow.entry()
    await fleet_flow.allow_commands(entry, commands)
    await _settle(hass, fleet_flow)
    return entry


def _entity(
    hass: HomeAssistant, fleet_flow: FleetFlow, car: str, platform: str, key: str
) -> str | None:
    vin = fleet_flow.running.sim.truth()[car]["vin"]
    return er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{vin}_{key}")


def _car(fleet_flow: FleetFlow, entry: ConfigEntry, index: int = 0) -> str:
    return fleet_flow.running.fleet_vehicles(str(entry.unique_id))[index]


def _lock(hass: HomeAssistant, lock: str) -> Coroutine[Any, Any, Any]:
    return hass.services.async_call("lock", "lock", {"entity_id": lock}, blocking=True)


async def _unlocked_car_and_lock(
    hass: HomeAssistant, fleet_flow: FleetFlow, entry: ConfigEntry
) -> tuple[str, str]:
    car = _car(fleet_flow, entry)
    lock = _entity(hass, fleet_flow, car, "lock", "doors")
    assert lock is not None
    fleet_flow.running.sim.world.vehicles[car].locked = False
    return car, lock


@pytest.mark.usefixtures("external_url")
async def test_lock_with_pushed_progress(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    """The command goes through the fleet's paths; its progress is pushed, not polled."""
    entry = await _fleet(hass, fleet_flow, ["doors"])
    car, lock = await _unlocked_car_and_lock(hass, fleet_flow, entry)
    fired = results(hass)
    await _send(_Waiter(hass, fleet_flow, poll=False), car, _lock(hass, lock))
    await _car_finishes(hass, fleet_flow)
    assert fleet_flow.running.sim.world.vehicles[car].locked is True
    assert hass.states.get(lock).state == LockState.LOCKED
    assert [f["result"] for f in fired] == ["success"]
    assert _calls(fleet_flow, SEND) == 1
    assert _calls(fleet_flow, READ_ONE) == 0  # the progress came through our webhook
    callbacks = list(fleet_flow.running.b2b.callbacks.callbacks.values())
    assert [c.fleet_id for c in callbacks] == [entry.unique_id]
    assert "Immobilization" not in callbacks[0].remote_types
    assert "Stolen" not in callbacks[0].remote_types
    # Removing the entry deletes its remote callback at the API.
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert fleet_flow.running.b2b.callbacks.callbacks == {}


async def test_lock_by_polling_without_push(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    """No address the API can reach: a callback is still registered, progress is polled."""
    entry = await _fleet(hass, fleet_flow, ["doors"])
    car, lock = await _unlocked_car_and_lock(hass, fleet_flow, entry)
    fired = results(hass)
    waiter = _Waiter(hass, fleet_flow, poll=True)
    await _send(waiter, car, _lock(hass, lock))
    await _car_finishes(hass, fleet_flow, push=False)
    await waiter.fire_poll()  # nothing is pushed: the end is known once read
    assert [f["result"] for f in fired] == ["success"]
    assert _calls(fleet_flow, READ_ONE) >= 1
    assert hass.states.get(lock).state == LockState.LOCKED
    assert len(fleet_flow.running.b2b.callbacks.callbacks) == 1


async def test_refused_command_is_a_translated_error(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    """A 403 (the contract does not allow it after all): the missing-rights error."""
    entry = await _fleet(hass, fleet_flow, ["horn"])
    car = _car(fleet_flow, entry)
    button = _entity(hass, fleet_flow, car, "button", "horn")
    assert button is not None
    fleet_flow.running.sim.inject_fault(FaultSpec(kind="error", status=403, endpoint=SEND))
    press = hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    with pytest.raises(HomeAssistantError) as refused:
        await _send(_Waiter(hass, fleet_flow, poll=False), car, press)
    assert refused.value.translation_key == "remote_missing_rights"
    assert _calls(fleet_flow, SEND) == 1


async def test_options_decide_which_entities_exist(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    """None by default; then exactly the contract's commands."""
    fleet_flow.running.sim.advance(3600)
    entry = await fleet_flow.entry()
    await _settle(hass, fleet_flow)
    electric = _car(fleet_flow, entry, 1)
    wanted = [("lock", "doors"), ("button", "horn"), ("switch", "charge")]
    assert [_entity(hass, fleet_flow, electric, *w) for w in wanted] == [None, None, None]
    await fleet_flow.allow_commands(entry, ["doors", "horn"])
    await _settle(hass, fleet_flow)
    assert _entity(hass, fleet_flow, electric, "lock", "doors") is not None
    assert _entity(hass, fleet_flow, electric, "button", "horn") is not None
    assert _entity(hass, fleet_flow, electric, "switch", "charge") is None
    assert _entity(hass, fleet_flow, electric, "button", "lights") is None
    assert entry.options["fleet_commands"] == ["doors", "horn"]
    await fleet_flow.allow_commands(entry, ALL_COMMANDS)
    await _settle(hass, fleet_flow)
    assert _entity(hass, fleet_flow, electric, "switch", "charge") is not None
    assert _entity(hass, fleet_flow, electric, "time", "delayed_charge_start") is not None


@pytest.mark.usefixtures("external_url")
async def test_lost_answer_is_followed_not_resent(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    """The POST was served but its answer lost: found by its label, never sent twice."""
    entry = await _fleet(hass, fleet_flow, ["doors"])
    car, lock = await _unlocked_car_and_lock(hass, fleet_flow, entry)
    fleet_flow.running.sim.inject_fault(FaultSpec(kind="lost_answer", endpoint=SEND))
    await _send(_Waiter(hass, fleet_flow, poll=False), car, _lock(hass, lock))
    await _car_finishes(hass, fleet_flow)
    assert _calls(fleet_flow, SEND) == 1
    assert commander(entry).adopted == 1
    assert fleet_flow.running.sim.world.vehicles[car].locked is True
    assert hass.states.get(lock).state == LockState.LOCKED


@pytest.mark.usefixtures("external_url")
async def test_second_press_is_refused_without_a_request(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await _fleet(hass, fleet_flow, ["doors"])
    car, lock = await _unlocked_car_and_lock(hass, fleet_flow, entry)
    await _send(_Waiter(hass, fleet_flow, poll=False), car, _lock(hass, lock))
    with pytest.raises(HomeAssistantError) as refused:
        await _lock(hass, lock)
    assert str(refused.value.translation_key).startswith("remote_in_progress")
    assert _calls(fleet_flow, SEND) == 1
    await _car_finishes(hass, fleet_flow)
    assert fleet_flow.running.sim.world.vehicles[car].locked is True
    assert hass.states.get(lock).state == LockState.LOCKED
