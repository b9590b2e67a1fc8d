"""Trips against the simulator: read when one ends, shown, announced once, kept across restarts."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from syrupy.assertion import SnapshotAssertion

from custom_components.psa_connected_car.const import DOMAIN, EVENT_TRIP_ENDED
from custom_components.psa_connected_car.coordinator import PsaCoordinator
from simulator.faults import FaultSpec
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]
FIRED = "psa_connected_car_test_trip_fired"
TRIPS = "getTripsByVehicle"


def _coordinator(entry: ConfigEntry) -> PsaCoordinator:
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    return coordinator


def _trip_reads(running: RunningSimulator) -> int:
    return int(running.sim.stats()["requests"].get(TRIPS, 0))


def _state(hass: HomeAssistant, vin: str, key: str) -> Any:
    entity_id = er.async_get(hass).async_get_entity_id(Platform.SENSOR, DOMAIN, f"{vin}_{key}")
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def _trigger(hass: HomeAssistant, entry: ConfigEntry, vin: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, vin), entry.entry_id)
    assert device is not None
    automation = {
        "triggers": {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": device.id,
            "type": "trip_ended",
        },
        "actions": {
            "event": FIRED,
            "event_data": {"distance": "{{ trigger.event.data.distance_km }}"},
        },
    }
    assert await async_setup_component(hass, "automation", {"automation": [automation]})
    await hass.async_block_till_done()
    return device.id


async def _drive(
    hass: HomeAssistant, coordinator: PsaCoordinator, running: RunningSimulator, car: str
) -> None:
    """A 10-minute trip at 60 km/h, seen driving by one poll and parked by the next."""
    running.sim.start_trip(car, duration_s=600, speed_kmh=60)
    await coordinator.async_refresh()
    assert coordinator.data[car].is_active
    running.sim.advance(900)
    await coordinator.async_refresh()
    await hass.async_block_till_done()


async def test_a_finished_trip_is_shown_and_announced_once(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = running.sim.vehicles_of(DEMO_USER)[0]
    vin = coordinator.data[car].vehicle.vin
    device_id = await _trigger(hass, entry, vin)
    events = async_capture_events(hass, EVENT_TRIP_ENDED)
    fired = async_capture_events(hass, FIRED)
    before = _trip_reads(running)

    await _drive(hass, coordinator, running, car)

    truth = running.sim.truth()[car]["last_trip"]
    assert _trip_reads(running) == before + 1
    assert float(_state(hass, vin, "last_trip_distance").state) == pytest.approx(
        truth["distance_km"], abs=0.05
    )
    duration_min = float(_state(hass, vin, "last_trip_duration").state)
    assert duration_min == pytest.approx(truth["duration_s"] / 60, abs=0.5)
    speed = float(_state(hass, vin, "last_trip_average_speed").state)
    assert speed == pytest.approx(truth["avg_speed_kmh"], rel=0.05)
    fuel = float(_state(hass, vin, "last_trip_fuel_used").state)
    assert fuel == pytest.approx(truth["fuel_l"], abs=0.01)
    per_100 = float(_state(hass, vin, "last_trip_fuel_consumption").state)
    assert per_100 == pytest.approx(truth["fuel_l"] / truth["distance_km"] * 100, rel=0.05)
    assert _state(hass, vin, "last_trip_distance").attributes["incomplete"] is False
    assert [event.data["trip_id"] for event in events] == [truth["id"]]
    assert events[0].data["device_id"] == device_id
    assert events[0].data["start_position"] is not None
    assert len(fired) == 1

    await coordinator.async_refresh()  # parked, nothing new: no read, no event
    assert _trip_reads(running) == before + 1
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(events) == 1
    assert len(fired) == 1
    assert _trip_reads(running) == before + 1  # the last trip seen survived the restart
    assert float(_state(hass, vin, "last_trip_distance").state) == pytest.approx(
        truth["distance_km"], abs=0.05
    )


async def test_no_trip_read_while_parked(hass: HomeAssistant, setup_integration: Setup) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    running.sim.advance(3600)  # the demo hybrid ends its starting trip
    await coordinator.async_refresh()
    before = _trip_reads(running)
    for _ in range(5):
        running.sim.advance(600)
        await coordinator.async_refresh()
    assert _trip_reads(running) == before


async def test_a_trip_under_privacy_is_announced_incomplete_without_positions(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = running.sim.vehicles_of(DEMO_USER)[1]
    vin = coordinator.data[car].vehicle.vin
    events = async_capture_events(hass, EVENT_TRIP_ENDED)
    running.sim.privacy(car, "Geolocation")
    running.sim.advance(60)

    await _drive(hass, coordinator, running, car)

    assert len(events) == 1
    assert events[0].data["incomplete"] is True
    assert events[0].data["faults"] == ["DataLacking:GeoPrivacy"]
    assert "start_position" not in events[0].data
    attributes = _state(hass, vin, "last_trip_distance").attributes
    assert attributes["incomplete"] is True
    assert float(_state(hass, vin, "last_trip_electric_energy").state) > 0


async def test_a_trip_that_ends_while_home_assistant_is_stopped_is_announced(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = running.sim.vehicles_of(DEMO_USER)[0]
    events = async_capture_events(hass, EVENT_TRIP_ENDED)
    running.sim.start_trip(car, duration_s=600, speed_kmh=60)
    await coordinator.async_refresh()
    assert await hass.config_entries.async_unload(entry.entry_id)
    running.sim.advance(900)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data["trip_id"] for event in events] == [
        running.sim.truth()[car]["last_trip"]["id"]
    ]


async def test_unreadable_stored_trips_are_ignored(
    hass: HomeAssistant, setup_integration: Setup, hass_storage: dict[str, Any]
) -> None:
    entry, running = setup_integration
    car = running.sim.vehicles_of(DEMO_USER)[0]
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass_storage[f"{DOMAIN}.{entry.entry_id}.trips"] = {
        "version": 1,
        "data": {"cars": {"gone": "not a car", car: {"seen": 5, "figures": {"trip_id": 1}}}},
    }
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = _coordinator(entry)
    assert coordinator.data[car].available
    assert coordinator.data[car].last_trip is None


@pytest.mark.usefixtures("frozen")
async def test_trip_sensors_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    setup_integration: Setup,
) -> None:
    """The last-trip entities of a thermic and a plug-in hybrid car after a trip each."""
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    thermic, _, hybrid = running.sim.vehicles_of(DEMO_USER)
    running.sim.advance(3600)  # the demo hybrid ends its starting trip
    await coordinator.async_refresh()
    await _drive(hass, coordinator, running, thermic)
    await _drive(hass, coordinator, running, hybrid)
    entries = sorted(
        (
            item
            for item in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
            if "_last_trip_" in item.unique_id
        ),
        key=lambda item: item.entity_id,
    )
    assert entries
    for item in entries:
        assert item == snapshot(name=f"{item.entity_id}-entry")
        assert hass.states.get(item.entity_id) == snapshot(name=f"{item.entity_id}-state")


async def test_a_failed_trip_read_keeps_the_car_and_is_retried(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = running.sim.vehicles_of(DEMO_USER)[0]
    events = async_capture_events(hass, EVENT_TRIP_ENDED)
    running.sim.inject_fault(FaultSpec(kind="error", status=500, endpoint=TRIPS))

    await _drive(hass, coordinator, running, car)

    assert coordinator.data[car].available
    assert coordinator.data[car].trip_unread
    assert events == []
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert [event.data["trip_id"] for event in events] == [
        running.sim.truth()[car]["last_trip"]["id"]
    ]
    assert not coordinator.data[car].trip_unread


async def test_a_trip_read_that_keeps_failing_is_tried_twice_then_waits(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = running.sim.vehicles_of(DEMO_USER)[0]
    events = async_capture_events(hass, EVENT_TRIP_ENDED)
    running.sim.inject_fault(FaultSpec(kind="error", status=500, endpoint=TRIPS, count=100))
    await _drive(hass, coordinator, running, car)
    for _ in range(3):
        await coordinator.async_refresh()
    assert not coordinator.data[car].trip_unread
    assert running.sim.stats()["requests"][TRIPS] <= 2 * 4  # two reads (and their retries)
    assert events == []
    running.sim.clear_faults()
    await _drive(hass, coordinator, running, car)  # the next trip is read, and shown
    ours = [event.data["trip_id"] for event in events if event.data["vehicle_id"] == car]
    assert ours == [running.sim.truth()[car]["last_trip"]["id"]]


async def test_removing_the_entry_forgets_its_trips(
    hass: HomeAssistant, setup_integration: Setup, hass_storage: dict[str, Any]
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    await _drive(hass, coordinator, running, running.sim.vehicles_of(DEMO_USER)[0])
    await hass.async_block_till_done()
    key = f"{DOMAIN}.{entry.entry_id}.trips"
    assert key in hass_storage

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage
