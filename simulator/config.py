"""Configuration of one simulator instance (the CLI flags map 1:1 onto these fields)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

DEFAULT_PARTNER_REDIRECT_URIS: tuple[str, ...] = (
    "http://127.0.0.1:*/auth/external/callback",
    "http://localhost:*/auth/external/callback",
    "https://my.home-assistant.io/redirect/oauth",
)

SCENARIOS: tuple[str, ...] = ("default", "quirks", "overdue", "privacy", "empty", "realworld")


@dataclass
class SimulatorConfig:
    """Every knob of the simulator.

    ``rate_limit``/``burst_limit``/``daily_limit`` of 0 or less disable that limit
    (``daily_limit``: requests per client over a sliding 24 h). ``time_scale`` 0 freezes
    the clock: time then moves only through ``Simulator.advance``. ``autonomous`` False keeps
    the cars from leaving on trips or raising alerts by themselves (control API only).
    ``fleets`` gives the size of each fleet of the business (B2B v3) API, 0 for a fleet
    without cars; ``b2b`` False starts no v3 listener, ``b2b_port`` 0 picks a free port.
    ``burst_clock`` (tests only) counts the per-second burst on the client's clock instead
    of the simulated one: with a frozen simulated clock every request would fall in the same
    second, however well the client paces itself.
    """

    vehicles: int = 3
    seed: int = 1
    scenario: str = "default"
    rate_limit: int = 120
    rate_window: float = 60.0
    burst_limit: int = 10
    daily_limit: int = 100_000
    time_scale: float = 1.0
    token_expires_in: int = 3599
    start_time: datetime | None = None
    partner_redirect_uris: tuple[str, ...] = DEFAULT_PARTNER_REDIRECT_URIS
    host: str = "127.0.0.1"
    port: int = 0
    autonomous: bool = True
    burst_clock: Callable[[], float] | None = None
    fleets: tuple[int, ...] = ()
    b2b: bool = True
    b2b_port: int = 0

    def __post_init__(self) -> None:
        if self.scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {self.scenario!r}; choose from {SCENARIOS}")
        if self.vehicles < 0:
            raise ValueError("vehicles must be >= 0")
        if self.time_scale < 0:
            raise ValueError("time_scale must be >= 0")
        if any(size < 0 for size in self.fleets):
            raise ValueError("fleet sizes must be >= 0")
        if self.rate_window <= 0:
            raise ValueError("rate_window must be > 0")


def parse_rate_limit(text: str) -> tuple[int, float]:
    """Parse ``"120/60"`` (requests per seconds) into ``(120, 60.0)``."""
    count, _, window = text.partition("/")
    try:
        limit = int(count)
        seconds = float(window) if window else 60.0
    except ValueError as err:
        raise ValueError(f"rate limit must look like 120/60, got {text!r}") from err
    if seconds <= 0:
        raise ValueError("rate limit window must be > 0")
    return limit, seconds


def parse_fleets(text: str) -> tuple[int, ...]:
    """Parse ``"3,0"`` (cars per fleet) into ``(3, 0)``; ``""`` is no fleet."""
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as err:
        raise ValueError(f"fleets must look like 3,0 (cars per fleet), got {text!r}") from err
    if any(size < 0 for size in sizes):
        raise ValueError("fleet sizes must be >= 0")
    return sizes
