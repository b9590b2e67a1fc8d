"""Targeted reads for push events that arrive without the data the entities need.

Some deliveries only say that something changed (an alerts event without its list, a status
event without a document). One read of that car answers it; reads are de-duplicated while
one runs and limited to one per car and kind a minute, so a chatty monitor cannot spend the
account's rate budget. The reads themselves are the coordinator's: one budget, one way to
read a car.
"""

from __future__ import annotations

from collections.abc import Callable
import logging

from homeassistant.core import HomeAssistant, callback

from ..api import Alert, PsaError, VehicleStatus
from ..clock import get_clock
from ..const import DOMAIN
from ..coordinator import PsaConfigEntry, PsaCoordinator

_LOGGER = logging.getLogger(__name__)

FETCH_COOLDOWN_S = 60.0
"""At most one targeted read per car and kind in this time (for events without data)."""


class TargetedReads:
    """Reads one car's status or alerts for a push event, then hands the result on."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PsaConfigEntry,
        coordinator: PsaCoordinator,
        on_status: Callable[[str, VehicleStatus], None],
        on_alerts: Callable[[str, tuple[Alert, ...]], None],
    ) -> None:
        """``on_status`` / ``on_alerts`` receive what a read found (active alerts only)."""
        self._hass, self._entry, self._coordinator = hass, entry, coordinator
        self._clock = get_clock(hass)
        self._on_status, self._on_alerts = on_status, on_alerts
        self._running: set[tuple[str, bool]] = set()
        self._read_at: dict[tuple[str, bool], float] = {}

    @callback
    def request(self, vehicle_id: str, *, alerts: bool) -> None:
        """Read the car's alerts (or status) soon, unless a read ran or runs for it."""
        key = (vehicle_id, alerts)
        now = self._clock.monotonic()
        if key in self._running or now - self._read_at.get(key, -FETCH_COOLDOWN_S) < (
            FETCH_COOLDOWN_S
        ):
            return
        self._running.add(key)
        self._read_at[key] = now
        self._entry.async_create_background_task(
            self._hass, self._async_read(vehicle_id, alerts=alerts), f"{DOMAIN} push read"
        )

    async def _async_read(self, vehicle_id: str, *, alerts: bool) -> None:
        try:
            if alerts:
                self._on_alerts(vehicle_id, await self._coordinator.async_read_alerts(vehicle_id))
            elif (status := await self._coordinator.async_read_status(vehicle_id)) is not None:
                self._on_status(vehicle_id, status)
        except PsaError as err:
            _LOGGER.debug("Read after a push event failed: %s", err)
        finally:
            self._running.discard((vehicle_id, alerts))
