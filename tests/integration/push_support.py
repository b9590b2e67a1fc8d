"""Shared fixtures and helpers of the push tests (``test_push*.py``).

Home Assistant's HTTP app is served on 127.0.0.1 by the test client and that address is
set as Home Assistant's external URL, so the simulator delivers real POSTs to the webhook.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.psa_connected_car.const import DOMAIN
from simulator.config import SimulatorConfig
from simulator.identities import DEMO_USER
from simulator.push.store import CallbackRecord, MonitorRecord
from simulator.testing import RunningSimulator

from .conftest import FlowDriver

Setup = tuple[ConfigEntry, RunningSimulator]
LABEL_PREFIX = "Home Assistant psa_connected_car"


@pytest.fixture
def simulator_config(simulator_config: SimulatorConfig) -> SimulatorConfig:
    """No window limit: the frozen simulated clock would otherwise never free a slot."""
    return replace(simulator_config, rate_limit=0)


@pytest.fixture
async def external_url(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    partner_credentials: None,
) -> str:
    """Home Assistant's HTTP app on 127.0.0.1, set as its external URL.

    The integration (and so the webhook component) is set up first: the test server
    freezes the app's routes when it starts.
    """
    assert await async_setup_component(hass, DOMAIN, {})
    client = await hass_client_no_auth()
    base = str(client.make_url("/")).rstrip("/")
    await hass.config.async_update(external_url=base)
    return base


@pytest.fixture
async def push_setup(hass: HomeAssistant, external_url: str, flow: FlowDriver) -> Setup:
    """An entry created through the partner login with push on by default, registered.

    The fleet is parked first (the demo hybrid starts on a 20-minute trip): with a car
    driving, push keeps normal polling for its track.
    """
    park_fleet(flow.running)
    result = await flow.partner_entry()
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await settle(hass, flow.running)
    return result["result"], flow.running


def park_fleet(running: RunningSimulator) -> None:
    """Let the demo hybrid finish its starting trip."""
    running.sim.advance(3600)


async def settle(hass: HomeAssistant, running: RunningSimulator) -> None:
    """Let background work finish: registrations, deliveries, and what they trigger."""
    for _ in range(3):
        await hass.async_block_till_done(wait_background_tasks=True)
        await running.sim.push.drain()
    await hass.async_block_till_done(wait_background_tasks=True)


def our_callbacks(running: RunningSimulator, entry: ConfigEntry) -> list[CallbackRecord]:
    """The simulator's callbacks labelled for this entry."""
    label = f"{LABEL_PREFIX} {entry.entry_id}"
    return [cb for cb in running.sim.push.callbacks.values() if cb.label == label]


def monitors_of(running: RunningSimulator, callback_id: str) -> dict[str, list[MonitorRecord]]:
    """Vehicle id -> monitors on the callback."""
    result: dict[str, list[MonitorRecord]] = {}
    for monitor in running.sim.push.monitors.values():
        if monitor.callback_id == callback_id:
            result.setdefault(monitor.vehicle_id, []).append(monitor)
    return result


def cars(running: RunningSimulator) -> list[str]:
    """The demo cars: thermic, electric, hybrid."""
    return running.sim.vehicles_of(DEMO_USER)


def entity_id(
    hass: HomeAssistant, running: RunningSimulator, car: str, platform: str, key: str
) -> str:
    """The entity of ``key`` for one car."""
    vin = running.sim.truth()[car]["vin"]
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{vin}_{key}")
    assert found is not None
    return found


def push_issue(hass: HomeAssistant, entry: ConfigEntry) -> ir.IssueEntry | None:
    """The entry's push repair issue, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"push_{entry.entry_id}")


def api_calls(running: RunningSimulator) -> dict[str, Any]:
    """Requests per API route so far."""
    requests: dict[str, Any] = running.sim.stats()["requests"]
    return dict(requests)


def monitor_message(monitor_id: str, **extra: Any) -> dict[str, Any]:
    """A minimal monitor message of the webhook template."""
    return {
        "callbackId": "cb",
        "type": "Monitor",
        "date": "2026-11-22T08:00:00Z",
        "attributes": [],
        "monitorEvent": {"monitorId": monitor_id, "values": [], "refresh": False, **extra},
    }
