"""One refresh path and one lock: a rotating refresh token is never spent twice."""

from __future__ import annotations

import asyncio

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant

from custom_components.psa_connected_car.const import DOMAIN
from simulator.faults import FaultSpec
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]
SLOW_IDP_S = 0.3


def _expire_stored_token(hass: HomeAssistant, entry: ConfigEntry) -> None:
    token = {**entry.data["token"], "expires_at": 0}
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})


def _token_requests(running: RunningSimulator) -> int:
    return int(running.sim.stats()["requests"].get("access_token", 0))


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]


async def test_a_refused_token_and_an_expiring_one_refresh_once(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    """A 401 refresh is under way when the stored token expires: the next request waits."""
    entry, running = setup_integration
    client = entry.runtime_data.client
    first_refresh_token = entry.data["token"]["refresh_token"]
    token_requests = _token_requests(running)
    running.sim.tokens.revoke("access")
    running.sim.inject_fault(
        FaultSpec(kind="latency", delay_s=SLOW_IDP_S, endpoint="access_token", count=2)
    )

    refused = asyncio.create_task(client.get_user())
    await asyncio.sleep(SLOW_IDP_S / 3)  # the 401 came back; its refresh is at the IdP
    _expire_stored_token(hass, entry)
    user, vehicles = await asyncio.gather(refused, client.get_vehicles())

    assert user.email
    assert vehicles
    assert entry.data["token"]["refresh_token"] != first_refresh_token
    assert _token_requests(running) == token_requests + 1
    await hass.async_block_till_done()
    assert not _reauth_flows(hass)
    assert entry.state is ConfigEntryState.LOADED


async def test_concurrent_401s_refresh_once(hass: HomeAssistant, setup_integration: Setup) -> None:
    """Requests refused with the same token: the first replaces it, the others reuse it."""
    entry, running = setup_integration
    client = entry.runtime_data.client
    running.sim.tokens.revoke("access")
    running.sim.inject_fault(
        FaultSpec(kind="latency", delay_s=SLOW_IDP_S, endpoint="access_token", count=3)
    )
    token_requests = _token_requests(running)

    results = await asyncio.gather(client.get_user(), client.get_user(), client.get_vehicles())

    assert all(results)
    assert _token_requests(running) == token_requests + 1
    await hass.async_block_till_done()
    assert not _reauth_flows(hass)
