"""Shared pieces: timestamps (with the quirks' odd formats), links, GeoJSON positions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from simulator.clock import iso
from simulator.render.realworld import (
    coordinates as real_coordinates,
    position_type,
    shows_position,
)
from simulator.world.vehicle import Snapshot, Vehicle

Json = dict[str, Any]
_PARIS_SUMMER = timezone(timedelta(hours=2))


def stamp(vehicle: Vehicle | None, moment: datetime) -> str:
    """A timestamp as this car's backend writes it (RFC 3339 always, odd in ``quirks``)."""
    quirks = vehicle.quirks if vehicle is not None else frozenset()
    if "offset_timestamps" in quirks:
        return moment.astimezone(_PARIS_SUMMER).isoformat(timespec="milliseconds")
    if "micro_timestamps" in quirks:
        return moment.astimezone(UTC).isoformat(timespec="microseconds")
    return iso(moment)


def link(href: str) -> Json:
    """A HAL link object."""
    return {"href": href}


def feature(
    vehicle: Vehicle,
    coordinates: tuple[float, float, float],
    created: datetime,
    heading: int | None = None,
) -> Json:
    """A GeoJSON Feature with a Point ``[longitude, latitude, altitude]``."""
    properties: Json = {"createdAt": stamp(vehicle, created), "type": position_type(vehicle)}
    if heading is not None:
        properties["heading"] = heading
    properties["signalQuality"] = 3 if vehicle.index % 2 else 4
    properties["fixStatus"] = "3D"
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": real_coordinates(vehicle, coordinates)},
        "properties": properties,
    }


def snapshot_feature(vehicle: Vehicle, snap: Snapshot) -> Json | None:
    """Where the car last reported being, unless privacy hides it."""
    if not shows_position(vehicle, snap):
        return None
    return feature(vehicle, (snap.lon, snap.lat, snap.alt), snap.at, snap.heading)
