"""The cars' GPS trackers, read from the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.psa_connected_car.api import Vehicle
from custom_components.psa_connected_car.const import DOMAIN
from custom_components.psa_connected_car.coordinator import PsaConfigEntry
from custom_components.psa_connected_car.device_tracker import position
from custom_components.psa_connected_car.vehicles.data import VehicleData
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]


@pytest.fixture(autouse=True)
def only_trackers() -> Iterator[None]:
    """Load the device tracker platform alone."""
    with patch("custom_components.psa_connected_car.PLATFORMS", [Platform.DEVICE_TRACKER]):
        yield


def _tracker(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, running: RunningSimulator, car: int
) -> State:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[car]
    vin = running.sim.truth()[vehicle_id]["vin"]
    entity_id = entity_registry.async_get_entity_id(
        Platform.DEVICE_TRACKER, DOMAIN, f"{vin}_location"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state


@pytest.mark.usefixtures("frozen")
async def test_trackers(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    setup_integration: Setup,
) -> None:
    entry, _ = setup_integration
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


async def test_position_is_the_cars(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    """Latitude and longitude in the right order (GeoJSON puts longitude first)."""
    _, running = setup_integration
    truth = running.sim.truth()
    for car, vehicle_id in enumerate(running.sim.vehicles_of(DEMO_USER)):
        state = _tracker(hass, entity_registry, running, car)
        assert state.attributes["latitude"] == pytest.approx(truth[vehicle_id]["latitude"])
        assert state.attributes["longitude"] == pytest.approx(truth[vehicle_id]["longitude"])
        assert state.attributes["source_type"] == "gps"
        assert {"heading", "altitude"} <= set(state.attributes)


async def test_tracker_is_the_cars_main_entity(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    setup_integration: Setup,
) -> None:
    """Not diagnostic, on the car's device, which names the car like the brand app."""
    config_entry, running = setup_integration
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    truth = running.sim.truth()[vehicle_id]
    state = _tracker(hass, entity_registry, running, 0)
    entry = entity_registry.async_get(state.entity_id)
    assert entry is not None
    assert entry.entity_category is None
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, truth["vin"]), config_entry.entry_id
    )
    assert device is not None
    assert entry.device_id == device.id
    assert device.manufacturer == "Peugeot"
    assert device.model == "Peugeot 208 PureTech 100"
    assert device.name == "Peugeot 208 PureTech 100"
    assert device.serial_number == truth["vin"]


@pytest.mark.parametrize("scenario", ["privacy"])
async def test_privacy_mode_hides_the_position(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    _, running = setup_integration
    for car in range(3):
        state = _tracker(hass, entity_registry, running, car)
        assert state.state == STATE_UNKNOWN
        assert "latitude" not in state.attributes
        assert "heading" not in state.attributes


async def test_position_hidden_later_and_car_unavailable(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    entry: PsaConfigEntry = setup_integration[0]
    running = setup_integration[1]
    coordinator = entry.runtime_data.coordinator
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    running.sim.privacy(vehicle_id, "Geolocation")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert _tracker(hass, entity_registry, running, 0).state == STATE_UNKNOWN

    data = coordinator.data[vehicle_id]
    coordinator.async_set_updated_data(
        {**coordinator.data, vehicle_id: replace(data, available=False)}
    )
    assert _tracker(hass, entity_registry, running, 0).state == STATE_UNAVAILABLE


def test_no_position_without_data() -> None:
    assert position(None) is None
    assert position(VehicleData(vehicle=Vehicle("v", "VIN", None, None, None))) is None
