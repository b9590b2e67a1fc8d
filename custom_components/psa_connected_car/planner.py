"""How often the account can be polled without leaving the API's rate limit."""

from __future__ import annotations

from collections.abc import Sequence, Set
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


def calls_for_cycle(limit: int, window_s: float, interval_s: float, remaining: int) -> int:
    """Requests one cycle may send: its interval's share of the planned part of the limit,
    never more than one window's planned part, nor what the window still allows now."""
    per_window = int(limit * BUDGET_SHARE)
    share = int(per_window * interval_s / window_s)
    return min(share, per_window, remaining)


def plan_cycle(
    stalest_first: Sequence[str], maintenance_due: Set[str], calls_available: int
) -> tuple[list[str], set[str]]:
    """Pick the cars read this cycle (status and alerts) and those that also get maintenance.

    Cars are taken stalest first while their two calls fit in ``calls_available``;
    maintenance, which can wait, only uses what is left.
    """
    fits = max(0, calls_available) // CALLS_PER_VEHICLE_CYCLE
    chosen = list(stalest_first[:fits])
    spare = calls_available - len(chosen) * CALLS_PER_VEHICLE_CYCLE
    with_maintenance = {vid for vid in chosen if vid in maintenance_due}
    return chosen, set(sorted(with_maintenance, key=chosen.index)[: max(0, spare)])
