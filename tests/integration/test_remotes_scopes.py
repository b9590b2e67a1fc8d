"""Granted scopes decide which command entities exist; a reauth with fewer removes them."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from yarl import URL

from custom_components.psa_connected_car.const import DOMAIN
from simulator.testing import RunningSimulator

from .conftest import FlowDriver

Setup = tuple[ConfigEntry, RunningSimulator]


def _command_entities(hass: HomeAssistant, entry: ConfigEntry) -> set[str]:
    registry = er.async_get(hass)
    return {
        item.unique_id.partition("_")[2]
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if item.domain in ("lock", "button")
    }


async def test_partner_login_asks_for_and_gets_the_remote_scopes(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, _running = setup_integration
    scope = entry.data["token"]["scope"].split()
    assert "remote:door:write" in scope
    assert "remote:wakeup:write" in scope
    assert _command_entities(hass, entry) == {"doors", "horn", "lights", "wake_up"}
    external = await flow.start_partner()
    asked = URL(external["url"]).query["scope"].split()
    assert {"openid", "profile", "remote:door:write", "remote:navigation:write"} <= set(asked)


async def test_reauth_with_fewer_scopes_removes_their_entities(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, running = setup_integration
    running.sim.remotes.partner_scopes = ("remote:door:write",)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    external = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await flow.browser_login(external)
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()
    assert "remote:horn:write" not in entry.data["token"]["scope"]
    assert _command_entities(hass, entry) == {"doors"}


async def test_brand_app_login_has_no_command_entities(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    form = await flow.mobile_code_step()
    location = await flow.mobile_redirect(form)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert _command_entities(hass, entry) == set()
    wake_ups = [
        item
        for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if item.unique_id.endswith("_wake_ups")
    ]
    assert wake_ups == []
