"""What the coordinator spends: alerts only after an upload, pushes and paced cycles."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.psa_connected_car.coordinator import PsaCoordinator
from custom_components.psa_connected_car.polling.rate_budgets import (
    DATA_RATE_BUDGETS,
    shared_rate_budget,
)
from simulator.faults import FaultSpec
from simulator.identities import PARTNER_CLIENT_ID
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]


def _coordinator(entry: ConfigEntry) -> PsaCoordinator:
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    return coordinator


def _count(running: RunningSimulator, suffix: str) -> int:
    requests: dict[str, int] = running.sim.stats()["requests"]
    return sum(count for name, count in requests.items() if name.lower().endswith(suffix))


async def test_alerts_are_read_only_when_the_car_uploaded(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    cars = len(coordinator.data)
    statuses, alerts = _count(running, "status"), _count(running, "alerts")

    await coordinator.async_refresh()  # nothing uploaded since setup
    assert _count(running, "status") == statuses + cars
    assert _count(running, "alerts") == alerts

    running.sim.advance(30)
    # Cars that uploaded during those 30 s may be spread over more than one paced cycle.
    for _ in range(3):
        alerts = _count(running, "alerts")
        await coordinator.async_refresh()
        if _count(running, "alerts") == alerts:
            break
    assert _count(running, "alerts") == alerts, "alerts keep being read with no new upload"
    car = next(iter(coordinator.data))
    running.sim.raise_alert(car, "OilLevelLow", "Warning")
    await coordinator.async_refresh()
    assert _count(running, "alerts") == alerts + 1
    assert "OilLevelLow" in {alert.type for alert in coordinator.data[car].alerts}


async def test_alerts_are_read_every_hour_without_upload(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    alerts = _count(running, "alerts")
    freezer.tick(timedelta(minutes=59))
    await coordinator.async_refresh()
    assert _count(running, "alerts") == alerts
    freezer.tick(timedelta(minutes=1))
    await coordinator.async_refresh()
    assert _count(running, "alerts") == alerts + len(coordinator.data)


async def test_a_push_does_not_hold_back_the_next_poll(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    await coordinator.async_refresh()  # the next poll is scheduled on the frozen clock
    interval = coordinator.update_interval
    assert interval is not None
    statuses = _count(running, "status")

    freezer.tick(interval - timedelta(seconds=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    car, item = next(iter(coordinator.data.items()))
    assert item.status is not None
    pushed = replace(item.status, updated_at=item.status.updated_at)
    assert coordinator.async_apply_push(car, status=pushed)
    await hass.async_block_till_done()
    assert _count(running, "status") == statuses

    freezer.tick(timedelta(seconds=11))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _count(running, "status") == statuses + len(coordinator.data)


async def test_a_slow_cycle_starts_the_next_one_on_time(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    cadence = coordinator.cadence
    running.sim.inject_fault(FaultSpec(kind="latency", count=1, delay_s=1.2))
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    # Home Assistant counts the interval from the end of the refresh: 1 s of it is spent.
    assert coordinator.cadence == cadence
    assert coordinator.update_interval == cadence - timedelta(seconds=1)


async def test_one_rate_budget_per_client_id_survives_a_reload(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    """The flow's account check, the entry and its reloads draw from one budget."""
    entry, _running = setup_integration
    budget = entry.runtime_data.client.rate_budget
    assert hass.data[DATA_RATE_BUDGETS] == {PARTNER_CLIENT_ID: budget}
    assert budget.remaining < budget.limit  # the flow's and the first refresh's requests
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.runtime_data.client.rate_budget is budget
    assert shared_rate_budget(hass, "another application") is not budget


async def test_a_car_not_read_yet_is_read_at_the_next_minute(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    """With many cars the first cycles cannot read them all: no 5 or 30 min wait for those."""
    entry, _running = setup_integration
    coordinator = _coordinator(entry)
    every_car_read = dict(coordinator.data)
    for item in every_car_read.values():
        assert item.refreshed_at is not None
    # The parked cars only: while a car drives, its minute wins whatever the others do.
    parked = {vid: item for vid, item in every_car_read.items() if not item.is_active}
    car = next(iter(parked))
    waiting = {**parked, car: replace(parked[car], refreshed_at=None)}
    failed = {**waiting, car: replace(waiting[car], available=False)}
    push_safety = timedelta(minutes=30)

    coordinator.data = waiting
    coordinator.async_set_push_active(push_safety)
    assert coordinator.cadence == timedelta(minutes=1)
    coordinator.data = failed  # a car that failed waits for the normal cadence
    coordinator.async_set_push_active(push_safety)
    assert coordinator.cadence == timedelta(minutes=5)  # with push, as a car is charging
    coordinator.data = every_car_read
    coordinator.async_set_push_active(None)
    assert coordinator.cadence == timedelta(minutes=1)  # the third car is driving


async def test_with_push_a_charging_battery_is_still_read_every_5_minutes(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, _running = setup_integration
    coordinator = _coordinator(entry)
    # The parked cars only: while a car drives, its minute wins whatever the others do.
    coordinator.data = {vid: item for vid, item in coordinator.data.items() if not item.is_active}
    charging = {vid: item for vid, item in coordinator.data.items() if item.is_charging}
    assert len(charging) == 1  # the electric car of the default scenario
    push_safety = timedelta(minutes=30)
    coordinator.async_set_push_active(push_safety)
    assert coordinator.cadence == timedelta(minutes=5)

    car, item = next(iter(charging.items()))
    assert item.status is not None
    assert item.status.electric is not None
    electric = item.status.electric
    assert electric.charging is not None
    done = replace(electric, charging=replace(electric.charging, status="Finished"))
    coordinator.data = {
        **coordinator.data,
        car: replace(item, status=replace(item.status, electric=done)),
    }
    coordinator.async_set_push_active(push_safety)
    assert coordinator.cadence == push_safety


async def test_while_driving_alerts_are_read_every_5_minutes(
    hass: HomeAssistant, setup_integration: Setup, freezer: FrozenDateTimeFactory
) -> None:
    """A driving car uploads every half minute; its alerts are not read with each upload."""
    entry, running = setup_integration
    coordinator = _coordinator(entry)
    driving = [vid for vid, item in coordinator.data.items() if item.is_active]
    assert len(driving) == 1
    car = driving[0]
    alerts = _count(running, "alerts")

    running.sim.advance(30)
    running.sim.raise_alert(car, "EngineFault", "Critical")
    freezer.tick(timedelta(minutes=4))
    await coordinator.async_refresh()
    assert coordinator.data[car].is_active
    assert "EngineFault" not in {alert.type for alert in coordinator.data[car].alerts}
    calls = _count(running, "alerts") - alerts

    freezer.tick(timedelta(minutes=1))
    running.sim.advance(30)
    await coordinator.async_refresh()
    assert "EngineFault" in {alert.type for alert in coordinator.data[car].alerts}
    assert _count(running, "alerts") - alerts == calls + 1
