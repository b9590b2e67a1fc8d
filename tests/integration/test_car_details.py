"""What the car reports beside energies and position: doors, alarm, engine, 12 V, health."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from unittest.mock import PropertyMock, patch

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN, EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.psa_connected_car.api import Vehicle, VehicleStatus, parse_status
from custom_components.psa_connected_car.sensor import SENSORS
from custom_components.psa_connected_car.vehicles.data import VehicleData
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator
from tests.api.documents import status_doc

Setup = tuple[ConfigEntry, RunningSimulator]
THERMIC, ELECTRIC, HYBRID = range(3)


@pytest.fixture(autouse=True)
def sensors_and_binary_sensors() -> Iterator[None]:
    """Load the two platforms these facts live on, every entity enabled."""
    with (
        patch(
            "custom_components.psa_connected_car.PLATFORMS",
            [Platform.SENSOR, Platform.BINARY_SENSOR],
        ),
        patch(
            "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
            new_callable=PropertyMock,
            return_value=True,
        ),
    ):
        yield


def _state(
    hass: HomeAssistant, running: RunningSimulator, car: int, platform: Platform, key: str
) -> str | None:
    """The state of one car's entity, ``None`` when the entity does not exist."""
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[car]
    vin = running.sim.truth()[vehicle_id]["vin"]
    entity_id = er.async_get(hass).async_get_entity_id(
        platform, "psa_connected_car", f"{vin}_{key}"
    )
    if entity_id is None:
        return None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def _truth(running: RunningSimulator, car: int) -> dict[str, object]:
    return running.sim.truth()[running.sim.vehicles_of(DEMO_USER)[car]]


async def _refresh(hass: HomeAssistant, entry: ConfigEntry) -> None:
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


async def test_open_door_and_alarm_follow_the_parked_car(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    """After a trip the driver's door opens and the alarm is off; a minute later, locked."""
    entry, running = setup_integration
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[THERMIC]
    assert _state(hass, running, THERMIC, Platform.BINARY_SENSOR, "alarm") == STATE_ON
    running.sim.start_trip(vehicle_id, duration_s=300)
    for _ in range(40):
        running.sim.advance(10)
        if not _truth(running, THERMIC)["moving"]:
            break
    await _refresh(hass, entry)

    assert _truth(running, THERMIC)["open_doors"] == ["Driver"]
    assert _state(hass, running, THERMIC, Platform.BINARY_SENSOR, "driver_door") == STATE_ON
    assert _state(hass, running, THERMIC, Platform.BINARY_SENSOR, "trunk") == STATE_OFF
    assert _state(hass, running, THERMIC, Platform.BINARY_SENSOR, "alarm") == STATE_OFF

    running.sim.advance(120)
    await _refresh(hass, entry)
    assert _truth(running, THERMIC)["open_doors"] == []
    assert _state(hass, running, THERMIC, Platform.BINARY_SENSOR, "driver_door") == STATE_OFF
    assert _state(hass, running, THERMIC, Platform.BINARY_SENSOR, "alarm") == STATE_ON


async def test_engine_battery_and_charging_details_show_the_car(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    _, running = setup_integration
    thermic, electric = _truth(running, THERMIC), _truth(running, ELECTRIC)

    def sensor(car: int, key: str) -> str | None:
        return _state(hass, running, car, Platform.SENSOR, key)

    assert float(sensor(THERMIC, "coolant_temperature") or "nan") == thermic["coolant_temp"]
    assert float(sensor(THERMIC, "oil_temperature") or "nan") == thermic["oil_temp"]
    assert float(sensor(ELECTRIC, "battery_12v") or "nan") == electric["battery_12v"]
    assert float(sensor(ELECTRIC, "battery_health") or "nan") == 96
    assert electric["charging_mode"] == "Slow"
    assert sensor(ELECTRIC, "charging_mode") == "slow"
    assert electric["next_delayed_charge_s"] == 0
    assert sensor(ELECTRIC, "next_delayed_charge") == STATE_UNKNOWN
    assert sensor(ELECTRIC, "coolant_temperature") is None
    assert sensor(THERMIC, "battery_health") is None
    assert sensor(HYBRID, "charging_mode") == "not_charging"


@pytest.mark.parametrize("scenario", ["quirks"])
async def test_engine_without_a_reading_has_no_temperature(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    """215 °C is the car's "no reading": no coolant sensor rather than a boiling engine."""
    _, running = setup_integration
    assert _state(hass, running, THERMIC, Platform.SENSOR, "coolant_temperature") is None
    assert _state(hass, running, THERMIC, Platform.SENSOR, "oil_temperature") is not None


@pytest.mark.parametrize("scenario", ["realworld"])
async def test_real_world_spellings_give_the_same_states(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    """Capitalised enum values (``ACTIVE``, ``CLOSED``, ``SLOW``) mean the same."""
    _, running = setup_integration
    for car in range(3):
        alarm = _state(hass, running, car, Platform.BINARY_SENSOR, "alarm")
        assert alarm in (STATE_ON, STATE_OFF)
        assert _state(hass, running, car, Platform.BINARY_SENSOR, "driver_door") in (
            STATE_ON,
            STATE_OFF,
        )
    assert _state(hass, running, ELECTRIC, Platform.SENSOR, "charging_mode") in (
        "slow",
        "quick",
        "not_charging",
    )


def test_next_delayed_charge_counts_from_the_report() -> None:
    doc = status_doc()
    charging = doc["energies"][1]["extension"]["electric"]["charging"]
    charging.update(status="Stopped", nextDelayedTime="PT21H30M")
    status: VehicleStatus = parse_status(doc)
    data = VehicleData(vehicle=Vehicle("v", "VIN", None, None, None), status=status)
    assert status.electric is not None
    assert status.electric.updated_at is not None
    expected = status.electric.updated_at + timedelta(hours=21, minutes=30)
    assert data.next_delayed_charge_at == expected
    assert VehicleData(vehicle=data.vehicle).next_delayed_charge_at is None


def test_picture_is_a_web_address() -> None:
    vehicle = Vehicle("v", "VIN", None, None, None, pictures=("junk", "https://x.invalid/a.png"))
    assert VehicleData(vehicle=vehicle).picture == "https://x.invalid/a.png"
    assert VehicleData(vehicle=Vehicle("v", "VIN", None, None, None)).picture is None


def test_engine_and_battery_details_are_diagnostic() -> None:
    """Few people want engine temperatures: diagnostic and disabled until enabled."""
    by_key = {description.key: description for description in SENSORS}
    for key in ("coolant_temperature", "oil_temperature", "battery_12v"):
        assert by_key[key].entity_category is EntityCategory.DIAGNOSTIC
        assert by_key[key].entity_registry_enabled_default is False
    assert by_key["battery_health"].entity_category is EntityCategory.DIAGNOSTIC
