"""A fake monotonic clock whose sleep moves time forward instantly."""

from __future__ import annotations


class FakeClock:
    """Monotonic time under the test's control."""

    def __init__(self, start: float = 1000.0) -> None:
        """Start at ``start`` seconds."""
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        """The current time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        """Record the sleep and jump over it."""
        self.sleeps.append(seconds)
        self.now += seconds
