"""Client-side request budget, shared by every vehicle of one account.

It never lets more than ``limit`` requests leave per ``window_s`` seconds, nor more
than ``burst_limit`` per second; it tightens itself from the server's rate-limit
headers (both header families) and stays silent after a 429 until the server's
reset time. The clock and the sleep function are injectable for tests.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Awaitable, Callable, Mapping
import math
import time

from .errors import RateLimitedError
from .parsing import to_float, to_int

BURST_WINDOW_S = 1.0


def retry_after_from_headers(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait according to ``Retry-After`` or ``X-RateLimit-Reset``."""
    lowered = {key.lower(): value for key, value in headers.items()}
    for name in ("retry-after", "x-ratelimit-reset"):
        seconds = to_float(lowered.get(name))
        if seconds is not None and seconds >= 0:
            return seconds
    return None


class RateBudget:
    """A sliding-window request budget with a per-second burst cap."""

    def __init__(
        self,
        limit: int = 120,
        window_s: float = 60.0,
        burst_limit: int = 10,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Create a budget of ``limit`` requests per ``window_s`` seconds."""
        if limit < 1 or burst_limit < 1 or window_s <= 0:
            raise ValueError("limit, burst_limit and window_s must be positive")
        self._configured_limit = limit
        self._configured_burst = burst_limit
        self._limit = limit
        self._burst_limit = burst_limit
        self._window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._sent: list[float] = []
        self._burst: list[float] = []
        self._blocked_until = float("-inf")
        self._daily_limit: int | None = None
        self._daily_remaining: int | None = None
        self._taken = 0

    @property
    def limit(self) -> int:
        """Requests allowed per window (the server may have lowered it)."""
        return self._limit

    @property
    def window_s(self) -> float:
        """Length of the sliding window, in seconds."""
        return self._window_s

    @property
    def burst_limit(self) -> int:
        """Requests allowed per second."""
        return self._burst_limit

    @property
    def taken(self) -> int:
        """Requests taken from the budget since it was created."""
        return self._taken

    @property
    def daily_remaining(self) -> int | None:
        """Remaining requests of the server's daily window, when it told us."""
        return self._daily_remaining

    @property
    def remaining(self) -> int:
        """Requests that may still be sent in the current window (0 while blocked)."""
        return self.available_within(0)

    def available_within(self, seconds: float) -> int:
        """Requests that can be sent between now and ``seconds`` from now.

        What is left now, plus the requests that leave the sliding window meanwhile: a
        cycle paced over a few seconds may use the slots its predecessor frees.
        """
        now = self._clock()
        self._prune(now)
        if self._blocked_until > now + seconds:
            return 0
        still_counted = len(self._sent) - bisect.bisect_right(
            self._sent, now + seconds - self._window_s
        )
        available = max(0, self._limit - still_counted)
        if self._daily_remaining:
            available = min(available, self._daily_remaining)
        return available

    @property
    def blocked_for(self) -> float:
        """Seconds before the next request may be sent (0 when it may go now)."""
        now = self._clock()
        self._prune(now)
        return max(0.0, self._delay(now))

    def snapshot(self) -> dict[str, float | int | None]:
        """Current figures, for diagnostics."""
        return {
            "limit": self.limit,
            "window_s": self.window_s,
            "burst_limit": self.burst_limit,
            "remaining": self.remaining,
            "blocked_for": round(self.blocked_for, 3),
            "daily_limit": self._daily_limit,
            "daily_remaining": self._daily_remaining,
        }

    async def acquire(self, *, wait: bool = True, max_wait_s: float = 30) -> None:
        """Take one request from the budget.

        When the budget is exhausted, wait until it is not (at most ``max_wait_s``)
        or, with ``wait=False`` or a longer delay, raise ``RateLimitedError`` whose
        ``retry_after`` says when to come back.
        """
        start = self._clock()
        waited = 0.0
        while True:
            now = self._clock()
            self._prune(now)
            delay = self._delay(now)
            if delay <= 0:
                self._record(now)
                return
            spent = max(now - start, waited)
            if not wait or spent + delay > max_wait_s:
                raise RateLimitedError(
                    "request budget exhausted", retry_after=math.ceil(delay * 1000) / 1000
                )
            waited += delay
            await self._sleep(delay)

    def note_rate_limited(self, retry_after_s: float) -> None:
        """Send nothing for ``retry_after_s`` seconds (after a 429)."""
        until = self._clock() + max(0.0, retry_after_s)
        self._blocked_until = max(self._blocked_until, until)

    def update_from_headers(self, headers: Mapping[str, str]) -> None:
        """Tighten the budget from ``X-RateLimit-*`` response headers."""
        lowered = {key.lower(): value for key, value in headers.items()}
        now = self._clock()
        self._prune(now)
        reset = retry_after_from_headers(lowered)
        limit = to_int(lowered.get("x-ratelimit-limit"))
        if limit is not None and limit > 0:
            self._limit = min(self._configured_limit, limit)
        remaining = to_int(lowered.get("x-ratelimit-remaining"))
        if remaining is not None:
            expires_in = self._window_s if reset is None else min(reset, self._window_s)
            self._align_window(max(0, remaining), now - self._window_s + expires_in)
            if remaining <= 0:
                self.note_rate_limited(reset if reset is not None else self._window_s)
        self._update_daily(lowered, reset)
        self._update_burst(lowered)

    def _update_daily(self, headers: Mapping[str, str], reset: float | None) -> None:
        limit = to_int(headers.get("x-ratelimit-limit-1"))
        if limit is not None and limit > 0:
            self._daily_limit = limit
        remaining = to_int(headers.get("x-ratelimit-remaining-1"))
        if remaining is not None:
            self._daily_remaining = max(0, remaining)
            if remaining <= 0:
                self.note_rate_limited(reset if reset is not None else self._window_s)

    def _update_burst(self, headers: Mapping[str, str]) -> None:
        limit = to_int(headers.get("x-ratelimit-limit-2"))
        if limit is not None and limit > 0:
            self._burst_limit = min(self._configured_burst, limit)
        remaining = to_int(headers.get("x-ratelimit-remaining-2"))
        if remaining is not None and remaining <= 0:
            self.note_rate_limited(BURST_WINDOW_S)

    def _align_window(self, server_remaining: int, sent_at: float) -> None:
        """Count phantom requests (sent at ``sent_at``) so we never exceed the server's count."""
        excess = (self._limit - len(self._sent)) - server_remaining
        for _ in range(max(0, excess)):
            bisect.insort(self._sent, sent_at)

    def _prune(self, now: float) -> None:
        del self._sent[: bisect.bisect_right(self._sent, now - self._window_s)]
        del self._burst[: bisect.bisect_right(self._burst, now - BURST_WINDOW_S)]

    def _delay(self, now: float) -> float:
        delay = self._blocked_until - now
        if len(self._sent) >= self._limit:
            delay = max(delay, self._sent[len(self._sent) - self._limit] + self._window_s - now)
        if len(self._burst) >= self._burst_limit:
            oldest = self._burst[len(self._burst) - self._burst_limit]
            delay = max(delay, oldest + BURST_WINDOW_S - now)
        return delay

    def _record(self, now: float) -> None:
        self._taken += 1
        self._sent.append(now)
        self._burst.append(now)
        if self._daily_remaining is not None and self._daily_remaining > 0:
            self._daily_remaining -= 1
