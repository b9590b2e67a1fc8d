"""A fleet's trips: read for every car that ended one in a single batch read, and the fallback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.psa_connected_car.const import EVENT_TRIP_ENDED

from . import fleet_b2b_support, flow_support
from .fleet_b2b_support import FleetFlow

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
simulator_config = fleet_b2b_support.simulator_config
fleet_flow = fleet_b2b_support.fleet_flow
pytestmark = pytest.mark.usefixtures("own_config_dir", "frozen")

BATCH_TRIPS = "v3.getFleetTrips"
PER_CAR_TRIPS = "v3.getTripsByVehicle"


def _requests(fleet_flow: FleetFlow) -> dict[str, int]:
    return dict(fleet_flow.running.sim.counters.requests)


async def _batch_switch(fleet_flow: FleetFlow, **body: Any) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{fleet_flow.running.url}/_sim/b2b/batch", json=body) as response,
    ):
        assert response.status == 200


async def _drive_all(
    hass: HomeAssistant,
    entry: ConfigEntry,
    fleet_flow: FleetFlow,
    freezer: FrozenDateTimeFactory,
    only: int | None = None,
) -> list[str]:
    """Every car of the fleet (or the ``only`` one) drives 10 minutes, seen driving by one
    cycle, parked by the next; the ids of the trips the simulator recorded."""
    coordinator = entry.runtime_data.coordinator
    running = fleet_flow.running
    cars = running.fleet_vehicles(running.fleet_ids[0])
    if only is not None:
        cars = cars[only : only + 1]
    for car in cars:
        running.sim.start_trip(car, duration_s=600, speed_kmh=60)
    freezer.tick(timedelta(minutes=2))
    await coordinator.async_refresh_all()
    assert all(coordinator.data[car].is_active for car in cars)
    running.sim.advance(900)
    freezer.tick(timedelta(minutes=2))
    await coordinator.async_refresh_all()
    await hass.async_block_till_done()
    assert not any(coordinator.data[car].is_active for car in cars)
    return [running.sim.truth()[car]["last_trip"]["id"] for car in cars]


async def test_the_trips_of_many_cars_come_in_one_batch_read_and_are_announced_once(
    hass: HomeAssistant, fleet_flow: FleetFlow, freezer: FrozenDateTimeFactory
) -> None:
    entry = await fleet_flow.entry()
    coordinator = entry.runtime_data.coordinator
    events = async_capture_events(hass, EVENT_TRIP_ENDED)

    trip_ids = await _drive_all(hass, entry, fleet_flow, freezer)

    requests = _requests(fleet_flow)
    assert requests.get(BATCH_TRIPS) == 1  # three cars ended a trip: one request
    assert requests.get(PER_CAR_TRIPS, 0) == 0
    assert sorted(event.data["trip_id"] for event in events) == sorted(trip_ids)
    assert all(item.last_trip is not None for item in coordinator.data.values())

    # Each car drives alone, the last one first: their last trips now differ, the first car
    # read has seen the newest. The next drive of all of them is still one request.
    for only in (2, 1, 0):
        trip_ids += await _drive_all(hass, entry, fleet_flow, freezer, only=only)
    assert _requests(fleet_flow).get(BATCH_TRIPS) == 4
    trip_ids += await _drive_all(hass, entry, fleet_flow, freezer)
    assert sorted(event.data["trip_id"] for event in events) == sorted(trip_ids)
    assert len(set(trip_ids)) == 9  # nine trips, each announced once
    assert _requests(fleet_flow).get(BATCH_TRIPS) == 5

    freezer.tick(timedelta(minutes=2))
    await coordinator.async_refresh_all()  # parked, nothing new: no read, no event
    await hass.async_block_till_done()
    assert len(events) == len(trip_ids)
    assert _requests(fleet_flow).get(BATCH_TRIPS) == 5

    # Reloaded (the Store keeps what was seen): nothing announced again.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(events) == len(trip_ids)


async def test_trips_fall_back_to_each_car_when_the_batch_read_is_gone_and_remember_it(
    hass: HomeAssistant, fleet_flow: FleetFlow, freezer: FrozenDateTimeFactory
) -> None:
    entry = await fleet_flow.entry()
    events = async_capture_events(hass, EVENT_TRIP_ENDED)
    await _batch_switch(fleet_flow, enabled=False, status=410)

    trip_ids = await _drive_all(hass, entry, fleet_flow, freezer)

    requests = _requests(fleet_flow)
    assert requests.get(BATCH_TRIPS) == 1  # refused once...
    assert requests.get(PER_CAR_TRIPS) == 3  # ...then each car read its own
    assert sorted(event.data["trip_id"] for event in events) == sorted(trip_ids)

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    trip_ids += await _drive_all(hass, entry, fleet_flow, freezer)
    requests = _requests(fleet_flow)
    assert requests.get(BATCH_TRIPS) == 1  # remembered, across a restart too
    assert requests.get(PER_CAR_TRIPS) == 6
    assert sorted(event.data["trip_id"] for event in events) == sorted(trip_ids)


async def test_trips_that_ended_while_home_assistant_was_stopped_come_from_the_batch_read(
    hass: HomeAssistant, fleet_flow: FleetFlow, freezer: FrozenDateTimeFactory
) -> None:
    entry = await fleet_flow.entry()
    events = async_capture_events(hass, EVENT_TRIP_ENDED)
    trip_ids: list[str] = []
    for only in (2, 1, 0):  # each car's last trip at another time, the first car's newest
        trip_ids += await _drive_all(hass, entry, fleet_flow, freezer, only=only)
    running = fleet_flow.running
    cars = running.fleet_vehicles(running.fleet_ids[0])
    for car in cars:
        running.sim.start_trip(car, duration_s=600, speed_kmh=60)
    freezer.tick(timedelta(minutes=2))
    await entry.runtime_data.coordinator.async_refresh_all()  # seen driving...
    await hass.config_entries.async_unload(entry.entry_id)
    running.sim.advance(900)  # ...and parked while Home Assistant was stopped
    freezer.tick(timedelta(minutes=20))
    before = _requests(fleet_flow)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    trip_ids += [running.sim.truth()[car]["last_trip"]["id"] for car in cars]
    assert sorted(event.data["trip_id"] for event in events) == sorted(trip_ids)
    after = _requests(fleet_flow)
    assert after.get(PER_CAR_TRIPS, 0) == 0
    # The store tells which cars were driving: one request from the earliest last trip.
    assert after[BATCH_TRIPS] - before[BATCH_TRIPS] == 1
