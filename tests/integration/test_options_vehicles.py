"""The options' car filter: every car of the account is offered; left-out cars lose devices."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr

from simulator.faults import FaultSpec
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]
OPTIONS = {"update_policy": "automatic", "scan_interval": 300, "alert_locale": "fr-fr"}


def _offered(result: dict) -> list[str]:
    key = next(key for key in result["data_schema"].schema if key == "vehicles")
    selector = result["data_schema"].schema[key]
    return [option["value"] for option in selector.config["options"]]


def _devices(hass: HomeAssistant, entry: ConfigEntry) -> set[str]:
    registry = dr.async_get(hass)
    return {
        identifier[1]
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        for identifier in device.identifiers
    }


async def _choose(hass: HomeAssistant, entry: ConfigEntry, vehicles: list[str]) -> dict:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], OPTIONS | {"push": False, "vehicles": vehicles}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    return result


async def test_left_out_cars_lose_their_devices_and_can_come_back(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    cars = running.sim.vehicles_of(DEMO_USER)
    vins = {car: running.sim.truth()[car]["vin"] for car in cars}
    assert _devices(hass, entry) == set(vins.values())

    await _choose(hass, entry, [cars[0]])
    assert _devices(hass, entry) == {vins[cars[0]]}
    assert list(entry.runtime_data.coordinator.data) == [cars[0]]

    # The form still offers every car of the account, so the filter can be widened.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert sorted(_offered(result)) == sorted(cars)
    hass.config_entries.options.async_abort(result["flow_id"])

    await _choose(hass, entry, [])
    assert _devices(hass, entry) == set(vins.values())


async def test_without_the_car_list_the_form_offers_the_polled_cars(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    cars = running.sim.vehicles_of(DEMO_USER)
    running.sim.inject_fault(FaultSpec(kind="error", status=503, endpoint="getVehiclesByDevice"))
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert sorted(_offered(result)) == sorted(cars)


async def test_an_unloaded_entry_offers_no_cars_but_keeps_its_options(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, _running = setup_integration
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert _offered(result) == []
