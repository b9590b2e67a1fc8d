"""A UK account: distances in miles and speeds in mph, the car's kilometres underneath."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import PropertyMock, patch

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from simulator.identities import DEMO_USER

from .conftest import FlowDriver

KM_PER_MILE = 1.609344


@pytest.fixture(autouse=True)
def only_sensors() -> Iterator[None]:
    """Load the sensor platform alone, every sensor enabled."""
    with (
        patch("custom_components.psa_connected_car.PLATFORMS", [Platform.SENSOR]),
        patch(
            "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
            new_callable=PropertyMock,
            return_value=True,
        ),
    ):
        yield


async def _entry(hass: HomeAssistant, flow: FlowDriver, country: str) -> ConfigEntry:
    result = await flow.browser_login(await flow.start_partner(country=country))
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    return entry


def _state_of(hass: HomeAssistant, vin: str, key: str) -> tuple[float, str]:
    entity_id = er.async_get(hass).async_get_entity_id(
        Platform.SENSOR, "psa_connected_car", f"{vin}_{key}"
    )
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None
    return float(state.state), state.attributes["unit_of_measurement"]


@pytest.mark.usefixtures("frozen")
async def test_uk_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    flow: FlowDriver,
) -> None:
    entry = await _entry(hass, flow, "GB")
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


@pytest.mark.parametrize(
    ("country", "unit", "speed_unit"), [("GB", "mi", "mph"), ("FR", "km", "km/h")]
)
async def test_distances_and_speeds_in_the_country_units(
    hass: HomeAssistant, flow: FlowDriver, country: str, unit: str, speed_unit: str
) -> None:
    """Odometer, range, service distance and speed; the car's figures converted, not changed."""
    await _entry(hass, flow, country)
    truth = flow.running.sim.truth()
    thermic, _, hybrid = (truth[v] for v in flow.running.sim.vehicles_of(DEMO_USER))
    factor = KM_PER_MILE if unit == "mi" else 1.0

    odometer, odometer_unit = _state_of(hass, str(thermic["vin"]), "odometer")
    assert odometer_unit == unit
    assert odometer == pytest.approx(thermic["odometer_km"] / factor, abs=0.1)
    service, service_unit = _state_of(hass, str(thermic["vin"]), "distance_until_service")
    assert service_unit == unit
    assert service == pytest.approx(thermic["maintenance_km"] / factor, abs=0.1)
    assert _state_of(hass, str(thermic["vin"]), "fuel_range")[1] == unit
    assert _state_of(hass, str(hybrid["vin"]), "total_range")[1] == unit
    assert _state_of(hass, str(hybrid["vin"]), "speed")[1] == speed_unit
