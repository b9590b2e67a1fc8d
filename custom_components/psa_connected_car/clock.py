"""Time as the integration sees it: Home Assistant's, unless another clock was put in place.

Everything that decides *when* asks the clock found at ``hass.data[DATA_CLOCK]``: the
coordinator (cycle times, its refresh timer, its request debouncer), the rate budget, the
push manager's timers and the targeted reads' cooldown. Without one, that is Home
Assistant's time and timers. A benchmark puts a virtual clock there before it sets up an
entry, so that it measures the integration as it ships, in fast-forwarded time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import time
from typing import Any, Protocol

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

type RefreshDebouncer = Debouncer[Coroutine[Any, Any, None]]


class Clock(Protocol):
    """Reads of the time, sleeps and timers."""

    @property
    def on_event_loop(self) -> bool:
        """Whether this is the event loop's time, which Home Assistant's own timers follow."""

    def utcnow(self) -> datetime:
        """The current time, timezone-aware (UTC)."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes back."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""

    def call_later(
        self,
        delay: float | timedelta,
        action: HassJob[[datetime], Any] | Callable[[datetime], Any],
    ) -> CALLBACK_TYPE:
        """Run ``action`` (given the time) after ``delay``; returns the cancel function."""

    def request_debouncer(self, logger: logging.Logger) -> RefreshDebouncer | None:
        """The debouncer of refresh requests; ``None``: Home Assistant's default one."""


@dataclass
class HassClock:
    """Home Assistant's time and timers: what runs in production."""

    hass: HomeAssistant

    @property
    def on_event_loop(self) -> bool:
        """Home Assistant's timers already follow this clock."""
        return True

    def utcnow(self) -> datetime:
        """Home Assistant's current time."""
        return dt_util.utcnow()

    def monotonic(self) -> float:
        """The monotonic clock the event loop uses."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep``."""
        await asyncio.sleep(seconds)

    def call_later(
        self,
        delay: float | timedelta,
        action: HassJob[[datetime], Any] | Callable[[datetime], Any],
    ) -> CALLBACK_TYPE:
        """``async_call_later``."""
        return async_call_later(self.hass, delay, action)

    def request_debouncer(self, logger: logging.Logger) -> RefreshDebouncer | None:
        """Home Assistant's default."""
        return None


DATA_CLOCK: HassKey[Clock] = HassKey(f"{DOMAIN}_clock")


def get_clock(hass: HomeAssistant) -> Clock:
    """The clock put in place for this Home Assistant, or its own."""
    return hass.data.get(DATA_CLOCK) or HassClock(hass)
