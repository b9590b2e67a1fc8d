"""One virtual clock for the simulator and the integration, injected the way it ships.

The simulator runs with ``time_scale=0``: its clock moves only through ``Simulator.advance``.
The integration takes its clock from ``hass.data[DATA_CLOCK]`` (``clock.py``); the bench
puts a ``VirtualTime`` there before the entry is set up, so the shipped coordinator, rate
budget and push manager run unmodified on the simulator's clock:

* the rate budget's time and sleep: a sleep waits until every request the budget let go
  has reached the simulator, then advances the simulator to the sleeper's deadline;
* the coordinator's cycle times (6 h maintenance, 12 h car list, ``refreshed_at``) and its
  refresh timer (Home Assistant's interval or ``retry_after``, moved onto this clock);
* the coordinator's request debouncer (Home Assistant's ``Debouncer``, its cooldown timer on
  this clock) and the push manager's timers (silence watchdog, registration retry);
* the targeted reads' cooldown.

One thing is patched, in Home Assistant and not in the integration: ``time.time`` of its
OAuth helper (``expires_at`` of the tokens), so access tokens expire in simulated time, as
the simulator's IdP says. Nothing else is. Home Assistant's loop clock and ``dt_util``
elsewhere (entity timestamps) stay real. Nothing here uses freezegun: its ``freezer`` also
freezes the asyncio loop clock, so any ``asyncio.sleep`` would never return.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import heapq
import logging
import time
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.update_coordinator import (
    REQUEST_REFRESH_DEFAULT_COOLDOWN,
    REQUEST_REFRESH_DEFAULT_IMMEDIATE,
)
import pytest

from custom_components.psa_connected_car.clock import DATA_CLOCK, RefreshDebouncer
from custom_components.psa_connected_car.coordinator import REFRESH_TIMER
from custom_components.psa_connected_car.polling.rate_budgets import DATA_RATE_BUDGETS
from simulator.identities import PARTNER_CLIENT_ID

if TYPE_CHECKING:
    from .sim_host import SimHost

SLEEP_OVERSHOOT_S = 0.001
"""A real sleep always overshoots a little; exactly on the boundary the server may differ."""
ARRIVAL_WAIT_S = 0.5
"""Real seconds a sleeper waits for requests to reach the simulator (one may never go out)."""


class _ModuleProxy:
    """A module with a few attributes replaced (``time``)."""

    def __init__(self, module: ModuleType, **overrides: Any) -> None:
        self._module = module
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


@dataclass(order=True)
class Timer:
    """A timer on the virtual clock."""

    due: float
    seq: int
    job: HassJob[..., Any] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    @property
    def is_refresh(self) -> bool:
        """The coordinator's refresh timer."""
        return self.job.name == REFRESH_TIMER


class _VirtualHandle:
    """What the debouncer cancels (``asyncio.TimerHandle.cancel``)."""

    def __init__(self, cancel: CALLBACK_TYPE) -> None:
        self.cancel = cancel


class VirtualDebouncer(Debouncer[Any]):
    """Home Assistant's debouncer with its cooldown timer on the virtual clock.

    Its own timer runs on the real loop clock: in fast-forward two requests hours apart
    would fall in one real cooldown, and the second would wait for a real timer.
    """

    def __init__(self, hass: HomeAssistant, logger: logging.Logger, vt: VirtualTime) -> None:
        super().__init__(
            hass,
            logger,
            cooldown=REQUEST_REFRESH_DEFAULT_COOLDOWN,
            immediate=REQUEST_REFRESH_DEFAULT_IMMEDIATE,
        )
        self._vt = vt

    @callback
    def _schedule_timer(self) -> None:
        if self._shutdown_requested:
            return
        if self._timer_task is not None:
            self._timer_task.cancel()
        cancel = self._vt.call_later(self.cooldown, lambda _now: self._on_debounce())
        self._timer_task = cast("asyncio.TimerHandle", _VirtualHandle(cancel))


