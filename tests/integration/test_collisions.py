"""Collisions against the simulator: read after a drive with spare calls, announced once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.psa_connected_car.const import DOMAIN, EVENT_COLLISION
from custom_components.psa_connected_car.coordinator import PsaCoordinator
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator
from simulator.world.vehicle import Collision

Setup = tuple[ConfigEntry, RunningSimulator]
FIRED = "psa_connected_car_test_collision_fired"
COLLISIONS = "getVehicleCollision"
SIX_HOURS = timedelta(hours=6, minutes=1)


def _coordinator(entry: ConfigEntry) -> PsaCoordinator:
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    return coordinator


def _collision_reads(running: RunningSimulator) -> int:
    return int(running.sim.stats()["requests"].get(COLLISIONS, 0))


async def _trigger(hass: HomeAssistant, entry: ConfigEntry, vin: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, vin), entry.entry_id)
    assert device is not None
    automation = {
        "triggers": {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": device.id,
            "type": "collision_detected",
        },
        "actions": {
            "event": FIRED,
            "event_data": {"severity": "{{ trigger.event.data.severity }}"},
        },
    }
    assert await async_setup_component(hass, "automation", {"automation": [automation]})
    await hass.async_block_till_done()
    return device.id


async def _crash_on_a_drive(
    hass: HomeAssistant,
    coordinator: PsaCoordinator,
    running: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    *,
    car: str,
    severity: str,
) -> str:
    """A drive with a collision, seen driving, then parked, then six hours later a refresh."""
    running.sim.start_trip(car, duration_s=600, speed_kmh=60)
    collision_id = running.sim.add_collision(car, "Front", severity)
    await coordinator.async_refresh()
    assert coordinator.data[car].is_active
    running.sim.advance(900)
    await coordinator.async_refresh()
    assert not coordinator.data[car].is_active
    freezer.tick(SIX_HOURS)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    return collision_id


async def test_a_collision_is_announced_once_across_a_reload(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = running.sim.vehicles_of(DEMO_USER)[0]
    vin = coordinator.data[car].vehicle.vin
    device_id = await _trigger(hass, entry, vin)
    events = async_capture_events(hass, EVENT_COLLISION)
    fired = async_capture_events(hass, FIRED)
    assert _collision_reads(running) == 0, "nothing is read at start-up"

    first = await _crash_on_a_drive(hass, coordinator, running, freezer, car=car, severity="Major")

    assert [event.data["collision_id"] for event in events] == [first]
    data = events[0].data
    assert data["device_id"] == device_id
    assert data["vehicle_id"] == car
    assert data["severity"] == "Major"
    assert data["details"] == [{"side": "Front", "severity": "Major"}]
    assert data["occurred_at"] is not None
    assert [event.data["severity"] for event in fired] == ["Major"]

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = _coordinator(entry)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert len(events) == 1, "a reload announces nothing again"
    assert len(fired) == 1

    second = await _crash_on_a_drive(
        hass, coordinator, running, freezer, car=car, severity="Minimal"
    )
    assert [event.data["collision_id"] for event in events] == [first, second]
    assert len(fired) == 2


async def test_the_first_read_of_a_car_announces_only_the_last_day(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = running.sim.add_vehicle(DEMO_USER, "Thermic")
    running.sim.world.vehicles[car].collisions.append(
        Collision("old-one", running.sim.world.now() - timedelta(days=3), "Rear", "Minor")
    )
    fresh = running.sim.add_collision(car, "Lateral", "Minor")
    events = async_capture_events(hass, EVENT_COLLISION)
    await coordinator.async_refresh_vehicle_list()
    assert car in coordinator.data
    running.sim.start_trip(car, duration_s=600, speed_kmh=60)
    await coordinator.async_refresh()
    running.sim.advance(900)
    await coordinator.async_refresh()  # parked again: read by the next cycle
    assert _collision_reads(running) == 0
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert _collision_reads(running) == 1
    assert [event.data["collision_id"] for event in events] == [fresh]


async def test_parked_cars_cost_no_collision_read(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    running.sim.advance(3600)  # the demo hybrid ends its starting trip
    await coordinator.async_refresh()
    freezer.tick(SIX_HOURS)
    await coordinator.async_refresh()  # read once more, for the car that drove
    before = _collision_reads(running)
    for _ in range(3):
        running.sim.advance(600)
        freezer.tick(SIX_HOURS)
        await coordinator.async_refresh()
    assert _collision_reads(running) == before


async def test_removing_the_entry_forgets_its_collisions(
    hass: HomeAssistant,
    setup_integration: Setup,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = running.sim.vehicles_of(DEMO_USER)[0]
    await _crash_on_a_drive(hass, coordinator, running, freezer, car=car, severity="Minor")
    await hass.async_block_till_done()
    key = f"{DOMAIN}.{entry.entry_id}.collisions"
    assert key in hass_storage

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage
