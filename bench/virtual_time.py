"""One virtual clock for the simulator, the client's rate budget and the coordinator.

The simulator runs with ``time_scale=0``: its clock moves only through ``Simulator.advance``.
Everything in the integration that decides *when* reads that clock instead of the real one:

* ``RateBudget`` (built in ``custom_components.psa_connected_car.polling.rate_budgets``) gets
  ``clock=VirtualTime.monotonic`` and ``sleep=VirtualTime.sleep``; a sleep waits until no
  request is in flight, then advances the simulator to the sleeper's deadline;
* the coordinator's ``dt_util.utcnow`` (6 h maintenance, 12 h car list, ``refreshed_at``);
* Home Assistant's OAuth helper (``time.time`` for ``expires_at``), so access tokens expire
  in simulated time, as the simulator's IdP says;
* the push manager's timers (``async_call_later``: silence watchdog, registration retry)
  and Home Assistant's request-refresh debouncer cooldown;
* the coordinator's refresh timer: ``VirtualCoordinator._schedule_refresh`` records a due
  time on the virtual clock (interval or ``retry_after``, as Home Assistant computes it)
  and the harness runs the refresh when the clock gets there.

Home Assistant's own loop clock and its ``dt_util`` elsewhere (entity timestamps) stay real.
Nothing here uses freezegun: its ``freezer`` also freezes the asyncio loop clock, so any
``asyncio.sleep`` would never return.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
import contextlib
from datetime import datetime, timedelta
import heapq
import time
from types import ModuleType
from typing import TYPE_CHECKING, Any

from homeassistant.core import HassJob, HomeAssistant
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.util import dt as dt_util
import pytest

import custom_components.psa_connected_car as integration
from custom_components.psa_connected_car import coordinator as coordinator_module
from custom_components.psa_connected_car.api import (
    PsaClient,
    rate_budget as rate_budget_module,
    transport as transport_module,
)
from custom_components.psa_connected_car.coordinator import PsaCoordinator
from custom_components.psa_connected_car.flow import tokens as flow_tokens
from custom_components.psa_connected_car.polling import rate_budgets as rate_budgets_module
from custom_components.psa_connected_car.push import manager as push_module

if TYPE_CHECKING:
    from custom_components.psa_connected_car.api import Alert, VehicleStatus

    from .sim_host import SimHost

SLEEP_OVERSHOOT_S = 0.001
"""A real sleep always overshoots a little; exactly on the boundary the server may differ."""


class _ModuleProxy:
    """A module with a few attributes replaced (``time``, ``dt_util``)."""

    def __init__(self, module: ModuleType, **overrides: Any) -> None:
        self._module = module
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


class VirtualTime:
    """The simulator's clock, seen from the integration."""

    def __init__(self, host: SimHost) -> None:
        self.host = host
        self.clock = host.sim.clock
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.budget_wait_s = 0.0
        """Virtual seconds the client's rate budget made requests wait (sum of advances)."""
        self.budget_sleeps = 0
        self.sleeping = 0
        self.coordinators: list[VirtualCoordinator] = []
        self.on_push_applied: Callable[[str], None] | None = None
        self.request_timeout_s: float | None = None
        self.timers: list[tuple[float, int, HassJob[..., Any]]] = []
        self._timer_seq = 0
        self.hass: HomeAssistant | None = None

    # -- the clock --------------------------------------------------------------------
    def monotonic(self) -> float:
        """Simulated seconds since the simulator's start."""
        return self.clock.elapsed()

    def timestamp(self) -> float:
        """Simulated POSIX time."""
        return self.clock.timestamp()

    def utcnow(self) -> datetime:
        """Simulated UTC time."""
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        """Move the simulator (world, token expiry, rate windows) forward."""
        if seconds > 0:
            self.host.call(self.host.sim.advance, seconds)

    def advance_to(self, elapsed: float) -> None:
        """Advance to ``elapsed`` simulated seconds (no-op when already there)."""
        self.advance(elapsed - self.monotonic())

    async def sleep(self, seconds: float) -> None:
        """The rate budget's sleep: once no request is in flight, jump to the deadline."""
        deadline = self.monotonic() + max(0.0, seconds) + SLEEP_OVERSHOOT_S
        self.budget_sleeps += 1
        self.sleeping += 1
        try:
            while self.in_flight:
                await self._idle.wait()
            behind = deadline - self.monotonic()
            if behind > 0:
                self.budget_wait_s += behind
                self.advance(behind)
            await asyncio.sleep(0)
        finally:
            self.sleeping -= 1

    async def quiesce(self) -> None:
        """Wait until no request is in flight and no rate-budget sleep is pending.

        After a failed refresh, requests of other cars may still run (``asyncio.gather``
        does not cancel its siblings); in real time they end long before anything else
        happens, so the harness lets them end before it moves the clock.
        """
        quiet = 0
        while quiet < 2:
            if self.in_flight or self.sleeping:
                quiet = 0
                await asyncio.sleep(0.005)
            else:
                quiet += 1
                await asyncio.sleep(0)

    # -- the push manager's timers (silence watchdog, registration retry) ----------------
    def call_later(
        self,
        hass: HomeAssistant,
        delay: float | timedelta,
        action: HassJob[..., Any] | Callable[[datetime], Any],
    ) -> Callable[[], None]:
        """``async_call_later`` on the virtual clock; the harness fires it when due."""
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        job = action if isinstance(action, HassJob) else HassJob(action)
        self._timer_seq += 1
        timer = (self.monotonic() + seconds, self._timer_seq, job)
        heapq.heappush(self.timers, timer)
        self.hass = hass

        def cancel() -> None:
            with contextlib.suppress(ValueError):
                self.timers.remove(timer)
                heapq.heapify(self.timers)

        return cancel

    @property
    def next_timer(self) -> float | None:
        """When the earliest virtual timer is due."""
        return self.timers[0][0] if self.timers else None

    def fire_due_timers(self) -> int:
        """Run the timers that are due; how many ran."""
        fired = 0
        while self.timers and self.timers[0][0] <= self.monotonic() + 1e-6:
            _, _, job = heapq.heappop(self.timers)
            assert self.hass is not None
            self.hass.async_run_hass_job(job, self.utcnow())
            fired += 1
        return fired

    # -- in-flight tracking (a sleeper must not move time under a request) ---------------
    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Count one request in flight."""
        self.in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self._idle.set()

    @property
    def coordinator(self) -> VirtualCoordinator:
        """The current coordinator (a reload after reauth makes a new one)."""
        return self.coordinators[-1]

    # -- installation -----------------------------------------------------------------
    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Point the integration at this clock (undone by ``monkeypatch`` at teardown)."""
        vt = self

        def budget_factory(
            limit: int = 120, window_s: float = 60.0, burst_limit: int = 10
        ) -> rate_budget_module.RateBudget:
            return rate_budget_module.RateBudget(
                limit=limit,
                window_s=window_s,
                burst_limit=burst_limit,
                clock=vt.monotonic,
                sleep=vt.sleep,
            )

        monkeypatch.setattr(rate_budgets_module, "RateBudget", budget_factory)
        monkeypatch.setattr(integration, "PsaCoordinator", _coordinator_class(self))
        if self.request_timeout_s is not None:
            monkeypatch.setattr(integration, "PsaClient", _client_factory(self.request_timeout_s))
        monkeypatch.setattr(
            coordinator_module, "dt_util", _ModuleProxy(dt_util, utcnow=self.utcnow)
        )
        monkeypatch.setattr(
            config_entry_oauth2_flow, "time", _ModuleProxy(time, time=self.timestamp)
        )
        monkeypatch.setattr(flow_tokens, "time", _ModuleProxy(time, time=self.timestamp))
        monkeypatch.setattr(push_module, "async_call_later", self.call_later)
        original_send = transport_module.Transport._send

        async def counted_send(self: transport_module.Transport, *args: Any) -> Any:
            with vt.request():
                return await original_send(self, *args)

        monkeypatch.setattr(transport_module.Transport, "_send", counted_send)


def _client_factory(timeout_s: float) -> Callable[..., Any]:
    """``PsaClient`` with a shorter request timeout (the soak's timeout faults)."""

    def factory(*args: Any, **kwargs: Any) -> PsaClient:
        kwargs["request_timeout"] = timeout_s
        return PsaClient(*args, **kwargs)

    return factory


class VirtualCoordinator(PsaCoordinator):
    """The integration's coordinator whose refresh timer runs on the virtual clock."""

    vt: VirtualTime
    due_at: float | None = None
    _requested_at: float | None = None

    async def async_request_refresh(self) -> None:
        """Home Assistant's debounced request (refresh now, then at most one per cooldown).

        Its ``Debouncer`` times the cooldown on the real loop clock: in fast-forward two
        requests hours apart would fall in one real cooldown and the second one would wait
        for a real timer. Same rule here, on the virtual clock.
        """
        now = self.vt.monotonic()
        cooldown = self._debounced_refresh.cooldown
        if self._requested_at is None or now - self._requested_at >= cooldown:
            self._requested_at = now
            await self.async_refresh()
            return
        end_of_cooldown = self._requested_at + cooldown
        if self.due_at is None or self.due_at > end_of_cooldown:
            self.due_at = end_of_cooldown

    def _schedule_refresh(self) -> None:
        """What ``DataUpdateCoordinator._schedule_refresh`` computes, on the virtual clock."""
        seconds = self._update_interval_seconds
        entry = self.config_entry
        if seconds is None or (entry is not None and entry.pref_disable_polling):
            self.due_at = None
            return
        if self._retry_after is not None:
            seconds = self._retry_after
            self._retry_after = None
        self.due_at = self.vt.monotonic() + seconds

    def _async_unsub_refresh(self) -> None:
        super()._async_unsub_refresh()
        self.due_at = None

    def async_apply_push(
        self,
        vehicle_id: str,
        *,
        status: VehicleStatus | None = None,
        alerts: tuple[Alert, ...] | None = None,
    ) -> bool:
        """Apply a push, then tell the harness (the entity states are written by now)."""
        known = super().async_apply_push(vehicle_id, status=status, alerts=alerts)
        if known and self.vt.on_push_applied is not None:
            self.vt.on_push_applied(vehicle_id)
        return known


def _coordinator_class(vt: VirtualTime) -> Callable[..., VirtualCoordinator]:
    def factory(*args: Any, **kwargs: Any) -> VirtualCoordinator:
        coordinator = VirtualCoordinator(*args, **kwargs)
        coordinator.vt = vt
        vt.coordinators.append(coordinator)
        return coordinator

    return factory
