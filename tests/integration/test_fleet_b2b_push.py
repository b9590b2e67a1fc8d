"""Push for a fleet: fleet monitors deliver to the entry's webhook in the v3 format."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest

from . import fleet_b2b_support, flow_support, push_support
from .fleet_b2b_support import FleetFlow

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
simulator_config = fleet_b2b_support.simulator_config
fleet_flow = fleet_b2b_support.fleet_flow
external_url = push_support.external_url
pytestmark = pytest.mark.usefixtures("own_config_dir", "external_url")


async def _settle(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    for _ in range(3):
        await hass.async_block_till_done(wait_background_tasks=True)
        await fleet_flow.running.b2b.deliveries.drain()
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_an_alert_reaches_the_car_without_a_read(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    await _settle(hass, fleet_flow)
    running = fleet_flow.running
    monitors = [m for m in running.b2b.monitors.monitors.values() if m.fleet_id == entry.unique_id]
    assert len(monitors) == 2
    assert all(m.webhook["target"].startswith(external_url_of(hass)) for m in monitors)
    car = running.fleet_vehicles(entry.unique_id)[0]
    coordinator = entry.runtime_data.coordinator
    assert "OilLevelLow" not in {alert.type for alert in coordinator.data[car].alerts}
    before = dict(running.sim.counters.requests)
    running.sim.raise_alert(car, "OilLevelLow", "Warning")
    await _settle(hass, fleet_flow)
    assert "OilLevelLow" in {alert.type for alert in coordinator.data[car].alerts}
    after = {k: v for k, v in running.sim.counters.requests.items() if k.startswith("v3.")}
    assert after == {k: v for k, v in before.items() if k.startswith("v3.")}  # no read


async def test_a_delivery_without_our_secret_is_refused(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    await _settle(hass, fleet_flow)
    monitor = next(
        m
        for m in fleet_flow.running.b2b.monitors.monitors.values()
        if m.fleet_id == entry.unique_id
    )
    client = await fleet_flow.client_factory()
    target = monitor.webhook["target"].removeprefix(external_url_of(hass))
    refused = await client.post(target, json={"events": []})
    assert refused.status == 401
    headers = {a["key"]: a["value"] for a in monitor.webhook["attributes"]}
    malformed = await client.post(target, json={"no": "events"}, headers=headers)
    assert malformed.status == 400
    unknown_car = await client.post(
        target, json={"events": [{"vin": "VF3UNKNOWN0000000"}]}, headers=headers
    )
    assert unknown_car.status == 200


async def test_removing_the_entry_deletes_its_monitors(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    await _settle(hass, fleet_flow)
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not [
        m
        for m in fleet_flow.running.b2b.monitors.monitors.values()
        if m.fleet_id == entry.unique_id
    ]


def external_url_of(hass: HomeAssistant) -> str:
    """Home Assistant's external address, as the monitors got it."""
    return str(hass.config.external_url)


async def test_turning_push_off_deletes_the_monitors(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    await _settle(hass, fleet_flow)
    hass.config_entries.async_update_entry(entry, options={**entry.options, "push": False})
    assert await hass.config_entries.async_reload(entry.entry_id)
    await _settle(hass, fleet_flow)
    assert not [
        m
        for m in fleet_flow.running.b2b.monitors.monitors.values()
        if m.fleet_id == entry.unique_id
    ]
