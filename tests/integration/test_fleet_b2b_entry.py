"""A fleet entry's life: diagnostics, options, credentials refused at runtime, removal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.psa_connected_car.const import DOMAIN

from . import fleet_b2b_support, flow_support
from .fleet_b2b_support import FleetFlow

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
simulator_config = fleet_b2b_support.simulator_config
fleet_flow = fleet_b2b_support.fleet_flow
pytestmark = pytest.mark.usefixtures("own_config_dir")


async def test_diagnostics_keep_the_partner_secrets(
    hass: HomeAssistant, fleet_flow: FleetFlow, hass_client: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    entry = await fleet_flow.entry()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    running = fleet_flow.running
    for secret in (
        running.b2b_basic_password,
        running.b2b_client_id,
        running.b2b_basic_user,
        entry.unique_id or "",
        *(item.vehicle.vin for item in entry.runtime_data.coordinator.data.values()),
        *entry.data["certificate"].values(),
    ):
        assert secret not in text
    assert diagnostics["push"] is None
    assert len(diagnostics["vehicles"]) == 3


async def test_options_of_a_fleet_entry(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    entry = await fleet_flow.entry()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM


async def test_a_password_changed_at_the_api_asks_to_log_in_again(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    fleet_flow.running.b2b.password = "rotated by the partner"
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.error_reason_translation_key == "auth_failed"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_removing_a_fleet_entry_deletes_its_certificate_and_store(
    hass: HomeAssistant, fleet_flow: FleetFlow, hass_storage: dict[str, Any]
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{fleet_flow.running.url}/_sim/b2b/batch", json={"enabled": False, "status": 501}
        ) as response,
    ):
        assert response.status == 200
    entry = await fleet_flow.entry()
    await hass.async_block_till_done(wait_background_tasks=True)
    folder = Path(entry.data["certificate"]["cert_file"]).parent
    store = f"{DOMAIN}.{entry.entry_id}.fleet_batch"
    assert set(hass_storage[store]["data"]["gone"]) == {"status", "alerts", "maintenances"}
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not folder.exists()
    assert store not in hass_storage
