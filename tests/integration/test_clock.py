"""A clock put at ``hass.data[DATA_CLOCK]`` before setup drives the integration's time.

This is how the benchmark runs the shipped coordinator in fast-forwarded time; without one,
Home Assistant's time and timers are used (every other test of the suite).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util

from custom_components.psa_connected_car.clock import DATA_CLOCK, HassClock, get_clock
from custom_components.psa_connected_car.coordinator import REFRESH_TIMER, PsaCoordinator
from simulator.faults import FaultSpec
from simulator.testing import RunningSimulator

from .conftest import START_TIME, FlowDriver


@dataclass
class _Timer:
    due: float
    job: HassJob[..., Any]
    cancelled: bool = False


@dataclass
class ManualClock:
    """Time that moves only when the test says so; timers run when it gets there."""

    hass: HomeAssistant
    elapsed: float = 0.0
    timers: list[_Timer] = field(default_factory=list)
    on_event_loop = False

    def utcnow(self) -> datetime:
        return START_TIME + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)  # the simulator counts the burst on the wall clock
        self.elapsed += seconds

    def call_later(
        self, delay: float | timedelta, action: HassJob[..., Any] | Callable[..., Any]
    ) -> CALLBACK_TYPE:
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else delay
        job = action if isinstance(action, HassJob) else HassJob(action)
        timer = _Timer(self.elapsed + seconds, job)
        self.timers.append(timer)

        def cancel() -> None:
            timer.cancelled = True

        return cancel

    def request_debouncer(self, logger: logging.Logger) -> None:
        return None

    def pending(self, name: str) -> list[float]:
        """Due times of the timers named ``name`` that still wait."""
        return [t.due - self.elapsed for t in self.timers if not t.cancelled and t.job.name == name]

    async def advance(self, seconds: float) -> None:
        """Move on and run what fell due."""
        self.elapsed += seconds
        for timer in [t for t in self.timers if not t.cancelled and t.due <= self.elapsed]:
            timer.cancelled = True
            if task := self.hass.async_run_hass_job(timer.job, self.utcnow()):
                await task
        await self.hass.async_block_till_done()


async def _setup(hass: HomeAssistant, flow: FlowDriver) -> ConfigEntry:
    result = await flow.partner_entry()
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    return entry


def _status_reads(running: RunningSimulator) -> int:
    return int(running.sim.stats()["requests"].get("getVehicleStatus", 0))


async def test_without_a_clock_home_assistant_time_is_used(hass: HomeAssistant) -> None:
    hass.data.pop(DATA_CLOCK)  # the suite's own test clock
    clock = get_clock(hass)
    assert type(clock) is HassClock
    assert clock.on_event_loop
    assert clock.request_debouncer(logging.getLogger(__name__)) is None
    assert abs((clock.utcnow() - dt_util.utcnow()).total_seconds()) < 1
    before = clock.monotonic()
    await clock.sleep(0.01)
    assert clock.monotonic() - before >= 0.01


async def test_refresh_timer_runs_on_the_injected_clock(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    clock = ManualClock(hass)
    hass.data[DATA_CLOCK] = clock
    entry = await _setup(hass, flow)
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    assert coordinator.update_interval is not None
    interval = coordinator.update_interval.total_seconds()
    assert clock.pending(REFRESH_TIMER) == [interval]
    reads = _status_reads(flow.running)

    await clock.advance(interval - 1)
    assert _status_reads(flow.running) == reads  # not due yet

    await clock.advance(1)
    assert _status_reads(flow.running) == reads + len(coordinator.data)
    assert coordinator.update_interval is not None
    assert clock.pending(REFRESH_TIMER) == [coordinator.update_interval.total_seconds()]
    car = next(iter(coordinator.data.values()))
    assert car.refreshed_at == clock.utcnow()  # the cycle's times are the clock's


async def test_retry_after_is_honoured_on_the_injected_clock(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    clock = ManualClock(hass)
    hass.data[DATA_CLOCK] = clock
    entry = await _setup(hass, flow)
    coordinator: PsaCoordinator = entry.runtime_data.coordinator
    cars = len(coordinator.data)
    # Every car's status refused: a cycle that read no car fails (one that read some keeps them).
    flow.running.sim.inject_fault(
        FaultSpec(kind="error", status=429, count=cars, endpoint="getVehicleStatus")
    )

    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    assert clock.pending(REFRESH_TIMER) == [60]  # no Retry-After: the client's default
    flow.running.sim.clear_faults()  # those the budget, blocked after the first, kept back

    await clock.advance(60)
    assert coordinator.last_update_success
    assert coordinator.update_interval is not None
    assert clock.pending(REFRESH_TIMER) == [coordinator.update_interval.total_seconds()]
