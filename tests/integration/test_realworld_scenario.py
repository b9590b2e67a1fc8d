"""Real-world shapes through Home Assistant: the simulator's ``realworld`` scenario.

Car 0 is a thermic Peugeot (``timed.odometer``, ``Aquire``, capitalised enums), car 1 an
electric Citroën (placeholder ``Fuel``, implausible battery load, ``[0, 0]``), car 2 a
hybrid Peugeot in privacy mode whose answers carry a position anyway and 0.0 km parked.
All three are listed with ``vehicleBranding`` and no ``motorization``.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.psa_connected_car.const import DOMAIN
from simulator.identities import DEMO_USER, account_id
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]
THERMIC, ELECTRIC, HYBRID = range(3)

pytestmark = [
    pytest.mark.parametrize("scenario", ["realworld"]),
    pytest.mark.usefixtures("frozen"),
]


class Cars:
    """The scenario's cars as Home Assistant shows them."""

    def __init__(self, hass: HomeAssistant, setup: Setup) -> None:
        self.hass = hass
        self.entry, self.running = setup
        self.ids = self.running.sim.vehicles_of(DEMO_USER)
        self.registry = er.async_get(hass)

    def truth(self, car: int) -> dict[str, Any]:
        return self.running.sim.truth()[self.ids[car]]

    def entity_id(self, car: int, key: str, platform: Platform = Platform.SENSOR) -> str | None:
        unique_id = f"{self.truth(car)['vin']}_{key}"
        return self.registry.async_get_entity_id(platform, DOMAIN, unique_id)

    def state(self, car: int, key: str, platform: Platform = Platform.SENSOR) -> str:
        entity_id = self.entity_id(car, key, platform)
        assert entity_id is not None, key
        state = self.hass.states.get(entity_id)
        assert state is not None, entity_id
        return state.state

    def tracker(self, car: int) -> dict[str, Any]:
        entity_id = self.entity_id(car, "location", Platform.DEVICE_TRACKER)
        assert entity_id is not None
        state = self.hass.states.get(entity_id)
        assert state is not None
        return dict(state.attributes)

    def device(self, car: int) -> dr.DeviceEntry:
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, self.truth(car)["vin"]), self.entry.entry_id
        )
        assert device is not None
        return device

    async def refresh(self) -> None:
        await self.entry.runtime_data.coordinator.async_refresh()
        await self.hass.async_block_till_done()


@pytest.fixture
def cars(hass: HomeAssistant, setup_integration: Setup) -> Cars:
    return Cars(hass, setup_integration)


async def test_thermic_car_reads_the_old_odometer_key_and_capitals(cars: Cars) -> None:
    truth = cars.truth(THERMIC)
    assert float(cars.state(THERMIC, "odometer")) == truth["odometer_km"]
    assert float(cars.state(THERMIC, "fuel_level")) == truth["fuel_level"]
    assert cars.state(THERMIC, "engine", Platform.BINARY_SENSOR) == STATE_OFF  # "STOP"
    assert cars.state(THERMIC, "doors_lock", Platform.BINARY_SENSOR) == STATE_OFF  # "LOCKED"
    assert cars.state(THERMIC, "privacy_mode", Platform.BINARY_SENSOR) == STATE_OFF  # "NONE"
    position = cars.tracker(THERMIC)
    assert position["latitude"] == pytest.approx(truth["latitude"])
    assert position["longitude"] == pytest.approx(truth["longitude"])


async def test_electric_car_has_no_fuel_gauge(cars: Cars) -> None:
    truth = cars.truth(ELECTRIC)
    for key in ("fuel_level", "fuel_range", "total_range"):
        assert cars.entity_id(ELECTRIC, key) is None, key
    assert float(cars.state(ELECTRIC, "battery_level")) == truth["battery_level"]
    assert float(cars.state(ELECTRIC, "odometer")) == truth["odometer_km"]
    assert cars.state(ELECTRIC, "charging_status") == "in_progress"  # "INPROGRESS"
    assert cars.state(ELECTRIC, "charging", Platform.BINARY_SENSOR) == STATE_ON
    # [0, 0] is no fix: no position rather than a car off the coast of Africa.
    assert "latitude" not in cars.tracker(ELECTRIC)


async def test_device_model_is_the_label_and_brand_codes_map_only_where_known(
    cars: Cars,
) -> None:
    electric = cars.device(ELECTRIC)
    assert electric.model == "Citroen e-C4"
    assert electric.name == "Citroen e-C4"
    assert electric.manufacturer == "Citroën"  # brand code "C"
    thermic = cars.device(THERMIC)
    assert thermic.model == "Peugeot 208 PureTech 100"
    assert thermic.manufacturer == "Peugeot"  # code "P" is unknown: the account's brand


async def test_privacy_hides_the_position_the_answer_carries(cars: Cars) -> None:
    assert cars.state(HYBRID, "privacy_mode", Platform.BINARY_SENSOR) == STATE_ON
    attributes = cars.tracker(HYBRID)
    assert "latitude" not in attributes
    assert "longitude" not in attributes
    assert float(cars.state(HYBRID, "fuel_level")) == cars.truth(HYBRID)["fuel_level"]
    assert float(cars.state(HYBRID, "battery_level")) == cars.truth(HYBRID)["battery_level"]


async def test_zero_km_once_parked_keeps_the_last_good_odometer(
    cars: Cars, caplog: pytest.LogCaptureFixture
) -> None:
    driving = float(cars.state(HYBRID, "odometer"))
    assert driving == cars.truth(HYBRID)["odometer_km"]
    caplog.set_level(logging.DEBUG, logger="custom_components.psa_connected_car")

    cars.running.sim.advance(1800)  # the trip ends: parked, the car reports 0.0 km
    await cars.refresh()
    assert cars.truth(HYBRID)["ignition"] == "Stop"
    assert float(cars.state(HYBRID, "odometer")) == driving
    assert cars.state(HYBRID, "engine", Platform.BINARY_SENSOR) == STATE_OFF

    cars.running.sim.advance(60)
    await cars.refresh()
    assert float(cars.state(HYBRID, "odometer")) == driving
    ignored = [r for r in caplog.records if "Ignoring an odometer reading" in r.getMessage()]
    assert len(ignored) == 1
    assert ignored[0].levelno == logging.DEBUG


async def test_a_critical_alert_in_capitals_fires_the_critical_trigger(
    hass: HomeAssistant, cars: Cars
) -> None:
    device = cars.device(THERMIC)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": {
                    "platform": "device",
                    "domain": DOMAIN,
                    "device_id": device.id,
                    "type": "critical_alert_raised",
                },
                "actions": {"event": "realworld_critical_fired"},
            }
        },
    )
    fired = async_capture_events(hass, "realworld_critical_fired")
    cars.running.sim.advance(30)
    cars.running.sim.raise_alert(cars.ids[THERMIC], "EngineOilPressureFailure", "Critical")
    await cars.refresh()

    assert cars.state(THERMIC, "critical_alert", Platform.BINARY_SENSOR) == STATE_ON
    assert len(fired) == 1


async def test_an_account_answering_without_an_id_is_identified_by_its_login(
    cars: Cars,
) -> None:
    """The realworld ``/user`` has no ``id``: the entry is the login's ``sub``, stable."""
    assert cars.entry.unique_id == account_id(DEMO_USER)
    assert cars.entry.title
    assert DEMO_USER not in (cars.entry.unique_id or "")
