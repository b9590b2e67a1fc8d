"""Commands of a fleet entry: the same entities and commander, through the v3 fleet paths."""

from __future__ import annotations

from datetime import timedelta

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


async def _settle(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    for _ in range(3):
        await hass.async_block_till_done(wait_background_tasks=True)
        await fleet_flow.running.b2b.deliveries.drain()
    await hass.async_block_till_done(wait_background_tasks=True)


def _calls(fleet_flow: FleetFlow, name: str) -> int:
    return int(fleet_flow.running.sim.stats()["requests"].get(name, 0))


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


async def _lock(hass: HomeAssistant, lock: str) -> None:
    await hass.services.async_call("lock", "lock", {"entity_id": lock}, blocking=True)


async def _car_answers(hass: HomeAssistant, fleet_flow: FleetFlow, car: str) -> None:
    fleet_flow.running.sim.advance(fleet_flow.running.sim.truth()[car]["remote_delay_s"] + 1)
    await _settle(hass, fleet_flow)


@pytest.mark.usefixtures("external_url")
async def test_lock_with_pushed_progress(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    """The command goes through the fleet's paths; its end is pushed, not polled."""
    entry = await _fleet(hass, fleet_flow, ["doors"])
    car = _car(fleet_flow, entry)
    lock = _entity(hass, fleet_flow, car, "lock", "doors")
    assert lock is not None
    fleet_flow.running.sim.world.vehicles[car].locked = False
    fired = results(hass)
    await _lock(hass, lock)
    await _car_answers(hass, fleet_flow, car)
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
    car = _car(fleet_flow, entry)
    lock = _entity(hass, fleet_flow, car, "lock", "doors")
    assert lock is not None
    fleet_flow.running.sim.world.vehicles[car].locked = False
    fired = results(hass)
    await _lock(hass, lock)
    fleet_flow.running.sim.advance(fleet_flow.running.sim.truth()[car]["remote_delay_s"] + 1)
    assert fired == []
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [f["result"] for f in fired] == ["success"]
    assert _calls(fleet_flow, READ_ONE) >= 1
    assert hass.states.get(lock).state == LockState.LOCKED
    assert len(fleet_flow.running.b2b.callbacks.callbacks) == 1


async def test_refused_command_is_a_translated_error(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    """A 403 (the contract does not allow it after all): the missing-rights error."""
    entry = await _fleet(hass, fleet_flow, ["horn"])
    button = _entity(hass, fleet_flow, _car(fleet_flow, entry), "button", "horn")
    assert button is not None
    fleet_flow.running.sim.inject_fault(FaultSpec(kind="error", status=403, endpoint=SEND))
    with pytest.raises(HomeAssistantError) as refused:
        await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
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


@pytest.mark.usefixtures("external_url")
async def test_lost_answer_is_followed_not_resent(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    """The POST was served but its answer lost: found by its label, never sent twice."""
    entry = await _fleet(hass, fleet_flow, ["doors"])
    car = _car(fleet_flow, entry)
    lock = _entity(hass, fleet_flow, car, "lock", "doors")
    assert lock is not None
    fleet_flow.running.sim.world.vehicles[car].locked = False
    fleet_flow.running.sim.inject_fault(FaultSpec(kind="lost_answer", endpoint=SEND))
    await _lock(hass, lock)
    await _car_answers(hass, fleet_flow, car)
    assert _calls(fleet_flow, SEND) == 1
    assert commander(entry).adopted == 1
    assert fleet_flow.running.sim.world.vehicles[car].locked is True
    assert hass.states.get(lock).state == LockState.LOCKED


@pytest.mark.usefixtures("external_url")
async def test_second_press_is_refused_without_a_request(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await _fleet(hass, fleet_flow, ["doors"])
    car = _car(fleet_flow, entry)
    lock = _entity(hass, fleet_flow, car, "lock", "doors")
    assert lock is not None
    fleet_flow.running.sim.world.vehicles[car].locked = False
    await _lock(hass, lock)
    with pytest.raises(HomeAssistantError) as refused:
        await _lock(hass, lock)
    assert str(refused.value.translation_key).startswith("remote_in_progress")
    assert _calls(fleet_flow, SEND) == 1
    await _car_answers(hass, fleet_flow, car)
    assert fleet_flow.running.sim.world.vehicles[car].locked is True
