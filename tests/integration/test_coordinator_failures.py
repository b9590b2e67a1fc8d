"""The coordinator's failure paths: what a user sees when the API has a bad day."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest

from custom_components.psa_connected_car import async_remove_config_entry_device
from custom_components.psa_connected_car.const import DOMAIN
from custom_components.psa_connected_car.coordinator import PsaCoordinator
from simulator.faults import FaultSpec
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

from .log_checks import assert_no_traceback

Setup = tuple[ConfigEntry, RunningSimulator]
CAR_LIST = "getVehiclesByDevice"


def _coordinator(entry: ConfigEntry) -> PsaCoordinator:
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    return coordinator


def _car_path(vehicle_id: str, resource: str) -> str:
    return f"/connectedcar/v4/user/vehicles/{vehicle_id}/{resource}"


def _devices(hass: HomeAssistant, entry: ConfigEntry) -> set[str]:
    registry = dr.async_get(hass)
    return {
        identifier
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        for domain, identifier in device.identifiers
        if domain == DOMAIN
    }


def _entity_states(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, str | None]:
    entries = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return {
        item.entity_id: (state.state if (state := hass.states.get(item.entity_id)) else None)
        for item in entries
    }


@pytest.mark.parametrize(
    "fault",
    [
        FaultSpec(kind="no_data", endpoint=CAR_LIST),
        FaultSpec(kind="error", status=503, endpoint=CAR_LIST),
    ],
    ids=["404", "503"],
)
async def test_a_failed_car_list_keeps_every_device_and_entity(
    hass: HomeAssistant, setup_integration: Setup, fault: FaultSpec
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    cars = set(coordinator.data)
    devices, states = _devices(hass, entry), _entity_states(hass, entry)
    assert len(devices) == len(cars)
    assert len([state for state in states.values() if state is not None]) > 20

    running.sim.inject_fault(fault)
    await coordinator.async_refresh_vehicle_list()
    await hass.async_block_till_done()

    assert set(coordinator.data) == cars
    assert _devices(hass, entry) == devices
    assert _entity_states(hass, entry) == states


async def test_an_empty_car_list_keeps_every_device(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    cars = set(coordinator.data)
    devices = _devices(hass, entry)
    for car in cars:
        running.sim.remove_vehicle(car)

    await coordinator.async_refresh_vehicle_list()
    await hass.async_block_till_done()

    assert set(coordinator.data) == cars
    assert _devices(hass, entry) == devices


async def test_a_car_leaves_after_24_hours_absent_from_the_list(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    gone, *staying = list(coordinator.data)
    gone_vin = coordinator.data[gone].vehicle.vin
    running.sim.remove_vehicle(gone)

    for _ in range(2):
        await coordinator.async_refresh_vehicle_list()
        await hass.async_block_till_done()
        assert gone in coordinator.data
        assert gone_vin in _devices(hass, entry)
        freezer.tick(timedelta(hours=12))
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, gone_vin), entry.entry_id)
    assert device is not None
    assert await async_remove_config_entry_device(hass, entry, device), "the user may delete it"

    await coordinator.async_refresh_vehicle_list()
    await hass.async_block_till_done()
    assert set(coordinator.data) == set(staying)
    assert gone_vin not in _devices(hass, entry)


@pytest.mark.parametrize(
    ("fault", "detail"),
    [
        (FaultSpec(kind="error", status=503, count=20, endpoint=CAR_LIST), "status=503"),
        (FaultSpec(kind="malformed", count=20, endpoint=CAR_LIST), "not JSON"),
        (FaultSpec(kind="timeout", delay_s=0.05, count=20, endpoint=CAR_LIST), "status=504"),
    ],
    ids=["5xx", "not-json", "timeout"],
)
async def test_a_car_list_error_at_startup_retries_with_a_translated_reason(
    hass: HomeAssistant,
    setup_integration: Setup,
    caplog: pytest.LogCaptureFixture,
    fault: FaultSpec,
    detail: str,
) -> None:
    entry, running = setup_integration
    assert await hass.config_entries.async_unload(entry.entry_id)
    running.sim.inject_fault(fault)
    caplog.clear()

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert entry.reason.startswith("The API could not be read (")
    assert detail in entry.reason
    assert_no_traceback(caplog)


async def test_a_car_list_error_later_is_a_failed_update_without_traceback(
    hass: HomeAssistant, setup_integration: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    running.sim.inject_fault(FaultSpec(kind="malformed", count=50))
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    assert isinstance(coordinator.last_exception, UpdateFailed)
    assert coordinator.last_exception.translation_key == "all_vehicles_failed"
    assert_no_traceback(caplog)


@pytest.mark.parametrize("resource", ["alerts", "maintenance"])
async def test_a_fresh_status_is_kept_when_a_later_read_fails(
    hass: HomeAssistant,
    setup_integration: Setup,
    freezer: FrozenDateTimeFactory,
    resource: str,
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = next(iter(coordinator.data))
    before = coordinator.data[car]
    running.sim.start_trip(car, duration_s=600, speed_kmh=60)
    running.sim.advance(120)
    freezer.tick(timedelta(hours=7))  # maintenance and alerts are due again
    running.sim.inject_fault(FaultSpec(kind="error", count=5, endpoint=_car_path(car, resource)))

    await coordinator.async_refresh()

    after = coordinator.data[car]
    assert after.available
    assert after.status is not None
    assert before.status is not None
    assert after.status.updated_at != before.status.updated_at
    assert after.status.moving
    if resource == "alerts":
        assert (after.alerts, after.alerts_fetched_at) == (before.alerts, before.alerts_fetched_at)
    else:
        assert after.maintenance == before.maintenance
        assert after.maintenance_fetched_at == before.maintenance_fetched_at

    running.sim.clear_faults()
    await coordinator.async_refresh()
    again = coordinator.data[car]
    fetched_at = again.alerts_fetched_at if resource == "alerts" else again.maintenance_fetched_at
    assert fetched_at is not None
    assert fetched_at > (before.alerts_fetched_at or before.maintenance_fetched_at or fetched_at)


async def test_a_failing_car_is_logged_once_when_it_fails_and_once_when_it_is_back(
    hass: HomeAssistant, setup_integration: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = next(iter(coordinator.data))
    vin = coordinator.data[car].vehicle.vin
    running.sim.inject_fault(FaultSpec(kind="error", count=50, endpoint=_car_path(car, "*")))
    caplog.set_level(logging.INFO)
    caplog.clear()

    for _ in range(3):
        await coordinator.async_refresh()
        assert not coordinator.data[car].available

    def info_lines() -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.levelno == logging.INFO and r.name.startswith("custom_components")
        ]

    assert [line for line in info_lines() if "could not be read" in line] == [
        line for line in info_lines() if vin[-4:] in line
    ]
    assert len([line for line in info_lines() if "could not be read" in line]) == 1
    running.sim.clear_faults()
    caplog.clear()
    for _ in range(2):
        await coordinator.async_refresh()
        assert coordinator.data[car].available
    back = [line for line in info_lines() if "answers again" in line]
    assert len(back) == 1
    assert vin not in caplog.text
    assert vin[-4:] in back[0]
    assert DEMO_USER not in caplog.text


async def test_after_a_restart_a_car_that_fails_shows_its_entities_unavailable(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = next(iter(coordinator.data))
    vin = coordinator.data[car].vehicle.vin
    registry = er.async_get(hass)

    def car_states() -> dict[str, State | None]:
        return {
            item.entity_id: hass.states.get(item.entity_id)
            for item in er.async_entries_for_config_entry(registry, entry.entry_id)
            if item.unique_id.startswith(vin) and item.disabled_by is None
        }

    shown = {entity_id for entity_id, state in car_states().items() if state is not None}
    assert len(shown) > 10
    assert await hass.config_entries.async_unload(entry.entry_id)
    running.sim.inject_fault(FaultSpec(kind="error", count=50, endpoint=_car_path(car, "*")))

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    states = car_states()
    assert {entity_id for entity_id, state in states.items() if state is not None} == shown
    assert {state.state for state in states.values() if state is not None} == {STATE_UNAVAILABLE}
    assert not [s for s in states.values() if s is not None and s.attributes.get("restored")]

    running.sim.clear_faults()
    await _coordinator(entry).async_refresh()
    await hass.async_block_till_done()
    assert STATE_UNAVAILABLE not in {state.state for state in car_states().values() if state}


async def test_after_a_restart_an_empty_car_list_retries_setup(
    hass: HomeAssistant, setup_integration: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    entry, running = setup_integration
    devices = _devices(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    running.sim.inject_fault(FaultSpec(kind="no_data", count=5, endpoint=CAR_LIST))

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert entry.reason.startswith("The API listed no cars for this account")
    assert _devices(hass, entry) == devices
    assert_no_traceback(caplog)


async def test_a_failed_car_list_is_read_again_an_hour_later_not_every_cycle(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)

    def list_reads() -> int:
        return int(running.sim.stats()["requests"].get(CAR_LIST, 0))

    running.sim.inject_fault(FaultSpec(kind="no_data", count=1, endpoint=CAR_LIST))
    await coordinator.async_refresh_vehicle_list()
    reads = list_reads()
    for _ in range(3):
        freezer.tick(timedelta(minutes=5))
        await coordinator.async_refresh()
    assert list_reads() == reads

    freezer.tick(timedelta(minutes=45))
    await coordinator.async_refresh()
    assert list_reads() == reads + 1
