"""Sensors of a thermic, an electric and a hybrid car, read from the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.psa_connected_car.api import Charging, Energy, Vehicle, VehicleStatus
from custom_components.psa_connected_car.const import DOMAIN
from custom_components.psa_connected_car.coordinator import PsaConfigEntry
from custom_components.psa_connected_car.entity import vehicle_device_info
from custom_components.psa_connected_car.sensor import charging_end_time, charging_status
from custom_components.psa_connected_car.vehicles.data import VehicleData
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

from .conftest import START_TIME

Setup = tuple[ConfigEntry, RunningSimulator]


@pytest.fixture(autouse=True)
def only_sensors() -> Iterator[None]:
    """Load the sensor platform alone."""
    with patch("custom_components.psa_connected_car.PLATFORMS", [Platform.SENSOR]):
        yield


@pytest.fixture
def enable_all() -> Iterator[None]:
    """Create the entities that are disabled by default enabled."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


def _entity_id(entity_registry: er.EntityRegistry, unique_id: str) -> str:
    entity_id = entity_registry.async_get_entity_id(Platform.SENSOR, "psa_connected_car", unique_id)
    assert entity_id is not None, unique_id
    return entity_id


def _vins(running: RunningSimulator) -> list[str]:
    """VINs of the demo account's thermic, electric and hybrid cars."""
    truth = running.sim.truth()
    return [truth[vehicle_id]["vin"] for vehicle_id in running.sim.vehicles_of(DEMO_USER)]


@pytest.mark.usefixtures("frozen", "enable_all")
async def test_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    setup_integration: Setup,
) -> None:
    entry, _ = setup_integration
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


