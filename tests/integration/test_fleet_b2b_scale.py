"""A fleet larger than one cycle's share of the rate limit: batch reads read every car."""

from __future__ import annotations

from dataclasses import replace

import aiohttp
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


async def test_without_batch_reads_the_planner_keeps_to_the_limit(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{fleet_flow.running.url}/_sim/b2b/batch", json={"enabled": False, "status": 410}
        ) as response,
    ):
        assert response.status == 200
    entry = await fleet_flow.entry()
    data = entry.runtime_data.coordinator.data
    read = [item for item in data.values() if item.refreshed_at is not None]
    assert 0 < len(read) < CARS
