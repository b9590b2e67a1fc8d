"""Setup, unload, token lifecycle and device removal against the simulator."""

from __future__ import annotations

import time

from homeassistant.components.application_credentials import (
    DOMAIN as APPLICATION_CREDENTIALS,
)
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.psa_connected_car import async_remove_config_entry_device
from custom_components.psa_connected_car.const import DOMAIN
from simulator.faults import FaultSpec
from simulator.testing import RunningSimulator

from .log_checks import assert_no_traceback

Setup = tuple[ConfigEntry, RunningSimulator]


def _expire_token(hass: HomeAssistant, entry: ConfigEntry) -> None:
    token = {**entry.data["token"], "expires_at": time.time() - 60}
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})


async def test_unload_and_reload(hass: HomeAssistant, setup_integration: Setup) -> None:
    entry, _ = setup_integration
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED


async def test_expired_token_is_refreshed_and_the_rotated_one_kept(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    old = entry.data["token"]
    _expire_token(hass, entry)
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    new = entry.data["token"]
    assert new["refresh_token"] != old["refresh_token"]
    assert new["access_token"] != old["access_token"]
    assert new["expires_at"] > time.time() + 3000
    assert running.sim.stats()["requests"]["access_token"] == 2


async def test_rejected_access_token_is_refreshed_once(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    old = entry.data["token"]["access_token"]
    running.sim.revoke_tokens("access")
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert entry.data["token"]["access_token"] != old
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_token_server_trouble_is_not_a_reauth(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    _expire_token(hass, entry)
    running.sim.inject_fault(FaultSpec(kind="error", status=503, count=10, endpoint="access_token"))
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)

    running.sim.clear_faults()
    await coordinator.async_refresh()
    assert coordinator.last_update_success


async def test_dead_refresh_token_at_startup_starts_reauth(
    hass: HomeAssistant, setup_integration: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    """Setup stops (no retry could help) and asks the user to log in again."""
    entry, running = setup_integration
    assert await hass.config_entries.async_unload(entry.entry_id)
    _expire_token(hass, entry)
    running.sim.revoke_tokens("all")
    caplog.clear()
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == "The login of this account is no longer valid; log in again"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert_no_traceback(caplog)


async def test_unreachable_api_at_startup_retries(
    hass: HomeAssistant, setup_integration: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    """A gateway answering HTML pages: setup retries and says why, without a traceback."""
    entry, running = setup_integration
    assert await hass.config_entries.async_unload(entry.entry_id)
    running.sim.inject_fault(FaultSpec(kind="html", count=50))
    caplog.clear()
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert entry.reason.startswith("The API could not be read (")
    assert "status=502" in entry.reason
    assert_no_traceback(caplog)
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN), "not a login problem"


async def test_removed_credentials_make_setup_wait(
    hass: HomeAssistant,
    setup_integration: Setup,
    hass_ws_client: WebSocketGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup waits for the credentials to come back and says which ones are missing."""
    entry, _ = setup_integration
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await async_setup_component(hass, APPLICATION_CREDENTIALS, {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "application_credentials/list"})
    items = (await client.receive_json())["result"]
    for item in items:
        await client.send_json_auto_id(
            {
                "type": "application_credentials/delete",
                "application_credentials_id": item["id"],
            }
        )
        await client.receive_json()
    caplog.clear()
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason == (
        "The application credentials of this entry are missing. "
        "Add them again under Application credentials"
    )
    assert_no_traceback(caplog)


async def test_only_departed_cars_can_be_deleted(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, _ = setup_integration
    registry = dr.async_get(hass)
    coordinator = entry.runtime_data.coordinator
    vin = next(iter(coordinator.data.values())).vehicle.vin
    device = registry.async_get_device_by_identifier((DOMAIN, vin), entry.entry_id)
    assert device is not None
    stale = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "VF3STALE000000000")}
    )
    assert not await async_remove_config_entry_device(hass, entry, device)
    assert await async_remove_config_entry_device(hass, entry, stale)
