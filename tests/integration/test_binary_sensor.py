"""Binary sensors of a thermic, an electric and a hybrid car, read from the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.psa_connected_car.api import Maintenance, Vehicle
from custom_components.psa_connected_car.coordinator import PsaConfigEntry
from custom_components.psa_connected_car.vehicles.data import VehicleData
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]


@pytest.fixture(autouse=True)
def only_binary_sensors() -> Iterator[None]:
    """Load the binary sensor platform alone."""
    with patch("custom_components.psa_connected_car.PLATFORMS", [Platform.BINARY_SENSOR]):
        yield


def _state(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    running: RunningSimulator,
    car: int,
    key: str,
) -> str:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[car]
    vin = running.sim.truth()[vehicle_id]["vin"]
    entity_id = entity_registry.async_get_entity_id(
        Platform.BINARY_SENSOR, "psa_connected_car", f"{vin}_{key}"
    )
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


@pytest.mark.usefixtures("frozen")
async def test_binary_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    setup_integration: Setup,
) -> None:
    entry, _ = setup_integration
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


async def test_default_states(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    """Thermic parked with an alert, electric charging, hybrid driving."""
    _, running = setup_integration

    def state(car: int, key: str) -> str:
        return _state(hass, entity_registry, running, car, key)

    assert state(0, "alert") == STATE_ON
    assert state(0, "critical_alert") == STATE_OFF
    assert state(0, "moving") == STATE_OFF
    assert state(0, "engine") == STATE_OFF
    assert state(0, "doors_lock") == STATE_OFF  # locked
    assert state(0, "service_due") == STATE_OFF
    assert state(1, "charging") == STATE_ON
    assert state(1, "plugged_in") == STATE_ON
    assert state(2, "alert") == STATE_OFF
    assert state(2, "moving") == STATE_ON
    assert state(2, "engine") == STATE_ON
    assert state(2, "charging") == STATE_OFF
    assert state(2, "privacy_mode") == STATE_OFF


async def test_critical_alert(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]  # parked: see test_coordinator
    assert _state(hass, entity_registry, running, 0, "critical_alert") == STATE_OFF
    running.sim.advance(30)  # the car uploads after the last read, not in the same second
    running.sim.raise_alert(vehicle_id, "EngineFault", "Critical")
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert _state(hass, entity_registry, running, 0, "alert") == STATE_ON
    assert _state(hass, entity_registry, running, 0, "critical_alert") == STATE_ON
    assert _state(hass, entity_registry, running, 1, "critical_alert") == STATE_OFF


@pytest.mark.parametrize("scenario", ["overdue"])
async def test_service_overdue(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    _, running = setup_integration
    for car in range(3):
        assert _state(hass, entity_registry, running, car, "service_due") == STATE_ON


async def test_preconditioning_and_privacy_follow_the_car(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    running.sim.privacy(vehicle_id, "Geolocation")
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert _state(hass, entity_registry, running, 0, "privacy_mode") == STATE_ON
    assert _state(hass, entity_registry, running, 0, "preconditioning") == STATE_OFF


async def test_alert_sensors_need_only_the_car(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_integration: Setup
) -> None:
    """Without a status the alert sensors still work; the rest is unavailable."""
    entry: PsaConfigEntry = setup_integration[0]
    running = setup_integration[1]
    coordinator = entry.runtime_data.coordinator
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    data = coordinator.data[vehicle_id]
    coordinator.async_set_updated_data(
        {**coordinator.data, vehicle_id: replace(data, status=None, maintenance=None)}
    )

    assert _state(hass, entity_registry, running, 0, "alert") == STATE_ON
    assert _state(hass, entity_registry, running, 0, "moving") == STATE_UNAVAILABLE
    assert _state(hass, entity_registry, running, 0, "service_due") == STATE_UNAVAILABLE


@pytest.mark.parametrize(
    ("days", "km", "due"),
    [
        (10, 500.0, False),
        (0, 500.0, True),
        (10, -3.0, True),
        (None, 20.0, False),
        (None, None, None),
    ],
)
def test_service_due_by_time_or_distance(
    days: int | None, km: float | None, due: bool | None
) -> None:
    vehicle = Vehicle("v", "VIN", None, None, None)
    data = VehicleData(vehicle=vehicle, maintenance=Maintenance(days, km, None))
    assert data.service_due is due
    assert VehicleData(vehicle=vehicle).service_due is None
