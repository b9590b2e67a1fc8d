"""The account's car list: read every 12 hours, the known cars kept when it fails."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
import logging

from homeassistant.helpers.update_coordinator import UpdateFailed

from ..api import AuthenticationError, PsaClient, PsaError, RateLimitedError, Vehicle
from ..const import DOMAIN, VEHICLE_LIST_INTERVAL
from .data import VehicleData
from .registry import VehicleRegistry

_LOGGER = logging.getLogger(__name__)
VEHICLE_LIST_RETRY = timedelta(hours=1)
"""After a failed or empty car list (the known cars stay meanwhile)."""


class VehicleListing:
    """Decides when the car list is read, and which cars a cycle follows."""

    def __init__(
        self, client: PsaClient, registry: VehicleRegistry, utcnow: Callable[[], datetime]
    ) -> None:
        """The car list of ``client``'s account; ``registry`` keeps the absent cars."""
        self._client = client
        self._registry = registry
        self._utcnow = utcnow
        self._fetched_at: datetime | None = None

    def read_soon(self) -> None:
        """Read the list at the next cycle instead of waiting up to 12 hours."""
        self._fetched_at = None

    async def async_cars(
        self, previous: Mapping[str, VehicleData], wanted: Collection[str]
    ) -> list[Vehicle]:
        """The cars to follow (those in ``wanted``, or all when it is empty).

        A failed or empty list while cars are known is a failed read: the known cars stay.
        """
        now = self._utcnow()
        known = [item.vehicle for item in previous.values()]
        fetched = self._fetched_at
        if previous and fetched is not None and now - fetched < VEHICLE_LIST_INTERVAL:
            return known
        try:
            listed = await self._client.get_vehicles()
        except PsaError as err:
            if isinstance(err, (AuthenticationError, RateLimitedError)) or not previous:
                raise
            _LOGGER.info("Could not refresh the vehicle list (%s); keeping the known cars", err)
            self._retry_later(now)
            return known
        if not listed and (previous or self._registry.has_devices()):
            if not previous:  # a restart: the cars are known from their devices
                raise UpdateFailed(translation_domain=DOMAIN, translation_key="no_cars_listed")
            _LOGGER.info("The API listed no cars; keeping the known cars")
            self._retry_later(now)
            return known
        self._fetched_at = now
        selected = [v for v in listed if not wanted or v.id in wanted]
        followed = [v for v in known if not wanted or v.id in wanted]
        return self._registry.with_absent_cars(selected, followed, now)

    def _retry_later(self, now: datetime) -> None:
        self._fetched_at = now - VEHICLE_LIST_INTERVAL + VEHICLE_LIST_RETRY
