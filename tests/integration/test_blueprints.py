"""The automation blueprints: valid for Home Assistant, and they act on the car's events."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any
from urllib.parse import quote

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_mock_service,
)

from custom_components.psa_connected_car.const import DOMAIN
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints" / "automation" / DOMAIN
FILES = sorted(BLUEPRINTS.glob("*.yaml"))
RAW_BASE = (
    "https://github.com/psa-connected-car/psa_connected_car/blob/main/blueprints/automation/"
    f"{DOMAIN}/"
)
TEST_NOTIFY = [
    {"action": "test.notify", "data": {"title": "{{ title }}", "message": "{{ message }}"}}
]

Setup = tuple[ConfigEntry, RunningSimulator]


def test_the_five_blueprints_are_shipped() -> None:
    names = {path.stem for path in FILES}
    assert names == {
        "low_fuel_or_battery",
        "service_due",
        "critical_alert",
        "charging_finished",
        "trip_summary",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_blueprint_is_valid(path: Path) -> None:
    blueprint = Blueprint(
        load_yaml_dict(path),
        path=str(path),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.metadata["source_url"] == RAW_BASE + path.name
    assert "notify" in blueprint.inputs


@pytest.fixture
def notifications(hass: HomeAssistant, tmp_path: Path) -> list[ServiceCall]:
    """The blueprints installed in a fresh configuration folder; their notifications."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / DOMAIN)
    return async_mock_service(hass, "test", "notify")


async def _automations(hass: HomeAssistant, *uses: tuple[str, dict[str, Any]]) -> None:
    config = [
        {
            "id": name,
            "alias": name,
            "use_blueprint": {
                "path": f"{DOMAIN}/{name}.yaml",
                "input": {"notify": TEST_NOTIFY, **inputs},
            },
        }
        for name, inputs in uses
    ]
    assert await async_setup_component(hass, "automation", {"automation": config})
    await hass.async_block_till_done()
    for name, _ in uses:
        state = hass.states.get(f"automation.{name}")
        assert state is not None, name
        assert state.state == STATE_ON, name


def _car(hass: HomeAssistant, setup: Setup, index: int) -> tuple[str, str]:
    """The simulator's id and the Home Assistant device id of one demo car."""
    entry, running = setup
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[index]
    vin = running.sim.truth()[vehicle_id]["vin"]
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, vin), entry.entry_id)
    assert device is not None
    return vehicle_id, device.id


async def test_critical_alert_of_the_car_is_notified(
    hass: HomeAssistant, setup_integration: Setup, notifications: list[ServiceCall]
) -> None:
    """A critical alert raised in the car reaches the blueprint's action once."""
    entry, running = setup_integration
    thermic_id, thermic = _car(hass, setup_integration, 0)
    await _automations(hass, ("critical_alert", {"cars": [thermic]}))
    alerts = async_capture_events(hass, f"{DOMAIN}_alert")

    running.sim.advance(30)
    running.sim.raise_alert(thermic_id, "EngineFault", "Warning")
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert notifications == []

    running.sim.advance(30)
    running.sim.raise_alert(thermic_id, "ParkingBrakeOrHillStartSystemFailure", "Critical")
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert len(notifications) == 1
    assert notifications[0].data["title"] == "Critical alert: Peugeot 208 PureTech 100"
    critical = [event.data for event in alerts if event.data["severity"] == "Critical"]
    assert notifications[0].data["message"] == (critical[0]["message"] or critical[0]["type"])


async def test_critical_alert_of_another_car_is_not_notified(
    hass: HomeAssistant, setup_integration: Setup, notifications: list[ServiceCall]
) -> None:
    entry, running = setup_integration
    _, thermic = _car(hass, setup_integration, 0)
    electric_id, _ = _car(hass, setup_integration, 1)
    await _automations(hass, ("critical_alert", {"cars": [thermic]}))
    running.sim.advance(30)
    running.sim.raise_alert(electric_id, "ParkingBrakeOrHillStartSystemFailure", "Critical")
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert notifications == []


