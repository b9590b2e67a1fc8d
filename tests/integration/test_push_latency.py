"""Measurements (printed, never asserted on speed): delivery-to-state latency, request cost.

Reproduce with the figures shown:
    .venv/bin/python -m pytest tests/integration/test_push_latency.py -q -p no:xdist -s
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import statistics
import time

from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
import pytest

from custom_components.psa_connected_car.coordinator import PsaCoordinator
from simulator.testing import RunningSimulator
from simulator.world.alerts import ALERT_TYPES

from . import push_support
from .push_support import Setup, api_calls, cars, entity_id, settle

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup
SAMPLES_PER_CAR = 34


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _report(capsys: pytest.CaptureFixture[str], lines: list[str]) -> None:
    with capsys.disabled():
        print("\n" + "\n".join(lines))  # noqa: T201


async def _one_sample(
    hass: HomeAssistant, running: RunningSimulator, car: str, sensor: str, alert_type: str
) -> float:
    changed = asyncio.Event()
    stamp: list[float] = []

    @callback
    def _on_change(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] == sensor and not changed.is_set():
            stamp.append(time.perf_counter())
            changed.set()

    unsub = hass.bus.async_listen("state_changed", _on_change)
    start = time.perf_counter()
    running.sim.raise_alert(car, alert_type, "Warning")
    try:
        await asyncio.wait_for(changed.wait(), timeout=5)
    finally:
        unsub()
    return stamp[0] - start


async def test_alert_delivery_to_state_latency(
    hass: HomeAssistant, push_setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    """Raise an alert in the simulator; time until the car's alert count sensor changes."""
    _entry, running = push_setup
    types = sorted(ALERT_TYPES)
    samples: list[float] = []
    for index, car in enumerate(cars(running)):
        sensor = entity_id(hass, running, car, "sensor", "active_alerts")
        already = {a["type"] for a in running.sim.truth()[car]["active_alerts"]}
        fresh = [t for t in types[index::3] if t not in already][:SAMPLES_PER_CAR]
        for alert_type in fresh:
            samples.append(await _one_sample(hass, running, car, sensor, alert_type))
            # Let the simulator's sender go idle (else it may sleep 50 ms before the next
            # message), and upload without change: an onChange monitor fires again only
            # after one.
            await running.sim.push.drain()
            running.sim.world.wake_up(car)
    await settle(hass, running)
    assert running.sim.stats()["deliveries"]["failed"] == 0
    p50, p95 = _percentile(samples, 0.5), _percentile(samples, 0.95)
    _report(
        capsys,
        [
            f"push latency, simulator raise_alert -> sensor state: n={len(samples)}",
            f"  p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms,"
            f" mean {statistics.fmean(samples) * 1000:.1f} ms",
        ],
    )


async def _cycle_cost(coordinator: PsaCoordinator, running: RunningSimulator) -> int:
    before = sum(api_calls(running).values())
    await coordinator.async_refresh()
    return int(sum(api_calls(running).values()) - before)


async def test_requests_per_car_hour(
    hass: HomeAssistant, push_setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    """Requests a polling cycle costs, times the cycles an hour has, with and without push."""
    entry, running = push_setup
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    car_count = len(coordinator.data)
    registration = sum(
        count
        for route, count in api_calls(running).items()
        if "Remote" in route or "Monitor" in route
    )
    per_cycle = await _cycle_cost(coordinator, running) / car_count
    running.sim.advance(12 * 3600)  # every car parks, the electric one is charged
    await coordinator.async_refresh_all()
    assert not any(item.is_active or item.is_charging for item in coordinator.data.values())
    push_interval = coordinator.cadence
    assert push_interval == timedelta(minutes=30)

    coordinator.async_set_push_active(None)
    parked_interval = coordinator.cadence
    running.sim.start_trip(cars(running)[0], duration_s=3600)
    await coordinator.async_refresh()
    driving_interval = coordinator.cadence
    assert parked_interval is not None
    assert driving_interval is not None
    await settle(hass, running)

    def per_hour(interval: timedelta) -> float:
        return per_cycle * 3600 / interval.total_seconds()

    _report(
        capsys,
        [
            f"requests per car and polling cycle: {per_cycle:.1f} (status + alerts)",
            f"  parked,  polling every {parked_interval}: {per_hour(parked_interval):.0f}"
            " requests per car-hour",
            f"  driving, polling every {driving_interval}: {per_hour(driving_interval):.0f}"
            " requests per car-hour",
            f"  with push, parked: safety poll every {push_interval}:"
            f" {per_hour(push_interval):.0f} requests per car-hour (deliveries cost none);"
            " driving: as without push (normal polling keeps the track)",
            f"  one-time registration: {registration} requests for {car_count} cars"
            " (first setup; a restart only lists: 1 + 1 per car)",
        ],
    )
