"""Trips: the model and the parser of ``GET /user/vehicles/{id}/trips``.

The parser keeps what the API reports, as reported; which of those figures are
plausible, and what is derived instead, is decided once in ``trip_figures``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .models import EnergyKind, Position
from .parsers import page_items, parse_position
from .parsing import (
    as_list,
    as_mapping,
    dig,
    parse_timestamp,
    to_bool,
    to_canonical,
    to_float,
    to_int,
    to_str,
)


@dataclass(frozen=True, slots=True)
class ReportedConsumption:
    """One ``energyConsumptions`` entry, in the API's (unstated) units."""

    total: float | None
    average: float | None


@dataclass(frozen=True, slots=True)
class Trip:
    """One trip as the API reports it (figures unchecked; see ``trip_figures``)."""

    id: str
    started_at: datetime | None
    stopped_at: datetime | None = None
    reported_duration_s: int | None = None
    reported_distance_km: float | None = None
    start_mileage_km: float | None = None
    done: bool | None = None
    """``None`` when the API does not say."""
    faults: tuple[str, ...] = ()
    """``fault`` or ``fault:cause`` of each entry of ``faults``."""
    start_position: Position | None = field(default=None, repr=False)
    stop_position: Position | None = field(default=None, repr=False)
    start_levels: Mapping[str, float] = field(default_factory=dict)
    """Energy level in % at the start, by ``EnergyKind``."""
    end_levels: Mapping[str, float] = field(default_factory=dict)
    consumptions: Mapping[str, ReportedConsumption] = field(default_factory=dict)
    """By ``EnergyKind``."""
    reported_avg_speed: float | None = None
    reported_max_speed: float | None = None
    electric_share_pct: float | None = None
    """From ``segments``: the part driven on electricity."""

    @property
    def finished(self) -> bool:
        """Over: ``done``, or without that flag a trip with an end or a duration."""
        if self.done is not None:
            return self.done
        return self.stopped_at is not None or self.reported_duration_s is not None

    @property
    def incomplete(self) -> bool:
        """The API lacked data for part of the trip (privacy, connection)."""
        return bool(self.faults)


def trips_query(started_after: datetime | None, states: Iterable[str] = ()) -> dict[str, str]:
    """The query of a trips read: started after ``started_after``, in ``states`` (``tripState``).

    Ranges include their bounds: the last trip seen comes back (``trips_after`` drops it).
    """
    params: dict[str, str] = {}
    if started_after is not None:
        since = started_after.astimezone(UTC).replace(microsecond=0)
        params["timestamps"] = f"{since.isoformat().replace('+00:00', 'Z')}/"
    if wanted := ",".join(states):
        params["tripState"] = wanted
    return params


def trips_after(trips: Iterable[Trip], started_after: datetime | None) -> list[Trip]:
    """``trips`` each once, oldest first: all, or those started after ``started_after``."""
    unique = {trip.id: trip for trip in trips}
    never = datetime.min.replace(tzinfo=UTC)
    newer = [
        trip
        for trip in unique.values()
        if started_after is None or (trip.started_at or never) > started_after
    ]
    return sorted(newer, key=lambda trip: trip.started_at or never)


def parse_trips(doc: object) -> list[Trip]:
    """One page of ``/trips`` (``_embedded.trips``), or a bare list of trips."""
    return page_items(doc, "trips", parse_trip, bare_list=True)


def parse_trip(doc: object) -> Trip | None:
    """One trip; ``None`` without an id."""
    data = as_mapping(doc)
    trip_id = to_str(data.get("id")) if data is not None else None
    if data is None or trip_id is None:
        return None
    kinetic = as_mapping(data.get("kinetic")) or {}
    return Trip(
        id=trip_id,
        started_at=parse_timestamp(data.get("startedAt")),
        stopped_at=parse_timestamp(data.get("stoppedAt")),
        reported_duration_s=_non_negative_int(data.get("duration")),
        reported_distance_km=_non_negative(data.get("distance")),
        start_mileage_km=_non_negative(data.get("startMileage")),
        done=to_bool(data.get("done")),
        faults=_faults(data.get("faults")),
        start_position=parse_position(data.get("startPosition")),
        stop_position=parse_position(data.get("stopPosition")),
        start_levels=_levels(data.get("startEnergies")),
        end_levels=_levels(data.get("endEnergies")),
        consumptions=_consumptions(data.get("energyConsumptions")),
        reported_avg_speed=_non_negative(kinetic.get("avgSpeed")),
        reported_max_speed=_non_negative(kinetic.get("maxSpeed")),
        electric_share_pct=_electric_share(data.get("segments")),
    )


def _non_negative(value: object) -> float | None:
    number = to_float(value)
    return number if number is not None and number >= 0 else None


def _non_negative_int(value: object) -> int | None:
    number = to_int(value)
    return number if number is not None and number >= 0 else None


def _faults(value: object) -> tuple[str, ...]:
    faults: list[str] = []
    for item in as_list(value):
        fault, cause = to_str(dig(item, "fault")), to_str(dig(item, "cause"))
        if fault or cause:
            faults.append(":".join(part for part in (fault, cause) if part))
    return tuple(faults)


def _levels(value: object) -> dict[str, float]:
    levels: dict[str, float] = {}
    for item in as_list(value):
        kind = to_canonical(dig(item, "type"), EnergyKind)
        level = to_float(dig(item, "level"))
        if kind is not None and level is not None and 0 <= level <= 100:
            levels.setdefault(kind, level)
    return levels


def _consumptions(value: object) -> dict[str, ReportedConsumption]:
    result: dict[str, ReportedConsumption] = {}
    for item in as_list(value):
        kind = to_canonical(dig(item, "type"), EnergyKind)
        if kind is None:
            continue
        total = _non_negative(dig(item, "consumption"))
        average = _non_negative(dig(item, "avgConsumption"))
        result.setdefault(kind, ReportedConsumption(total, average))
    return result


def _electric_share(value: object) -> float | None:
    for item in as_list(value):
        if to_str(dig(item, "propulsion")) == "Electric":
            percent = to_float(dig(item, "percent"))
            return percent if percent is not None and 0 <= percent <= 100 else None
    return None