async def test_trip_summary_in_miles(
    hass: HomeAssistant, setup_integration: Setup, notifications: list[ServiceCall]
) -> None:
    """The trip-ended event's figures, in the unit the user chose; short trips skipped."""
    vehicle_id, car = _car(hass, setup_integration, 2)
    await _automations(
        hass, ("trip_summary", {"cars": [car], "distance_unit": "mi", "minimum_distance": 1})
    )
    trip = {
        "device_id": car,
        "vehicle_id": vehicle_id,
        "distance_km": 16.09344,
        "duration_s": 1500,
        "average_speed_kmh": 38.6,
        "fuel_used_l": 0.84,
        "electric_used_kwh": 1.26,
    }
    hass.bus.async_fire(f"{DOMAIN}_trip_ended", trip)
    hass.bus.async_fire(f"{DOMAIN}_trip_ended", {**trip, "distance_km": 0.8})
    hass.bus.async_fire(f"{DOMAIN}_trip_ended", {**trip, "device_id": "another car"})
    await hass.async_block_till_done()

    assert [call.data["message"] for call in notifications] == [
        "10.0 mi, 25 min, 24 mph, 0.8 l of fuel, 1.3 kWh"
    ]


async def test_trip_summary_of_a_trip_driven_in_the_simulator(
    hass: HomeAssistant, setup_integration: Setup, notifications: list[ServiceCall]
) -> None:
    """End to end: the car drives, the trip is read, the event fires, the summary is sent."""
    entry, running = setup_integration
    vehicle_id, car = _car(hass, setup_integration, 0)
    await _automations(hass, ("trip_summary", {"cars": [car], "minimum_distance": 1}))
    coordinator = entry.runtime_data.coordinator
    running.sim.start_trip(vehicle_id, duration_s=600, speed_kmh=60)
    await coordinator.async_refresh()
    running.sim.advance(900)
    await coordinator.async_refresh()
    await hass.async_block_till_done()

    truth = running.sim.truth()[vehicle_id]["last_trip"]
    [call] = notifications
    minutes = round(truth["duration_s"] / 60)
    assert call.data["message"].startswith(f"{truth['distance_km']:.1f} km, {minutes} min")
    assert f"{truth['fuel_l']:.1f} l of fuel" in call.data["message"]


async def test_trip_summary_of_an_incomplete_trip(
    hass: HomeAssistant, setup_integration: Setup, notifications: list[ServiceCall]
) -> None:
    vehicle_id, car = _car(hass, setup_integration, 0)
    await _automations(hass, ("trip_summary", {"cars": [car], "minimum_distance": 1}))
    hass.bus.async_fire(
        f"{DOMAIN}_trip_ended",
        {"device_id": car, "vehicle_id": vehicle_id, "distance_km": None, "duration_s": 600},
    )
    await hass.async_block_till_done()
    assert [call.data["message"] for call in notifications] == ["10 min"]


async def test_service_due_levels_and_charging(
    hass: HomeAssistant, setup_integration: Setup, notifications: list[ServiceCall]
) -> None:
    """Service due (event), a level under the threshold and a finished charge (states)."""
    _, running = setup_integration
    vehicle_id, thermic = _car(hass, setup_integration, 0)
    registry = er.async_get(hass)
    vin = running.sim.truth()[vehicle_id]["vin"]
    electric_vin = running.sim.truth()[running.sim.vehicles_of(DEMO_USER)[1]]["vin"]
    fuel_level = registry.async_get_entity_id("sensor", DOMAIN, f"{vin}_fuel_level")
    charging = registry.async_get_entity_id("sensor", DOMAIN, f"{electric_vin}_charging_status")
    assert fuel_level is not None
    assert charging is not None
    await _automations(
        hass,
        ("service_due", {"cars": [thermic]}),
        ("low_fuel_or_battery", {"levels": [fuel_level], "threshold": 15}),
        ("charging_finished", {"charging_statuses": [charging]}),
    )

    hass.bus.async_fire(
        f"{DOMAIN}_service_due", {"device_id": thermic, "days": 0, "distance_km": -120}
    )
    hass.states.async_set(fuel_level, "9.6", {"friendly_name": "Peugeot 208 Fuel level"})
    hass.states.async_set(charging, "finished")
    await hass.async_block_till_done()

    messages = sorted(call.data["message"] for call in notifications)
    assert len(messages) == 3
    assert "Book the service (0 days, -120 km left)." in messages
    assert "Peugeot 208 Fuel level is at 10 %." in messages
    assert any(message.startswith("Battery at ") for message in messages)


def test_docs_give_an_import_link_for_each_blueprint() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "automations.md").read_text()
    raw = "https://raw.githubusercontent.com/psa-connected-car/psa_connected_car/main/"
    for path in FILES:
        url = quote(f"{raw}blueprints/automation/{DOMAIN}/{path.name}", safe="")
        assert (
            f"https://my.home-assistant.io/redirect/blueprint_import/?blueprint_url={url}" in docs
        )
