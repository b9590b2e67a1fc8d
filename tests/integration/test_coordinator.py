"""The coordinator against the simulator: plan, adaptive interval, failures, dynamic cars."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.psa_connected_car.const import DOMAIN, EVENT_ALERT
from custom_components.psa_connected_car.coordinator import PsaCoordinator
from simulator.faults import FaultSpec
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]


def _coordinator(entry: ConfigEntry) -> PsaCoordinator:
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    return coordinator


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_every_car_is_read_once_per_cycle(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    assert set(coordinator.data) == set(running.sim.vehicles_of("demo@example.com"))
    stats = running.sim.stats()
    requests = stats["requests"]
    cars = len(coordinator.data)
    assert sum(count for name, count in requests.items() if name.lower().endswith("status")) == cars
    assert sum(count for name, count in requests.items() if name.lower().endswith("alerts")) == cars
    assert stats["rate_limited"] == 0


async def test_interval_is_short_while_driving_and_long_when_parked(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = next(iter(coordinator.data))
    running.sim.start_trip(car, duration_s=600, speed_kmh=60)
    await coordinator.async_refresh()
    assert coordinator.data[car].is_active
    assert coordinator.cadence == timedelta(seconds=60)

    running.sim.advance(6 * 3600)
    await coordinator.async_refresh()
    assert not any(car["moving"] for car in running.sim.truth().values())
    assert not any(item.is_active for item in coordinator.data.values())
    assert coordinator.cadence == timedelta(minutes=5)


async def test_rate_limited_keeps_data_and_honours_retry_after(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    before = coordinator.data
    running.sim.inject_fault(FaultSpec(kind="shrink_limit", limit=0))
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    assert isinstance(coordinator.last_exception, UpdateFailed)
    assert coordinator.last_exception.retry_after is not None
    assert coordinator.data is before


async def test_a_429_during_a_cycle_keeps_the_cars_read_before_it(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    refused, *others = list(coordinator.data)
    before = coordinator.data[refused]
    running.sim.inject_fault(
        FaultSpec(
            kind="error",
            status=429,
            count=1,
            endpoint=f"/connectedcar/v4/user/vehicles/{refused}/status",
        )
    )
    freezer.tick(timedelta(minutes=5))
    await coordinator.async_refresh()

    assert coordinator.last_update_success
    now = coordinator.clock.utcnow()
    assert coordinator.data[refused].refreshed_at == before.refreshed_at
    assert coordinator.data[refused].status == before.status
    assert all(item.available for item in coordinator.data.values())
    assert any(coordinator.data[car].refreshed_at == now for car in others)


async def test_revoked_login_starts_reauth(hass: HomeAssistant, setup_integration: Setup) -> None:
    entry, running = setup_integration
    running.sim.revoke_tokens("all")
    await _coordinator(entry).async_refresh()
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert entry.data["token"]["refresh_token"]


async def test_one_failing_car_leaves_the_others_available(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    failing, *others = list(coordinator.data)
    running.sim.inject_fault(
        FaultSpec(kind="error", count=10, endpoint=f"/connectedcar/v4/user/vehicles/{failing}/*")
    )
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert not coordinator.data[failing].available
    assert all(coordinator.data[car].available for car in others)

    running.sim.clear_faults()
    await coordinator.async_refresh()
    assert coordinator.data[failing].available


async def test_alert_raised_and_cleared_fire_events(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    events: list[Event] = []
    hass.bus.async_listen(EVENT_ALERT, events.append)
    car = next(iter(coordinator.data))
    alert_id = running.sim.raise_alert(car, "FuelLevelLow", "Warning")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert [(e.data["state"], e.data["type"], e.data["severity"]) for e in events] == [
        ("raised", "FuelLevelLow", "Warning")
    ]
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, coordinator.data[car].vehicle.vin), entry.entry_id
    )
    assert device is not None
    assert events[0].data["device_id"] == device.id

    running.sim.advance(30)  # the car uploads after the last read, not in the same second
    running.sim.clear_alert(car, alert_id)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert [e.data["state"] for e in events] == ["raised", "cleared"]


async def test_cars_added_and_removed_follow_the_account(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    registry = dr.async_get(hass)
    new_car = running.sim.add_vehicle("demo@example.com", "Electric")
    gone_car = next(iter(coordinator.data))
    gone_vin = coordinator.data[gone_car].vehicle.vin
    running.sim.remove_vehicle(gone_car)

    await coordinator.async_refresh()
    assert gone_car in coordinator.data, "the car list is only re-read every 12 hours"

    await coordinator.async_refresh_vehicle_list()
    await hass.async_block_till_done()
    assert new_car in coordinator.data
    assert gone_car in coordinator.data, "a car leaves after 24 hours off the list"

    for _ in range(2):
        freezer.tick(timedelta(hours=12))
        await coordinator.async_refresh_vehicle_list()
    await hass.async_block_till_done()
    assert gone_car not in coordinator.data
    new_vin = coordinator.data[new_car].vehicle.vin
    assert registry.async_get_device_by_identifier((DOMAIN, new_vin), entry.entry_id) is not None
    assert registry.async_get_device_by_identifier((DOMAIN, gone_vin), entry.entry_id) is None
    assert entry.state is ConfigEntryState.LOADED


async def test_missing_status_is_logged_once_per_car(
    hass: HomeAssistant, setup_integration: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    car = next(iter(coordinator.data))
    running.sim.inject_fault(
        FaultSpec(kind="no_data", count=3, endpoint=f"/connectedcar/v4/user/vehicles/{car}/status")
    )
    caplog.set_level(logging.INFO)
    for _ in range(3):
        await coordinator.async_refresh()
        assert coordinator.data[car].status is None
        assert coordinator.data[car].available
    assert caplog.text.count("has no status data") == 1

    await coordinator.async_refresh()
    assert coordinator.data[car].status is not None


async def test_removing_cars_removes_their_devices_and_entities(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    """What the options form uses when the user deselects cars."""
    entry, _ = setup_integration
    coordinator = _coordinator(entry)
    removed, kept = [item.vehicle.vin for item in coordinator.data.values()][:2]
    devices = dr.async_get(hass)

    coordinator.vehicles.async_remove_vehicles([removed, "VF3NOTONTHEACCOUNT"])
    await hass.async_block_till_done()

    assert devices.async_get_device_by_identifier((DOMAIN, removed), entry.entry_id) is None
    assert devices.async_get_device_by_identifier((DOMAIN, kept), entry.entry_id) is not None
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert not [item for item in entities if item.unique_id.startswith(removed)]
