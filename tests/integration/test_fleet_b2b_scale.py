"""A fleet larger than one cycle's share of the rate limit: batch reads read every car."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from simulator.config import SimulatorConfig

from . import fleet_b2b_support, flow_support
from .fleet_b2b_support import FleetFlow

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
fleet_flow = fleet_b2b_support.fleet_flow
pytestmark = pytest.mark.usefixtures("own_config_dir", "frozen")
CARS = 60
"""More than a cycle can afford car by car: 96 requests of the 120 a minute, two per car."""


@pytest.fixture
def simulator_config(simulator_config: SimulatorConfig) -> SimulatorConfig:
    """One fleet of 60 cars (no window limit at the simulator: its clock is frozen, while the
    client's budget counts the API's 120 a minute on its own clock)."""
    return replace(simulator_config, fleets=(CARS,), rate_limit=0)


async def test_batch_reads_read_the_whole_fleet_in_one_cycle(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    data = entry.runtime_data.coordinator.data
    assert len(data) == CARS
    assert all(item.refreshed_at is not None and item.status for item in data.values())
    assert all(item.maintenance_fetched_at is not None for item in data.values())
    requests = fleet_flow.running.sim.counters.requests
    assert sum(n for name, n in requests.items() if name.startswith("v3.")) < 10


async def _batch_reads_off(fleet_flow: FleetFlow) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{fleet_flow.running.url}/_sim/b2b/batch", json={"enabled": False, "status": 410}
        ) as response,
    ):
        assert response.status == 200


async def test_without_batch_reads_the_planner_keeps_to_the_limit(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    await _batch_reads_off(fleet_flow)
    entry = await fleet_flow.entry()
    data = entry.runtime_data.coordinator.data
    read = [item for item in data.values() if item.refreshed_at is not None]
    assert 0 < len(read) < CARS


async def test_without_batch_reads_the_calls_a_cycle_did_not_spend_read_more_cars(
    hass: HomeAssistant, fleet_flow: FleetFlow, freezer: FrozenDateTimeFactory
) -> None:
    """Driving cars are priced for the trip read they need once they stop; while they keep
    driving, the calls that price did not spend read the cars the plan left behind."""
    await _batch_reads_off(fleet_flow)
    running = fleet_flow.running
    for car in running.fleet_vehicles(running.fleet_ids[0]):
        running.sim.start_trip(car, duration_s=3600, speed_kmh=50)
    entry = await fleet_flow.entry()
    coordinator = entry.runtime_data.coordinator
    first = {vid for vid, item in coordinator.data.items() if item.refreshed_at is not None}
    assert 0 < len(first) < CARS  # each new car costs its status and its alerts
    before = sum(running.sim.counters.requests.values())

    freezer.tick(timedelta(seconds=61))
    await coordinator.async_refresh()

    now = coordinator.clock.utcnow()
    data = coordinator.data
    assert all(item.refreshed_at == now and item.is_active for item in data.values())
    # Within the cycle's share of the limit (96 of 120): the top-up spent only what was left.
    assert sum(running.sim.counters.requests.values()) - before <= 96
