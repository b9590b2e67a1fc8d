"""Cars appearing and disappearing from the account: listeners and device registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
import logging
from typing import Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..api import Vehicle, mask_vin
from ..const import DOMAIN

_LOGGER = logging.getLogger(__name__)

DEPARTURE_GRACE = timedelta(hours=24)
"""A car leaves after being absent from successful, non-empty car lists for this long."""


class _HasVehicle(Protocol):
    @property
    def vehicle(self) -> Vehicle: ...


class VehicleRegistry:
    """Tells platforms about new cars and removes the devices of cars that left.

    A car missing from one car list has not necessarily left: the API's lists are not
    always complete. It leaves once absent from the lists for ``DEPARTURE_GRACE``.
    """

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Track the cars of one config entry."""
        self._hass = hass
        self._entry = entry
        self._known: dict[str, str] = {}
        self._listeners: list[Callable[[list[str]], None]] = []
        self._synced = False
        self._absent_since: dict[str, datetime] = {}

    @callback
    def async_add_listener(self, listener: Callable[[list[str]], None]) -> Callable[[], None]:
        """Register a platform callback for new vehicle ids."""
        self._listeners.append(listener)

        def remove() -> None:
            self._listeners.remove(listener)

        return remove

    @callback
    def async_sync(self, data: Mapping[str, _HasVehicle]) -> None:
        """Compare with the previous refresh: announce new cars, drop removed ones."""
        current = {vid: item.vehicle.vin for vid, item in data.items()}
        added = [vid for vid in current if vid not in self._known]
        removed = {vid: vin for vid, vin in self._known.items() if vid not in current}
        self._known = current
        announce = self._synced
        self._synced = True
        if added and announce:
            for listener in list(self._listeners):
                listener(added)
        for vin in removed.values():
            self._remove_device(vin)

    def with_absent_cars(
        self, listed: list[Vehicle], known: Iterable[Vehicle], now: datetime
    ) -> list[Vehicle]:
        """``listed`` plus the ``known`` cars it lacks that have not been gone long enough.

        Call it with every successful, non-empty car list; ``known`` are the cars to keep
        following (those the options still select).
        """
        listed_ids = {vehicle.id for vehicle in listed}
        for vehicle_id in listed_ids:
            self._absent_since.pop(vehicle_id, None)
        kept: list[Vehicle] = []
        for vehicle in known:
            if vehicle.id in listed_ids:
                continue
            since = self._absent_since.setdefault(vehicle.id, now)
            if now - since < DEPARTURE_GRACE:
                kept.append(vehicle)
                continue
            del self._absent_since[vehicle.id]
            _LOGGER.info("Car %s is no longer on the account", mask_vin(vehicle.vin))
        return [*listed, *kept]

    def has_devices(self) -> bool:
        """Whether this entry has car devices (from before a restart, for example)."""
        registry = dr.async_get(self._hass)
        return bool(dr.async_entries_for_config_entry(registry, self._entry.entry_id))

    @callback
    def async_remove_vehicles(self, vins: Iterable[str]) -> None:
        """Remove the devices (and so the entities) of these cars from this entry."""
        for vin in vins:
            self._remove_device(vin)

    def device_id(self, vin: str) -> str | None:
        """Home Assistant's device id of a car."""
        device = dr.async_get(self._hass).async_get_device_by_identifier(
            (DOMAIN, vin), self._entry.entry_id
        )
        return device.id if device else None

    def is_current(self, vin: str) -> bool:
        """Whether the car is still on the account (not absent from its car list)."""
        return any(
            known_vin == vin and vehicle_id not in self._absent_since
            for vehicle_id, known_vin in self._known.items()
        )

    def _remove_device(self, vin: str) -> None:
        registry = dr.async_get(self._hass)
        device = registry.async_get_device_by_identifier((DOMAIN, vin), self._entry.entry_id)
        if device is None:
            return
        _LOGGER.info("Removing the device of car %s", mask_vin(vin))
        registry.async_update_device(device.id, remove_config_entry_id=self._entry.entry_id)
