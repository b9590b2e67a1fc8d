"""A large account: each cycle reads what 80 % of the rate limit allows, stalest cars first."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest

from simulator.config import SimulatorConfig
from simulator.testing import RunningSimulator

from .conftest import HA_REDIRECT, START_TIME

CARS = 60


@pytest.fixture
def simulator_config() -> SimulatorConfig:
    """Sixty cars on one account, the documented limit of 120 requests per 60 s."""
    return SimulatorConfig(
        vehicles=CARS,
        seed=5,
        start_time=START_TIME,
        time_scale=0,
        burst_limit=0,
        autonomous=False,
        partner_redirect_uris=(HA_REDIRECT,),
    )


async def test_a_large_fleet_never_meets_the_limit(
    hass: HomeAssistant, setup_integration: tuple[ConfigEntry, RunningSimulator]
) -> None:
    entry, running = setup_integration
    assert entry.state is ConfigEntryState.LOADED
    coordinator = entry.runtime_data.coordinator
    assert len(coordinator.data) == CARS
    read = {vid for vid, item in coordinator.data.items() if item.status is not None}
    assert len(read) == 48  # 96 calls: 80 % of one window, two calls a car
    assert all(item.available for item in coordinator.data.values())

    running.sim.advance(60)
    await coordinator.async_refresh()
    read_now = {vid for vid, item in coordinator.data.items() if item.status is not None}
    assert read < read_now, "the next cycle starts with the cars never read"

    stats = running.sim.stats()
    assert stats["rate_limited"] == 0
    assert stats["peak_window"] <= 120