class VirtualTime:
    """The simulator's clock, as the integration's ``Clock``."""

    on_event_loop = False

    def __init__(self, host: SimHost, hass: HomeAssistant) -> None:
        self.host = host
        self.hass = hass
        self.clock = host.sim.clock
        self.budget_wait_s = 0.0
        """Virtual seconds the client's rate budget made requests wait (sum of advances)."""
        self.budget_sleeps = 0
        self.sleeping = 0
        self.timers: list[Timer] = []
        self._timer_seq = 0
        self._never_sent = 0
        self.client_id = PARTNER_CLIENT_ID
        """Whose requests are waited for (a fleet entry's is the fleet API's client id)."""

    # -- the clock ----------------------------------------------------------------------
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
        """The rate budget's sleep: once what it let go has arrived, jump to the deadline."""
        deadline = self.monotonic() + max(0.0, seconds) + SLEEP_OVERSHOOT_S
        self.budget_sleeps += 1
        self.sleeping += 1
        try:
            await self.requests_arrived()
            behind = deadline - self.monotonic()
            if behind > 0:
                self.budget_wait_s += behind
                self.advance(behind)
            await asyncio.sleep(0)
        finally:
            self.sleeping -= 1

    def request_debouncer(self, logger: logging.Logger) -> RefreshDebouncer:
        """Home Assistant's debouncer, its cooldown on this clock."""
        return VirtualDebouncer(self.hass, logger, self)

    # -- requests on their way ------------------------------------------------------------
    def _sent(self) -> int:
        budget = self.hass.data.get(DATA_RATE_BUDGETS, {}).get(self.client_id)
        return budget.taken - self._never_sent if budget is not None else 0

    def _arrived(self) -> int:
        return int(self.host.call(self.host.sim.limiter.seen, self.client_id))

    async def requests_arrived(self) -> None:
        """Wait until every request the budget let go reached the simulator.

        Moving the clock under a request on its way would put it in a later rate window than
        the one the budget counted it in. A request whose token refresh failed after it took
        its slot never goes out: after ``ARRIVAL_WAIT_S`` real seconds it is written off.
        """
        started = time.monotonic()
        while (missing := self._sent() - self._arrived()) > 0:
            if time.monotonic() - started > ARRIVAL_WAIT_S:
                self._never_sent += missing
                return
            await asyncio.sleep(0.001)

    async def quiesce(self) -> None:
        """Wait until requests arrived and no rate-budget sleep is pending.

        After a failed refresh, requests of other cars may still run; in real time they end
        long before anything else happens, so the harness lets them end before it moves on.
        """
        quiet = 0
        while quiet < 2:
            await self.requests_arrived()
            if self.sleeping:
                quiet = 0
                await asyncio.sleep(0.005)
            else:
                quiet += 1
                await asyncio.sleep(0)

    # -- timers -------------------------------------------------------------------------
    def call_later(
        self,
        delay: float | timedelta,
        action: HassJob[[datetime], Any] | Callable[[datetime], Any],
    ) -> CALLBACK_TYPE:
        """``async_call_later`` on the virtual clock; the harness fires it when due."""
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        job = action if isinstance(action, HassJob) else HassJob(action)
        self._timer_seq += 1
        timer = Timer(self.monotonic() + seconds, self._timer_seq, job)
        heapq.heappush(self.timers, timer)

        def cancel() -> None:
            timer.cancelled = True

        return cancel

    def _drop_cancelled(self) -> None:
        while self.timers and self.timers[0].cancelled:
            heapq.heappop(self.timers)

    @property
    def next_timer(self) -> float | None:
        """When the earliest virtual timer is due."""
        self._drop_cancelled()
        return self.timers[0].due if self.timers else None

    @property
    def refresh_due(self) -> float | None:
        """When the coordinator's next refresh is due (``None``: none scheduled)."""
        due = [t.due for t in self.timers if t.is_refresh and not t.cancelled]
        return min(due) if due else None

    def pop_due(self) -> Timer | None:
        """The earliest timer that is due now, taken off the clock."""
        self._drop_cancelled()
        if self.timers and self.timers[0].due <= self.monotonic() + 1e-6:
            return heapq.heappop(self.timers)
        return None

    async def run(self, timer: Timer) -> None:
        """Run a timer's job as Home Assistant would, and wait for it."""
        task = self.hass.async_run_hass_job(timer.job, self.utcnow())
        if task is not None:
            await task

    # -- installation -------------------------------------------------------------------
    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Put this clock where the integration looks for one; Home Assistant's OAuth time."""
        self.hass.data[DATA_CLOCK] = self
        monkeypatch.setattr(
            config_entry_oauth2_flow, "time", _ModuleProxy(time, time=self.timestamp)
        )
        with contextlib.suppress(KeyError):
            del self.hass.data[DATA_RATE_BUDGETS]  # budgets made before follow the real clock
