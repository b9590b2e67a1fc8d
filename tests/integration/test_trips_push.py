"""With push: a pushed trip end has the car's trips (and only them) read by the next cycle."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.psa_connected_car.const import EVENT_TRIP_ENDED
from custom_components.psa_connected_car.coordinator import PsaCoordinator

from . import push_support
from .push_support import Setup, api_calls, cars, settle

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup


async def test_a_pushed_trip_end_reads_the_trips_once(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    entry, running = push_setup
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    car = cars(running)[0]
    events = async_capture_events(hass, EVENT_TRIP_ENDED)
    running.sim.start_trip(car, duration_s=600, speed_kmh=50)
    await settle(hass, running)
    assert coordinator.data[car].is_active
    reads = api_calls(running).get("getTripsByVehicle", 0)

    running.sim.advance(900)
    await settle(hass, running)  # the trip's end is pushed: no read yet
    assert not coordinator.data[car].is_active
    assert coordinator.data[car].trip_unread
    assert api_calls(running).get("getTripsByVehicle", 0) == reads

    statuses = api_calls(running)["getVehicleStatus"]
    await coordinator.async_refresh()  # the next cycle, well before the safety interval
    await hass.async_block_till_done()
    assert api_calls(running).get("getTripsByVehicle", 0) == reads + 1
    assert api_calls(running)["getVehicleStatus"] == statuses  # the push brought the status
    assert len(events) == 1
    assert not coordinator.data[car].trip_unread
    await coordinator.async_refresh()
    assert api_calls(running).get("getTripsByVehicle", 0) == reads + 1
    assert len(events) == 1
