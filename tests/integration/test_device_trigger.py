"""Device triggers: listed for each car, and firing automations on alerts and service."""

from __future__ import annotations

from typing import Any

from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_get_device_automations,
)

from custom_components.psa_connected_car import device_trigger
from custom_components.psa_connected_car.const import DOMAIN, EVENT_SERVICE_DUE
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]
FIRED = "psa_connected_car_test_fired"


def _car_device(hass: HomeAssistant, setup: Setup, car: int) -> dr.DeviceEntry:
    entry, running = setup
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[car]
    vin = running.sim.truth()[vehicle_id]["vin"]
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, vin), entry.entry_id)
    assert device is not None
    return device


async def _automations(hass: HomeAssistant, *triggers: tuple[str, str]) -> None:
    """One automation per (device id, trigger type), firing ``FIRED`` with both."""
    config: list[dict[str, Any]] = [
        {
            "triggers": {
                "platform": "device",
                "domain": DOMAIN,
                "device_id": device_id,
                "type": trigger_type,
            },
            "actions": {
                "event": FIRED,
                "event_data": {
                    "type": trigger_type,
                    "device_id": device_id,
                    "alert_type": "{{ trigger.event.data.type | default('') }}",
                },
            },
        }
        for device_id, trigger_type in triggers
    ]
    assert await async_setup_component(hass, "automation", {"automation": config})
    await hass.async_block_till_done()


async def test_every_car_offers_the_triggers(hass: HomeAssistant, setup_integration: Setup) -> None:
    device = _car_device(hass, setup_integration, 1)
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device.id)
    ours = sorted(t["type"] for t in triggers if t["domain"] == DOMAIN)
    assert ours == [
        "alert_raised",
        "collision_detected",
        "command_failed",
        "critical_alert_raised",
        "service_due",
        "trip_ended",
    ]
    assert all(
        t["device_id"] == device.id and t["metadata"] == {}
        for t in triggers
        if t["domain"] == DOMAIN
    )


async def test_other_devices_have_no_triggers(hass: HomeAssistant) -> None:
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "1")}
    )
    assert await device_trigger.async_get_triggers(hass, device.id) == []
    assert await device_trigger.async_get_triggers(hass, "unknown") == []


async def test_alert_raised_in_the_car_fires_the_automation(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    thermic = _car_device(hass, setup_integration, 0)
    electric = _car_device(hass, setup_integration, 1)
    await _automations(
        hass,
        (thermic.id, "alert_raised"),
        (thermic.id, "critical_alert_raised"),
        (electric.id, "alert_raised"),
    )
    fired = async_capture_events(hass, FIRED)
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]

    running.sim.raise_alert(vehicle_id, "OilLevelLow", "Warning")
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert [(e.data["device_id"], e.data["type"], e.data["alert_type"]) for e in fired] == [
        (thermic.id, "alert_raised", "OilLevelLow")
    ]

    fired.clear()
    running.sim.advance(30)  # the car uploads after the last read, not in the same second
    running.sim.raise_alert(vehicle_id, "EngineFault", "Critical")
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert sorted((e.data["type"], e.data["alert_type"]) for e in fired) == [
        ("alert_raised", "EngineFault"),
        ("critical_alert_raised", "EngineFault"),
    ]
    assert {e.data["device_id"] for e in fired} == {thermic.id}


async def test_service_due_fires_the_automation_of_that_car(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    thermic = _car_device(hass, setup_integration, 0)
    hybrid = _car_device(hass, setup_integration, 2)
    await _automations(hass, (thermic.id, "service_due"))
    fired = async_capture_events(hass, FIRED)

    for device in (hybrid, thermic):
        hass.bus.async_fire(
            EVENT_SERVICE_DUE,
            {"device_id": device.id, "vehicle_id": "v", "days": 0, "distance_km": 120.0},
        )
    await hass.async_block_till_done()

    assert [(e.data["device_id"], e.data["type"]) for e in fired] == [(thermic.id, "service_due")]
