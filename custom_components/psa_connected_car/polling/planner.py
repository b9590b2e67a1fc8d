"""How often the account can be polled without leaving the API's rate limit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
import math

from ..api import RateBudget, VehicleStatus
from ..const import (
    ACTIVE_INTERVAL,
    ALERTS_RECHECK_INTERVAL,
    ALERTS_RECHECK_WITH_PUSH,
    ALERTS_WHILE_DRIVING,
    ALERTS_WITH_PUSH,
    BUDGET_SHARE,
    CALLS_PER_VEHICLE_CYCLE,
    MAINTENANCE_INTERVAL,
    PARKED_INTERVAL,
    TRIP_READ_CALLS,
)
from ..vehicles.data import VehicleData

MIN_INTERVAL_S = 30
"""Below this, polling only burns budget: cars upload every minute at best while driving."""
DUE_TOLERANCE = timedelta(seconds=30)
"""A car due within this much of a cycle is read by it rather than one cadence later."""


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


def cycle_calls_available(
    budget: RateBudget, cadence: timedelta, last_cycle: timedelta = timedelta(0)
) -> int:
    """Requests the next cycle may send from ``budget``, cycles ``cadence`` apart.

    A cycle also gets the slots that leave the window while it runs: the previous cycle's,
    sent one cadence earlier at the same pace. It runs as long as the last one took (at
    most half the cadence), and at least as long as the burst limit paces its requests.
    """
    interval = cadence.total_seconds()
    wanted = calls_for_cycle(budget.limit, budget.window_s, interval, budget.limit)
    lasts = min(last_cycle.total_seconds(), interval / 2)
    available = budget.available_within(max(wanted / budget.burst_limit, lasts))
    return calls_for_cycle(budget.limit, budget.window_s, interval, available)


def plan_cycle(
    stalest_first: Sequence[str],
    maintenance_due: Set[str],
    calls_available: int,
    costs: Mapping[str, int] | None = None,
) -> tuple[list[str], set[str]]:
    """Pick the cars read this cycle (status and alerts) and those that also get maintenance.

    Cars are taken stalest first while their calls (``costs``, two by default) fit in
    ``calls_available``; maintenance, which can wait, only uses what is left.
    """
    chosen: list[str] = []
    used = 0
    for vid in stalest_first:
        cost = (costs or {}).get(vid, CALLS_PER_VEHICLE_CYCLE)
        if used + cost > calls_available:
            break
        chosen.append(vid)
        used += cost
    spare = calls_available - used
    with_maintenance = [vid for vid in chosen if vid in maintenance_due]
    return chosen, set(with_maintenance[: max(0, spare)])


@dataclass(frozen=True, slots=True)
class WaitingCars:
    """The cars a cycle found due, stalest first, what each was priced and the cycle's calls."""

    stalest_first: Sequence[str]
    costs: Mapping[str, int]
    calls_available: int

    def top_up(self, read: Iterable[str], spent: int) -> set[str]:
        """The next stalest cars not ``read`` yet that the calls not ``spent`` still pay for.

        A plan prices each car at what it may cost; what it did not cost is not lost.
        """
        done = set(read)
        unread = [vid for vid in self.stalest_first if vid not in done]
        chosen, _ = plan_cycle(unread, set(), self.calls_available - spent, self.costs)
        return set(chosen)


def plan_collision_reads(
    chosen: Sequence[str],
    costs: Mapping[str, int],
    calls_available: int,
    collisions_due: Set[str],
) -> set[str]:
    """The chosen cars whose collisions this cycle reads: due ones, within the calls left
    once the cars are paid for (``costs``, two by default); none when none is left.

    ``calls_available`` excludes what maintenance, read first, takes of the spare calls.
    """
    spare = calls_available - sum(costs.get(vid, CALLS_PER_VEHICLE_CYCLE) for vid in chosen)
    due = [vid for vid in chosen if vid in collisions_due]
    return set(due[: max(0, spare)])


def maintenance_due(known: VehicleData | None, now: datetime) -> bool:
    """Whether the car's maintenance is worth a spare call: every ``MAINTENANCE_INTERVAL``."""
    fetched = known.maintenance_fetched_at if known else None
    return fetched is None or now - fetched >= MAINTENANCE_INTERVAL


