"""The fixed interval cannot be shorter than the rate limit allows for the fleet."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from simulator.config import SimulatorConfig
from simulator.testing import RunningSimulator

from .conftest import HA_REDIRECT, START_TIME

OPTIONS = {"update_policy": "fixed", "alert_locale": "fr-fr", "push": False, "vehicles": []}


@pytest.fixture
def simulator_config() -> SimulatorConfig:
    """Ten cars on an account limited to 40 requests a minute: 20 calls a cycle."""
    return SimulatorConfig(
        vehicles=10,
        seed=3,
        start_time=START_TIME,
        time_scale=0,
        burst_limit=0,
        rate_limit=40,
        autonomous=False,
        partner_redirect_uris=(HA_REDIRECT,),
    )


async def test_interval_below_the_floor_is_refused_with_the_minimum(
    hass: HomeAssistant, setup_integration: tuple[ConfigEntry, RunningSimulator]
) -> None:
    entry, running = setup_integration
    assert entry.runtime_data.client.rate_budget.limit == 40
    result = await hass.config_entries.options.async_init(entry.entry_id)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], OPTIONS | {"scan_interval": 30}
    )
    # 20 requests a cycle within 80 % of 40 per 60 s: one cycle every 37.5 s at most.
    assert result["errors"] == {"scan_interval": "interval_too_short"}
    assert result["description_placeholders"]["minimum"] == "38"

    running.sim.advance(60)  # the reload reads the ten cars again: let the window slide
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], OPTIONS | {"scan_interval": 38}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["scan_interval"] == 38
    assert entry.runtime_data.coordinator.update_interval.total_seconds() == 38
