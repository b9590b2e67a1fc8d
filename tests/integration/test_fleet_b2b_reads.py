"""A fleet entry's cars: the consumer entry's entities, batch reads, and their fallback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.psa_connected_car.api import Vehicle

from . import fleet_b2b_support, flow_support
from .conftest import FlowDriver
from .fleet_b2b_support import FleetFlow

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
simulator_config = fleet_b2b_support.simulator_config
fleet_flow = fleet_b2b_support.fleet_flow
pytestmark = pytest.mark.usefixtures("own_config_dir", "frozen")

BATCH = {
    "status": "v3.getFleetStatusList",
    "maintenance": "v3.getFleetMantenanceList",
    "alerts": "v3.getFleetAlertList",
}
PER_CAR = {
    "status": "v3.getFleetVehicleStatus",
    "maintenance": "v3.getVehicleMaintenance",
    "alerts": "v3.getVehicleAlerts",
}


def _entities_by_motorization(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str | None, set[tuple[str, str, str]]]:
    """Per kind of car: (platform, description key, state) of each of its entities."""
    registry = er.async_get(hass)
    vehicles: dict[str, Vehicle] = {
        item.vehicle.vin: item.vehicle for item in entry.runtime_data.coordinator.data.values()
    }
    found: dict[str | None, set[tuple[str, str, str]]] = {}
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        vin, _, key = entity.unique_id.partition("_")
        state = hass.states.get(entity.entity_id)
        shown = "unavailable" if state is None or state.state == "unavailable" else "shown"
        found.setdefault(vehicles[vin].motorization, set()).add((entity.domain, key, shown))
    return found


def _requests(fleet_flow: FleetFlow) -> dict[str, int]:
    return dict(fleet_flow.running.sim.counters.requests)


async def _batch_switch(fleet_flow: FleetFlow, **body: Any) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{fleet_flow.running.url}/_sim/b2b/batch", json=body) as response,
    ):
        assert response.status == 200


async def test_a_fleet_shows_the_consumer_entities_of_each_kind_of_car(
    hass: HomeAssistant, fleet_flow: FleetFlow, flow: FlowDriver
) -> None:
    consumer = (await flow.partner_entry())["result"]
    await hass.async_block_till_done()
    fleet = await fleet_flow.entry()
    # The partner login grants every command; the fleet's contract allows them all too.
    commands = ["doors", "charging", "preconditioning", "horn", "lights", "wake_up", "navigation"]
    await fleet_flow.allow_commands(fleet, commands)
    consumer_entities = _entities_by_motorization(hass, consumer)
    fleet_entities = _entities_by_motorization(hass, fleet)
    assert set(fleet_entities) == {"Thermic", "Electric", "Hybrid"}
    for motorization, entities in fleet_entities.items():
        assert entities == consumer_entities[motorization], motorization


async def test_batch_reads_serve_every_car_and_fall_back_when_gone(
    hass: HomeAssistant, fleet_flow: FleetFlow, freezer: FrozenDateTimeFactory
) -> None:
    entry = await fleet_flow.entry()
    coordinator = entry.runtime_data.coordinator
    requests = _requests(fleet_flow)
    assert requests.get(BATCH["status"]) == 1
    assert requests.get(PER_CAR["status"], 0) == 0
    assert all(item.available and item.status for item in coordinator.data.values())

    await _batch_switch(fleet_flow, enabled=False, status=410)
    freezer.tick(timedelta(minutes=2))
    await coordinator.async_refresh_all()
    requests = _requests(fleet_flow)
    assert requests.get(BATCH["status"]) == 2  # refused once...
    assert requests.get(PER_CAR["status"]) == 3  # ...then each car read itself
    assert all(item.available and item.status for item in coordinator.data.values())

    freezer.tick(timedelta(minutes=2))
    await coordinator.async_refresh_all()
    assert _requests(fleet_flow).get(BATCH["status"]) == 2  # remembered: not asked again
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    requests = _requests(fleet_flow)
    assert requests.get(BATCH["status"]) == 2  # remembered across a restart
    assert requests.get(PER_CAR["status"]) == 9

    await _batch_switch(fleet_flow, enabled=True)
    freezer.tick(timedelta(days=1, minutes=1))
    await entry.runtime_data.coordinator.async_refresh_all()
    requests = _requests(fleet_flow)
    assert requests.get(BATCH["status"]) == 3  # tried again a day later, and served
    assert requests.get(PER_CAR["status"]) == 9
