"""The ``trip_ended`` event: a finished trip's figures, once per trip."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback

from ..api import Position, Trip, TripFigures
from ..const import EVENT_TRIP_ENDED


def _point(position: Position | None) -> dict[str, float] | None:
    if position is None:
        return None
    return {"latitude": position.latitude, "longitude": position.longitude}


@callback
def async_fire_trip_ended(
    hass: HomeAssistant,
    base: dict[str, Any],
    trip: Trip,
    figures: TripFigures,
    *,
    positions_allowed: bool,
) -> None:
    """Announce ``trip``; its positions only when the car's privacy mode allows them."""
    data: dict[str, Any] = {
        **base,
        "trip_id": figures.trip_id,
        "started_at": figures.started_at.isoformat() if figures.started_at else None,
        "ended_at": figures.ended_at.isoformat() if figures.ended_at else None,
        "distance_km": figures.distance_km,
        "duration_s": figures.duration_s,
        "average_speed_kmh": figures.average_speed_kmh,
        "fuel_used_l": figures.fuel_used_l,
        "fuel_l_per_100km": figures.fuel_l_per_100km,
        "electric_used_kwh": figures.electric_used_kwh,
        "electric_kwh_per_100km": figures.electric_kwh_per_100km,
        "electric_share_pct": figures.electric_share_pct,
        "incomplete": figures.incomplete,
        "faults": list(figures.faults),
    }
    if positions_allowed and not figures.incomplete:
        data["start_position"] = _point(trip.start_position)
        data["stop_position"] = _point(trip.stop_position)
    hass.bus.async_fire(EVENT_TRIP_ENDED, data)
