"""Sliding-window rate limits per client: a long window plus a one-second burst."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
import math


@dataclass
class Decision:
    """Whether a request may go on, and the headers to send either way."""

    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)


class SlidingWindowLimiter:
    """``limit`` requests per ``window`` seconds and ``burst`` per second, per key.

    Timestamps come from the simulated clock. Rejected requests are not recorded, so they do
    not consume budget. A limit of 0 or less is off; ``override`` (set by the
    ``shrink_limit`` fault) replaces the window limit, and there 0 means "nothing passes".
    """

    BURST_WINDOW = 1.0

    def __init__(self, limit: int, window: float, burst: int) -> None:
        self.limit = limit
        self.window = window
        self.burst = burst
        self.override: int | None = None
        self._log: dict[str, deque[float]] = {}

    def check(self, key: str, now: float) -> Decision:
        """Record the request at ``now`` if allowed."""
        log = self._log.setdefault(key, deque())
        while log and log[0] <= now - self.window:
            log.popleft()
        in_burst = [t for t in log if t > now - self.BURST_WINDOW]
        limit = self.window_limit
        if limit is not None and len(log) >= limit:
            reset = (log[-limit] if limit else now) + self.window - now
            return Decision(allowed=False, headers=self._headers(len(log), len(in_burst), reset))
        if self.burst > 0 and len(in_burst) >= self.burst:
            reset = in_burst[-self.burst] + self.BURST_WINDOW - now
            return Decision(allowed=False, headers=self._headers(len(log), len(in_burst), reset))
        log.append(now)
        return Decision(allowed=True, headers=self._headers(len(log), len(in_burst) + 1, None))

    @property
    def window_limit(self) -> int | None:
        """The window limit in force (None: off)."""
        if self.override is not None:
            return self.override
        return self.limit if self.limit > 0 else None

    def _headers(self, used: int, used_burst: int, reset: float | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        limit = self.window_limit
        if limit is not None:
            remaining = str(max(0, limit - used))
            headers["X-RateLimit-Limit"] = str(limit)
            headers["X-RateLimit-Remaining"] = remaining
            headers["X-RateLimit-Limit-1"] = str(limit)
            headers["X-RateLimit-Remaining-1"] = remaining
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