async def test_sensors_of_each_energy(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    """Only the data a car provides becomes an entity."""
    entry, running = setup_integration
    keys: dict[str, set[str]] = {}
    for item in er.async_entries_for_config_entry(entity_registry, entry.entry_id):
        vin, _, key = item.unique_id.partition("_")
        keys.setdefault(vin, set()).add(key)
    thermic, electric, hybrid = (keys[vin] for vin in _vins(running))
    assert {"fuel_level", "fuel_range"} <= thermic
    assert not thermic & {"battery_level", "electric_range", "total_range", "charging_status"}
    assert {"battery_level", "electric_range", "charging_status", "charging_end_time"} <= electric
    assert not electric & {"fuel_level", "fuel_range", "total_range"}
    assert {"fuel_level", "battery_level", "total_range", "charging_rate"} <= hybrid


@pytest.mark.parametrize("scenario", ["quirks"])
async def test_sensors_of_odd_cars(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    """Missing blocks and missing maintenance create no entity instead of unknown ones."""
    entry, running = setup_integration
    keys: dict[str, set[str]] = {}
    for item in er.async_entries_for_config_entry(entity_registry, entry.entry_id):
        vin, _, key = item.unique_id.partition("_")
        keys.setdefault(vin, set()).add(key)
    thermic, electric, _ = (keys[vin] for vin in _vins(running))
    assert not thermic & {"days_until_service", "distance_until_service"}
    assert "odometer" in thermic
    assert not electric & {"speed", "outside_temperature", "battery_12v"}
    assert {"battery_level", "odometer", "charging_status"} <= electric
    for item in er.async_entries_for_config_entry(entity_registry, entry.entry_id):
        state = hass.states.get(item.entity_id)
        assert item.disabled_by is not None or (state and state.state != STATE_UNAVAILABLE)


async def test_noisy_and_diagnostic_sensors_are_disabled(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    _, running = setup_integration
    vin = _vins(running)[1]
    for key in ("speed", "charging_rate", "battery_12v"):
        item = entity_registry.async_get(_entity_id(entity_registry, f"{vin}_{key}"))
        assert item is not None
        assert item.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(_entity_id(entity_registry, f"{vin}_odometer")) is not None


@pytest.fixture
def imperial(hass: HomeAssistant) -> None:
    """A Home Assistant that shows miles."""
    hass.config.units = US_CUSTOMARY_SYSTEM


async def test_distances_follow_the_unit_system(
    hass: HomeAssistant,
    imperial: None,
    entity_registry: er.EntityRegistry,
    setup_integration: Setup,
) -> None:
    """The car reports kilometres; Home Assistant shows miles to a user who wants them."""
    _, running = setup_integration
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    km = running.sim.truth()[vehicle_id]["odometer_km"]

    state = hass.states.get(_entity_id(entity_registry, f"{_vins(running)[0]}_odometer"))

    assert state is not None
    assert state.attributes["unit_of_measurement"] == "mi"
    assert float(state.state) == pytest.approx(km / 1.609344, abs=0.1)


async def test_raised_alert_is_counted_and_listed(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    entity_id = _entity_id(entity_registry, f"{_vins(running)[0]}_active_alerts")
    before = int(hass.states.get(entity_id).state)  # type: ignore[union-attr]

    running.sim.raise_alert(vehicle_id, "OilLevelLow", "Warning")
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    state = hass.states.get(entity_id)
    assert state is not None
    assert int(state.state) == before + 1
    listed = [alert for alert in state.attributes["alerts"] if alert["type"] == "OilLevelLow"]
    assert listed == [
        {"type": "OilLevelLow", "severity": "Warning", "since": START_TIME.isoformat()}
    ]


async def test_a_car_that_fails_is_unavailable(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    entry: PsaConfigEntry = setup_integration[0]
    coordinator = entry.runtime_data.coordinator
    vehicle_id, data = next(iter(coordinator.data.items()))
    vin = data.vehicle.vin
    odometer = _entity_id(entity_registry, f"{vin}_odometer")
    alerts = _entity_id(entity_registry, f"{vin}_active_alerts")
    service = _entity_id(entity_registry, f"{vin}_days_until_service")

    coordinator.async_set_updated_data(
        {**coordinator.data, vehicle_id: replace(data, status=None, maintenance=None)}
    )
    assert hass.states.get(odometer).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert hass.states.get(service).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert hass.states.get(alerts).state != STATE_UNAVAILABLE  # type: ignore[union-attr]

    coordinator.async_set_updated_data(
        {**coordinator.data, vehicle_id: replace(data, available=False)}
    )
    assert hass.states.get(alerts).state == STATE_UNAVAILABLE  # type: ignore[union-attr]

    coordinator.async_set_updated_data({})  # no car left on the account: devices go
    await hass.async_block_till_done()
    assert entity_registry.async_get(odometer) is None


async def test_a_car_added_later_gets_its_sensors(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = entry.runtime_data.coordinator
    vehicle_id = running.sim.add_vehicle(motorization="Electric")
    await coordinator.async_refresh_vehicle_list()  # else re-read every 12 hours
    await hass.async_block_till_done()

    vin = running.sim.truth()[vehicle_id]["vin"]
    state = hass.states.get(_entity_id(entity_registry, f"{vin}_battery_level"))
    assert state is not None
    assert state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)


async def test_a_car_that_comes_back_gets_its_sensors_again(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    setup_integration: Setup,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A car gone from the vehicle lists for a day loses its device; it returns with the car."""
    entry, running = setup_integration
    coordinator = entry.runtime_data.coordinator
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[1]
    unique_id = f"{_vins(running)[1]}_battery_level"
    car = running.sim.world.vehicles.pop(vehicle_id)

    for _ in range(3):
        await coordinator.async_refresh_vehicle_list()
        await hass.async_block_till_done()
        freezer.tick(timedelta(hours=12))
    assert entity_registry.async_get_entity_id(Platform.SENSOR, DOMAIN, unique_id) is None

    running.sim.world.vehicles[vehicle_id] = car
    await coordinator.async_refresh_vehicle_list()
    await hass.async_block_till_done()
    state = hass.states.get(_entity_id(entity_registry, unique_id))
    assert state is not None
    assert state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)


def _charging_data(status: str | None, remaining: timedelta | None) -> VehicleData:
    charging = Charging(
        plugged=True,
        status=status,
        remaining_time=remaining,
        rate_kmh=20,
    )
    electric = Energy(
        kind="Electric",
        level_pct=50,
        autonomy_km=150,
        charging=charging,
        updated_at=START_TIME,
    )
    status_doc = VehicleStatus(
        updated_at=START_TIME - timedelta(minutes=5),
        fuel=None,
        electric=electric,
        odometer_km=None,
        position=None,
        moving=False,
        speed_kmh=None,
        ignition=None,
        doors_locked=None,
        battery_12v_pct=None,
        outside_temperature_c=None,
        preconditioning_status=None,
        privacy_state=None,
        service_type=None,
    )
    return VehicleData(vehicle=Vehicle("v", "VIN", None, None, None), status=status_doc)


def test_charging_end_time_counts_from_the_report() -> None:
    """The end time depends on when the car reported, not on when we polled."""
    assert charging_end_time(_charging_data("InProgress", timedelta(hours=2))) == (
        START_TIME + timedelta(hours=2)
    )
    assert charging_end_time(_charging_data("Finished", timedelta(hours=2))) is None
    assert charging_end_time(_charging_data("InProgress", timedelta(0))) is None
    assert charging_end_time(_charging_data("InProgress", None)) is None


def test_unknown_charging_status_is_unknown() -> None:
    assert charging_status(_charging_data("Plugging", None)) is None
    assert charging_status(_charging_data(None, None)) is None
    # The parsers normalise the API's spelling ("INPROGRESS"); the models hold the canonical one.
    assert charging_status(_charging_data("InProgress", None)) == "in_progress"


@pytest.mark.parametrize(
    ("brand", "label", "manufacturer", "name"),
    [
        ("CITROEN", "C4", "Citroën", "C4"),
        ("Citroën", None, "Citroën", "Citroën 3456"),
        ("Fiat", None, "Fiat", "Fiat 3456"),
        (None, None, "Stellantis", "Stellantis 3456"),
    ],
)
def test_device_of_a_car(
    brand: str | None, label: str | None, manufacturer: str, name: str
) -> None:
    """The brand as people write it, and a name even without label."""
    vin = "VF7ABCDEFGH123456"
    info = vehicle_device_info(Vehicle("id-9876", vin, brand, label, None))
    assert info["manufacturer"] == manufacturer
    assert info["name"] == name
    assert info["model"] == label
    assert info["serial_number"] == vin
    assert info["identifiers"] == {("psa_connected_car", vin)}
