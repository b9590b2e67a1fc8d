"""The simulated clock: real monotonic time scaled, plus manual advances."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import time


class SimClock:
    """``now = start + elapsed_real * time_scale + offset`` (``time_scale`` 0 freezes it)."""

    def __init__(
        self,
        start: datetime,
        time_scale: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        self.start = start.astimezone(UTC)
        self.time_scale = time_scale
        self._monotonic = monotonic
        self._origin = monotonic()
        self._offset = 0.0

    def elapsed(self) -> float:
        """Simulated seconds since ``start``."""
        return (self._monotonic() - self._origin) * self.time_scale + self._offset

    def now(self) -> datetime:
        """Simulated current time (UTC)."""
        return self.start + timedelta(seconds=self.elapsed())

    def timestamp(self) -> float:
        """Simulated current time as a POSIX timestamp."""
        return self.start.timestamp() + self.elapsed()

    def advance(self, seconds: float) -> None:
        """Jump forward (never backwards)."""
        if seconds < 0:
            raise ValueError("cannot go back in time")
        self._offset += seconds


def iso(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` and whole seconds, as the API writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration such as ``PT1H25M`` (``PT0S`` for zero)."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = "".join(
        f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if value
    )
    return f"PT{parts or '0S'}"
