"""Service becoming due: one fact (``VehicleData.service_due``) for the sensor and the event."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.psa_connected_car.const import DOMAIN, EVENT_SERVICE_DUE
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator
from simulator.world import physics

Setup = tuple[ConfigEntry, RunningSimulator]


@pytest.mark.usefixtures("frozen")
async def test_service_becoming_due_turns_the_sensor_on_and_fires_once(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    car = running.sim.world.vehicles[vehicle_id]
    unique_id = f"{car.vin}_service_due"
    entity_id = er.async_get(hass).async_get_entity_id(Platform.BINARY_SENSOR, DOMAIN, unique_id)
    assert entity_id is not None
    assert hass.states.get(entity_id).state == STATE_OFF  # type: ignore[union-attr]
    fired = async_capture_events(hass, EVENT_SERVICE_DUE)

    car.maintenance_due_km = car.odometer_km - 50  # the service is now 50 km overdue
    now = running.sim.now()
    car.take_snapshot(now, physics.is_daylight(now))
    freezer.tick(timedelta(hours=7))  # maintenance is read every 6 hours
    for _ in range(2):
        await entry.runtime_data.coordinator.async_refresh()
        await hass.async_block_till_done()

    assert hass.states.get(entity_id).state == STATE_ON  # type: ignore[union-attr]
    assert len(fired) == 1
    assert fired[0].data["vehicle_id"] == vehicle_id
    assert fired[0].data["distance_km"] == -50
