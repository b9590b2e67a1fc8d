"""Trip documents: the specification's shape, or the real-world one (``realworld``).

The specification documents ``consumption`` in L (fuel) or kWh (electric) and
``avgConsumption`` in cl/100 km or Wh/100 km; real cars were seen sending a fuel
consumption that only fits centilitres, a ``maxSpeed`` of 0 and an ``avgSpeed`` that fits
neither the distance nor the duration, without ``_links`` nor ``createdAt``. Cars of the
``realworld`` scenario send that shape; every other scenario follows the specification.
"""

from __future__ import annotations

from datetime import datetime

from simulator.render.common import Json, feature, link, stamp
from simulator.world.trips import Point, TripRecord
from simulator.world.vehicle import Vehicle

REAL_AVG_SPEED_FACTOR = 0.46
"""The ratio between the ``avgSpeed`` a real car sent and its distance over duration."""


def trip_document(
    vehicle: Vehicle, trip: TripRecord, api_base: str, now: datetime, *, real: bool
) -> Json:
    """One trip as ``/trips`` lists it and ``/trips/{tid}`` serves it."""
    doc: Json = {
        "id": trip.id,
        "startedAt": stamp(vehicle, trip.started_at),
        "duration": trip.duration_s(now),
        "distance": round(trip.distance_km, 1),
        "startMileage": trip.start_mileage_km,
        "startEnergies": _energies(trip.start_fuel_pct, trip.start_soc_pct, trip, start=True),
        "done": trip.done,
    }
    if trip.stopped_at is not None:
        doc["stoppedAt"] = stamp(vehicle, trip.stopped_at)
        doc["endEnergies"] = _energies(trip.end_fuel_pct, trip.end_soc_pct, trip, start=False)
    doc["energyConsumptions"] = _consumptions(trip, real=real)
    doc.update(_positions(vehicle, trip))
    if trip.privacy_fault is not None:
        doc["faults"] = [{"fault": "DataLacking", "cause": trip.privacy_fault}]
    if real:
        avg = trip.avg_speed_kmh() * REAL_AVG_SPEED_FACTOR
        doc["kinetic"] = {"avgSpeed": round(avg, 2), "maxSpeed": 0.0}
        return doc
    doc["kinetic"] = {
        "avgSpeed": round(trip.avg_speed_kmh(), 2),
        "maxSpeed": round(trip.max_speed_kmh, 1),
    }
    if trip.distance_km > 0 and trip.electric_km > 0:
        share = round(trip.electric_km / trip.distance_km * 100)
        doc["segments"] = [
            {"propulsion": "Electric", "percent": share},
            {"propulsion": "Thermal", "percent": 100 - share},
        ]
    href = f"{api_base}/user/vehicles/{vehicle.id}"
    doc["createdAt"] = stamp(vehicle, trip.started_at)
    doc["updatedAt"] = stamp(vehicle, trip.stopped_at or now)
    doc["_links"] = {"self": link(f"{href}/trips/{trip.id}"), "vehicle": link(href)}
    return doc


def trip_states(trip: TripRecord) -> set[str]:
    """The ``tripState`` values a trip matches."""
    return {"DataLacking"} if trip.privacy_fault else {"Nominal"}


def _energies(
    fuel: float | None, soc: float | None, trip: TripRecord, *, start: bool
) -> list[Json]:
    fuel_range = trip.start_fuel_autonomy_km if start else trip.end_fuel_autonomy_km
    electric_range = trip.start_electric_autonomy_km if start else trip.end_electric_autonomy_km
    energies: list[Json] = []
    for kind, level, autonomy in (
        ("Fuel", fuel, fuel_range),
        ("Electric", soc, electric_range),
    ):
        if level is None:
            continue
        item: Json = {"type": kind, "level": round(level, 1)}
        if autonomy is not None:
            item["autonomy"] = autonomy
        energies.append(item)
    return energies


def _consumptions(trip: TripRecord, *, real: bool) -> list[Json]:
    """Fuel in L (real cars: cl) and electricity in kWh, with their averages per 100 km."""
    items: list[Json] = []
    km = trip.distance_km
    if trip.fuel_l > 0:
        fuel = trip.fuel_l * 100 if real else trip.fuel_l
        average = trip.fuel_l / km * 100 * 100 if km > 0 else 0.0
        items.append(
            {"type": "Fuel", "consumption": round(fuel, 3), "avgConsumption": round(average, 3)}
        )
    if trip.electric_kwh > 0:
        average = trip.electric_kwh / km * 100 * 1000 if km > 0 else 0.0
        items.append(
            {
                "type": "Electric",
                "consumption": round(trip.electric_kwh, 3),
                "avgConsumption": round(average, 3),
            }
        )
    return items


def _positions(vehicle: Vehicle, trip: TripRecord) -> Json:
    doc: Json = {}
    for key, point, moment in (
        ("startPosition", trip.start_position, trip.started_at),
        ("stopPosition", trip.stop_position, trip.stopped_at),
    ):
        if point is not None and moment is not None:
            doc[key] = _feature(vehicle, point, moment)
    return doc


def _feature(vehicle: Vehicle, point: Point, moment: datetime) -> Json:
    return feature(vehicle, point, moment)
