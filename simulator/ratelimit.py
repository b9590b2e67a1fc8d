"""Sliding-window rate limits per client: a window, a one-second burst and a day."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
import math


@dataclass
class Decision:
    """Whether a request may go on, and the headers to send either way."""

    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)


class SlidingWindowLimiter:
    """Per key: ``limit`` per ``window`` s, ``burst`` per second, ``daily_limit`` per day.

    Timestamps come from the simulated clock (the burst's from ``burst_clock`` when given);
    every window slides. Rejected requests are not
    recorded, so they do not consume budget. A limit of 0 or less is off; ``override`` (set
    by the ``shrink_limit`` fault) replaces the window limit (not the day limit), and there
    0 means "nothing passes".

    Headers: ``X-RateLimit-Limit``/``-Remaining`` report the window, ``-1`` the day and
    ``-2`` the burst. A refusal adds ``X-RateLimit-Reset``/``Retry-After``: whole seconds
    until every exhausted limit has a free slot again.
    """

    BURST_WINDOW = 1.0
    DAY_WINDOW = 86_400.0

    def __init__(
        self,
        limit: int,
        window: float,
        burst: int,
        daily_limit: int = 0,
        burst_clock: Callable[[], float] | None = None,
    ) -> None:
        self.limit = limit
        self.window = window
        self.burst = burst
        self.daily_limit = daily_limit
        self.override: int | None = None
        self._log: dict[str, deque[float]] = {}
        self._day_log: dict[str, deque[float]] = {}
        self._burst_log: dict[str, deque[float]] = {}
        self._burst_clock = burst_clock
        self._seen: Counter[str] = Counter()

    def check(self, key: str, now: float) -> Decision:
        """Record the request at ``now`` if allowed."""
        self._seen[key] += 1
        log = _pruned(self._log.setdefault(key, deque()), now - self.window)
        day_log = _pruned(self._day_log.setdefault(key, deque()), now - self.DAY_WINDOW)
        burst_now = now if self._burst_clock is None else self._burst_clock()
        burst_log = self._burst_log.setdefault(key, deque())
        in_burst = _pruned(burst_log, burst_now - self.BURST_WINDOW)
        resets: list[float] = []
        limit = self.window_limit
        if limit is not None and len(log) >= limit:
            resets.append((log[-limit] if limit else now) + self.window - now)
        if self.daily_limit > 0 and len(day_log) >= self.daily_limit:
            resets.append(day_log[-self.daily_limit] + self.DAY_WINDOW - now)
        if self.burst > 0 and len(in_burst) >= self.burst:
            resets.append(in_burst[-self.burst] + self.BURST_WINDOW - burst_now)
        if resets:
            headers = self._headers(len(log), len(day_log), len(in_burst), max(resets))
            return Decision(allowed=False, headers=headers)
        log.append(now)
        burst_log.append(burst_now)  # in_burst is this log: it counts the request now
        if self.daily_limit > 0:
            day_log.append(now)
        headers = self._headers(len(log), len(day_log), len(in_burst), None)
        return Decision(allowed=True, headers=headers)

    def seen(self, key: str) -> int:
        """Requests checked for ``key`` so far, allowed or not."""
        return self._seen[key]

    @property
    def window_limit(self) -> int | None:
        """The window limit in force (None: off)."""
        if self.override is not None:
            return self.override
        return self.limit if self.limit > 0 else None

    def _headers(
        self, used: int, used_day: int, used_burst: int, reset: float | None
    ) -> dict[str, str]:
        headers: dict[str, str] = {}
        limit = self.window_limit
        if limit is not None:
            headers["X-RateLimit-Limit"] = str(limit)
            headers["X-RateLimit-Remaining"] = str(max(0, limit - used))
        if self.daily_limit > 0:
            headers["X-RateLimit-Limit-1"] = str(self.daily_limit)
            headers["X-RateLimit-Remaining-1"] = str(max(0, self.daily_limit - used_day))
        if self.burst > 0:
            headers["X-RateLimit-Limit-2"] = str(self.burst)
            headers["X-RateLimit-Remaining-2"] = str(max(0, self.burst - used_burst))
        if reset is not None:
            seconds = str(max(1, math.ceil(reset - 1e-9)))
            headers["X-RateLimit-Reset"] = seconds
            headers["Retry-After"] = seconds
        return headers

    def reset(self) -> None:
        """Forget every recorded request."""
        self._log.clear()
        self._day_log.clear()
        self._burst_log.clear()


def _pruned(log: deque[float], cutoff: float) -> deque[float]:
    """``log`` without the timestamps at or before ``cutoff`` (oldest first, in place)."""
    while log and log[0] <= cutoff:
        log.popleft()
    return log


class Stats:
    """Request counters for ``/_sim/stats``."""

    def __init__(self, window: float) -> None:
        self.window = window
        self.requests: dict[str, int] = {}
        self.rate_limited = 0
        self.peak_window = 0
        self.deliveries: dict[str, int] = {"attempts": 0, "succeeded": 0, "failed": 0, "dropped": 0}
        self._accepted: deque[float] = deque()

    def count(self, endpoint: str) -> None:
        """One request reached ``endpoint``."""
        self.requests[endpoint] = self.requests.get(endpoint, 0) + 1

    def accepted(self, now: float) -> None:
        """One API request passed the limiter at ``now`` (sim clock)."""
        self._accepted.append(now)
        while self._accepted and self._accepted[0] <= now - self.window:
            self._accepted.popleft()
        self.peak_window = max(self.peak_window, len(self._accepted))

    def as_dict(self, pending_deliveries: int) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "requests": dict(sorted(self.requests.items())),
            "total": sum(self.requests.values()),
            "rate_limited": self.rate_limited,
            "peak_window": self.peak_window,
            "deliveries": {**self.deliveries, "pending": pending_deliveries},
        }
