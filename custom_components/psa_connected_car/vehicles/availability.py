"""One log line when a car stops answering, and one when it answers again."""

from __future__ import annotations

import logging

from ..api import PsaError, Vehicle, mask_vin

_LOGGER = logging.getLogger(__name__)


class AvailabilityLog:
    """Logs each car's changes between answering and failing, not every failed cycle."""

    def __init__(self) -> None:
        """No car has failed yet."""
        self._failing: set[str] = set()

    def failed(self, vehicle: Vehicle, err: PsaError) -> None:
        """The car's status could not be read this cycle."""
        if vehicle.id in self._failing:
            _LOGGER.debug("Car %s still fails: %s", mask_vin(vehicle.vin), err)
            return
        self._failing.add(vehicle.id)
        _LOGGER.info(
            "Car %s could not be read (%s); its entities are unavailable until it answers",
            mask_vin(vehicle.vin),
            err,
        )

    def answered(self, vehicle: Vehicle) -> None:
        """The car's status was read this cycle."""
        if vehicle.id in self._failing:
            self._failing.discard(vehicle.id)
            _LOGGER.info("Car %s answers again", mask_vin(vehicle.vin))
