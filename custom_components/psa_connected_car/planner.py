"""How often the account can be polled without leaving the API's rate limit."""

from __future__ import annotations

import math

from .const import BUDGET_SHARE, CALLS_PER_VEHICLE_CYCLE

MIN_INTERVAL_S = 30
"""Below this, polling only burns budget: cars upload every minute at best while driving."""


def calls_per_cycle(vehicle_count: int) -> int:
    """Requests one refresh cycle sends for the whole account (status + alerts per car)."""
    return max(1, vehicle_count) * CALLS_PER_VEHICLE_CYCLE


def minimum_interval_s(vehicle_count: int, limit: int, window_s: float) -> int:
    """Shortest whole-second interval that keeps a cycle within the planned share of the limit."""
    allowed_per_s = max(1.0, limit * BUDGET_SHARE) / window_s
    return max(MIN_INTERVAL_S, math.ceil(calls_per_cycle(vehicle_count) / allowed_per_s))
