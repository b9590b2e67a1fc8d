"""What a trip's figures are: each reported figure is kept only when it is plausible.

The specification says ``consumption`` is in L (fuel) or kWh (electric) and
``avgConsumption`` in cl/100 km or Wh/100 km, while real cars send fuel figures that
only fit centilitres and an ``avgSpeed`` that fits neither the distance nor the
duration. So no unit is trusted: a consumption is read in whichever of its candidate
units gives a plausible consumption per 100 km, the averages per 100 km are always
computed from the total and the distance (one figure, one source), and the average
speed reported is shown only when it agrees with distance over duration, which is
shown otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import EnergyKind
from .trips import Trip

MAX_PLAUSIBLE_SPEED_KMH = 250.0
MIN_CONSUMPTION_DISTANCE_KM = 1.0
"""Below this, per-100-km figures are noise: a cold start on 200 m reads 40 l/100 km."""
FUEL_L_PER_100KM = (1.5, 30.0)
ELECTRIC_KWH_PER_100KM = (5.0, 60.0)
FUEL_UNITS_IN_L = (1.0, 0.01)
"""Litres, then centilitres."""
ELECTRIC_UNITS_IN_KWH = (1.0, 0.001)
"""Kilowatt-hours, then watt-hours."""
AVG_SPEED_TOLERANCE = 0.15


@dataclass(frozen=True, slots=True)
class TripFigures:
    """The figures shown for a trip (``None``: not known, or not plausible)."""

    trip_id: str
    started_at: datetime | None
    ended_at: datetime | None
    distance_km: float | None
    duration_s: int | None
    average_speed_kmh: float | None
    fuel_used_l: float | None
    fuel_l_per_100km: float | None
    electric_used_kwh: float | None
    electric_kwh_per_100km: float | None
    electric_share_pct: float | None
    incomplete: bool
    faults: tuple[str, ...]


def trip_figures(trip: Trip) -> TripFigures:
    """The plausible figures of ``trip``."""
    duration = _duration_s(trip)
    distance = _distance_km(trip, duration)
    fuel = _used(trip, EnergyKind.FUEL, distance, FUEL_UNITS_IN_L, FUEL_L_PER_100KM)
    electric = _used(
        trip, EnergyKind.ELECTRIC, distance, ELECTRIC_UNITS_IN_KWH, ELECTRIC_KWH_PER_100KM
    )
    ended = trip.stopped_at
    if ended is None and trip.started_at is not None and duration is not None:
        ended = trip.started_at + timedelta(seconds=duration)
    return TripFigures(
        trip_id=trip.id,
        started_at=trip.started_at,
        ended_at=ended,
        distance_km=distance,
        duration_s=duration,
        average_speed_kmh=_average_speed(trip, distance, duration),
        fuel_used_l=fuel,
        fuel_l_per_100km=_per_100km(fuel, distance),
        electric_used_kwh=electric,
        electric_kwh_per_100km=_per_100km(electric, distance),
        electric_share_pct=trip.electric_share_pct,
        incomplete=trip.incomplete,
        faults=trip.faults,
    )


def _duration_s(trip: Trip) -> int | None:
    if trip.reported_duration_s is not None:
        return trip.reported_duration_s
    if trip.started_at is None or trip.stopped_at is None:
        return None
    seconds = int((trip.stopped_at - trip.started_at).total_seconds())
    return seconds if seconds >= 0 else None


def _distance_km(trip: Trip, duration: int | None) -> float | None:
    """The distance, unless it is a faulted trip's 0 or faster than any car drives."""
    distance = trip.reported_distance_km
    if distance is None or (trip.incomplete and distance == 0):
        return None
    if duration == 0 and distance > 0:
        return None
    if duration and distance / duration * 3600 > MAX_PLAUSIBLE_SPEED_KMH:
        return None
    return distance


def _average_speed(trip: Trip, distance: float | None, duration: int | None) -> float | None:
    if distance is None or not duration:
        return None
    derived = distance / duration * 3600
    reported = trip.reported_avg_speed
    if reported is not None and abs(reported - derived) <= AVG_SPEED_TOLERANCE * derived:
        return reported
    return derived


def _used(
    trip: Trip,
    kind: str,
    distance: float | None,
    units: tuple[float, ...],
    plausible_per_100km: tuple[float, float],
) -> float | None:
    """The energy used, in the first candidate unit giving a plausible consumption."""
    reported = trip.consumptions.get(kind)
    total = reported.total if reported is not None else None
    if total is None or distance is None or distance < MIN_CONSUMPTION_DISTANCE_KM:
        return None
    low, high = plausible_per_100km
    for factor in units:
        if low <= total * factor / distance * 100 <= high:
            return total * factor
    return None


def _per_100km(used: float | None, distance: float | None) -> float | None:
    if used is None or not distance:
        return None
    return used / distance * 100
