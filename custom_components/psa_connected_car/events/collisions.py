"""The ``collision`` event: one per collision the API reports, once."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback

from ..api import Collision
from ..const import EVENT_COLLISION


@callback
def async_fire_collision(
    hass: HomeAssistant, base: dict[str, Any], collision: Collision, *, position_allowed: bool
) -> None:
    """Announce ``collision``; its position only when the car's privacy mode allows it."""
    data: dict[str, Any] = {
        **base,
        "collision_id": collision.id,
        "occurred_at": collision.occurred_at.isoformat() if collision.occurred_at else None,
        "severity": collision.severity,
        "sides": [impact.side for impact in collision.impacts],
        "details": [
            {"side": impact.side, "severity": impact.severity} for impact in collision.impacts
        ],
        "tipped_over": collision.tipped_over,
        "pedestrian": collision.pedestrian,
    }
    if position_allowed and collision.position is not None:
        data["position"] = {
            "latitude": collision.position.latitude,
            "longitude": collision.position.longitude,
        }
    hass.bus.async_fire(EVENT_COLLISION, data)
