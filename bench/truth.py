"""The simulator's truth over time, and how stale a shown value is against it.

Every upload of every car is recorded (the world's ``on_upload`` hook is wrapped; the push
engine still gets every upload). The *staleness* of a shown value at time ``t`` is how long
the truth has differed from it: 0 when the car's last upload shows the same value, else
``t`` minus the time of the first upload the shown value does not reflect. A parked car
that uploads nothing new is never stale, whatever the age of its data; a car that moved
30 s after the last read is 30 s stale until the next read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from simulator.world.vehicle import Vehicle

    from .sim_host import SimHost

POSITION_TOLERANCE_DEG = 5e-6
LEVEL_TOLERANCE_PCT = 0.051
TIME_TOLERANCE_S = 1e-3
"""Upload times come from datetimes, the clock from a float sum: they differ by ~1e-11."""


class Shown(NamedTuple):
    """What a poller shows for one car (``None``: nothing, or unavailable)."""

    latitude: float | None
    longitude: float | None
    level: float | None


@dataclass
class _History:
    times: list[float] = field(default_factory=list)
    positions: list[tuple[float, float] | None] = field(default_factory=list)
    levels: list[float | None] = field(default_factory=list)


@dataclass
class _Cursor:
    """Where the last answer was found, to avoid rescanning the history."""

    shown: object = None
    last_k: int = -1
    match: int = -1


def level_of(vehicle: Vehicle) -> float | None:
    """The level we compare: fuel for a thermic car, the traction battery otherwise."""
    snap = vehicle.current_snapshot()
    return snap.fuel_pct if vehicle.motorization == "Thermic" else snap.soc_pct


def level_key(motorization: str) -> str:
    """The sensor showing that level."""
    return "fuel_level" if motorization == "Thermic" else "battery_level"


class UploadLog:
    """Every car's uploads (time on the simulator clock, position, level)."""

    def __init__(self, host: SimHost) -> None:
        self._sim = host.sim
        self._start = host.sim.clock.start
        self._histories: dict[str, _History] = {}
        self._cursors: dict[tuple[str, str, str], _Cursor] = {}
        world = host.sim.world
        for vehicle in world.vehicles.values():
            self._record(vehicle)
        previous = world.on_upload

        def hook(vehicle: Vehicle) -> None:
            self._record(vehicle)
            if previous is not None:
                previous(vehicle)

        world.on_upload = hook

    def _record(self, vehicle: Vehicle) -> None:
        snap = vehicle.current_snapshot()
        history = self._histories.setdefault(vehicle.id, _History())
        at = (snap.at - self._start).total_seconds()
        position = (snap.lat, snap.lon) if snap.privacy == "None" else None
        if history.times and at < history.times[-1]:
            at = history.times[-1]
        history.times.append(at)
        history.positions.append(position)
        history.levels.append(level_of(vehicle))

    def uploads(self, vehicle_id: str) -> int:
        """Uploads recorded for one car."""
        return len(self._histories[vehicle_id].times)

    def position_staleness(self, poller: str, vehicle_id: str, now: float, shown: Shown) -> float:
        """Seconds the shown position has lagged behind the car's uploads."""
        value = (
            None
            if shown.latitude is None or shown.longitude is None
            else (shown.latitude, shown.longitude)
        )
        history = self._histories[vehicle_id]
        return self._staleness(
            (poller, vehicle_id, "position"), history.times, history.positions, now, value
        )

    def level_staleness(self, poller: str, vehicle_id: str, now: float, shown: Shown) -> float:
        """Seconds the shown fuel (battery) level has lagged behind the car's uploads."""
        history = self._histories[vehicle_id]
        return self._staleness(
            (poller, vehicle_id, "level"), history.times, history.levels, now, shown.level
        )

    def _staleness(
        self,
        key: tuple[str, str, str],
        times: list[float],
        values: Sequence[object],
        now: float,
        shown: object,
    ) -> float:
        k = bisect_right(times, now + TIME_TOLERANCE_S) - 1
        if k < 0:
            return 0.0
        cursor = self._cursors.setdefault(key, _Cursor())
        if cursor.last_k >= 0 and cursor.shown == shown:
            for index in range(cursor.last_k + 1, k + 1):
                if _same(values[index], shown):
                    cursor.match = index
        else:
            cursor.match = -1
            for index in range(k, -1, -1):
                if _same(values[index], shown):
                    cursor.match = index
                    break
        cursor.shown, cursor.last_k = shown, k
        if cursor.match == k:
            return 0.0
        return max(0.0, now - times[cursor.match + 1])


def _same(truth: object, shown: object) -> bool:
    if truth is None or shown is None:
        return truth is None and shown is None
    if isinstance(truth, tuple) and isinstance(shown, tuple):
        d_lat = abs(float(truth[0]) - float(shown[0]))
        d_lon = abs(float(truth[1]) - float(shown[1]))
        return d_lat <= POSITION_TOLERANCE_DEG and d_lon <= POSITION_TOLERANCE_DEG
    assert isinstance(truth, float | int)
    assert isinstance(shown, float | int)
    return bool(abs(truth - shown) <= LEVEL_TOLERANCE_PCT)


def percentile(samples: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``None`` without samples)."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, -(-share * len(ordered) // 1))
    return ordered[min(len(ordered), int(rank)) - 1]