def alerts_due(
    known: VehicleData, status: VehicleStatus | None, now: datetime, *, pushed: bool = False
) -> bool:
    """Whether to read the car's alerts along with this ``status``.

    Alerts start and end with an upload of the car: without one there is nothing new.
    While it drives the car uploads every half minute, so alerts are read at most every
    ``ALERTS_WHILE_DRIVING`` then. And at least every ``ALERTS_RECHECK_INTERVAL``, in case
    the API does not tie alerts to uploads as closely as its documents suggest. When
    ``pushed``, the alerts monitor delivers new alerts: the re-check, a safety net behind
    it, comes every ``ALERTS_RECHECK_WITH_PUSH``; a car with active alerts has them read
    with an upload at most every ``ALERTS_WITH_PUSH``, to see them end.
    """
    fetched = known.alerts_fetched_at
    recheck = ALERTS_RECHECK_WITH_PUSH if pushed else ALERTS_RECHECK_INTERVAL
    if fetched is None or now - fetched >= recheck:
        return True
    if pushed and (not known.alerts or now - fetched < ALERTS_WITH_PUSH):
        return False
    if known.is_active and now - fetched < ALERTS_WHILE_DRIVING:
        return False
    return status is None or status.updated_at is None or status != known.alerts_status


def planned_calls(known: VehicleData | None, now: datetime, *, pushed: bool = False) -> int:
    """Requests to plan for the car: its status, and its alerts unless surely not due.

    The alerts are surely skipped when even an unknown status (``None``) would not make
    them due: a driving car whose alerts were read recently, or, with push, a car without
    active alerts whose alerts were read within the hour. They are not planned either for
    a quiet car, parked and not charging, whose alerts would not be due unless it uploads
    again: such a car rarely does, and the few that did take from the part of the limit
    the plan leaves. A car whose trip may end (it drives) also gets its trips read.
    """
    if known is None:
        return CALLS_PER_VEHICLE_CYCLE
    trips = TRIP_READ_CALLS if known.is_active else 0
    quiet = not known.is_active and not known.is_charging
    if not alerts_due(known, None, now, pushed=pushed) or (
        quiet and not alerts_due(known, known.status, now, pushed=pushed)
    ):
        return CALLS_PER_VEHICLE_CYCLE - 1 + trips
    return CALLS_PER_VEHICLE_CYCLE + trips


def automatic_cadence(cars: Iterable[VehicleData], push_safety: timedelta | None) -> timedelta:
    """Time from one cycle's start to the next's, for the automatic policy.

    A car the budget has not reached yet (not one that failed) is read at the next minute;
    otherwise a minute while a car drives (pushes say a trip started and ended, not where
    the car is) and 5 minutes parked. With push, a parked account needs only the safety
    interval, but pushes do not announce levels: a charging battery keeps the parked cadence,
    and so does a car whose last read failed (pushes do not tell it answers again).
    """
    items = list(cars)
    if any(item.refreshed_at is None and item.available for item in items):
        return ACTIVE_INTERVAL
    if any(item.is_active for item in items):
        return ACTIVE_INTERVAL
    if push_safety is None:
        return PARKED_INTERVAL
    retry = any(item.is_charging or not item.available for item in items)
    return max(PARKED_INTERVAL, PARKED_INTERVAL if retry else push_safety)


def car_due(known: VehicleData | None, now: datetime, push_safety: timedelta | None) -> bool:
    """Whether a cycle should read this car.

    Without push, every cycle reads every car: a parked car read at the driving cadence
    shows its own trip start sooner. With push, which announces trip starts, a driving car
    is read every minute, a charging one or one whose last read failed at the parked
    cadence and the others at the safety interval, whatever the other cars do.
    """
    if push_safety is None or known is None or known.refreshed_at is None:
        return True
    if known.is_active:
        cadence = ACTIVE_INTERVAL
    else:
        retry = known.is_charging or not known.available
        cadence = PARKED_INTERVAL if retry else push_safety
    return now - known.refreshed_at + DUE_TOLERANCE >= cadence
