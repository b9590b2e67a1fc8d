"""The odometer only goes up: a 0 or a drop is a bad reading, not a new car."""

from __future__ import annotations

from dataclasses import replace
import logging

from ..api import VehicleStatus

_LOGGER = logging.getLogger(__name__)


def keep_good_odometer(
    previous: VehicleStatus | None, new: VehicleStatus | None
) -> VehicleStatus | None:
    """``new``, with the last good odometer instead of a 0 or a lower reading.

    Cars have reported 0.0 km while parked; the odometer sensor counts as a meter that
    only grows, so such a reading would be recorded as a reset and spoil the statistics.
    A status that holds no reading keeps none. Logged once per bad spell: when the
    previous status still had a good reading of its own.
    """
    if new is None or new.odometer_km is None:
        return new
    last_good = previous.odometer_km if previous is not None else None
    if new.odometer_km > 0 and (last_good is None or new.odometer_km >= last_good):
        return new
    if not (previous is not None and previous.odometer_held):
        _LOGGER.debug(
            "Ignoring an odometer reading of %s km (last good: %s km)", new.odometer_km, last_good
        )
    return replace(new, odometer_km=last_good, odometer_held=True)
